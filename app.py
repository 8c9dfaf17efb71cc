"""gdlab: pick data, an initial θ and a learning rate α; watch gradient descent step by step.

A thin page over the `gdlab` package: widgets → cached core results → pure figure builders.
Run it with `streamlit run app.py`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import streamlit as st

import gdlab
from gdlab import figures
from gdlab.controls import LR_GRID, MAX_PAGE_STEPS, fmt, format_rate, slider_range
from gdlab.verdict import Verdict, judge

DEFAULTS = {"lr": 0.001, "steps": 50, "theta0": 0.0}
SOURCES = ("Built-in dataset", "Synthetic line", "Upload a CSV")
MODELS = {1: "One parameter: ŷ = θx", 2: "Two parameters: ŷ = θ₀ + θ₁x"}
SCALING_NAMES = {"none": "none", "standardize": "standardize", "minmax": "min-max"}
COST_NAMES = {"mse": "MSE: (1/n)Σ(ŷ − y)²", "half_mse": "½·MSE: (1/2n)Σ(ŷ − y)²"}
VERDICT_BOXES = {
    "smooth": st.success,
    "oscillating": st.info,
    "slow": st.warning,
    "boundary": st.warning,
    "diverging": st.error,
}


# -- cached core results: pure inputs in, immutable results out --------------------------------


@dataclass(frozen=True)
class Model:
    problem: gdlab.LinearRegression
    theory: gdlab.LearningRateTheory


@dataclass(frozen=True)
class Run:
    trace: gdlab.Trace
    verdict: Verdict


@st.cache_data(max_entries=16, show_spinner=False)
def builtin_dataset(name: str) -> gdlab.Dataset:
    return gdlab.load_dataset(name)


@st.cache_data(max_entries=16, show_spinner=False)
def synthetic_dataset(n: int, slope: float, intercept: float, noise: float, seed: int):
    return gdlab.make_linear(n=n, slope=slope, intercept=intercept, noise=noise, seed=seed)


@st.cache_data(max_entries=16, show_spinner=False)
def uploaded_dataset(content: bytes, name: str, x: str | None, y: str | None) -> gdlab.Dataset:
    return gdlab.read_csv(content, x=x, y=y, name=name)


# `data_key` identifies the data's content; the dataset itself is not hashed again.
@st.cache_data(max_entries=32, show_spinner=False)
def build_model(data_key: str, _dataset: gdlab.Dataset, params: int, scaling: str, cost: str):
    problem = gdlab.LinearRegression(
        _dataset.x, _dataset.y, intercept=params == 2, scaling=scaling, cost=cost
    )
    return Model(problem, gdlab.learning_rate_theory(problem))


@st.cache_data(max_entries=64, show_spinner=False)
def run_descent(model_key: tuple, _model: Model, theta0: tuple, lr: float, steps: int) -> Run:
    trace = gdlab.descend(_model.problem, np.array(theta0), lr, steps)
    return Run(trace, judge(trace, _model.theory, _model.problem.min_cost, lr))


# -- sidebar: data ----------------------------------------------------------------------------


def choose_data() -> tuple[str, gdlab.Dataset]:
    st.sidebar.header("Data")
    source = st.sidebar.radio("Source", SOURCES, key="source", label_visibility="collapsed")
    if source == SOURCES[1]:
        return synthetic_data()
    if source == SOURCES[2]:
        chosen = upload_data()
        if chosen is not None:
            return chosen
    infos = {info.name: info for info in gdlab.list_datasets()}
    name = st.sidebar.selectbox(
        "Dataset",
        list(infos),
        key="dataset",
        format_func=lambda n: infos[n].title,
        disabled=source != SOURCES[0],
    )
    dataset = builtin_dataset(name)
    info = infos[name]
    st.sidebar.caption(
        f"{info.description} **{dataset.x_label} → {dataset.y_label}**, n = {dataset.n}."
    )
    return f"builtin:{name}", dataset


def synthetic_data() -> tuple[str, gdlab.Dataset]:
    left, right = st.sidebar.columns(2)
    n = left.number_input("n points", 2, 10_000, 50, step=10, key="syn_n")
    seed = right.number_input("seed", 0, 2**31 - 1, 0, key="syn_seed")
    slope = left.number_input("slope", -100.0, 100.0, 2.0, step=0.5, key="syn_slope")
    intercept = right.number_input("intercept", -100.0, 100.0, 1.0, step=0.5, key="syn_intercept")
    noise = st.sidebar.number_input(
        "noise (std of y around the line)", 0.0, 100.0, 1.0, step=0.5, key="syn_noise"
    )
    dataset = synthetic_dataset(int(n), float(slope), float(intercept), float(noise), int(seed))
    st.sidebar.caption(f"y = {intercept:g} + {slope:g}·x + noise, x uniform in [0, 10].")
    return f"synthetic:{n}:{slope}:{intercept}:{noise}:{seed}", dataset


def upload_data() -> tuple[str, gdlab.Dataset] | None:
    """The uploaded CSV, or the last one that loaded if this one is bad (None: none loaded yet)."""
    file = st.sidebar.file_uploader(
        "CSV file (comma, semicolon or tab; up to 5 MB)", type=["csv", "txt", "tsv"], key="upload"
    )
    if file is not None:
        content = file.getvalue()
        try:
            columns = uploaded_dataset(content, file.name, None, None).columns
            for key in ("upload_x", "upload_y"):  # a new file may not have the old columns
                if st.session_state.get(key) not in columns:
                    st.session_state.pop(key, None)
            left, right = st.sidebar.columns(2)
            x = left.selectbox("x column", columns, index=0, key="upload_x")
            y = right.selectbox("y column", columns, index=min(1, len(columns) - 1), key="upload_y")
            dataset = uploaded_dataset(content, file.name, x, y)
            key = f"upload:{hashlib.sha256(content).hexdigest()}:{x}:{y}"
            st.session_state["last_upload"] = (key, dataset)
        except gdlab.DataError as error:
            st.sidebar.error(str(error))
    last = st.session_state.get("last_upload")
    if last is None:
        st.sidebar.info("No CSV loaded yet: showing a built-in dataset meanwhile.")
        return None
    if file is None or last[1].name != file.name:
        st.sidebar.caption(f"Using **{last[1].name}**, the last file that loaded.")
    for note in last[1].notes:
        st.sidebar.warning(note)
    return last


def data_preview(dataset: gdlab.Dataset) -> None:
    with st.sidebar.expander(f"Preview: {dataset.n} rows"):
        st.dataframe(dataset.to_frame().head(8), hide_index=True, height=250)


# -- sidebar: model, start and learning rate --------------------------------------------------


def choose_model() -> tuple[int, str, str]:
    st.sidebar.header("Model")
    params = st.sidebar.radio("Parameters", list(MODELS), format_func=MODELS.get, key="params")
    scaling = st.sidebar.selectbox(
        "Feature scaling of x", list(SCALING_NAMES), format_func=SCALING_NAMES.get, key="scaling"
    )
    cost = st.sidebar.radio("Cost", list(COST_NAMES), format_func=COST_NAMES.get, key="cost")
    return params, scaling, cost


def clamp_state(key: str, low: float, high: float, default: float) -> None:
    """Give a slider its value through session state, kept inside a range that changed with the
    data or model (a widget must not get both a default and a session-state value)."""
    value = st.session_state.get(key, default)
    st.session_state[key] = min(max(value, low), high)


def choose_start(problem: gdlab.LinearRegression) -> tuple[float, ...]:
    st.sidebar.header("Initial θ")
    start = []
    for name, (low, high) in zip(problem.param_names, problem.theta_bounds(), strict=True):
        lo, hi, step = slider_range(low, high)
        key = f"theta0_{name}"
        clamp_state(key, lo, hi, DEFAULTS["theta0"])
        start.append(st.sidebar.slider(f"{name}₀", lo, hi, step=step, key=key, format="%g"))
    return tuple(float(v) for v in start)


def choose_rate(theory: gdlab.LearningRateTheory) -> tuple[float, int]:
    st.sidebar.header("Learning rate")
    lr = st.sidebar.select_slider(
        "Learning rate α (log scale)",
        LR_GRID,
        value=DEFAULTS["lr"],
        key="lr",
        format_func=format_rate,
    )
    st.sidebar.markdown(
        f"α_crit = 2/λ_max = **{fmt(theory.critical_lr)}** · 1/λ_max = {fmt(theory.one_step_lr)}"
        f" · best α* = {fmt(theory.optimal_lr)}"
    )
    if theory.critical_lr < LR_GRID[0]:
        st.sidebar.warning("α_crit is below the smallest α here: scale x to make the cost rounder.")
    steps = st.sidebar.slider("Steps (at most)", 1, MAX_PAGE_STEPS, DEFAULTS["steps"], key="steps")
    return float(lr), int(steps)


# -- main area --------------------------------------------------------------------------------


def show_verdict(run: Run) -> None:
    VERDICT_BOXES[run.verdict.kind](f"**{run.verdict.headline}** {run.verdict.detail}")


def show_metrics(model: Model, run: Run) -> None:
    trace, problem = run.trace, model.problem
    theta = ", ".join(
        f"{name} = {fmt(v)}" for name, v in zip(problem.param_names, trace.theta, strict=True)
    )
    columns = st.columns(5)
    columns[0].metric("Final cost J", fmt(trace.cost))
    columns[1].metric("Minimum J*", fmt(problem.min_cost))
    columns[2].metric("Final θ", theta)
    columns[3].metric("Steps taken", f"{trace.n_steps:,}")
    columns[4].metric("Gradient norm ‖∇J‖", fmt(float(trace.grad_norms[-1]), 3))


def step_controls(last: int) -> int:
    """Step slider with previous / next / play; returns k."""
    clamp_state("k", 0, last, 0)
    if st.session_state.get("playing") and st.session_state.get("k", 0) >= last:
        st.session_state["playing"] = False
    if st.session_state.get("playing"):
        st.session_state["k"] = min(st.session_state.get("k", 0) + 1, last)

    def move(delta: int) -> None:
        st.session_state["k"] = min(max(st.session_state.get("k", 0) + delta, 0), last)

    slider, prev, nxt, play = st.columns([8, 1, 1, 1.3], vertical_alignment="bottom")
    k = slider.slider("Step k", 0, last, key="k") if last > 0 else 0
    prev.button("◀ prev", on_click=move, args=(-1,), disabled=k == 0, key="prev")
    nxt.button("next ▶", on_click=move, args=(1,), disabled=k >= last, key="next")
    playing = st.session_state.get("playing", False)
    if play.button("⏸ pause" if playing else "⏵ play", key="play", disabled=last == 0):
        st.session_state["playing"] = not playing
        if not playing and k >= last:
            st.session_state["k"] = 0
        st.rerun(scope="app")  # play is a timer on the fragment: re-register it
    return k


def step_in_numbers(problem: gdlab.LinearRegression, trace: gdlab.Trace, k: int) -> None:
    names = problem.param_names
    if k >= trace.n_steps:
        st.markdown(f"**Step {k}** is the last one: {trace.message}")
        return
    lr = trace.lrs[k]
    rows = [
        rf"{name}_{{{k + 1}}} = {name}_{{{k}}} - \alpha\,\frac{{\partial J}}{{\partial {name}}}"
        rf" = {fmt(trace.thetas[k, j])} - {fmt(lr)} \times ({fmt(trace.grads[k, j])})"
        rf" = {fmt(trace.thetas[k + 1, j])}"
        for j, name in enumerate(n.replace("θ", r"\theta").translate(_SUBSCRIPTS) for n in names)
    ]
    st.latex(r"\\".join(rows).replace("--", "+"))
    st.caption(
        f"Cost {fmt(trace.costs[k])} → {fmt(trace.costs[k + 1])}: the slope times α is the step, "
        "and the minus sign sends it downhill."
    )


_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅", "012345")


def inspector(model: Model, run: Run, x_label: str, y_label: str) -> None:
    """Step through the run; a fragment, so it redraws alone and never reruns the descent."""
    problem, trace = model.problem, run.trace
    k = step_controls(trace.n_steps)
    view = figures.parameter_view(problem, trace)
    config = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}
    left, right = st.columns(2)
    if problem.n_params == 1:
        left.plotly_chart(
            figures.cost_curve_figure(problem, trace, k, view), config=config, key="curve"
        )
    else:
        left.plotly_chart(
            figures.contour_figure(problem, trace, k, view), config=config, key="contour"
        )
        right.plotly_chart(figures.slice_figure(problem, trace, k), config=config, key="slice")
        left, right = st.columns(2)
    right.plotly_chart(
        figures.fit_figure(problem, trace, k, x_label, y_label), config=config, key="fit"
    )
    left, right = st.columns([3, 2]) if problem.n_params == 1 else (left, right)
    forced = run.verdict.kind == "diverging"
    log_scale = st.session_state.get("log_history", False) or forced
    left.plotly_chart(
        figures.history_figure(trace, k, problem.min_cost, log_scale), config=config, key="history"
    )
    with right:
        st.toggle(
            "Log scale for the cost history",
            key="log_history",
            disabled=forced,
            help="Switched on by itself when the run diverges.",
        )
        step_in_numbers(problem, trace, k)


def show_formulas(cost: str) -> None:
    with st.expander("The maths: cost, gradient and update", expanded=False):
        half = cost == "half_mse"
        k_text = r"\frac{1}{2n}" if half else r"\frac{1}{n}"
        g_text = r"\frac{1}{n}" if half else r"\frac{2}{n}"
        st.latex(
            rf"J(\theta) = {k_text}\sum_{{i=1}}^{{n}} (\hat y_i - y_i)^2,"
            r"\qquad \hat y_i = \theta_0 + \theta_1 x_i"
        )
        st.latex(
            rf"\frac{{\partial J}}{{\partial \theta_j}} = {g_text}\sum_{{i=1}}^{{n}}"
            r" (\hat y_i - y_i)\,x_{ij} \qquad (x_{i0} = 1,\; x_{i1} = x_i)"
        )
        st.latex(r"\theta \leftarrow \theta - \alpha\,\nabla J(\theta)")
        st.markdown(
            "**Watch out for a common mistake.** Some widely read derivations drop the factor "
            "$x_{ij}$ from the gradient or the learning rate α from the update. Both are wrong: "
            "without $x_{ij}$ every parameter gets the intercept's gradient, so the slope moves "
            "in the wrong amount and often the wrong direction; without α the step is the raw "
            "gradient, whose size depends on the units of the data, and the descent diverges "
            "whenever the curvature exceeds 2. The chain rule gives "
            r"$\partial(\hat y_i - y_i)^2/\partial\theta_j = 2(\hat y_i - y_i)\,x_{ij}$."
        )
        st.markdown(
            "**Why α_crit = 2/λ_max.** Near the minimum each step multiplies the error along "
            "each eigenvector of the Hessian by 1 − αλ: it shrinks smoothly when αλ < 1, "
            "overshoots but shrinks when 1 < αλ < 2, and grows when αλ > 2."
        )


def show_table(run: Run, problem: gdlab.LinearRegression) -> None:
    with st.expander("All steps as a table, and a CSV of the run"):
        frame = run.trace.to_frame()
        shown = frame.iloc[figures.thin_indices(len(frame), 500)]
        if len(shown) < len(frame):
            st.caption(f"Showing {len(shown)} of {len(frame)} rows; the CSV has every step.")
        st.dataframe(shown.style.format(precision=6, na_rep="—"), hide_index=True, height=300)
        st.download_button(
            "Download the run as CSV",
            data=run.trace.to_csv,
            file_name="gdlab-run.csv",
            mime="text/csv",
            key="download_run",
        )


def main() -> None:
    st.set_page_config(
        page_title="gdlab: learning rates in gradient descent", page_icon="📉", layout="wide"
    )
    st.title("How the learning rate steers gradient descent")
    st.caption(
        "Each step moves θ against the slope of the cost: θ ← θ − α·J′(θ). "
        "Pick data, a start and α in the sidebar; step through the run below."
    )

    data_key, dataset = choose_data()
    data_preview(dataset)
    params, scaling, cost = choose_model()
    model = build_model(data_key, dataset, params, scaling, cost)
    problem, theory = model.problem, model.theory
    if theory.lambda_max == 0:
        st.warning(
            "The cost does not depend on θ here (x is all zeros): there is nothing to "
            "learn. Choose another x column or the two-parameter model."
        )
        return
    theta0 = choose_start(problem)
    lr, steps = choose_rate(theory)
    run = run_descent((data_key, params, scaling, cost), model, theta0, lr, steps)

    show_verdict(run)
    show_metrics(model, run)
    interval = 0.35 if st.session_state.get("playing") else None
    st.fragment(inspector, run_every=interval)(model, run, dataset.x_label, dataset.y_label)
    show_formulas(cost)
    show_table(run, problem)


main()
