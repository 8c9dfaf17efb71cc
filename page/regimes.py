"""Regimes: the excess cost kept per step against the theory's envelope, and the cobweb of a one-
parameter run."""

from __future__ import annotations

import streamlit as st

from gdlab import figures
from gdlab.figures.four_regimes import MULTIPLES, STEPS
from page import compute
from page.charts import CHART_CONFIG
from page.compute import Model, Run
from page.controls import fmt


def four_regimes(model_key: tuple, model: Model, theta0: tuple) -> None:
    """One click, every regime: four rates from the same start on one chart."""
    theory, problem = model.theory, model.problem
    kinds = tuple(MULTIPLES)
    rates = [MULTIPLES[kind] * theory.critical_lr for kind in kinds]
    runs = [compute.run_descent(model_key, model, theta0, lr, STEPS) for lr in rates]
    labels = [
        f"{theory.regime(lr, STEPS).title}: α = {fmt(lr)} ({MULTIPLES[kind]:g}·α_crit)"
        for kind, lr in zip(kinds, rates, strict=True)
    ]
    # The oscillating run visits both sides of θ*: its view holds every trail but the one
    # that diverges, which leaves it as it should.
    view = figures.parameter_view(problem, runs[kinds.index("oscillating")].trace)
    traces = [run.trace for run in runs]
    st.plotly_chart(
        figures.four_regimes_figure(problem, traces, kinds, labels, view),
        config=CHART_CONFIG,
        key="four_regimes_chart",
    )
    st.caption(
        "Too small creeps down one side; a good rate walks straight in; above 1/λ_max each "
        "step jumps across the minimum; above α_crit = 2/λ_max every jump lands further out."
    )


def regimes_section(model_key: tuple, model: Model, theta0: tuple, run: Run, lr: float) -> None:
    four_regimes(model_key, model, theta0)
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
