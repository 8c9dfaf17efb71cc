"""The run at a glance, above every section: the verdict, the final numbers and where α sits among
the regimes."""

from __future__ import annotations

import streamlit as st

from gdlab import figures
from page.charts import CHART_CONFIG
from page.compute import Model, Run
from page.controls import fmt

VERDICT_BOXES = {
    "smooth": st.success,
    "oscillating": st.info,
    "slow": st.warning,
    "boundary": st.warning,
    "diverging": st.error,
}


def show_verdict(run: Run) -> None:
    with st.container(key="verdict"):
        VERDICT_BOXES[run.verdict.kind](f"**{run.verdict.headline}** {run.verdict.detail}")


def show_metrics(model: Model, run: Run) -> None:
    trace, problem = run.trace, model.problem
    final_theta = [(f"Final {name}", fmt(v)) for name, v in
                   zip(problem.param_names, trace.theta, strict=True)]  # fmt: skip
    tiles = [
        ("Final cost J", fmt(trace.cost)),
        ("Minimum J*", fmt(problem.min_cost)),
        *final_theta,
        ("Steps taken", f"{trace.n_steps:,}"),
        ("Gradient norm ‖∇J‖", fmt(float(trace.grad_norms[-1]), 3)),
    ]
    # A wrapping row of tiles as wide as their text: a narrow screen puts them on two lines
    # instead of cutting "3.719×10¹¹" to "3.7…".
    with st.container(horizontal=True, gap="medium", key="metrics"):
        for label, value in tiles:
            st.metric(label, value, width="content")


def show_regime_bar(model: Model, lr: float, steps: int) -> None:
    figure = figures.regime_bar_figure(model.theory, lr, steps)
    st.plotly_chart(figure, config=CHART_CONFIG, key="regime_bar")
