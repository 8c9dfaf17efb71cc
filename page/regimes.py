"""Regimes: the excess cost kept per step against the theory's envelope, and the cobweb of a one-
parameter run."""

from __future__ import annotations

import streamlit as st

from gdlab import figures
from page.charts import CHART_CONFIG
from page.compute import Model, Run
from page.controls import fmt


def regimes_section(model: Model, run: Run, lr: float) -> None:
    theory = model.theory
    if model.problem.n_params == 1:  # one curvature λ = J″: steepest and flattest are one
        factors = (
            f"Each step multiplies the error by 1 − αλ = **{fmt(1 - lr * theory.lambda_max, 3)}**"
        )
    else:
        factors = (
            f"Each step multiplies the error along the steepest direction by 1 − αλ_max = "
            f"**{fmt(1 - lr * theory.lambda_max, 3)}** and along the flattest by 1 − αλ_min = "
            f"**{fmt(1 - lr * theory.lambda_min, 3)}**"
        )
    st.markdown(
        f"{factors}. A factor between 0 and 1 shrinks smoothly, between −1 and 0 flips sides "
        "while shrinking, below −1 grows."
    )
    with st.container(key="charts_regimes"):  # one a row on a projector (page/style.py)
        left, right = st.columns(2)
    left.plotly_chart(
        figures.cost_ratio_figure(model.problem, run.trace, theory, lr),
        config=CHART_CONFIG,
        key="ratio_chart",
    )
    if model.problem.n_params == 1:
        view = figures.parameter_view(model.problem, run.trace)
        right.plotly_chart(
            figures.cobweb_figure(model.problem, run.trace, lr, view),
            config=CHART_CONFIG,
            key="cobweb_chart",
        )
        right.caption(
            "A map slope between −1 and 1 pulls the path into the fixed point θ*; "
            "a negative slope makes it spiral, a slope below −1 throws it out."
        )
    else:
        right.markdown(
            f"Condition number κ = λ_max/λ_min = **{fmt(theory.condition_number)}**. "
            f"At the best fixed rate α* = {fmt(theory.optimal_lr)} both directions shrink "
            f"×(κ − 1)/(κ + 1) = {fmt(theory.contraction(theory.optimal_lr))} per step. "
            "Switch to one parameter for the cobweb view."
        )
