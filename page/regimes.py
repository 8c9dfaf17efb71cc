"""Regimes: the excess cost kept per step against the theory's envelope, and the cobweb of a one-
parameter run."""

from __future__ import annotations

import streamlit as st

from gdlab import figures
from gdlab.figures.four_regimes import MULTIPLES, STEPS
from gdlab.teaching import lessons
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
    st.caption(lessons.FOUR_REGIMES)


def regimes_section(model_key: tuple, model: Model, theta0: tuple, run: Run, lr: float) -> None:
    four_regimes(model_key, model, theta0)
    theory = model.theory
    n_params = model.problem.n_params
    st.markdown(lessons.error_factors(lr, theory.lambda_max, theory.lambda_min, n_params))
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
        right.caption(lessons.COBWEB)
    else:
        optimal = theory.optimal_lr
        right.markdown(
            lessons.condition_note(theory.condition_number, optimal, theory.contraction(optimal))
        )
