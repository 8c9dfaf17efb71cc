"""The four regimes at a glance: runs from the same start at a too small, a good, an oscillating
and a diverging rate, drawn on one cost curve (one parameter) or one contour map (two), each
with its zig-zag trail."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gdlab.figures.common import BLACK, BLUE, CURVE_POINTS, _figure, _scatter
from gdlab.figures.landscape import View
from gdlab.figures.race import _cost_surface
from gdlab.figures.thresholds import REGIME_COLOURS
from gdlab.models.linear import LinearRegression
from gdlab.running.descent import Trace

# Multiples of α_crit = 2/λ_max, one per regime along the steepest direction, where the
# factor 1 − αλ_max is 0.96 (creeps), 0.3 (smooth), −0.7 (flips sides, shrinking) and −1.2
# (flips sides, growing).
MULTIPLES = {"slow": 0.02, "smooth": 0.35, "oscillating": 0.85, "diverging": 1.1}
STEPS = 25  # enough to see each trail's shape; the diverging one has left the view by then
_DASHES = {"slow": "dot", "smooth": "solid", "oscillating": "dash", "diverging": "dashdot"}
_SYMBOLS = {"slow": "circle", "smooth": "square", "oscillating": "diamond", "diverging": "x"}


def four_regimes_figure(
    problem: LinearRegression,
    traces: Sequence[Trace],
    kinds: Sequence[str],
    labels: Sequence[str],
    view: View,
) -> go.Figure:
    """`traces[i]` is the run of regime `kinds[i]` (a key of MULTIPLES), named `labels[i]`."""
    one = problem.n_params == 1
    drawn: list[dict] = []
    if one:
        grid = np.linspace(*view.box[0], CURVE_POINTS)
        drawn.append(
            _scatter(
                grid,
                problem.cost_value(grid[:, None]),
                "cost J(θ)",
                mode="lines",
                line={"color": BLUE, "width": 2},
                opacity=0.6,
            )
        )
    else:
        t0, t1, z = _cost_surface(problem, view)
        drawn.append(
            {
                "type": "contour", "x": t0, "y": t1, "z": z, "ncontours": 14,
                "contours": {"coloring": "lines"}, "colorscale": [[0, "#bbbbbb"], [1, "#bbbbbb"]],
                "showscale": False, "name": "cost contours", "hoverinfo": "skip",
            }
        )  # fmt: skip
    for trace, kind, label in zip(traces, kinds, labels, strict=True):
        inside = view.contains(trace.thetas)
        # Stop the trail where it first leaves the view: a line to a far point would cross
        # the whole chart.
        end = int(np.argmin(inside)) if not inside.all() else inside.size
        path = trace.thetas[:end]
        y = trace.costs[:end] if one else path[:, 1]
        drawn.append(
            _scatter(
                path[:, 0],
                y,
                label,
                mode="lines+markers",
                line={"color": REGIME_COLOURS[kind], "width": 3, "dash": _DASHES[kind]},
                marker={
                    "color": REGIME_COLOURS[kind],
                    "size": 8,
                    "symbol": _SYMBOLS[kind],
                    "line": {"color": BLACK, "width": 1},
                },
            )
        )
    names = problem.param_names
    cost_range = None
    if one:
        lowest = float(problem.min_cost)
        top = float(np.max(drawn[0]["y"]))
        cost_range = {"range": [lowest - 0.06 * (top - lowest), top * 1.02]}
    return _figure(
        drawn,
        f"Four rates from the same start, {STEPS} steps each",
        names[0],
        "cost J" if one else names[1],
        xaxis={"range": list(view.box[0])},
        yaxis=cost_range if one else {"range": list(view.box[1])},
        layout={"height": 500},
    )
