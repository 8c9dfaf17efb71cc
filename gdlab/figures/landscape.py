"""The cost over θ with the run on it: the cost curve with its tangent (one parameter), the contour
map and the cost along the descent direction (two)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from gdlab.derivatives import descent_slice, tangent
from gdlab.figures.common import (
    BLACK,
    BLUE,
    CONTOUR_POINTS,
    CURVE_POINTS,
    GREEN,
    SKY,
    VERMILLION,
    _arrow,
    _figure,
    _label,
    _scatter,
    diamond_marker,
    star_point,
    thin_indices,
)
from gdlab.figures.ghosts import Ghost, path_traces
from gdlab.models.linear import LinearRegression
from gdlab.number_format import number_text, signed_text
from gdlab.running.descent import Trace


@dataclass(frozen=True)
class View:
    """A box in θ-space (d, 2) and the first step whose θ fell outside it, if any."""

    box: np.ndarray
    left_at: int | None

    def contains(self, theta: np.ndarray) -> np.ndarray:
        theta = np.atleast_2d(theta)
        return np.all((theta >= self.box[:, 0]) & (theta <= self.box[:, 1]), axis=-1)


def parameter_view(problem: LinearRegression, trace: Trace) -> View:
    """Around θ* and θ₀, widened to keep a converging path in sight; a diverging path leaves it.

    Iterates further than twice the base box from its centre are left out of view rather than
    stretch the chart until the cost curve is a flat line.
    """
    base = problem.theta_bounds()
    start = trace.thetas[0]
    lo = np.minimum(base[:, 0], start)
    hi = np.maximum(base[:, 1], start)
    centre, half = (lo + hi) / 2, (hi - lo) / 2
    inside = trace.thetas[np.all(np.abs(trace.thetas - centre) <= 2 * half, axis=1)]
    lo = np.minimum(lo, inside.min(axis=0))
    hi = np.maximum(hi, inside.max(axis=0))
    pad = 0.05 * (hi - lo)
    box = np.column_stack([lo - pad, hi + pad])
    outside = ~np.all((trace.thetas >= box[:, 0]) & (trace.thetas <= box[:, 1]), axis=1)
    return View(box, int(np.argmax(outside)) if outside.any() else None)


def _left_view_note(view: View) -> tuple[dict, ...]:
    if view.left_at is None:
        return ()
    # Below the two-line slope summary at the top of the chart (yshift in pixels, so the gap
    # is the same at every chart height).
    return (
        _label(
            0.5,
            0.99,
            f"θ left the view at step {view.left_at}",
            VERMILLION,
            xref="paper",
            yref="paper",
            yanchor="top",
            yshift=-52,
        ),
    )


def _step_number(trace: Trace, k: int) -> int:
    return min(max(k, 0), trace.n_steps)


def cost_curve_figure(
    problem: LinearRegression, trace: Trace, k: int, view: View, ghosts: Sequence[Ghost] = ()
) -> go.Figure:
    """J(θ) with the path so far, the tangent at θₖ labelled with its slope, and the step;
    earlier runs (`ghosts`) faintly underneath."""
    k = _step_number(trace, k)
    lo, hi = view.box[0]
    grid = np.linspace(lo, hi, CURVE_POINTS)
    with np.errstate(all="ignore"):  # a typed cost may overflow at the edges of the view
        curve = problem.cost_value(grid[:, None])
    finite = np.isfinite(curve)
    grid, curve = grid[finite], curve[finite]
    name = problem.param_names[0]
    shown = np.flatnonzero(view.contains(trace.thetas[: k + 1]))
    traces = [
        _scatter(grid, curve, "cost J(θ)", mode="lines", line={"color": BLUE, "width": 3}),
        *path_traces(ghosts, view.contains, one_parameter=True),
        _scatter(
            trace.thetas[shown, 0],
            trace.costs[shown],
            "earlier steps",
            mode="markers",
            marker={"color": SKY, "size": 9, "symbol": "circle-open", "line": {"width": 2}},
        ),
    ]
    # A regression knows its minimum; a typed cost may have several, so none is starred.
    theta_star = getattr(problem, "theta_star", None)
    # A typed cost may be finite nowhere on the grid but at θ₀: then the path sets the scale.
    scale = curve if curve.size else trace.costs[np.isfinite(trace.costs)]
    scale = scale if scale.size else np.zeros(1)
    lowest = float(getattr(problem, "min_cost", scale.min()))
    if theta_star is not None:
        traces.append(
            _scatter(
                [theta_star[0]],
                [lowest],
                "minimum θ*",
                mode="markers",
                marker={"color": GREEN, "size": 16, "symbol": "star"},
            )
        )
    annotations = list(_left_view_note(view))
    theta_k, cost_k, slope_k = trace.thetas[k, 0], trace.costs[k], trace.grads[k, 0]
    if view.contains(trace.thetas[k])[0]:
        line = tangent(theta_k, cost_k, slope_k, half_width=0.18 * (hi - lo))
        traces += [
            _scatter(
                line.segment_theta,
                line.segment_cost,
                f"tangent at {name}ₖ (slope {number_text(slope_k)})",
                mode="lines",
                line={"color": VERMILLION, "width": 3, "dash": "dash"},
            ),
            _scatter(
                [theta_k],
                [cost_k],
                f"{name}ₖ at step {k}",
                mode="markers",
                marker={"color": VERMILLION, "size": 16, "symbol": "diamond"},
            ),
        ]
        summary = f"slope J′({name}ₖ) = {number_text(slope_k)}"
        if k < trace.n_steps:
            end_theta = float(np.clip(trace.thetas[k + 1, 0], lo, hi))
            end_cost = trace.costs[k + 1] if end_theta == trace.thetas[k + 1, 0] else cost_k
            step = -trace.lrs[k] * slope_k
            annotations.append(_arrow((theta_k, cost_k), (end_theta, end_cost)))
            summary += f"<br>step −α·J′ = {signed_text(step)}"
        # Top centre: the emptiest part of a U-shaped curve, so the text never covers it; the
        # note that θ left the view goes under it (see _left_view_note).
        annotations.append(
            _label(
                0.5,
                0.99,
                summary,
                BLACK,
                xref="paper",
                yref="paper",
                yanchor="top",
            )
        )
    top = float(max(scale.max(), lowest))
    bottom = lowest - 0.06 * (top - lowest)
    return _figure(
        traces,
        f"Cost J({name}) and its tangent at step {k}",
        name,
        "cost J",
        annotations=tuple(annotations),
        yaxis={"range": [bottom, top * 1.02]},
        xaxis={"range": [lo, hi]},
    )


def shares_units(problem: LinearRegression) -> bool:
    """θ₀ and θ₁ are in the same units (y's) when x is scaled to a unitless z: then one unit
    on either axis means the same, and only an equal-aspect drawing shows the valley's shape."""
    return problem.n_params == 2 and getattr(problem, "scaling", "none") != "none"


def _square(box: np.ndarray) -> np.ndarray:
    """The box widened about its centre until both sides are as long as the longer one."""
    centre, half = box.mean(axis=1), (box[:, 1] - box[:, 0]).max() / 2
    return np.column_stack([centre - half, centre + half])


def contour_figure(
    problem: LinearRegression, trace: Trace, k: int, view: View, ghosts: Sequence[Ghost] = ()
) -> go.Figure:
    """Contours of J(θ₀, θ₁) with the path up to step k and the step about to be taken;
    earlier runs (`ghosts`) faintly underneath.

    Where the parameters share units (scaled features) the axes are drawn to one scale, so
    the round valley of standardized x (κ = 1) is drawn round; the box is squared first, so
    the equal-aspect plot is filled with contours at every chart width.
    """
    k = _step_number(trace, k)
    equal = shares_units(problem)
    box = _square(view.box) if equal else view.box
    t0 = np.linspace(*box[0], CONTOUR_POINTS)
    t1 = np.linspace(*box[1], CONTOUR_POINTS)
    excess = problem.excess_cost(np.stack(np.meshgrid(t0, t1), axis=-1))
    # A quadratic bowl reads best on a log scale of the excess: evenly spaced nested ellipses.
    z = np.log10(excess + max(float(excess.max()) * 1e-8, 1e-300))
    names = problem.param_names
    path = trace.thetas[thin_indices(k + 1, keep=(k,))]
    path = path[view.contains(path)]
    traces = [
        {
            "type": "contour",
            "x": t0,
            "y": t1,
            "z": z,
            "colorscale": "Viridis",
            "reversescale": True,
            "ncontours": 18,
            "name": "cost",
            "colorbar": {"title": {"text": "log₁₀(J − J*)", "side": "right"}},
            "hovertemplate": f"{names[0]}=%{{x:.4g}}<br>{names[1]}=%{{y:.4g}}<extra></extra>",
        },
        *path_traces(ghosts, view.contains, one_parameter=False),
        _scatter(
            path[:, 0],
            path[:, 1],
            "path so far",
            mode="lines+markers",
            line={"color": VERMILLION, "width": 2},
            marker={"size": 6, "color": VERMILLION},
        ),
        star_point(problem.theta_star[0], problem.theta_star[1], "minimum θ*"),
    ]
    annotations = list(_left_view_note(view))
    if view.contains(trace.thetas[k])[0]:
        traces.append(
            _scatter(
                [trace.thetas[k, 0]],
                [trace.thetas[k, 1]],
                f"θₖ at step {k}",
                mode="markers",
                marker=diamond_marker(),
            )
        )
        if k < trace.n_steps:
            end = np.clip(trace.thetas[k + 1], view.box[:, 0], view.box[:, 1])
            annotations.append(_arrow(trace.thetas[k], end))
    # One unit of θ₁ as long as one of θ₀: the plot shrinks to the square box's shape.
    same_scale = {"scaleanchor": "x", "scaleratio": 1, "constrain": "domain"} if equal else {}
    return _figure(
        traces,
        f"Cost contours and the path to step {k}",
        names[0],
        names[1],
        annotations=tuple(annotations),
        xaxis={"range": list(box[0]), **({"constrain": "domain"} if equal else {})},
        yaxis={"range": list(box[1]), **same_scale},
    )


def slice_figure(problem: LinearRegression, trace: Trace, k: int) -> go.Figure:
    """J along the descent direction at θₖ: the 1-D picture of where the step lands.

    t is the distance from θₖ along −∇J/‖∇J‖; the slope there is −‖∇J‖ and a step of rate α
    lands at t = α‖∇J‖, so landing past twice the lowest point means the cost went up.
    """
    k = _step_number(trace, k)
    cut = descent_slice(problem.cost_value, problem.gradient, trace.thetas[k])
    grad_norm = float(np.linalg.norm(trace.grads[k]))
    lr = float(trace.lrs[min(k, trace.n_steps - 1)]) if trace.n_steps else 0.0
    landing = lr * grad_norm
    curvature = float(cut.direction @ problem.hessian() @ cut.direction)
    lowest = grad_norm / curvature if curvature > 0 else landing
    reach = max(landing, lowest, 1e-12)
    t = np.linspace(-0.15 * reach, min(1.15 * reach, 3.0 * lowest + 0.3 * reach), CURVE_POINTS)
    values = cut.value(t)
    cost_k = float(trace.costs[k])
    line = tangent(0.0, cost_k, -grad_norm, half_width=0.3 * reach)
    traces = [
        _scatter(t, values, "J along −∇J", mode="lines", line={"color": BLUE, "width": 3}),
        _scatter(
            line.segment_theta,
            line.segment_cost,
            f"tangent, slope −‖∇J‖ = {number_text(-grad_norm)}",
            mode="lines",
            line={"color": VERMILLION, "width": 3, "dash": "dash"},
        ),
        _scatter(
            [0.0],
            [cost_k],
            f"θₖ at step {k}",
            mode="markers",
            marker={"color": VERMILLION, "size": 16, "symbol": "diamond"},
        ),
        _scatter(
            [lowest],
            [float(cut.value(lowest))],
            "lowest point on this line",
            mode="markers",
            marker={"color": GREEN, "size": 16, "symbol": "star"},
        ),
    ]
    if landing <= t[-1] and trace.n_steps:
        traces.append(
            _scatter(
                [landing],
                [float(cut.value(landing))],
                f"where α lands: t = α‖∇J‖ = {number_text(landing, 3)}",
                mode="markers",
                marker={"color": BLACK, "size": 15, "symbol": "x"},
            )
        )
    bottom, top = float(values.min()), float(max(values.max(), cost_k))
    pad = 0.08 * (top - bottom) or 1.0
    return _figure(
        traces,
        f"Cost along the descent direction at step {k}",
        "distance t along −∇J",
        "cost J",
        yaxis={"range": [bottom - pad, top + pad]},
    )
