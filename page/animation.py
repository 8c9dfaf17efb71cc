"""The run as a self-contained HTML animation, for slides: built only when the button is
pressed (plotly.js inside makes the file about 5 MB)."""

from __future__ import annotations

import streamlit as st

from gdlab.figures.animation import run_animation_html
from page.compute import Model, Run


def download_animation(model: Model, run: Run, dataset_name: str, lr: float) -> None:
    title = f"gdlab: {dataset_name}"
    st.download_button(
        "Download this run as an HTML animation",
        data=lambda: run_animation_html(model.problem, run.trace, lr, title),
        file_name="gdlab-run-animation.html",
        mime="text/html",
        icon=":material/movie:",
        key="download_animation",
        help="One HTML file that plays the run step by step with no network "
        "(plotly.js is inside it): open it in any browser, or put it on a slide.",
    )
