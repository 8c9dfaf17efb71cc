"""Presentation mode: the screen a teacher projects.

Switched on by a toggle or by a link's present=1, so a shared link opens in it. While it is on
the sidebar is hidden (page/style.py: Streamlit can fold it only as the page first loads), so
the switch, the classroom presets and α move to a bar at the top of the main area, and the
verdict, the cost over θ and the cost history share the first 1024×768 screen in type a back
row can read (gdlab/figures/projector.py). Every widget keeps its key, and is drawn in exactly
one place per run, so links, presets and the sidebar's settings work the same either way.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from gdlab.figures.projector import projected

KEY = "present"
# The two charts of the first screen: what 768 px leave under the presets, α and a verdict of
# up to four lines, the step buttons following just below (measured by tests/test_screens.py).
CHART_HEIGHT = 380
HELP = (
    "For a projector: hides the sidebar and puts α, the presets, the verdict, the cost curve "
    "and the cost history on one screen in large type. A link with present=1 opens the page "
    "this way."
)


@dataclass(frozen=True)
class Bar:
    """Where the sidebar's presets and α go while presenting."""

    presets: DeltaGenerator
    rate: DeltaGenerator


def is_on() -> bool:
    return bool(st.session_state.get(KEY, False))


def switch(where: DeltaGenerator) -> None:
    where.toggle("Presentation mode", key=KEY, help=HELP)


def bar() -> Bar:
    """The top of the main area while presenting: the presets in one row, then the switch (to
    leave the mode with the sidebar hidden) beside α."""
    with st.container(key="present_bar"):
        presets = st.container(horizontal=True, key="present_presets")
        left, rate = st.columns([1.2, 4.8], vertical_alignment="center")
        switch(left)
    return Bar(presets, rate)


def chart(
    figure: go.Figure, key: str, config: dict, where: DeltaGenerator, brief_legend: bool = False
) -> None:
    """One of the first screen's charts, in projector type."""
    shown = projected(figure, CHART_HEIGHT, brief_legend=brief_legend)
    where.plotly_chart(shown, config=config, key=key)
