"""Derivative lab: forward and central differences against the exact derivative, truncation against
round-off."""

from __future__ import annotations

import streamlit as st

from gdlab import figures
from gdlab.derivatives import derivative_errors
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
    st.markdown(
        f"At step k = {k}, the exact derivative ∂J/∂{names[j]} = **{fmt(exact, 10)}** "
        f"(from the formula with the factor x). Central differences get within "
        f"{fmt(best_central, 2)} at their best step, forward differences within "
        f"{fmt(errors.forward.min(), 2)}. Too large an h and the difference quotient measures "
        "the curve, not the tangent (truncation); too small and the two costs agree in almost "
        "every digit, so their difference is mostly rounding (round-off)."
    )
    st.markdown(
        "Here J is a parabola in each parameter, so the central difference has no truncation "
        "error at all (its Taylor series stops before the h² term): it has no right arm. Its "
        "error is round-off alone, about ε·J/h, and keeps falling as h grows, while the forward "
        "difference pays h/2·J″ and rises again. Try your own cost to see both arms."
    )
