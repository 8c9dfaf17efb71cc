"""Beyond quadratics: logistic regression and a one-hidden-layer network on real data, with the
sharpness λ_max(θₖ) against 2/α along the run, the cost along −∇J at step k and the fit.

The section has its own controls and its own run (the sidebar's straight line is not used), so
its verdict is the one for a cost whose curvature changes (gdlab.teaching.curved_verdict).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

import gdlab
from gdlab.curvature import SharpnessRecord, sharpness_along
from gdlab.figures.descent_line import descent_line_figure
from gdlab.figures.model_fit import model_fit_figure
from gdlab.figures.rate_sweep import rate_sweep_figure
from gdlab.figures.sharpness import sharpness_figure
from gdlab.figures.step import history_figure
from gdlab.figures.trajectory_plane import (
    TrajectoryPlane,
    trajectory_plane,
    trajectory_plane_figure,
)
from gdlab.models.network import MAX_WIDTH
from gdlab.running.rate_sweep import RateSweep, sweep_rates
from gdlab.teaching import lessons
from gdlab.teaching.curved_models import (
    EDGE_OF_STABILITY,
    MODELS,
    initial_theta,
    model_choice,
    sharpness_every,
)
from gdlab.teaching.curved_verdict import judge_curved
from gdlab.teaching.verdict import Verdict
from page.charts import CHART_CONFIG
from page.controls import LR_GRID, LR_MAX, LR_MIN, MAX_PAGE_STEPS, fmt, format_rate
from page.links import FIELDS
from page.sidebar import clamp_state
from page.state import defaults

KEYS = ("beyond_model", "beyond_width", "beyond_act", "beyond_lr", "beyond_steps",
        "beyond_seed", "beyond_k", "beyond_sweep")  # fmt: skip
ACTIVATION_NAMES = {"tanh": "tanh", "relu": "ReLU"}
VERDICT_BOXES = {"edge": st.info, "separable": st.info, "converged": st.success,
                 "stable": st.success, "above_edge": st.warning, "diverging": st.error}  # fmt: skip


@dataclass(frozen=True)
class CurvedRun:
    problem: object  # LogisticRegression or OneHiddenLayer
    trace: gdlab.Trace
    record: SharpnessRecord
    verdict: Verdict
    bound: float | None  # logistic regression's global curvature bound L


@st.cache_data(max_entries=32, show_spinner=False)
def curved_run(key: str, width: int, activation: str, lr: float, steps: int, seed: int):
    """One run with its sharpness, cached by content and shared by every session."""
    choice = model_choice(key)
    problem = choice.build(width, activation)
    trace = gdlab.descend(problem, initial_theta(problem, seed), lr, steps)
    record = sharpness_along(problem, trace, every=sharpness_every(steps))
    logistic = choice.family == "logistic"
    bound = problem.curvature_bound() if logistic else None
    verdict = judge_curved(trace, record, lr, bound=bound, separable=logistic and problem.separable)
    return CurvedRun(problem, trace, record, verdict, bound)


@st.cache_data(max_entries=32, show_spinner=False)
def run_plane(
    key: str, width: int, activation: str, lr: float, steps: int, seed: int
) -> TrajectoryPlane:
    """The landscape plane of that run (J at every grid point: the slow part), cached too."""
    run = curved_run(key, width, activation, lr, steps, seed)
    return trajectory_plane(run.problem, run.trace)


SWEEP_RATES = 30  # from 2/λ_max(θ₀)/100 to 20 times it


@st.cache_data(max_entries=16, show_spinner=False)
def run_sweep(
    key: str, width: int, activation: str, steps: int, seed: int, start_sharpness: float
) -> RateSweep:
    """SWEEP_RATES rates around the start's local limit, one batched run for the network."""
    problem = model_choice(key).build(width, activation)
    edge = 2.0 / start_sharpness
    lrs = np.clip(np.geomspace(edge / 100, edge * 20, SWEEP_RATES), LR_MIN, LR_MAX)
    theta0 = initial_theta(problem, seed)
    if hasattr(problem, "costs_and_gradients"):
        return sweep_rates(problem, theta0, np.unique(lrs), steps)
    runs = [gdlab.descend(problem, theta0, float(lr), steps) for lr in np.unique(lrs)]
    return _as_sweep(np.unique(lrs), runs, steps)


