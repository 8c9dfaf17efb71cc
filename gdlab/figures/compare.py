"""Several learning rates side by side: their cost histories and small multiples of their paths."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gdlab.figures.common import (
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


def paths_figure(
    problem: LinearRegression, traces: Sequence[Trace], labels: Sequence[str], k: int, view: View
) -> go.Figure:
    """Small multiples: each rate's path to step k on the cost curve (or contours)."""
    count = len(traces)
    columns = min(count, 3)
    rows = -(-count // columns)
    gap = 0.06
    row_gap = 0.22  # room for a row's tick labels and the next row's run label
    width, height = (1 - gap * (columns - 1)) / columns, (1 - row_gap * (rows - 1)) / rows
    layout_axes, series, annotations = {}, [], []
    if problem.n_params == 1:
        grid = np.linspace(*view.box[0], 200)
        curve = problem.cost_value(grid[:, None])
    else:
        t0, t1 = np.linspace(*view.box[0], 40), np.linspace(*view.box[1], 40)
        excess = problem.excess_cost(np.stack(np.meshgrid(t0, t1), axis=-1))
        z = np.log10(excess + max(float(excess.max()) * 1e-8, 1e-300))
    for i, (trace, label) in enumerate(zip(traces, labels, strict=True)):
        row, col = divmod(i, columns)
        suffix = "" if i == 0 else str(i + 1)
        x0 = col * (width + gap)
        y1 = 1 - row * (height + row_gap)
        layout_axes[f"xaxis{suffix}"] = {
            "domain": [max(x0, 0.0), min(x0 + width, 1.0)],  # clip round-off
            "anchor": f"y{suffix}",
            "range": list(view.box[0]),
        }
        if row == rows - 1:  # under the bottom row only: above, it would sit on a label
            layout_axes[f"xaxis{suffix}"]["title"] = {"text": problem.param_names[0]}
        layout_axes[f"yaxis{suffix}"] = {
            "domain": [max(y1 - height, 0.0), min(y1, 1.0)],
            "anchor": f"x{suffix}",
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
            layout_axes[f"yaxis{suffix}"]["range"] = list(view.box[1])
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
                "y": y1 + 0.01,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 14, "color": colour},
            }
        )
    figure = _figure(series, "", "", "", annotations=tuple(annotations))
    figure.update_layout(layout_axes, height=max(320, 300 * rows), margin={"t": 50})
    figure.layout.title = {"text": f"Paths up to step {k}", "x": 0, "y": 0.985, "yanchor": "top"}
    return figure
