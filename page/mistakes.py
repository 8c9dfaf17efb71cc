"""The derivation's mistakes: the gradient without x and the update without α, each run beside
the correct update on the sidebar's data, start, α and steps."""

from __future__ import annotations

import numpy as np
import streamlit as st

import gdlab
from gdlab.figures import mistakes as figures
from gdlab.teaching import lessons, mistakes
from page.charts import CHART_CONFIG
from page.compute import Model
from page.controls import fmt


@st.cache_data(max_entries=32, show_spinner=False)
def _lessons(key: tuple, _model: Model, theta0: tuple, lr: float, steps: int):
    problem, start = _model.problem, np.array(theta0)
    return (
        mistakes.without_x(problem, start, lr, steps),
        mistakes.without_rate(problem, start, lr, steps),
    )


def mistakes_section(
    key: tuple, model: Model, theta0: tuple, lr: float, steps: int, dataset: gdlab.Dataset
) -> None:
    problem = model.problem
    without_x, without_rate = _lessons(key, model, tuple(theta0), lr, steps)
    st.markdown(lessons.TWO_MISTAKES)
    gradient = mistakes.gradient_formulas(problem.cost, problem.n_params)
    update = mistakes.update_formulas(problem.n_params)
    with st.container(key="mistake_formulas"):
        wrong, right = st.columns(2)
        wrong.markdown("**The derivation writes**")
        wrong.latex(gradient.wrong)
        wrong.latex(update.wrong)
        right.markdown("**The chain rule gives**")
        right.latex(gradient.right)
        right.latex(update.right)

    st.subheader("1. The gradient without x")
    with st.container(key="charts_without_x"):
        left, right = st.columns(2)
        left.plotly_chart(
            figures.without_x_parameter_figure(problem, without_x),
            config=CHART_CONFIG,
            key="without_x_theta",
        )
        right.plotly_chart(
            figures.without_x_fit_figure(problem, without_x, dataset.x_label, dataset.y_label),
            config=CHART_CONFIG,
            key="without_x_fit",
        )
    st.markdown(_where_without_x_leads(problem, without_x))
    _gradient_check(problem, without_x)

    st.subheader("2. The update without α")
    with st.container(key="charts_without_rate"):
        left, right = st.columns(2)
        left.plotly_chart(
            figures.without_rate_figure(without_rate, problem.min_cost, lr, dataset.x_unit),
            config=CHART_CONFIG,
            key="without_rate_history",
        )
        with right:
            st.markdown(_why_without_rate(problem, without_rate, dataset.x_unit))
            if without_rate.units:
                st.markdown(_units_table(without_rate, dataset.x_unit))


def _vector(theta: np.ndarray) -> str:
    values = ", ".join(fmt(v) for v in theta)
    return values if theta.size == 1 else f"({values})"


def _where_without_x_leads(problem: gdlab.LinearRegression, lesson: mistakes.WithoutX) -> str:
    limit, mean_x, mean_y = lesson.limit, *lesson.mean_point
    var = "x" if problem.scaling == "none" else "z"
    ended = lesson.mistaken
    run = (
        f"This run diverged at step {ended.diverged_at}."
        if ended.diverged
        else f"After {ended.n_steps} steps it is at θ = {_vector(ended.theta)}."
    )
    if limit.settles:
        how = (
            f"Each step multiplies the mean residual by {fmt(limit.factor)}, so it gets there: "
            f"θ → **{_vector(limit.limit)}**."
        )
    elif lesson.mean_row.sum() == 0:
        how = (
            f"Here Σⱼm̄ⱼ = 0 (the mean of {var} is 0): no step changes the mean residual, so θ "
            "drifts by the same amount every step and never stops."
        )
    else:
        how = (
            f"Each step multiplies the mean residual by {fmt(limit.factor)}, whose size is at "
            "least 1: the run never settles there."
        )
    if problem.n_params == 1:
        fixed = (
            f"θ = ȳ/{var}̄ = {fmt(mean_y)}/{fmt(lesson.mean_row[0])} = **{fmt(lesson.fixed_point)}**"
            if lesson.fixed_point is not None
            else f"no θ at all, since {var}̄ = 0"
        )
        return (
            f"Without x the rule stops wherever Σ(ŷᵢ − yᵢ) = 0: {fixed}. Least squares stops "
            f"where Σ(ŷᵢ − yᵢ){var}ᵢ = 0, at θ\\* = Σ{var}y/Σ{var}² = "
            f"**{fmt(lesson.least_squares[0])}**. The first only makes the residuals average "
            f"zero; the second makes them uncorrelated with {var}, which is what fits the "
            f"slope. {how} {run}"
        )
    names = problem.param_names
    factor = "1/n" if problem.cost == "half_mse" else "2/n"
    return (
        f"Without x both components of the gradient are the same number, ({factor})Σ(ŷᵢ − yᵢ), so "
        f"every step moves {names[0]} and {names[1]} by the same amount, along (1, 1). The rule "
        "stops as soon as Σ(ŷᵢ − yᵢ) = 0: any line through the mean point (x̄, ȳ) = "
        f"({fmt(mean_x)}, {fmt(mean_y)}) will do, a whole line of fixed points "
        f"{names[0]} + {fmt(lesson.mean_row[1])}·{names[1]} = {fmt(mean_y)} (dash-dotted). "
        f"Which one depends on the start. {how} Least squares is θ\\* = "
        f"**{_vector(lesson.least_squares)}**: with an intercept its residuals sum to zero "
        "too, so θ\\* is on that line, but nothing in the rule moves θ along it. "
        f"{run}"
    )


