"""Step by step: the step controls, the cost landscape, the data and the history at step k, the
update written out in numbers, the maths and the table of every step."""

from __future__ import annotations

import streamlit as st

import gdlab
from gdlab import figures
from gdlab.number_format import number_latex as tex
from gdlab.plain_text import plain_label
from gdlab.teaching.lessons import least_squares_maths
from page import presentation
from page.charts import CHART_CONFIG
from page.compute import Model, Run
from page.controls import fmt

PLAY_SPEEDS = {1: "1 step", 5: "5 steps", 25: "25 steps"}  # per tick of the timer


PLAY_INTERVAL_S = 0.3


def step_controls(last: int, compact: bool = False, prefix: str = "") -> int:
    """Step slider with previous / next / play / end and a play speed; returns k. Compact (for
    presentation mode): the slider and the buttons share one row. `prefix` starts every key, so
    another section ("custom_") keeps its own step and play state beside this one's."""
    k_key, playing_key, speed_key = f"{prefix}k", f"{prefix}playing", f"{prefix}play_speed"
    k = min(max(st.session_state.get(k_key, 0), 0), last)
    if st.session_state.get(playing_key):
        k = min(k + st.session_state.get(speed_key, 1), last)
        if k >= last:
            st.session_state[playing_key] = False
    st.session_state[k_key] = k

    def move_to(target: int) -> None:
        st.session_state[k_key] = min(max(target, 0), last)

    def buttons_row():  # buttons as wide as their labels, in a row that wraps: never "p"
        return st.container(horizontal=True, vertical_alignment="bottom", key=f"{prefix}stepper")

    # Compact: the slider leads the buttons' row, its label read out by screen readers but not
    # drawn (its value is, above it).
    row = buttons_row() if compact else st
    shown = "collapsed" if compact else "visible"
    k = row.slider("Step k", 0, last, key=k_key, label_visibility=shown) if last > 0 else 0
    with buttons_row() if row is st else row:
        st.button("prev", icon=":material/chevron_left:", on_click=move_to, args=(k - 1,),
                  disabled=k == 0, key=f"{prefix}prev")  # fmt: skip
        st.button("next", icon=":material/chevron_right:", on_click=move_to, args=(k + 1,),
                  disabled=k >= last, key=f"{prefix}next")  # fmt: skip
        playing = st.session_state.get(playing_key, False)
        label, icon = (
            ("pause", ":material/pause:") if playing else ("play", ":material/play_arrow:")
        )
        if st.button(label, icon=icon, key=f"{prefix}play", disabled=last == 0):
            st.session_state[playing_key] = not playing
            if not playing and k >= last:
                st.session_state[k_key] = 0
            st.rerun(scope="app")  # play is a timer on the fragment: re-register it
        st.button("end", icon=":material/last_page:", on_click=move_to, args=(last,),
                  disabled=k >= last, key=f"{prefix}to_end",
                  help="Jump to the last step")  # fmt: skip
        st.segmented_control("Play speed, per tick", list(PLAY_SPEEDS), format_func=PLAY_SPEEDS.get,
                             key=speed_key, default=1, required=True)  # fmt: skip
    return k


def _latex_name(problem: gdlab.LinearRegression, j: int) -> str:
    """θ, or θ₀/θ₁ as \theta_0, \theta_1 (the step goes in a superscript, never a second
    subscript)."""
    if problem.n_params == 1:
        return r"\theta"
    first = 0 if problem.intercept else 1
    return rf"\theta_{{{first + j}}}"


def step_in_numbers(problem: gdlab.LinearRegression, trace: gdlab.Trace, k: int) -> None:
    if k >= trace.n_steps:
        st.markdown(f"**Step {k}** is the last one. {trace.message}")
        return
    lr = trace.lrs[k]
    st.markdown(f"**Step {k} → {k + 1}**, in numbers:")
    for j in range(problem.n_params):
        name = _latex_name(problem, j)
        st.latex(
            rf"\begin{{aligned}}{name}^{{({k + 1})}} &= {name}^{{({k})}} - \alpha\,"
            rf"\frac{{\partial J}}{{\partial {name}}} \\ &= {tex(trace.thetas[k, j])}"
            rf" - {tex(lr)} \times ({tex(trace.grads[k, j])}) \\ &= {tex(trace.thetas[k + 1, j])}"
            r"\end{aligned}"
        )
    st.caption(
        f"Cost {fmt(trace.costs[k])} → {fmt(trace.costs[k + 1])}. The slope times α is the step, "
        "and the minus sign sends it downhill."
    )


