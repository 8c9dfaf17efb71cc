"""The derivative lab: the error of forward and central differences against the step h."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gdlab.derivatives import EPS, DerivativeErrors
from gdlab.figures.common import (
    BLACK,
    BLUE,
    VERMILLION,
    _figure,
    _label,
    _scatter,
)


def derivative_error_figure(errors: DerivativeErrors, x_name: str = "θ") -> go.Figure:

    series = [
        _scatter(
            errors.steps,
            np.maximum(errors.central, 1e-20),
            "central differences",
            mode="lines+markers",
            line={"color": BLUE, "width": 3},
            marker={"size": 6},
        ),
        _scatter(
            errors.steps,
            np.maximum(errors.forward, 1e-20),
            "forward differences",
            mode="lines+markers",
            line={"color": VERMILLION, "width": 3, "dash": "dash"},
            marker={"size": 6, "symbol": "square"},
        ),
    ]
    scale = errors.steps[0] / 1e-14
    shapes, labels = [], []
    for i, (h, name) in enumerate(((EPS ** (1 / 3), "ε^(1/3)"), (EPS**0.5, "√ε"))):
        h = h * scale
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": h,
                "x1": h,
                "y0": 0,
                "y1": 1,
                "line": {"color": BLACK, "dash": "dot" if i else "dash"},
            }
        )
        labels.append(
            _label(np.log10(h), 1.0 - 0.07 * i, f"h = {name}", BLACK, yref="paper", xanchor="left")
        )
    return _figure(
        series,
        f"Error of the numerical derivative at {x_name} against the step h",
        "step h (log scale)",
        "|numerical − exact| (log scale)",
        shapes=tuple(shapes),
        annotations=tuple(labels),
        xaxis={"type": "log"},
        yaxis={"type": "log"},
    )
