"""A sweep of rates on a cost whose curvature changes: the lowest cost each rate reached, against
α, beside 2/λ_max(θ₀), the rate a quadratic with the start's curvature could not exceed.

On a quadratic every rate above 2/λ_max diverges. On a network many do not: the run first
climbs out of the sharp region, or settles at the edge of stability, and still lowers J.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gdlab.figures.common import BLACK, BLUE, VERMILLION, _figure, _scatter, log_ticks
from gdlab.number_format import number_text
from gdlab.running.rate_sweep import RateSweep


def rate_sweep_figure(result: RateSweep, lr: float, start_sharpness: float) -> go.Figure:
    """Lowest J of each rate (diverged rates drawn as crosses on the top edge), the rate α of
    the run above, and 2/λ_max(θ₀)."""
    lrs, lowest = np.asarray(result.lrs), np.asarray(result.lowest_costs)
    diverged = np.array([status == "diverged" for status in result.statuses])
    kept = ~diverged & np.isfinite(lowest) & (lowest > 0)
    top = float(lowest[kept].max()) * 3 if kept.any() else 1.0
    bottom = float(lowest[kept].min()) / 3 if kept.any() else 0.1
    traces = [
        _scatter(
            lrs[kept],
            lowest[kept],
            "lowest J the run reached",
            mode="lines+markers",
            line={"color": BLUE, "width": 2},
            marker={"size": 8},
        )
    ]
    if diverged.any():
        traces.append(
            _scatter(
                lrs[diverged],
                np.full(int(diverged.sum()), top / 1.5),
                f"diverged ({int(diverged.sum())} of {lrs.size} rates)",
                mode="markers",
                marker={"color": VERMILLION, "size": 11, "symbol": "x"},
            )
        )
    shapes, edges = [], []
    if start_sharpness > 0:
        edges.append((2.0 / start_sharpness, f"2/λ_max(θ₀) = {number_text(2 / start_sharpness)}",
                      "dash", BLACK))  # fmt: skip
    edges.append((lr, f"this run's α = {number_text(lr)}", "dot", VERMILLION))
    for value, name, dash, colour in edges:
        traces.append(
            _scatter([value, value], [bottom, top], name, mode="lines",
                     line={"color": colour, "width": 2, "dash": dash})
        )  # fmt: skip
    low, high = float(lrs.min()), float(lrs.max())
    return _figure(
        traces,
        f"Sweep: {lrs.size} rates × up to {result.max_steps:,} steps",
        "learning rate α (log scale)",
        "lowest J (log scale)",
        xaxis={"type": "log", **log_ticks(low, high, mantissas=(1,))},
        # Powers of ten only: plotly's minor labels "2" and "5" crowd a short log axis.
        yaxis={"type": "log", "range": [np.log10(bottom), np.log10(top)],
               "exponentformat": "power",
               **(log_ticks(bottom, top, mantissas=(1,)) or {"dtick": 1})},
        shapes=tuple(shapes),
    )  # fmt: skip
