"""Derivative lab: forward and central differences against the exact derivative, truncation against
round-off."""

from __future__ import annotations

import streamlit as st

from gdlab import figures
from gdlab.derivatives import derivative_errors
from gdlab.teaching import lessons
from page.charts import CHART_CONFIG
from page.compute import Model
from page.controls import fmt


def derivative_lab(model: Model, trace, k: int) -> None:
    problem = model.problem
    k = min(max(k, 0), trace.n_steps)
    names = problem.param_names
    j = 0
    if problem.n_params > 1:
        j = st.radio(
            "Derivative with respect to",
            range(problem.n_params),
            format_func=lambda i: names[i],
            horizontal=True,
            key="lab_param",
        )
    theta = trace.thetas[k].copy()

    def along(t: float) -> float:
        point = theta.copy()
        point[j] = t
        return float(problem.cost_value(point))

    exact = float(trace.grads[k, j])
    errors = derivative_errors(along, exact, float(theta[j]))
    st.plotly_chart(
        figures.derivative_error_figure(errors, f"{names[j]} = {fmt(float(theta[j]))}"),
        config=CHART_CONFIG,
        key="derivative_errors",
    )
    best_central = errors.central.min()
    forward = errors.forward.min()
    st.markdown(lessons.difference_errors(k, names[j], exact, best_central, forward))
    st.markdown(lessons.CENTRAL_ON_A_PARABOLA)
