"""Optimizers: a race of gradient descent, momentum, Nesterov, AdaGrad, RMSProp and Adam, with
schedules, mini-batches and the stability region of momentum."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdlab import figures
from gdlab.number_format import count_text
from gdlab.running import schedules
from gdlab.running.optimizers import DEFAULT_LRS, OPTIMIZERS
from gdlab.teaching import lessons
from gdlab.theory import momentum_rate, momentum_stable, optimal_momentum
from page import compute
from page.charts import CHART_CONFIG
from page.compute import Model
from page.controls import fmt
from page.sidebar import clamp_state
from page.state import defaults

NAMES = {"gd": "Gradient descent", "momentum": "Momentum", "nesterov": "Nesterov",
         "adagrad": "AdaGrad", "rmsprop": "RMSProp", "adam": "Adam"}  # fmt: skip


SCHEDULE_NAMES = {
    "constant": "constant",
    "step": "step decay",
    "exponential": "exponential",
    "inverse_time": "1/t decay",
    "cosine": "cosine",
    "warmup": "linear warm-up",
}


def _schedule(kind: str, lr: float, steps: int):
    """The chosen schedule around a base rate, with its own controls (a float when constant)."""
    if kind == "step":
        gamma = st.session_state.get("sched_gamma", 0.5)
        return schedules.StepDecay(lr, gamma, max(1, steps // 4))
    if kind == "exponential":
        return schedules.Exponential(lr, st.session_state.get("sched_decay", 0.99))
    if kind == "inverse_time":
        return schedules.InverseTime(lr, 10.0 / steps)
    if kind == "cosine":
        return schedules.Cosine(lr, steps)
    if kind == "warmup":
        return schedules.Warmup(lr, max(1, steps // 10))
    return lr


def _status(trace) -> str:
    if trace.diverged:
        return f"diverged at step {trace.diverged_at}"
    if trace.converged:
        return f"converged in {count_text(trace.n_steps, 'step')}"
    return f"J = {fmt(trace.cost)} after {count_text(trace.n_steps, 'step')}"


def race_section(model_key: tuple, model: Model, theta0: tuple, lr: float, steps: int) -> None:
    problem = model.problem
    defaults(race_optimizers=["gd", "momentum", "adam"], race_mu=0.9, race_seed=0)
    chosen = st.multiselect(
        "Optimizers in the race", list(NAMES), format_func=NAMES.get, key="race_optimizers"
    )
    if not chosen:
        st.info("Choose at least one optimizer.")
        return
    span = float(np.mean(np.diff(problem.theta_bounds(), axis=1)))
    columns = st.columns(len(chosen))
    rates = {}
    for column, name in zip(columns, chosen, strict=True):
        # Adaptive methods step about α in θ's own units: start them at 1% of the θ range.
        defaults(**{f"race_lr_{name}": lr if name not in DEFAULT_LRS
                    else float(f"{0.01 * span:.2g}")})  # fmt: skip
        rates[name] = column.number_input(
            f"α for {NAMES[name]}", 1e-8, 100.0, format="%.3g", key=f"race_lr_{name}"
        )
    left, middle, right = st.columns(3)
    mu = left.slider("momentum μ", 0.0, 0.99, step=0.01, key="race_mu")
    kind = middle.selectbox(
        "learning-rate schedule",
        list(SCHEDULE_NAMES),
        format_func=SCHEDULE_NAMES.get,
        key="race_schedule",
    )
    clamp_state("race_batch", 1, problem.n, problem.n)  # a link or other data may be off
    batch = right.slider("mini-batch size (n = full batch)", 1, problem.n, key="race_batch")
    seed = right.number_input("shuffle seed", 0, 2**31 - 1, key="race_seed")
    batch_size = None if batch >= problem.n else int(batch)
    traces, labels = [], []
    for name in chosen:
        settings = (mu,) if name in ("momentum", "nesterov") else ()
        rate = _schedule(kind, rates[name], steps)
        trace = compute.run_optimizer(
            model_key, model, theta0, name, settings, rate, steps, batch_size, int(seed)
        )
        traces.append(trace)
        labels.append(f"{NAMES[name]}: {_status(trace)}")
    longest = max(t.n_steps for t in traces)
    k = st.slider("Step k (all optimizers)", 0, max(longest, 1), key="race_k")
    view = figures.parameter_view(problem, traces[int(np.argmin([t.cost for t in traces]))])
    with st.container(key="charts_race"):  # one a row on a projector (page/style.py)
        left, right = st.columns(2)
    left.plotly_chart(
        figures.race_paths_figure(problem, traces, labels, k, view),
        config=CHART_CONFIG,
        key="race_paths",
    )
    right.plotly_chart(
        figures.race_history_figure(traces, labels, k), config=CHART_CONFIG, key="race_history"
    )
    if batch_size is not None:
        st.caption(lessons.mini_batch_note(batch_size, problem.n))
    with st.expander("The update rules (as in PyTorch's torch.optim)"):
        for name in chosen:
            settings = (mu,) if name in ("momentum", "nesterov") else ()
            st.markdown(f"**{NAMES[name]}**")
            st.latex(OPTIMIZERS[name](*settings).formula)
        rate = _schedule(kind, 1.0, steps)
        if not isinstance(rate, float):
            st.markdown("**Schedule**")
            st.latex(rate.formula)
    if any(name in ("momentum", "nesterov") for name in chosen):
        momentum_theory(model, rates.get("momentum", rates.get("nesterov", lr)), mu)


def momentum_theory(model: Model, lr: float, mu: float) -> None:
    theory = model.theory
    best_lr, best_mu, best_rate = optimal_momentum(theory)
    rate = float(momentum_rate(lr, mu, theory.curved))
    plain = theory.contraction(theory.optimal_lr)
    stable = momentum_stable(lr, mu, theory.lambda_max)
    # Beside its explanation on a laptop; one a row on a projector's 1024 px (page/style.py).
    with st.container(key="charts_momentum"):
        left, right = st.columns([3, 2])
    left.plotly_chart(
        figures.momentum_region_figure(theory, lr, mu),
        config=CHART_CONFIG,
        key="momentum_region",
    )
    if theory.condition_number < 1 + 1e-9:  # one curvature: both rates are 0, say why
        best = (
            f"Here every direction has the same curvature (κ = 1): plain descent at "
            f"α* = {fmt(theory.optimal_lr)} lands on the minimum in one step. The best pair is "
            f"α = {fmt(best_lr)}, μ = {fmt(best_mu, 3)}: momentum has nothing to add. "
            "In a narrow valley (two parameters, unscaled) it has: its best rate is "
            "(√κ − 1)/(√κ + 1) against (κ − 1)/(κ + 1) without it (Goh, *Why Momentum Really "
            "Works*, 2017)."
        )
    else:
        best = (
            f"The best pair is α = {fmt(best_lr)}, μ = {fmt(best_mu, 3)}: the error shrinks "
            f"×{fmt(best_rate, 3)} = (√κ − 1)/(√κ + 1) per step, against ×{fmt(plain, 3)} "
            "= (κ − 1)/(κ + 1) at the best plain rate (Goh, *Why Momentum Really Works*, 2017)."
        )
    right.markdown(
        f"With momentum, gradient descent converges when 0 ≤ μ < 1 and "
        f"αλ_max < 2(1 + μ): here α < **{fmt(2 * (1 + mu) / theory.lambda_max)}** for "
        f"μ = {fmt(mu, 3)} (plain descent needs α < {fmt(theory.critical_lr)}).\n\n"
        f"Your (α, μ) {'converges' if stable else 'does **not** converge'}, with the error "
        f"multiplied by {fmt(rate, 3)} per step.\n\n{best}"
    )
