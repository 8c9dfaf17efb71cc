"""Several learning rates side by side: their cost histories, their signed errors and small
multiples of their paths."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gdlab.figures.common import (
    BLACK,
    FONT_SIZE,
    MAX_HISTORY_POINTS,
    PALETTE,
    _figure,
    _scatter,
    thin_indices,
)
from gdlab.figures.landscape import View
from gdlab.figures.step import excess_cost
from gdlab.models.linear import LinearRegression
from gdlab.running.descent import Trace

DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid", "dash")


SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon")


def compare_history_figure(traces: Sequence[Trace], labels: Sequence[str], min_cost: float):
    """J − J* against k for every rate, on a log scale: straight lines mean geometric speed."""
    series = []
    for i, (trace, label) in enumerate(zip(traces, labels, strict=True)):
        index = thin_indices(trace.costs.size)
        series.append(_scatter(
            index, excess_cost(trace.costs[index], min_cost), label,
            mode="lines+markers" if index.size <= 60 else "lines",
            line={"color": PALETTE[i % len(PALETTE)], "width": 3, "dash": DASHES[i % 8]},
            marker={"symbol": SYMBOLS[i % 8], "size": 7},
        ))  # fmt: skip
    return _figure(
        series, "Cost histories side by side", "step k", "J − J* (log scale)", yaxis={"type": "log"}
    )


def steepest_direction(problem: LinearRegression) -> np.ndarray:
    """The Hessian's unit eigenvector of λ_max: the direction where a rate overshoots first.

    Its sign is arbitrary; it is chosen so that its largest entry is positive, which keeps the
    picture the same from one rerun to the next.
    """
    _, vectors = np.linalg.eigh(problem.hessian())
    direction = vectors[:, -1]
    return direction * np.sign(direction[np.argmax(np.abs(direction))])


def paired_indices(count: int, max_points: int = MAX_HISTORY_POINTS) -> np.ndarray:
    """Like thin_indices, but every index kept comes with its successor: thinning an error that
    flips sign every step must not alias it into a smooth curve (every 5th step of a zig-zag is
    a zig-zag only when 5 is odd). The zig-zag then reads as a band between its two envelopes."""
    if count <= max_points:
        return np.arange(count)
    starts = np.linspace(0, count - 2, max_points // 2).round().astype(int)
    return np.unique(np.concatenate([starts, starts + 1, [count - 1]]))


def signed_error_figure(
    problem: LinearRegression, traces: Sequence[Trace], labels: Sequence[str]
) -> go.Figure:
    """θₖ − θ* against k (with two parameters, its component along the steepest direction).

    The cost history shows only |θₖ − θ*|: a rate with 1 − αλ = −0.8 and one with 0.8 draw the
    same line there. Here the sign shows which side of the minimum each step lands on, so an
    overshoot is a crossing of zero. The y range is fixed at 1.5 times the starting error, so a
    diverging run visibly leaves the chart instead of flattening every other run.
    """
    one = problem.n_params == 1
    direction = np.ones(1) if one else steepest_direction(problem)
    errors = []
    for trace in traces:
        index = paired_indices(trace.thetas.shape[0])
        with np.errstate(all="ignore"):  # a diverged run's last θ may be huge
            errors.append((index, (trace.thetas[index] - problem.theta_star) @ direction))
    start = max(abs(float(error[0])) for _, error in errors)
    reach = 1.5 * start if start > 0 else 1.0
    series = []
    for i, ((index, error), label) in enumerate(zip(errors, labels, strict=True)):
        # A run that leaves the chart ends at its first point outside (if finite): drawn on,
        # it would cross the chart from edge to edge at every step.
        outside = np.flatnonzero(~(np.abs(error) <= reach))
        end = error.size
        if outside.size:
            end = outside[0] + int(np.isfinite(error[outside[0]]))
        series.append(_scatter(
            index[:end], error[:end], label,
            mode="lines+markers" if index.size <= 60 else "lines",
            line={"color": PALETTE[i % len(PALETTE)], "width": 3, "dash": DASHES[i % 8]},
            marker={"symbol": SYMBOLS[i % 8], "size": 7},
        ))  # fmt: skip
    name = problem.param_names[0]
    title, y_title = (
        (f"Signed error {name}ₖ − {name}*: crossing zero is an overshoot", f"{name}ₖ − {name}*")
        if one
        else (
            "Error along the steepest direction: crossing zero is an overshoot",
            "(θₖ − θ*)·v_max",
        )
    )
    return _figure(
        series,
        title,
        "step k",
        y_title,
        yaxis={"range": [-reach, reach], "zeroline": True, "zerolinecolor": BLACK,
               "zerolinewidth": 2},
    )  # fmt: skip


# The small multiples are laid out in pixels, so the gaps hold what they must at every count of
# rows: above each panel its run label, below it its tick labels (and under the bottom row the
# axis title). Paper fractions would shrink those gaps as rows are added or the chart narrows.
PANEL_PX = 220
ROW_GAP_PX = 80  # the row above's tick labels (about 25 px), then this row's run label
TOP_PX = 80  # the chart's title, then the first row's run labels
BOTTOM_PX = 60
COLUMN_GAP = 0.04  # of the width: the y tick labels are drawn for the first column only


def paths_figure(
    problem: LinearRegression, traces: Sequence[Trace], labels: Sequence[str], k: int, view: View
) -> go.Figure:
    """Small multiples: each rate's path to step k on the cost curve (or contours).

    Every panel shows the same view, so they share their axes, and only the first column
    carries the y tick labels and title: between panels they would sit on their neighbour.
    """
    count = len(traces)
    columns = min(count, 3)
    rows = -(-count // columns)
    height = TOP_PX + rows * PANEL_PX + (rows - 1) * ROW_GAP_PX + BOTTOM_PX
    plot_px = height - TOP_PX - BOTTOM_PX
    width = (1 - COLUMN_GAP * (columns - 1)) / columns
    layout_axes, series, annotations = {}, [], []
    names = problem.param_names
    if problem.n_params == 1:
        grid = np.linspace(*view.box[0], 200)
        curve = problem.cost_value(grid[:, None])
        pad = 0.05 * float(curve.max() - curve.min())
        y_range, y_title = [float(curve.min()) - pad, float(curve.max()) + pad], "cost J"
    else:
        t0, t1 = np.linspace(*view.box[0], 40), np.linspace(*view.box[1], 40)
        excess = problem.excess_cost(np.stack(np.meshgrid(t0, t1), axis=-1))
        z = np.log10(excess + max(float(excess.max()) * 1e-8, 1e-300))
        y_range, y_title = list(view.box[1]), names[1]
    for i, (trace, label) in enumerate(zip(traces, labels, strict=True)):
        row, col = divmod(i, columns)
        suffix = "" if i == 0 else str(i + 1)
        x0 = col * (width + COLUMN_GAP)
        top_px = row * (PANEL_PX + ROW_GAP_PX)  # from the top of the plotting area
        y1 = 1 - top_px / plot_px
        y0 = 1 - (top_px + PANEL_PX) / plot_px
        layout_axes[f"xaxis{suffix}"] = {
            "domain": [max(x0, 0.0), min(x0 + width, 1.0)],  # clip round-off
            "anchor": f"y{suffix}",
            "range": list(view.box[0]),
            "tickfont": {"size": FONT_SIZE - 2},
        }
        if i + columns >= count:  # the lowest panel of its column
            layout_axes[f"xaxis{suffix}"]["title"] = {"text": names[0]}
        layout_axes[f"yaxis{suffix}"] = {
            "domain": [max(y0, 0.0), min(y1, 1.0)],
            "anchor": f"x{suffix}",
            "range": y_range,
            "tickfont": {"size": FONT_SIZE - 2},
            "showticklabels": col == 0,
            **({} if col == 0 else {"ticks": ""}),
            "title": {"text": y_title if col == 0 else ""},
        }
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "showlegend": False}
        step = min(k, trace.n_steps)
        path = trace.thetas[: step + 1]
        path = path[view.contains(path)]
        colour = PALETTE[i % len(PALETTE)]
        if problem.n_params == 1:
            series.append(
                _scatter(
                    grid, curve, "J(θ)", mode="lines", line={"color": "#999999", "width": 2}, **axes
                )
            )
            series.append(
                _scatter(
                    path[:, 0],
                    problem.cost_value(path),
                    label,
                    mode="lines+markers",
                    line={"color": colour, "width": 2},
                    marker={"symbol": SYMBOLS[i % 8], "size": 8},
                    **axes,
                )
            )
        else:
            series.append(
                {
                    "type": "contour",
                    "x": t0,
                    "y": t1,
                    "z": z,
                    "showscale": False,
                    "colorscale": "Greys",
                    "ncontours": 12,
                    "contours": {"coloring": "lines"},
                    "xaxis": f"x{suffix}",
                    "yaxis": f"y{suffix}",
                    "hoverinfo": "skip",
                }
            )
            series.append(
                _scatter(
                    path[:, 0],
                    path[:, 1],
                    label,
                    mode="lines+markers",
                    line={"color": colour, "width": 2},
                    marker={"symbol": SYMBOLS[i % 8], "size": 7},
                    **axes,
                )
            )
        annotations.append(
            {
                "text": label,
                "x": x0,
                "y": y1,
                "yshift": 4,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 14, "color": colour},
            }
        )
    title = {
        "text": f"Paths up to step {k}",
        "x": 0,
        "xanchor": "left",
        "y": 1,
        "yref": "container",
        "yanchor": "top",
        "pad": {"t": 12},
        "font": {"size": FONT_SIZE + 2},
    }
    margin = {"t": TOP_PX, "b": BOTTOM_PX, "l": 70, "r": 20}
    layout = {**layout_axes, "height": height, "margin": margin, "title": title}
    return _figure(series, "", "", "", annotations=tuple(annotations), layout=layout)
