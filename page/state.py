"""The page's controls in session state, and their round trip through the URL.

Widgets own their values through session-state keys. On a session's first run the URL's query
is read into those keys (bad values fall back to defaults with a notice); after every run the
current values are written back, so the address bar is always a link to what is on screen.
"""

from __future__ import annotations

import streamlit as st

from page.links import FIELDS, OPTIMIZER_NAMES, read_link, write_link
from page.plain import quote

SOURCE_LABELS = {"builtin": "Built-in dataset", "synthetic": "Synthetic line",
                 "upload": "Upload a CSV"}  # fmt: skip
LABEL_SOURCES = {label: name for name, label in SOURCE_LABELS.items()}

# link name → session-state key of the widget that holds it
KEYS = {
    "source": "source", "dataset": "dataset", "n": "syn_n", "seed": "syn_seed",
    "slope": "syn_slope", "intercept": "syn_intercept", "noise": "syn_noise",
    "params": "params", "scaling": "scaling", "cost": "cost", "lr": "lr", "steps": "steps",
    "k": "k", "log": "log_history", "predict": "predict", "compare": "compare_rates",
    "section": "section",
    "sweep_low": "sweep_low", "sweep_high": "sweep_high", "sweep_count": "sweep_count",
    "sweep_steps": "sweep_steps", "range_low": "range_low", "range_high": "range_high",
    "range_steps": "range_steps", "race": "race_optimizers", "race_mu": "race_mu",
    "schedule": "race_schedule", "batch": "race_batch", "shuffle": "race_seed",
    **{f"race_lr_{name}": f"race_lr_{name}" for name in OPTIMIZER_NAMES},
    "formula_preset": "custom_preset", "formula": "custom_text",
    "formula_params": "custom_params", "formula_lr": "custom_lr",
    "formula_steps": "custom_steps", "formula_optimizer": "custom_optimizer",
    **{name: name for name in ("beyond_model", "beyond_width", "beyond_act", "beyond_lr",
                               "beyond_steps", "beyond_seed", "beyond_k", "beyond_sweep")},
    "present": "present",
}  # fmt: skip
THETA0_FROM_LINK = "_theta0_from_link"
NOTICES = "_link_notices"
MAX_NOTICES = 8  # a link with thousands of bad parameters gets a count, not thousands of lines
MAX_NOTICE_LENGTH = 300  # longer than any notice, whose quotes of the link are already short


def defaults(**values) -> None:
    """Give widgets their starting values through session state, where a link may have put
    others first (a widget must not get both a default and a session-state value)."""
    for key, value in values.items():
        st.session_state.setdefault(key, value)


def read_url_once() -> None:
    """Seed the controls from the URL, once per session."""
    if "_link_read" in st.session_state:
        return
    st.session_state["_link_read"] = True
    values, notices = read_link(st.query_params.to_dict())
    for name, value in values.items():
        if name == "theta0":
            st.session_state[THETA0_FROM_LINK] = value
        elif name == "source":
            st.session_state["source"] = SOURCE_LABELS[value]
        elif name == "compare":
            st.session_state["compare_rates"] = ", ".join(f"{v:g}" for v in value)
        elif name == "preset":
            st.session_state["_preset_from_link"] = value
        elif name == "race":
            st.session_state["race_optimizers"] = list(value)
        elif name == "formula_theta0":
            for j, start in enumerate(value):
                st.session_state[f"custom_theta0_{j}"] = start
        else:
            st.session_state[KEYS[name]] = value
    if "formula" in values and "formula_preset" not in values:
        st.session_state["custom_preset"] = "your own"  # the typed text is what was shared
    st.session_state[NOTICES] = list(notices)


def add_notice(text: str) -> None:
    st.session_state.setdefault(NOTICES, []).append(text)


def show_notices() -> None:
    """The link's problems, as plain text: a notice quotes the link, which anyone can write."""
    notices = st.session_state.get(NOTICES, [])
    if not notices:
        return
    shown = [quote(notice, MAX_NOTICE_LENGTH) for notice in notices[:MAX_NOTICES]]
    if len(notices) > MAX_NOTICES:
        shown.append(
            quote(f"{len(notices) - MAX_NOTICES:,} more link parameters could not be used either.")
        )
    st.warning("**This link had values the page could not use.** " + " ".join(shown))


def write_url(theta0: tuple[float, ...], compare: tuple[float, ...], section: str) -> None:
    """Put every control's current value in the address bar (defaults are left out)."""
    values = {}
    for name, key in KEYS.items():
        if key in st.session_state and name != "compare":
            value = st.session_state[key]
            values[name] = LABEL_SOURCES.get(value, value) if name == "source" else value
    values["theta0"] = theta0 if any(theta0) else FIELDS["theta0"].default
    values["compare"] = compare
    values["section"] = section
    if "race" in values:
        values["race"] = tuple(values["race"])
    starts = [st.session_state[f"custom_theta0_{j}"] for j in range(2)
              if f"custom_theta0_{j}" in st.session_state]  # fmt: skip
    if starts:
        values["formula_theta0"] = tuple(float(v) for v in starts)
    if values.get("source") != "synthetic":
        for name in ("n", "seed", "slope", "intercept", "noise"):
            values.pop(name, None)
    query = write_link(values)
    if query != st.query_params.to_dict():
        st.query_params.from_dict(query)