def _as_sweep(lrs: np.ndarray, runs: list, steps: int) -> RateSweep:
    """Separate runs (logistic regression: two or three parameters, no batch needed) as one
    RateSweep, so both models draw the same chart."""
    costs = np.full((lrs.size, steps + 1), np.nan)
    for row, run in zip(costs, runs, strict=True):
        row[: run.costs.size] = run.costs
    return RateSweep(
        lrs=lrs, costs=costs, final_thetas=np.array([run.theta for run in runs]),
        n_steps=np.array([run.n_steps for run in runs]),
        statuses=tuple(run.status for run in runs),
        diverged_at=np.array([run.diverged_at if run.diverged else -1 for run in runs]),
        max_steps=steps,
    )  # fmt: skip


@st.cache_data(max_entries=64, show_spinner=False)
def descent_line(key: str, width: int, activation: str, lr: float, steps: int, seed: int, k: int):
    """The cost along −∇J at step k: 150 costs of the model, kept for each (run, k), since a
    rerun for something else (the sidebar's α) changes nothing here."""
    run = curved_run(key, width, activation, lr, steps, seed)
    return descent_line_figure(run.problem, run.trace, k)


def use_edge_preset() -> None:
    """The classroom preset (a button callback: runs before the page)."""
    preset = EDGE_OF_STABILITY
    st.session_state.update({
        "beyond_model": preset.model, "beyond_width": preset.width,
        "beyond_act": preset.activation, "beyond_lr": preset.lr,
        "beyond_steps": preset.steps, "beyond_seed": preset.seed, "beyond_k": preset.steps,
    })  # fmt: skip


def _preset_is_on() -> bool:
    preset, state = EDGE_OF_STABILITY, st.session_state
    chosen = (state["beyond_model"], state["beyond_width"], state["beyond_act"],
              state["beyond_lr"], state["beyond_steps"], state["beyond_seed"])  # fmt: skip
    return chosen == (preset.model, preset.width, preset.activation, preset.lr, preset.steps,
                      preset.seed)  # fmt: skip


def _controls():
    """The section's own controls, each kept inside its range whatever a link or state says."""
    defaults(**{key: FIELDS[key].default for key in KEYS})
    clamp_state("beyond_width", 1, MAX_WIDTH, 16)
    clamp_state("beyond_steps", 1, MAX_PAGE_STEPS, 1000)
    clamp_state("beyond_seed", 0, 2**31 - 1, 0)
    clamp_state("beyond_lr", LR_MIN, LR_MAX, 0.05)
    st.button(
        f"Classroom preset: {EDGE_OF_STABILITY.title}",
        icon=":material/school:",
        on_click=use_edge_preset,
        key="beyond_edge",
    )
    # A logistic model has no activation to choose: its long name gets the whole row.
    top = st.columns([3, 2] if MODELS[st.session_state["beyond_model"]].uses_network else [1])
    key = top[0].selectbox(
        "Model and data", list(MODELS), format_func=lambda k: MODELS[k].label, key="beyond_model"
    )
    network = MODELS[key].uses_network
    activation = "tanh"
    if network:
        activation = top[1].radio(
            "Activation",
            list(ACTIVATION_NAMES),
            format_func=ACTIVATION_NAMES.get,
            key="beyond_act",
            horizontal=True,
        )
    current = float(st.session_state["beyond_lr"])
    # A link may ask for a rate between grid points: offer it as a stop of its own.
    options = LR_GRID if current in LR_GRID else tuple(sorted((*LR_GRID, current)))
    row = st.columns(4 if network else 2)
    lr = row[0].select_slider("Learning rate α (log scale)", options, key="beyond_lr",
                              format_func=format_rate)  # fmt: skip
    steps = row[1].slider("Steps", 1, MAX_PAGE_STEPS, key="beyond_steps")
    width, seed = 16, 0
    if network:  # logistic regression has no hidden layer and starts from θ = 0
        width = row[2].slider("Hidden units", 1, MAX_WIDTH, key="beyond_width")
        seed = row[3].number_input("Start seed", 0, 2**31 - 1, key="beyond_seed")
    return key, int(width), activation, float(lr), int(steps), int(seed)


