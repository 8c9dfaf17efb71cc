"""The derivation's mistakes beside the correct update: where the gradient without x leads (θ
against k, or the paths over the contours), the lines each rule ends on, and the cost history of
the update without α in the data's units and in others."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gdlab.figures.common import (
    BLACK,
    BLUE,
    CONTOUR_POINTS,
    GREEN,
    ORANGE,
    PURPLE,
    SKY,
    VERMILLION,
    _figure,
    _scatter,
    diamond_marker,
    log_ticks,
    thin_indices,
)
from gdlab.figures.step import excess_cost
from gdlab.models.linear import LinearRegression
from gdlab.number_format import number_text
from gdlab.running.descent import Trace
from gdlab.teaching.mistakes import WithoutRate, WithoutX

CORRECT = {"color": BLUE, "width": 3}
MISTAKEN = {"color": VERMILLION, "width": 3, "dash": "dash"}


def _view(problem: LinearRegression, lesson: WithoutX, base: np.ndarray | None = None):
    """A (d, 2) box around θ*, θ₀ and where the x-less rule goes, with the paths' points that
    stay within twice that box (a diverging path leaves it rather than flatten the chart)."""
    base = problem.theta_bounds() if base is None else base
    points = [problem.theta_star, lesson.correct.thetas[0]]
    if lesson.limit.limit is not None:
        points.append(lesson.limit.limit)
    if lesson.fixed_point is not None and problem.n_params == 1:
        points.append(np.array([lesson.fixed_point]))
    points = np.array(points)
    lo = np.minimum(base[:, 0], points.min(axis=0))
    hi = np.maximum(base[:, 1], points.max(axis=0))
    centre, half = (lo + hi) / 2, (hi - lo) / 2
    for trace in (lesson.correct, lesson.mistaken):
        inside = trace.thetas[np.all(np.abs(trace.thetas - centre) <= 2 * half, axis=1)]
        if inside.size:
            lo, hi = np.minimum(lo, inside.min(axis=0)), np.maximum(hi, inside.max(axis=0))
    pad = 0.05 * (hi - lo)
    return np.column_stack([lo - pad, hi + pad])


def _tight_box(problem: LinearRegression, lesson: WithoutX) -> np.ndarray:
    """The smallest box around θ₀, θ* and the x-less fixed point, widened to 1% of |θ*| so it
    never has zero width."""
    points = [problem.theta_star, lesson.correct.thetas[0]]
    if lesson.fixed_point is not None:
        points.append(np.array([lesson.fixed_point]))
    points = np.array(points)
    lo, hi = points.min(axis=0), points.max(axis=0)
    least = 0.01 * np.maximum(np.abs(problem.theta_star), 1.0)
    grow = np.maximum(least - (hi - lo), 0.0) / 2
    return np.column_stack([lo - grow, hi + grow])


def _run_name(label: str, trace: Trace) -> str:
    if trace.diverged:
        return f"{label} (diverged at step {trace.diverged_at})"
    return label


def without_x_parameter_figure(problem: LinearRegression, lesson: WithoutX) -> go.Figure:
    """One parameter: θₖ against k for both rules, with θ* and ȳ/x̄. Two: both paths over the
    cost's contours, with the line of the x-less rule's fixed points."""
    if problem.n_params == 1:
        return _theta_against_k(problem, lesson)
    return _paths_over_contours(problem, lesson)


def _theta_against_k(problem: LinearRegression, lesson: WithoutX) -> go.Figure:
    # The range of what is drawn, not the cost's wide view: θ* and ȳ/x̄ may be close.
    box = _view(problem, lesson, _tight_box(problem, lesson))[0]
    last = max(lesson.correct.n_steps, lesson.mistaken.n_steps, 1)
    var = "x" if problem.scaling == "none" else "z"
    traces = []
    for trace, label, line, symbol in (
        (lesson.correct, "with x (chain rule)", CORRECT, "circle"),
        (lesson.mistaken, "without x", MISTAKEN, "x"),
    ):
        index = thin_indices(trace.thetas.shape[0])
        traces.append(
            _scatter(
                index,
                trace.thetas[index, 0],
                _run_name(label, trace),
                mode="lines+markers" if index.size <= 60 else "lines",
                line=line,
                marker={"size": 7, "symbol": symbol},
            )
        )
    traces.append(
        _scatter(
            [0, last],
            [problem.theta_star[0]] * 2,
            f"least squares θ* = Σ{var}y/Σ{var}² = {number_text(problem.theta_star[0])}",
            mode="lines",
            line={"color": GREEN, "width": 3, "dash": "dot"},
        )
    )
    if lesson.fixed_point is not None:
        traces.append(
            _scatter(
                [0, last],
                [lesson.fixed_point] * 2,
                f"fixed point without x: ȳ/{var}̄ = {number_text(lesson.fixed_point)}",
                mode="lines",
                line={"color": ORANGE, "width": 3, "dash": "dashdot"},
            )
        )
    name = problem.param_names[0]
    return _figure(
        traces,
        f"{name} at each step, with x and without",
        "step k",
        name,
        yaxis={"range": list(box)},
        xaxis={"range": [-0.02 * last, 1.02 * last]},
    )


def _paths_over_contours(problem: LinearRegression, lesson: WithoutX) -> go.Figure:
    box = _view(problem, lesson)
    t0 = np.linspace(*box[0], CONTOUR_POINTS)
    t1 = np.linspace(*box[1], CONTOUR_POINTS)
    excess = problem.excess_cost(np.stack(np.meshgrid(t0, t1), axis=-1))
    z = np.log10(excess + max(float(excess.max()) * 1e-8, 1e-300))
    names = problem.param_names
    traces = [
        {
            "type": "contour",
            "x": t0,
            "y": t1,
            "z": z,
            "colorscale": "Greys",
            "ncontours": 14,
            "showscale": False,
            "contours": {"coloring": "lines"},
            "line": {"width": 1},
            "name": "cost J",
            "hovertemplate": f"{names[0]}=%{{x:.4g}}<br>{names[1]}=%{{y:.4g}}<extra></extra>",
        },
    ]
    # The fixed points m̄ᵀθ = ȳ: θ₀ = ȳ − m̄₁θ₁, a line across the box (vertical when m̄₁ = 0).
    mean_y, mean_z = lesson.mean_point[1], float(lesson.mean_row[1])
    across = np.array(box[1])
    traces.append(
        _scatter(
            mean_y - mean_z * across,
            across,
            "fixed points without x",
            mode="lines",
            line={"color": ORANGE, "width": 3, "dash": "dashdot"},
        )
    )
    for trace, label, line, symbol in (
        (lesson.correct, "with x (chain rule)", CORRECT, "circle"),
        (lesson.mistaken, "without x", MISTAKEN, "x"),
    ):
        path = trace.thetas[thin_indices(trace.thetas.shape[0])]
        path = path[np.all((path >= box[:, 0]) & (path <= box[:, 1]), axis=1)]
        traces.append(
            _scatter(
                path[:, 0],
                path[:, 1],
                _run_name(label, trace),
                mode="lines+markers",
                line=line,
                marker={"size": 6, "symbol": symbol},
            )
        )
    traces.append(
        _scatter(
            [problem.theta_star[0]],
            [problem.theta_star[1]],
            "least squares θ*",
            mode="markers",
            marker={
                "color": GREEN,
                "size": 18,
                "symbol": "star",
                "line": {"color": BLACK, "width": 1.5},
            },
        )
    )
    if lesson.limit.limit is not None:
        end = lesson.limit.limit
        traces.append(
            _scatter(
                [end[0]],
                [end[1]],
                "where the run without x stops",
                mode="markers",
                marker=diamond_marker(),
            )
        )
    figure = _figure(
        traces,
        "Paths with x and without, over the cost",
        names[0],
        names[1],
        xaxis={"range": list(box[0])},
        yaxis={"range": list(box[1])},
    )
    # Five legend entries take three rows at 1024 px: room for them below the axis title.
    figure.layout.height = 520
    figure.layout.legend.y = -0.3
    return figure


def without_x_fit_figure(
    problem: LinearRegression, lesson: WithoutX, x_label: str = "x", y_label: str = "y"
) -> go.Figure:
    """The data with the least-squares line, the lines both runs ended on, and the mean point
    (x̄, ȳ) that every line Σ(ŷᵢ − yᵢ) = 0 passes through."""
    x, y = problem.x, problem.y
    span = float(np.ptp(x)) or 1.0
    grid = np.linspace(x.min() - 0.05 * span, x.max() + 0.05 * span, 2)
    traces = [
        _scatter(
            x,
            y,
            "data",
            mode="markers",
            marker={"color": SKY, "size": 8, "line": {"color": BLUE, "width": 1}},
        ),
        _scatter(
            grid,
            problem.predict(problem.theta_star, grid),
            "least squares",
            mode="lines",
            line={"color": GREEN, "width": 3, "dash": "dot"},
        ),
        _scatter(
            grid,
            problem.predict(lesson.correct.theta, grid),
            _run_name(f"with x, step {lesson.correct.n_steps}", lesson.correct),
            mode="lines",
            line=CORRECT,
        ),
        _scatter(
            grid,
            problem.predict(lesson.mistaken.theta, grid),
            _run_name(f"without x, step {lesson.mistaken.n_steps}", lesson.mistaken),
            mode="lines",
            line=MISTAKEN,
        ),
        _scatter(
            [lesson.mean_point[0]],
            [lesson.mean_point[1]],
            "mean point (x̄, ȳ)",
            mode="markers",
            marker=diamond_marker(),
        ),
    ]
    y_span = float(np.ptp(y)) or 1.0
    y_range = [float(y.min()) - 0.15 * y_span, float(y.max()) + 0.15 * y_span]
    return _figure(
        traces, "Where each rule ended, on the data", x_label, y_label, yaxis={"range": y_range}
    )


def without_rate_figure(lesson: WithoutRate, min_cost: float, lr: float, x_unit: str = ""):
    """J − J* against k on a log axis: the page's α, α = 1 on the data as they are (which
    diverges when λ_max > 2), and α = 1 with x in larger units, where λ_max < 2."""
    unit = f" {x_unit}" if x_unit else ""
    runs = [
        (lesson.correct, f"with α = {number_text(lr)}", CORRECT, "circle"),
        (lesson.mistaken, f"without α (α = 1), x in{unit or ' its units'}", MISTAKEN, "x"),
    ]
    if lesson.rescaled is not None:
        runs.append(
            (
                lesson.rescaled,
                f"without α, x in units of {lesson.rescaled_unit:g}{unit}",
                {"color": PURPLE, "width": 3, "dash": "dot"},
                "square",
            )
        )
    floor = max(float(lesson.correct.costs[0]) * 1e-16, 1e-300)
    traces, lows, highs = [], [], []
    for trace, label, line, symbol in runs:
        index = thin_indices(trace.costs.size)
        shown = np.maximum(excess_cost(trace.costs, min_cost), floor)[index]
        lows.append(float(shown.min()))
        highs.append(float(shown.max()))
        traces.append(
            _scatter(
                index,
                shown,
                _run_name(label, trace),
                mode="lines+markers" if index.size <= 60 else "lines",
                line=line,
                marker={"size": 7, "symbol": symbol},
            )
        )
    yaxis = {"type": "log", **log_ticks(min(lows), max(highs))}
    return _figure(
        traces, "Cost history with α and without", "step k", "J − J* (log scale)", yaxis=yaxis
    )
