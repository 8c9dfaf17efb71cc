"""Step by step: the data with the model at step k, and the cost history (J − J* on a log axis, or
J)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gdlab.figures.common import (
    BLUE,
    GREEN,
    SKY,
    VERMILLION,
    _figure,
    _label,
    _scatter,
    log_ticks,
    thin_indices,
)
from gdlab.figures.ghosts import Ghost, history_traces
from gdlab.figures.landscape import _step_number
from gdlab.models.linear import LinearRegression
from gdlab.number_format import number_text
from gdlab.running.descent import Trace

# Points of the data the scatter draws (each is an SVG marker: 100,000 take the browser 9–24 s
# a redraw); the fit and every number still use all the rows.
MAX_DATA_POINTS = 2_000


def data_sample(x: np.ndarray, y: np.ndarray, max_points: int = MAX_DATA_POINTS) -> np.ndarray:
    """Indices (in row order) of at most max_points rows to draw: evenly spaced in the order of
    x, plus the rows of the smallest and largest y, so the cloud keeps its shape and extremes.
    Deterministic: the same data always show the same points."""
    if x.size <= max_points:
        return np.arange(x.size)
    by_x = np.argsort(x, kind="stable")
    spread = by_x[np.linspace(0, x.size - 1, max_points - 2).round().astype(int)]
    return np.unique(np.concatenate([spread, [np.argmin(y), np.argmax(y)]]))


def fit_figure(
    problem: LinearRegression, trace: Trace, k: int, x_label: str = "x", y_label: str = "y"
) -> go.Figure:
    """The raw data with the model at step k and the best fit, in the data's own units; a
    large dataset is drawn as a sample (`data_sample`), which the legend says."""
    k = _step_number(trace, k)
    x, y = problem.x, problem.y
    span = float(np.ptp(x)) or 1.0
    points = 120 if problem.degree > 1 else 2
    grid = np.linspace(x.min() - 0.05 * span, x.max() + 0.05 * span, points)
    drawn = data_sample(x, y)
    name = "data" if drawn.size == x.size else f"data ({drawn.size:,} of {x.size:,} drawn)"
    traces = [
        _scatter(
            x[drawn],
            y[drawn],
            name,
            mode="markers",
            marker={"color": SKY, "size": 8, "line": {"color": BLUE, "width": 1}},
        ),
        _scatter(
            grid,
            problem.predict(problem.theta_star, grid),
            "best fit θ*",
            mode="lines",
            line={"color": GREEN, "width": 3, "dash": "dot"},
        ),
        _scatter(
            grid,
            problem.predict(trace.thetas[k], grid),
            f"model at step {k}",
            mode="lines",
            line={"color": VERMILLION, "width": 3},
        ),
    ]
    # The y-range stays on the data, so a wild line is clipped instead of squashing the points.
    y_span = float(np.ptp(y)) or 1.0
    y_range = [float(y.min()) - 0.15 * y_span, float(y.max()) + 0.15 * y_span]
    return _figure(
        traces, f"Data and the model at step {k}", x_label, y_label, yaxis={"range": y_range}
    )


def excess_cost(costs: np.ndarray, min_cost: float) -> np.ndarray:
    """J − J* for a log axis: round-off zeros shown at a floor far below anything real."""
    excess = np.maximum(costs - min_cost, 0.0)
    floor = max(float(costs[0]) * 1e-16, 1e-300)
    return np.maximum(excess, floor)


def history_figure(
    trace: Trace,
    k: int,
    min_cost: float | None,
    log_scale: bool,
    ghosts: Sequence[Ghost] = (),
) -> go.Figure:
    """J(θₖ) against k, thinned for display, with step k marked.

    On the log scale the excess cost J − J* is drawn, not J: a run that converges at a fixed
    rate is then a straight line falling (and a diverging one a straight line rising), and a
    slow run is visibly far from its minimum although J itself looks flat. On the linear scale
    J* is a dotted reference line. A typed cost has no known J*, so its log scale shows J.
    Earlier runs (`ghosts`) are drawn faintly underneath, through the same transform.
    """
    k = _step_number(trace, k)
    index = thin_indices(trace.costs.size, keep=(k,))
    excess = log_scale and min_cost is not None
    shown = excess_cost(trace.costs, min_cost) if excess else trace.costs
    log_scale = log_scale and (excess or bool(np.all(trace.costs > 0)))
    if log_scale and not excess:  # a ghost that is not positive cannot go on this axis
        ghosts = [g for g in ghosts if np.all(g.costs > 0)]

    def transform(costs: np.ndarray) -> np.ndarray:
        return excess_cost(costs, min_cost) if excess else costs

    name = "J(θₖ) − J*" if excess else "cost J(θₖ)"
    traces = [
        *history_traces(ghosts, transform),
        _scatter(
            index,
            shown[index],
            name,
            mode="lines+markers" if index.size <= 60 else "lines",
            line={"color": BLUE, "width": 3},
            marker={"size": 6},
        ),
        _scatter(
            [k],
            [shown[k]],
            f"step {k}",
            mode="markers",
            marker={"color": VERMILLION, "size": 16, "symbol": "diamond"},
        ),
    ]
    shapes, annotations = (), ()
    if min_cost is not None and not log_scale:
        shapes = (
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": min_cost,
                "y1": min_cost,
                "line": {"color": GREEN, "dash": "dot", "width": 2},
            },
        )
        annotations = (
            _label(
                1,
                min_cost,
                f"minimum J* = {number_text(min_cost)}",
                GREEN,
                yshift=12,
                xref="paper",
                xanchor="right",
                bgcolor="rgba(0,0,0,0)",  # a box would hide the converged end of the curve
            ),
        )
    y_title = "J − J* (log scale)" if excess else "cost J (log scale)" if log_scale else "cost J"
    yaxis = {"type": "log" if log_scale else "linear"}
    if log_scale:
        drawn = np.concatenate([shown[index], *(transform(g.costs) for g in ghosts)])
        yaxis |= log_ticks(float(np.min(drawn)), float(np.max(drawn)))
    return _figure(
        traces,
        "Cost history",
        "step k",
        y_title,
        shapes=shapes,
        annotations=annotations,
        yaxis=yaxis,
    )