def beyond_section() -> None:
    st.markdown(lessons.BEYOND_QUADRATICS)
    key, width, activation, lr, steps, seed = _controls()
    if _preset_is_on():
        st.info(f"**Preset: {EDGE_OF_STABILITY.title}.** {EDGE_OF_STABILITY.notice}")
    choice = MODELS[key]
    run = curved_run(key, width, activation, lr, steps, seed)
    trace, problem = run.trace, run.problem
    with st.container(key="beyond_verdict"):
        VERDICT_BOXES[run.verdict.kind](f"**{run.verdict.headline}** {run.verdict.detail}")
    clamp_state("beyond_k", 0, trace.n_steps, trace.n_steps)
    k = st.slider("Step k", 0, max(trace.n_steps, 1), key="beyond_k", disabled=trace.n_steps == 0)
    k = min(int(k), trace.n_steps)
    st.caption(
        f"{problem.formula}, {problem.n_params:,} parameters, {problem.n:,} data points "
        f"({choice.source}). Sharpness by Lanczos on exact Hessian-vector products, every "
        f"{sharpness_every(steps)} step{'s' if sharpness_every(steps) > 1 else ''}."
    )
    with st.container(key="charts_beyond"):  # stacked on a projector (page/style.py)
        left, right = st.columns(2)
        left.plotly_chart(sharpness_figure(run.record, lr, k, run.bound), config=CHART_CONFIG,
                          key="beyond_sharpness")  # fmt: skip
        note = "Above the dashed line a step overshoots along the sharpest direction."
        lowest = float(np.nanmin(run.record.sharpness)) if run.record.sharpness.size else 0.0
        if run.bound is not None:
            note += (
                f" The dotted line is the curvature bound L, which holds for every θ: its safe "
                f"rate 2/L = {fmt(2 / run.bound)} guarantees descent from anywhere."
            )
            if 0 < lowest < run.bound:
                note += (
                    f" Along this run λ_max(θₖ) fell to {fmt(lowest)}, {fmt(run.bound / lowest, 3)}"
                    "× below L: there a rate that much larger is still stable, so 2/L is "
                    "conservative."
                )
        left.caption(note)
        right.plotly_chart(history_figure(trace, k, None, log_scale=bool(np.all(trace.costs > 0))),
                           config=CHART_CONFIG, key="beyond_history")  # fmt: skip
        rises = int(np.sum(np.diff(trace.costs) > 0))
        rises_words = f"The cost went up in {rises:,} of the {trace.n_steps:,} steps"
        if run.verdict.kind == "edge":
            rises_words += ": at the edge of stability it falls overall, not monotonically"
        right.caption(rises_words + "." if rises else "The cost fell at every step.")
        left, right = st.columns(2)
        left.plotly_chart(descent_line(key, width, activation, lr, steps, seed, k),
                          config=CHART_CONFIG, key="beyond_line")  # fmt: skip
        grad_norm = float(np.linalg.norm(trace.grads[k]))
        left.caption(
            "φ(t) = J(θₖ + t·u) with u = −∇J(θₖ)/‖∇J(θₖ)‖: the tangent at t = 0 has slope "
            f"φ′(0) = −‖∇J(θₖ)‖ = {fmt(-grad_norm)}, and the step of rate α lands at "
            f"t = α‖∇J(θₖ)‖ = {fmt(lr * grad_norm)}. Every value of φ is J itself; the dotted "
            "parabola is the quadratic model the rule α < 2/λ reasons about."
        )
        right.plotly_chart(
            model_fit_figure(problem, trace, k, choice.x_labels, choice.y_label, choice.class_names,
                             classification=choice.task == "classification"),
            config=CHART_CONFIG, key="beyond_fit",
        )  # fmt: skip
        left, right = st.columns(2)
        plane = run_plane(key, width, activation, lr, steps, seed)
        left.plotly_chart(trajectory_plane_figure(plane, k), config=CHART_CONFIG,
                          key="beyond_plane")  # fmt: skip
        right.markdown(
            lessons.plane_note(problem.n_params, (plane.explained[0], plane.explained[1]))
        )
    start_sharpness = float(run.record.sharpness[0]) if run.record.sharpness.size else 0.0
    if (
        start_sharpness > 0
        and np.isfinite(start_sharpness)
        and st.toggle(
            f"Sweep α too: {SWEEP_RATES} rates around 2/λ_max(θ₀), each run for {steps:,} steps",
            key="beyond_sweep",
        )
    ):
        with st.spinner("Running every rate (for the network, all at once)…"):
            result = run_sweep(key, width, activation, steps, seed, start_sharpness)
        left, right = st.columns(2)
        left.plotly_chart(rate_sweep_figure(result, lr, start_sharpness), config=CHART_CONFIG,
                          key="beyond_rate_sweep")  # fmt: skip
        right.markdown(lessons.curved_sweep_note(result.lrs, result.statuses, start_sharpness))
