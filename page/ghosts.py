"""Ghosts on the page: while the switch is on, every run the session has seen at another α, with
the same data, model and start, is drawn faintly under the current one (at most MAX_GHOSTS, the
oldest dropped first), until the teacher clears them."""

from __future__ import annotations

import streamlit as st

from gdlab import figures
from page.compute import Run
from page.controls import fmt

STORE = "_ghosts"  # {"owner": (model key, θ₀), "runs": {α: Ghost}} in this session
MAX_GHOSTS = 5


def _clear() -> None:
    st.session_state.pop(STORE, None)


def controls() -> bool:
    with st.container(horizontal=True, key="ghost_controls"):
        on = st.toggle(
            "Keep earlier runs as ghosts",
            key="ghosts_on",
            help="Each α you try stays drawn faintly, so too small, just right and too big can "
            "be seen on the same chart while you drag α.",
        )
        if on:
            st.button("Clear ghosts", key="clear_ghosts", on_click=_clear)
    return on


def remember(owner: tuple, lr: float, run: Run) -> tuple[figures.Ghost, ...]:
    """Record this run; return the others to draw (none while the switch is off)."""
    if not st.session_state.get("ghosts_on"):
        _clear()
        return ()
    store = st.session_state.get(STORE)
    if store is None or store["owner"] != owner:  # other data or start: the old runs mislead
        store = {"owner": owner, "runs": {}}
        st.session_state[STORE] = store
    runs = store["runs"]
    runs.pop(lr, None)  # re-inserted last: the most recent
    runs[lr] = figures.ghost_of(run.trace, f"earlier α = {fmt(lr)}")
    while len(runs) > MAX_GHOSTS + 1:
        runs.pop(next(iter(runs)))
    return tuple(ghost for rate, ghost in runs.items() if rate != lr)
