"""The sharpness λ_max(∇²J(θₖ)) against k, beside the line 2/α where a gradient step stops
being locally stable, and for logistic regression its global bound L.

The y-axis is linear while the lines drawn span a factor of at most LOG_ABOVE, so "rises to
2/α and hovers there" reads as it is; beyond that (a small α puts 2/α far above the sharpness)
it is logarithmic, so the sharpness is not flattened against the axis.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gdlab.curvature import SharpnessRecord
from gdlab.figures.common import BLUE, GREEN, VERMILLION, _figure, _scatter, log_ticks
from gdlab.number_format import number_text

LOG_ABOVE = 20.0


def sharpness_figure(
    record: SharpnessRecord, lr: float, k: int, bound: float | None = None
) -> go.Figure:
    """λ_max(θₖ) at the recorded steps, the line 2/α, step k marked, and L when given."""
    steps = np.asarray(record.steps)
    values = np.asarray(record.sharpness, dtype=float)
    shown = np.isfinite(values)
    edge = 2.0 / lr
    last = int(steps[-1]) if steps.size else 0
    span = [0, max(last, 1)]
    traces = [
        _scatter(
            steps[shown],
            values[shown],
            "sharpness λ_max(θₖ)",
            mode="lines+markers" if shown.sum() <= 60 else "lines",
            line={"color": BLUE, "width": 3},
            marker={"size": 6},
        ),
        _scatter(
            span,
            [edge, edge],
            f"2/α = {number_text(edge)}: above it a step is unstable locally",
            mode="lines",
            line={"color": VERMILLION, "width": 3, "dash": "dash"},
        ),
    ]
    levels = [edge, *values[shown]]
    if bound is not None:
        traces.append(
            _scatter(
                span,
                [bound, bound],
                f"global bound L = {number_text(bound)} (safe rate 2/L = {number_text(2 / bound)})",
                mode="lines",
                line={"color": GREEN, "width": 3, "dash": "dot"},
            )
        )
        levels.append(bound)
    if shown.any():
        nearest = int(np.argmin(np.abs(np.where(shown, steps, np.inf) - k)))
        traces.append(
            _scatter(
                [steps[nearest]],
                [values[nearest]],
                f"step {int(steps[nearest])}",
                mode="markers",
                marker={"color": VERMILLION, "size": 16, "symbol": "diamond"},
            )
        )
    low, high = min(levels), max(levels)
    if low > 0 and high > LOG_ABOVE * low:  # a log axis only when every value is on it
        yaxis = {"type": "log", **log_ticks(low, high, mantissas=(1, 3))}
        y_title = "λ_max (log scale)"
    else:
        top = max(max(levels), 0.0)
        bottom = min(min(levels), 0.0)
        pad = 0.08 * (top - bottom) or 1.0
        # Padded below as well: at 0 the y tick "0" would sit on the x tick "0" in the corner.
        yaxis = {"range": [bottom - pad / 2, top + pad], "exponentformat": "power"}
        y_title = "λ_max"
    return _figure(traces, "Sharpness along the run", "step k", y_title, yaxis=yaxis)
