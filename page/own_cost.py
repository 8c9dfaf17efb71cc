"""Your own cost function: typed, parsed safely, differentiated exactly, then descended."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdlab import figures
from gdlab.derivatives import check_gradient
from gdlab.expressions import ExpressionError
from gdlab.models.typed import CustomCost
from gdlab.number_format import count_text
from gdlab.running.descent import Trace, descend
from gdlab.running.optimizers import OPTIMIZERS
from gdlab.teaching.cost_presets import PRESET_COSTS
from gdlab.teaching.own_cost_verdict import (
    curvature_words,
    judge_own_cost,
    local_curvature,
    local_limits,
)
from page.charts import CHART_CONFIG
from page.controls import fmt
from page.plain import quote
from page.race import NAMES
from page.step_by_step import PLAY_INTERVAL_S, step_controls

OWN = "your own"
PREFIX = "custom_"  # this section's step and play state, apart from Step by step's
MAX_ERROR_LENGTH = 400  # longer than any parser message, whose quotes of the formula are short
GRID_POINTS = {1: 301, 2: 61}  # per parameter, to look for a θ where a typed J is defined


@st.cache_data(max_entries=64, show_spinner=False)
def custom_run(
    text: str, n_params: int, bounds: tuple, theta0: tuple, lr: float, steps: int, optimizer: str
) -> tuple[CustomCost, Trace]:
    cost = CustomCost.from_text(text, n_params, bounds=bounds)
    return cost, descend(cost, np.array(theta0), lr, steps, optimizer=OPTIMIZERS[optimizer]())


def _choose_preset() -> str:
    def load() -> None:
        name = st.session_state["custom_preset"]
        if name != OWN:
            preset = PRESET_COSTS[name]
            st.session_state["custom_text"] = preset.text
            st.session_state["custom_params"] = preset.n_params
            for j, value in enumerate(preset.start):
                st.session_state[f"custom_theta0_{j}"] = value
            st.session_state["custom_lr"] = preset.rate
            st.session_state["custom_k"] = 0

    # The surface a link named (or the first one) brings its formula, start and rate, except
    # where the link gave those too; a one-parameter surface takes θ₁'s start from Rosenbrock.
    first = PRESET_COSTS.get(st.session_state.get("custom_preset"), PRESET_COSTS["two minima"])
    st.session_state.setdefault("custom_text", first.text)
    st.session_state.setdefault("custom_params", first.n_params)
    starts = (*first.start, *PRESET_COSTS["Rosenbrock"].start[len(first.start) :])
    for j, value in enumerate(starts):
        st.session_state.setdefault(f"custom_theta0_{j}", value)
    st.session_state.setdefault("custom_lr", first.rate)
    name = st.selectbox(
        "Start from a classic surface", [*PRESET_COSTS, OWN], key="custom_preset", on_change=load
    )
    if name != OWN:
        st.caption(PRESET_COSTS[name].description)
    return name


def custom_section() -> None:
    st.markdown(
        "Type a cost J(θ) in `theta` (one parameter) or `theta0`, `theta1` (two). "
        "Allowed: numbers, + − * / **, pi, e and sin, cos, tan, exp, log, sqrt, abs, "
        "tanh, sinh, cosh, arctan, sigmoid, sign."
    )
    name = _choose_preset()
    left, right = st.columns([4, 1])
    text = left.text_input("J(θ) =", key="custom_text", max_chars=500)
    n_params = right.radio("parameters", (1, 2), key="custom_params", horizontal=True)
    preset = PRESET_COSTS.get(name)
    bounds = preset.bounds if preset is not None and preset.n_params == n_params else None
    try:
        cost = CustomCost.from_text(text, n_params, bounds=bounds)
    except ExpressionError as error:  # its message quotes the formula: shown as plain text
        st.error(f"**That formula cannot be used.** {quote(error, MAX_ERROR_LENGTH)}")
        st.code(error.pointer(), language=None)
        return
    except ValueError as error:
        st.error(quote(error, MAX_ERROR_LENGTH))
        return
    st.latex(rf"J = {cost.expression.to_latex()}")
    for pname, formula in zip(cost.param_names, cost.gradient_formulas, strict=True):
        st.latex(rf"\frac{{\partial J}}{{\partial {_tex(pname)}}} = {formula.to_latex()}")

    # Two rows: five controls in one row leave the optimizer's name cut at 1024×768.
    columns = st.columns(n_params + 1)
    theta0 = tuple(
        float(
            columns[j].number_input(
                f"start {cost.param_names[j]}", -1e6, 1e6, key=f"custom_theta0_{j}", format="%g"
            )
        )
        for j in range(n_params)
    )
    lr = columns[n_params].number_input("α", 1e-8, 100.0, key="custom_lr", format="%g")
    st.session_state.setdefault("custom_steps", 200)
    below = st.columns(2)
    steps = below[0].slider("steps", 1, 2000, key="custom_steps")
    optimizer = below[1].selectbox(
        "optimizer", list(NAMES), format_func=NAMES.get, key="custom_optimizer"
    )
    undefined = _undefined_start(cost, np.array(theta0))
    if undefined:
        st.error(undefined)
        return
    check = check_gradient(lambda t: float(cost.cost_value(t)), cost.gradient, np.array(theta0))
    if np.all(np.isfinite(check.analytic)):
        st.caption(
            f"Exact gradient at the start: {_vector(check.analytic)}; central differences "
            f"give {_vector(check.numerical)} (relative difference "
            f"{fmt(check.relative_error, 2)})."
        )
    st.caption(
        "This α is the typed cost's own: a formula has its own scale, so the sidebar's α (set "
        "for the regression's cost) would rarely suit it. Each classic surface loads a rate "
        "that shows it."
    )
    cost, trace = custom_run(text, n_params, bounds, theta0, float(lr), int(steps), optimizer)
    view = figures.parameter_view(cost, trace)
    limits = local_limits(cost.hessian_at(trace.thetas))
    final = local_curvature(cost.hessian_at(trace.theta))
    verdict = judge_own_cost(trace, float(lr), limits, final, view.left_at)
    box = {"diverged": st.error, "converged": st.success, "left view": st.warning}
    with st.container(key="custom_verdict"):
        box.get(verdict.kind, st.info)(
            f"**{NAMES[optimizer]} with α = {fmt(float(lr))} {verdict.headline}.** {verdict.detail}"
        )
    plain = optimizer == "gd"
    start_words = curvature_words(
        local_curvature(cost.hessian_at(trace.thetas[0])),
        float(lr),
        f"the start, θ = {_point(trace.thetas[0])}",
    )
    st.markdown(start_words + ("" if plain else _RULE_NOTE))
    interval = PLAY_INTERVAL_S if st.session_state.get(f"{PREFIX}playing") else None
    st.fragment(_stepper, run_every=interval)(cost, trace, view, optimizer, float(lr))


# Momentum and Adam take steps of another size: 2/λ_max is plain gradient descent's limit.
_RULE_NOTE = " (2/λ_max is the limit for plain gradient descent; this optimizer's differs.)"


def _stepper(cost: CustomCost, trace: Trace, view: figures.View, optimizer: str, lr: float) -> None:
    """Step through the run, as in Step by step: a fragment, so play redraws only this."""
    k = step_controls(trace.n_steps, prefix=PREFIX)
    here = local_curvature(cost.hessian_at(trace.thetas[k]))
    words = curvature_words(here, lr, f"step {k}, θ = {_point(trace.thetas[k])}")
    st.markdown(words + ("" if optimizer == "gd" else _RULE_NOTE))
    with st.container(key="charts_custom"):
        left, right = st.columns(2)
        if cost.n_params == 1:
            left.plotly_chart(
                figures.cost_curve_figure(cost, trace, k, view),
                config=CHART_CONFIG,
                key="custom_curve",
            )
        else:
            left.plotly_chart(
                figures.race_paths_figure(cost, [trace], [NAMES[optimizer]], k, view),
                config=CHART_CONFIG,
                key="custom_paths",
            )
        right.plotly_chart(
            # A cost that stays positive (most surfaces) falls over decades: a log axis shows
            # the slow end of the run; one that goes negative (two minima) keeps a linear axis.
            figures.history_figure(trace, k, None, log_scale=bool(np.all(trace.costs > 0))),
            config=CHART_CONFIG,
            key="custom_history",
        )


def run_status(trace: Trace) -> str:
    """How a run ended, for the line under the formula."""
    if trace.diverged:
        return f"diverged at step {trace.diverged_at}"
    if trace.converged:
        return f"converged in {count_text(trace.n_steps, 'step')}"
    return f"stopped after {count_text(trace.n_steps, 'step')}"


def _undefined_start(cost: CustomCost, theta0: np.ndarray) -> str | None:
    """Why descent cannot start from θ₀ (J or its gradient is not a finite number there), or
    None. A formula undefined over the whole view is a typo away (sqrt(theta-5)), so say so."""
    value_ok = bool(np.isfinite(cost.cost_value(theta0)))
    if value_ok and np.all(np.isfinite(cost.gradient(theta0))):
        return None
    names = cost.param_names
    start = (f"{names[0]} = {fmt(float(theta0[0]))}" if cost.n_params == 1
             else f"({', '.join(names)}) = {_vector(theta0)}")  # fmt: skip
    what = "The gradient of J" if value_ok else "J"
    message = f"**{what} is undefined at the start {start}** (not a finite number): "
    box = cost.theta_bounds()
    axes = [np.linspace(low, high, GRID_POINTS[cost.n_params]) for low, high in box]
    if np.any(np.isfinite(cost.cost_value(np.stack(np.meshgrid(*axes), axis=-1)))):
        return message + "choose a start where J and its slope are numbers, or change the formula."
    view = ", ".join(
        f"{name} in [{fmt(low)}, {fmt(high)}]" for name, (low, high) in zip(names, box, strict=True)
    )
    return message + (
        f"in fact J is undefined over the whole view ({view}). Check the formula: sqrt needs "
        "an argument ≥ 0, log one > 0, and a division a denominator other than 0."
    )


def _tex(name: str) -> str:
    return name.replace("θ", r"\theta ").replace("₀", "_0").replace("₁", "_1")


def _named(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else "(" + ", ".join(names) + ")"


def _vector(values: np.ndarray) -> str:
    """θ or a gradient as the page writes it: 21 for one parameter, (1.5, −2) for two."""
    texts = [fmt(float(v)) for v in np.ravel(values)]
    return texts[0] if len(texts) == 1 else "(" + ", ".join(texts) + ")"


def _point(theta: np.ndarray) -> str:
    return fmt(float(theta[0])) if theta.size == 1 else _vector(theta)
