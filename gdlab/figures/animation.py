"""A run as an animation for slides: a plotly figure with one frame per shown step, a play /
pause pair of buttons and a step slider, written as one HTML file with plotly.js inside, so it
plays from a USB stick in a classroom with no network.

Left: the cost over θ (the curve and the tangent for one parameter, contours for two) with the
path up to step k. Right: the cost history up to step k, J − J* on a log axis. Long runs are
thinned to at most MAX_FRAMES frames; the first and the last step are always among them.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from gdlab.derivatives import tangent
from gdlab.figures.common import (
    BLUE,
    CONTOUR_POINTS,
    CURVE_POINTS,
    FONT_SIZE,
    GREEN,
    SKY,
    VERMILLION,
    _axis,
    _scatter,
    diamond_marker,
    log_ticks,
    star_point,
    thin_indices,
)
from gdlab.figures.landscape import View, parameter_view
from gdlab.figures.step import excess_cost
from gdlab.models.linear import LinearRegression
from gdlab.number_format import number_text
from gdlab.running.descent import Trace

MAX_FRAMES = 200
FRAME_MS = 150  # a 200-frame run plays in 30 s


def run_animation(
    problem: LinearRegression, trace: Trace, lr: float, title: str = "Gradient descent"
) -> go.Figure:
    """The run as a figure with frames (one per shown step), play / pause and a slider."""
    view = parameter_view(problem, trace)
    steps = thin_indices(trace.costs.size, MAX_FRAMES)
    history = np.maximum(excess_cost(trace.costs, problem.min_cost), 1e-300)
    static = _landscape(problem, view)
    frames = [
        {
            "name": str(k),
            "data": _moving(problem, trace, view, history, steps, k),
            "traces": list(range(len(static), len(static) + _MOVING)),
            "layout": {"title": {"text": _frame_title(title, trace, view, lr, int(k))}},
        }
        for k in steps
    ]
    layout = {
        "title": {
            "text": frames[0]["layout"]["title"]["text"],
            "x": 0.0,
            "xanchor": "left",
            "font": {"size": FONT_SIZE + 2},
        },
        "font": {"size": FONT_SIZE},
        "height": 600,
        "margin": {"l": 80, "r": 30, "t": 90, "b": 150},
        "legend": {"orientation": "h", "y": -0.42, "x": 0.0, "font": {"size": FONT_SIZE - 1}},
        "xaxis": _axis(problem.param_names[0], {"domain": [0.0, 0.45], "range": list(view.box[0])}),
        "yaxis": _axis(*_landscape_y(problem, view)),
        "xaxis2": _axis(
            "step k",
            {
                "domain": [0.58, 1.0],
                "anchor": "y2",
                "range": [-0.02 * trace.n_steps, 1.02 * max(trace.n_steps, 1)],
            },
        ),
        "yaxis2": _axis(
            "J − J* (log scale)", {"anchor": "x2", "type": "log", **_history_range(history)}
        ),
        "updatemenus": [_play_pause()],
        "sliders": [_slider(steps)],
    }
    data = static + frames[0]["data"]
    return go.Figure({"data": data, "layout": layout, "frames": frames}, _validate=False)


def animation_html(figure: go.Figure, title: str) -> str:
    """A standalone page: plotly.js included (no CDN, no network), the animation paused."""
    page = figure.to_html(
        include_plotlyjs=True,
        full_html=True,
        auto_play=False,
        config={"displaylogo": False, "responsive": True},
    )
    return page.replace("<head>", f"<head><title>{html.escape(title)}</title>", 1)


def run_animation_html(
    problem: LinearRegression, trace: Trace, lr: float, title: str = "Gradient descent"
) -> str:
    return animation_html(run_animation(problem, trace, lr, title), title)


# -- the pieces ------------------------------------------------------------------------------

_MOVING = 5  # path, θₖ, tangent (empty with two parameters), history so far, history at k


def _landscape(problem: LinearRegression, view: View) -> list[dict]:
    if problem.n_params == 1:
        grid = np.linspace(*view.box[0], CURVE_POINTS)
        return [
            _scatter(
                grid,
                problem.cost_value(grid[:, None]),
                "cost J(θ)",
                mode="lines",
                line={"color": BLUE, "width": 3},
            )
        ]
    t0 = np.linspace(*view.box[0], CONTOUR_POINTS)
    t1 = np.linspace(*view.box[1], CONTOUR_POINTS)
    excess = problem.excess_cost(np.stack(np.meshgrid(t0, t1), axis=-1))
    z = np.log10(excess + max(float(excess.max()) * 1e-8, 1e-300))
    return [
        {
            "type": "contour",
            "x": t0,
            "y": t1,
            "z": z,
            "colorscale": "Viridis",
            "reversescale": True,
            "ncontours": 18,
            "showscale": False,
            "name": "cost",
            "hoverinfo": "skip",
        },
        star_point(problem.theta_star[0], problem.theta_star[1], "minimum θ*"),
    ]


def _landscape_y(problem: LinearRegression, view: View) -> tuple[str, dict]:
    if problem.n_params == 2:
        return problem.param_names[1], {"range": list(view.box[1])}
    grid = np.linspace(*view.box[0], CURVE_POINTS)
    curve = problem.cost_value(grid[:, None])
    low, high = problem.min_cost, float(curve.max())
    # 20,000 rather than plotly's "20k", which a class reads as a unit.
    return "cost J", {
        "range": [low - 0.06 * (high - low), high * 1.02],
        "exponentformat": "none",
        "separatethousands": True,
    }


def _history_range(history: np.ndarray) -> dict:
    low, high = float(history.min()), float(history.max())
    decades = np.log10(high) - np.log10(low)
    pad = 0.1 * max(decades, 1.0)
    # Over more than four decades plotly would label 2 and 5 between the powers of ten: one
    # tick every few powers reads better on a slide.
    ticks = log_ticks(low, high) or {"dtick": max(1, int(np.ceil(decades / 6)))}
    return {"range": [np.log10(low) - pad, np.log10(high) + pad], **ticks}


def _moving(problem, trace: Trace, view: View, history, steps, k: int) -> list[dict]:
    """What changes from frame to frame, always the same _MOVING traces in the same order."""
    upto = steps[steps <= k]
    seen = trace.thetas[upto][view.contains(trace.thetas[upto])]
    here = trace.thetas[k] if view.contains(trace.thetas[k])[0] else None
    if problem.n_params == 1:
        path = _scatter(
            seen[:, 0],
            problem.cost_value(seen),
            "path so far",
            mode="markers",
            marker={"color": SKY, "size": 9, "symbol": "circle-open", "line": {"width": 2}},
        )
        point = _scatter(
            [] if here is None else [here[0]],
            [] if here is None else [trace.costs[k]],
            "θₖ",
            mode="markers",
            marker={"color": VERMILLION, "size": 16, "symbol": "diamond"},
        )
        touch = _tangent(trace, view, k) if here is not None else ([], [])
    else:
        path = _scatter(
            seen[:, 0],
            seen[:, 1],
            "path so far",
            mode="lines+markers",
            line={"color": VERMILLION, "width": 2},
            marker={"size": 6, "color": VERMILLION},
        )
        point = _scatter(
            [] if here is None else [here[0]],
            [] if here is None else [here[1]],
            "θₖ",
            mode="markers",
            marker=diamond_marker(),
        )
        touch = ([], [])
    return [
        path,
        point,
        _scatter(
            *touch,
            "tangent at θₖ",
            mode="lines",
            line={"color": VERMILLION, "width": 3, "dash": "dash"},
            showlegend=problem.n_params == 1,
        ),
        _scatter(
            upto,
            history[upto],
            "J − J* so far",
            mode="lines",
            line={"color": GREEN, "width": 3},
            xaxis="x2",
            yaxis="y2",
        ),
        _scatter(
            [k],
            [history[k]],
            "step k",
            mode="markers",
            marker={"color": VERMILLION, "size": 14, "symbol": "diamond"},
            xaxis="x2",
            yaxis="y2",
            showlegend=False,
        ),
    ]


def _tangent(trace: Trace, view: View, k: int) -> tuple[list, list]:
    lo, hi = view.box[0]
    line = tangent(trace.thetas[k, 0], trace.costs[k], trace.grads[k, 0], 0.18 * (hi - lo))
    return list(line.segment_theta), list(line.segment_cost)


def _frame_title(title: str, trace: Trace, view: View, lr: float, k: int) -> str:
    theta = ", ".join(number_text(v) for v in trace.thetas[k])
    theta = theta if trace.thetas.shape[1] == 1 else f"({theta})"
    where = "" if view.contains(trace.thetas[k])[0] else " (θ is off the chart)"
    return (
        f"{html.escape(title)}, α = {number_text(lr)}: step {k} of {trace.n_steps}<br>"
        f"θ = {theta}, J = {number_text(trace.costs[k])}{where}"
    )


def _play_pause() -> dict:
    play = {
        "frame": {"duration": FRAME_MS, "redraw": True},
        "fromcurrent": True,
        "transition": {"duration": 0},
        "mode": "immediate",
    }
    pause = {
        "frame": {"duration": 0, "redraw": False},
        "mode": "immediate",
        "transition": {"duration": 0},
    }
    return {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0.0,
        "xanchor": "left",
        "y": -0.2,
        "yanchor": "top",
        "pad": {"t": 10, "r": 10},
        "buttons": [
            {"label": "▶ Play", "method": "animate", "args": [None, play]},
            {"label": "❚❚ Pause", "method": "animate", "args": [[None], pause]},
        ],
    }


def _slider(steps: np.ndarray) -> dict:
    jump = {
        "mode": "immediate",
        "frame": {"duration": 0, "redraw": True},
        "transition": {"duration": 0},
    }
    return {
        "active": 0,
        "x": 0.22,
        "len": 0.78,
        "y": -0.2,
        "yanchor": "top",
        "pad": {"t": 10},
        "currentvalue": {"prefix": "step ", "font": {"size": FONT_SIZE, "color": "#000000"}},
        # Up to 200 step labels would print on top of each other: the current one is enough.
        "font": {"color": "rgba(0,0,0,0)"},
        "steps": [{"label": str(k), "method": "animate", "args": [[str(k)], jump]} for k in steps],
    }
