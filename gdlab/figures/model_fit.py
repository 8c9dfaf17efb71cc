"""The data at step k for a model beyond a straight line: the fitted curve for regression; the
predicted probability p̂ and the decision boundary p̂ = ½ for classification.

With two features (logistic regression only) the data are drawn in the plane of the features
and the boundary is the line θ₀ + θ₁z₁ + θ₂z₂ = 0, mapped back to the raw units.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gdlab.figures.common import (
    BLACK,
    BLUE,
    CURVE_POINTS,
    ORANGE,
    SKY,
    VERMILLION,
    _figure,
    _scatter,
)
from gdlab.number_format import number_text
from gdlab.running.descent import Trace

_CLASS_STYLES = (
    {"color": SKY, "symbol": "circle", "line": {"color": BLUE, "width": 1}},
    {"color": ORANGE, "symbol": "triangle-up", "line": {"color": BLACK, "width": 1}},
)


def predicted(problem, theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """ŷ (regression) or p̂ (classification) at raw inputs x."""
    if hasattr(problem, "predict_proba"):
        return problem.predict_proba(theta, x)
    return problem.predict(theta, x)


def crossings(x: np.ndarray, p: np.ndarray, level: float = 0.5) -> np.ndarray:
    """Where p crosses `level` between grid points, by linear interpolation."""
    above = p - level
    change = np.nonzero(np.sign(above[:-1]) * np.sign(above[1:]) < 0)[0]
    left, right = above[change], above[change + 1]
    return x[change] + (x[change + 1] - x[change]) * left / (left - right)


def model_fit_figure(
    problem,
    trace: Trace,
    k: int,
    x_labels: tuple[str, ...],
    y_label: str,
    class_names: tuple[str, str] = ("0", "1"),
    classification: bool = False,
) -> go.Figure:
    k = min(max(int(k), 0), trace.n_steps)
    theta = trace.thetas[k]
    x = np.asarray(problem.x, dtype=float)
    if classification and x.shape[1] == 2:
        return _plane_figure(problem, theta, k, x_labels, class_names)
    x = x[:, 0]
    y = np.asarray(problem.y, dtype=float)
    span = float(np.ptp(x)) or 1.0
    grid = np.linspace(x.min() - 0.05 * span, x.max() + 0.05 * span, CURVE_POINTS)
    with np.errstate(all="ignore"):
        curve = np.asarray(predicted(problem, theta, grid), dtype=float)
    finite = np.isfinite(curve)
    if not classification:
        traces = [
            _scatter(x, y, "data", mode="markers",
                     marker={"color": SKY, "size": 8, "line": {"color": BLUE, "width": 1}}),
            _scatter(grid[finite], curve[finite], f"model at step {k}", mode="lines",
                     line={"color": VERMILLION, "width": 3}),
        ]  # fmt: skip
        # The range stays on the data, so a wild curve is clipped instead of hiding the points.
        y_span = float(np.ptp(y)) or 1.0
        y_range = [float(y.min()) - 0.15 * y_span, float(y.max()) + 0.15 * y_span]
        return _figure(traces, f"Data and the model at step {k}", x_labels[0], y_label,
                       yaxis={"range": y_range, "exponentformat": "power"})  # fmt: skip
    traces = [
        _scatter(x[y == label], y[y == label], f"{name} (y = {label})", mode="markers",
                 marker={"size": 9, "opacity": 0.7, **style})
        for label, name, style in zip((0, 1), class_names, _CLASS_STYLES, strict=True)
    ]  # fmt: skip
    traces.append(
        _scatter(grid[finite], curve[finite], f"p̂ at step {k}", mode="lines",
                 line={"color": VERMILLION, "width": 3})
    )  # fmt: skip
    shapes = [_level(0.5)]
    for boundary in crossings(grid[finite], curve[finite]):
        traces.append(
            _scatter([boundary, boundary], [-0.05, 1.05],
                     f"decision boundary p̂ = ½ at {number_text(float(boundary))}", mode="lines",
                     line={"color": BLACK, "width": 2, "dash": "dash"})
        )  # fmt: skip
    return _figure(
        traces,
        f"Predicted probability at step {k}",
        x_labels[0],
        y_label,
        yaxis={"range": [-0.08, 1.08]},
        xaxis={"range": [float(grid[0]), float(grid[-1])]},
        shapes=tuple(shapes),
    )


def _level(value: float) -> dict:
    return {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": value, "y1": value,
            "line": {"color": "#888888", "dash": "dot", "width": 1}}  # fmt: skip


def _plane_figure(problem, theta, k, x_labels, class_names) -> go.Figure:
    """Two features: the points by class and the line where p̂ = ½."""
    x, y = np.asarray(problem.x, dtype=float), np.asarray(problem.y, dtype=float)
    traces = [
        _scatter(x[y == label, 0], x[y == label, 1], f"{name} (y = {label})", mode="markers",
                 marker={"size": 9, "opacity": 0.7, **style})
        for label, name, style in zip((0, 1), class_names, _CLASS_STYLES, strict=True)
    ]  # fmt: skip
    spans = np.ptp(x, axis=0)
    spans = np.where(spans > 0, spans, 1.0)
    low, high = x.min(axis=0) - 0.05 * spans, x.max(axis=0) + 0.05 * spans
    # θ₀ + θ₁z₁ + θ₂z₂ = 0 with zⱼ = (xⱼ − shiftⱼ)/scaleⱼ: solved for x₂ over x₁'s range.
    first, second = problem.scalers
    if abs(theta[2]) > 0:
        x1 = np.linspace(low[0], high[0], 2)
        z2 = -(theta[0] + theta[1] * first.transform(x1)) / theta[2]
        x2 = z2 * second.scale + second.shift
        traces.append(
            _scatter(x1, x2, f"decision boundary p̂ = ½ at step {k}", mode="lines",
                     line={"color": BLACK, "width": 3, "dash": "dash"})
        )  # fmt: skip
    return _figure(
        traces,
        f"Decision boundary at step {k}",
        x_labels[0],
        x_labels[1],
        xaxis={"range": [float(low[0]), float(high[0])]},
        yaxis={"range": [float(low[1]), float(high[1])]},
    )