def inspector(
    model: Model,
    run: Run,
    x_label: str,
    y_label: str,
    ghosts: tuple = (),
    presenting: bool = False,
) -> None:
    """Step through the run: a fragment, so it redraws alone and never reruns the descent."""
    problem, trace = model.problem, run.trace
    # Presentation mode draws the two charts of the first screen above the step controls.
    first = st.container(key="present_charts") if presenting else None
    k = step_controls(trace.n_steps, compact=presenting)
    # A fragment rerun skips the page's own URL update at the end: keep the step in the link.
    if k:
        st.query_params["k"] = str(k)
    else:
        st.query_params.pop("k", None)
    view = figures.parameter_view(problem, trace)
    if first is not None:
        first_screen(first, model, run, k, view, ghosts)
        log_toggle()
        step_in_numbers(problem, trace, k)
        with st.container(key="charts"):
            left, right = st.columns(2)
            left.plotly_chart(figures.fit_figure(problem, trace, k, x_label, y_label),
                              config=CHART_CONFIG, key="fit")  # fmt: skip
            if problem.n_params == 2:
                right.plotly_chart(figures.slice_figure(problem, trace, k),
                                   config=CHART_CONFIG, key="slice")  # fmt: skip
        return
    # Two charts a row on a laptop; one a row on a projector's 1024 px (page/style.py).
    with st.container(key="charts"):
        left, right = st.columns(2)
        if problem.n_params == 1:
            left.plotly_chart(figures.cost_curve_figure(problem, trace, k, view, ghosts),
                              config=CHART_CONFIG, key="curve")  # fmt: skip
        else:
            left.plotly_chart(figures.contour_figure(problem, trace, k, view, ghosts),
                              config=CHART_CONFIG, key="contour")  # fmt: skip
            right.plotly_chart(figures.slice_figure(problem, trace, k),
                               config=CHART_CONFIG, key="slice")  # fmt: skip
            left, right = st.columns(2)
        right.plotly_chart(figures.fit_figure(problem, trace, k, x_label, y_label),
                           config=CHART_CONFIG, key="fit")  # fmt: skip
        if problem.n_params == 1:
            left, right = st.columns(2)
        log_scale = st.session_state.setdefault("log_history", True)
        left.plotly_chart(figures.history_figure(
            trace, k, problem.min_cost, log_scale, ghosts
        ),
                          config=CHART_CONFIG, key="history")  # fmt: skip
        with right:
            log_toggle()
            step_in_numbers(problem, trace, k)


def log_toggle() -> None:
    st.toggle(
        "History as J − J* on a log scale",
        key="log_history",
        help="A fixed-rate run is then a straight line: falling when it converges, "
        "rising when it diverges. Off: the cost J itself.",
    )


def first_screen(
    where, model: Model, run: Run, k: int, view: figures.View, ghosts: tuple = ()
) -> None:
    """Presentation mode: the cost over θ (the curve with its tangent, or the contours and the
    path with two parameters) beside the cost history, side by side at any width."""
    problem, trace = model.problem, run.trace
    log_scale = st.session_state.setdefault("log_history", True)
    with where:
        # The landscape has the longer legend and more to show: it gets the wider column.
        left, right = st.columns([1.4, 1])
        if problem.n_params == 1:
            landscape = figures.cost_curve_figure(problem, trace, k, view, ghosts)
            # The tangent's slope is written on the chart, in larger type than a legend's.
            presentation.chart(landscape, "curve", CHART_CONFIG, left, brief_legend=True)
        else:
            landscape = figures.contour_figure(problem, trace, k, view, ghosts)
            presentation.chart(landscape, "contour", CHART_CONFIG, left)
        history = figures.history_figure(trace, k, problem.min_cost, log_scale, ghosts)
        presentation.chart(history, "history", CHART_CONFIG, right)


def show_inspector(
    model: Model,
    run: Run,
    dataset: gdlab.Dataset,
    ghost_runs: tuple = (),
    presenting: bool = False,
) -> None:
    interval = PLAY_INTERVAL_S if st.session_state.get("playing") else None
    # An upload's column names are a visitor's text: plotly would render HTML in them.
    labels = (plain_label(dataset.x_label), plain_label(dataset.y_label))
    st.fragment(inspector, run_every=interval)(model, run, *labels, ghost_runs, presenting)


def show_formulas(cost: str, n_params: int) -> None:
    lesson = least_squares_maths(cost, n_params)
    with st.expander("The maths: cost, gradient and update", expanded=False):
        for formula in lesson.formulas:
            st.latex(formula)
        for note in lesson.notes:
            st.markdown(note)


def show_table(run: Run) -> None:
    # A toggle rather than an expander: the table is built and sent only when asked for.
    if not st.toggle("Show every step as a table, with a CSV of the run", key="show_table"):
        return
    with st.container(border=True):
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