def _gradient_check(problem: gdlab.LinearRegression, lesson: mistakes.WithoutX) -> None:
    first = lesson.checks[0].check
    st.markdown(
        "**The gradient check** (`gdlab.derivatives.check_gradient`) compares a gradient with "
        "central differences of J; its relative error ‖a − n‖/(‖a‖ + ‖n‖) is near 0 for a "
        f"right gradient and at most 1. At the start the gradient without x has relative error "
        f"**{fmt(first.relative_error, 3)}**; the chain rule's has "
        f"{fmt(lesson.correct_check.relative_error, 2)}."
    )
    rows = ["| where | derivative | without x | central differences of J |", "|---|---|---|---|"]
    for check_at in lesson.checks:
        check = check_at.check
        for j, name in enumerate(problem.param_names):
            rows.append(
                f"| {check_at.where if j == 0 else ''} | ∂J/∂{name} | {fmt(check.analytic[j])} "
                f"| {fmt(check.numerical[j])} |"
            )
    st.markdown("\n".join(rows))
    st.caption(lessons.GRADIENT_WITHOUT_X_CHECK)


def _unit(unit: float, x_unit: str) -> str:
    if unit == 1:
        return x_unit or "x's own units"
    return f"{unit:g} {x_unit}".strip()


def _why_without_rate(
    problem: gdlab.LinearRegression, lesson: mistakes.WithoutRate, x_unit: str
) -> str:
    text = (
        "Without α the step is the raw gradient: it is α = 1. Near the minimum each step "
        "multiplies the error along each eigenvector of the Hessian by 1 − λ, so α = 1 "
        f"converges only when every curvature is below 2: **λ_max < 2**. Here λ_max = "
        f"**{fmt(lesson.lambda_max)}**: α = 1 {lesson.regime.title}."
    )
    if not mistakes.units_matter(problem):
        return text + (
            " Scaled x is the same in every unit (z is a ratio), so no change of units moves "
            "λ_max: the scaling, not the units, decides what α = 1 does."
        )
    if problem.n_params == 1:
        text += (
            f" The curvature is {_hessian_factor(problem)}Σxᵢ², in the units of x squared: "
            "x in units c times larger divides it by c²."
        )
    else:
        text += (
            f" The Hessian {_hessian_factor(problem)}XᵀX has the entries n, Σxᵢ and Σxᵢ²: x in "
            "units c times larger divides the second by c and the third by c²."
        )
    if lesson.threshold_unit is None:
        return text + (
            " With an intercept and MSE the column of ones alone has curvature 2, so λ_max ≥ 2 "
            "in every unit: α = 1 never converges, however x is measured."
        )
    text += (
        f" α = 1 converges once x is in units more than {fmt(lesson.threshold_unit)} times larger"
    )
    if lesson.rescaled is not None:
        return text + f": in units of {_unit(lesson.rescaled_unit, x_unit)} it does (dotted)."
    return text + "."


# "too slow" is said of a rate the page chose; here it is the units that were chosen.
_RATE_ONE_DOES = {"slow": "converges, slowly"}


def _hessian_factor(problem: gdlab.LinearRegression) -> str:
    return "(1/n)" if problem.cost == "half_mse" else "(2/n)"


def _units_table(lesson: mistakes.WithoutRate, x_unit: str) -> str:
    rows = ["| x in units of | λ_max | α = 1 |", "|---|---|---|"]
    for choice in lesson.units:
        rows.append(
            f"| {_unit(choice.unit, x_unit)} | {fmt(choice.lambda_max, 5)} "
            f"| {_RATE_ONE_DOES.get(choice.regime.kind, choice.regime.title)} |"
        )
    return "\n".join(rows)
