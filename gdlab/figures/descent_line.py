"""The cost along the descent direction at θₖ, for a model with any number of parameters.

φ(t) = J(θₖ + t·u) with u = −∇J(θₖ)/‖∇J(θₖ)‖: φ′(0) = −‖∇J(θₖ)‖ is the tangent's slope, and a
step of rate α lands at t = α‖∇J(θₖ)‖, so φ there is J(θₖ₊₁). Every value drawn is J itself,
exact for every model; beside it, dotted, the quadratic model φ(0) − ‖∇J‖t + ½ct² with the
curvature c = uᵀ∇²J(θₖ)u along the line, which is what the rule "α < 2/λ" reasons about.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gdlab.curvature import hessian_operator
from gdlab.derivatives import descent_slice, tangent
from gdlab.figures.common import (
    BLACK,
    BLUE,
    GREEN,
    PURPLE,
    VERMILLION,
    _figure,
    _scatter,
)
from gdlab.number_format import number_text
from gdlab.running.descent import Trace

# A network is evaluated one θ at a time: 150 points draw a smooth line in about 7 ms.
LINE_POINTS = 150


def _rowwise(function):
    """A function of one θ applied to each row of a batch: a network takes one θ at a time."""

    def batched(points: np.ndarray) -> np.ndarray:
        points = np.asarray(points, dtype=np.float64)
        if points.ndim == 1:
            return np.asarray(function(points))
        return np.array([function(row) for row in points.reshape(-1, points.shape[-1])])

    return batched


def descent_line_figure(problem, trace: Trace, k: int) -> go.Figure:
    """φ(t) at step k with its tangent, the quadratic model, and where α lands."""
    k = min(max(int(k), 0), trace.n_steps)
    theta = trace.thetas[k]
    with np.errstate(all="ignore"):
        cut = descent_slice(_rowwise(problem.cost_value), problem.gradient, theta)
        grad_norm = float(np.linalg.norm(trace.grads[k]))
        curvature = float(cut.direction @ hessian_operator(problem, theta)(cut.direction))
    lr = float(trace.lrs[min(k, trace.n_steps - 1)]) if trace.n_steps else 0.0
    landing = lr * grad_norm
    model_lowest = grad_norm / curvature if curvature > 0 and np.isfinite(curvature) else 0.0
    reach = max(landing, model_lowest, 1e-12)
    t = np.linspace(-0.15 * reach, 1.2 * reach, LINE_POINTS)
    with np.errstate(all="ignore"):
        values = np.asarray(cut.value(t), dtype=float)
        model = trace.costs[k] - grad_norm * t + 0.5 * curvature * t * t
    finite = np.isfinite(values)
    cost_k = float(trace.costs[k])
    line = tangent(0.0, cost_k, -grad_norm, half_width=0.35 * reach)
    traces = [
        _scatter(t[finite], values[finite], "J along −∇J", mode="lines",
                 line={"color": BLUE, "width": 3}),
        _scatter(line.segment_theta, line.segment_cost,
                 f"tangent, slope −‖∇J‖ = {number_text(-grad_norm)}", mode="lines",
                 line={"color": VERMILLION, "width": 3, "dash": "dash"}),
        _scatter(t, model, f"quadratic model, curvature uᵀ∇²J u = {number_text(curvature)}",
                 mode="lines", line={"color": PURPLE, "width": 2, "dash": "dot"}),
        _scatter([0.0], [cost_k], f"θₖ at step {k}", mode="markers",
                 marker={"color": VERMILLION, "size": 16, "symbol": "diamond"}),
    ]  # fmt: skip
    if finite.any():
        lowest = int(np.argmin(np.where(finite, values, np.inf)))
        traces.append(
            _scatter([t[lowest]], [values[lowest]], "lowest point on this line", mode="markers",
                     marker={"color": GREEN, "size": 16, "symbol": "star"})
        )  # fmt: skip
    landed = float(np.asarray(cut.value(landing))) if trace.n_steps else np.nan
    if np.isfinite(landed):
        traces.append(
            _scatter([landing], [landed], f"where α lands: t = α‖∇J‖ = {number_text(landing, 3)}",
                     mode="markers", marker={"color": BLACK, "size": 15, "symbol": "x"})
        )  # fmt: skip
    shown = values[finite] if finite.any() else np.array([cost_k])
    bottom, top = float(shown.min()), float(max(shown.max(), cost_k))
    pad = 0.08 * (top - bottom) or max(abs(top), 1.0) * 0.05
    return _figure(
        traces,
        f"Cost along the descent direction at step {k}",
        "distance t along −∇J",
        "cost J",
        # "power": 3×10⁻⁴, not the SI prefix "300µ", when the cost or the step is small.
        yaxis={"range": [bottom - pad, top + pad], "exponentformat": "power"},
        xaxis={"range": [float(t[0]), float(t[-1])], "exponentformat": "power"},
    )
