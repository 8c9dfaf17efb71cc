"""Pure figure builders for the page: data in, plotly Figure out (no streamlit here).

Colours are the Okabe–Ito palette, safe for the common colour-vision deficiencies, and every
series also differs by marker or dash so nothing relies on colour alone. Fonts are large enough
to read on a projector. Long histories are thinned for display only; the run is never touched.

Figures are written as plain dicts and wrapped without plotly's per-property validation, which
costs about 10 ms a figure, a fifth of the page's rerun budget; the tests validate every figure
by building it again with validation on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from gdlab.derivatives import descent_slice, tangent
from gdlab.descent import Trace
from gdlab.number_format import number_text, signed_text
from gdlab.problem import LinearRegression

BLACK, ORANGE, SKY, GREEN, BLUE, VERMILLION, PURPLE = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7",
)  # fmt: skip
PALETTE = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK)
FONT_SIZE = 16
MAX_HISTORY_POINTS = 1_000
# Points of the data the scatter draws (each is an SVG marker: 100,000 take the browser 9–24 s
# a redraw); the fit and every number still use all the rows.
MAX_DATA_POINTS = 2_000
CURVE_POINTS = 300
CONTOUR_POINTS = 60


def thin_indices(count: int, max_points: int = MAX_HISTORY_POINTS, keep: tuple[int, ...] = ()):
    """At most about max_points indices of range(count), spread evenly, always with 0, the last
    index and any in `keep` (the current step must stay exactly where it is)."""
    if count <= max_points:
        return np.arange(count)
    spread = np.linspace(0, count - 1, max_points).round().astype(int)
    extra = [k for k in keep if 0 <= k < count]
    return np.unique(np.concatenate([spread, extra]).astype(int))


def data_sample(x: np.ndarray, y: np.ndarray, max_points: int = MAX_DATA_POINTS) -> np.ndarray:
    """Indices (in row order) of at most max_points rows to draw: evenly spaced in the order of
    x, plus the rows of the smallest and largest y, so the cloud keeps its shape and extremes.
    Deterministic: the same data always show the same points."""
    if x.size <= max_points:
        return np.arange(x.size)
    by_x = np.argsort(x, kind="stable")
    spread = by_x[np.linspace(0, x.size - 1, max_points - 2).round().astype(int)]
    return np.unique(np.concatenate([spread, [np.argmin(y), np.argmax(y)]]))


def _figure(
    traces: list[dict],
    title: str,
    x_title: str,
    y_title: str,
    *,
    annotations: tuple[dict, ...] = (),
    shapes: tuple[dict, ...] = (),
    xaxis: dict | None = None,
    yaxis: dict | None = None,
) -> go.Figure:
    layout = {
        "title": {"text": title, "x": 0.0, "xanchor": "left", "font": {"size": FONT_SIZE + 2}},
        "font": {"size": FONT_SIZE},
        "margin": {"l": 70, "r": 20, "t": 60, "b": 60},
        # Explicit sizes: Streamlit's chart theme would otherwise shrink ticks and legend.
        "legend": {"orientation": "h", "y": -0.25, "x": 0.0, "font": {"size": FONT_SIZE - 1}},
        "height": 440,
        "xaxis": _axis(x_title, xaxis),
        "yaxis": _axis(y_title, yaxis),
        "annotations": list(annotations),
        "shapes": list(shapes),
    }
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def _axis(title: str, extra: dict | None) -> dict:
    axis = {"title": {"text": title, "font": {"size": FONT_SIZE}},
            "tickfont": {"size": FONT_SIZE - 1}, **(extra or {})}  # fmt: skip
    if axis.get("type") == "log":
        axis.setdefault("exponentformat", "power")  # 10⁻³, not the SI prefix "1m"
    return axis


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def log_ticks(low: float, high: float, mantissas: tuple[int, ...] = (1, 2, 5)) -> dict:
    """Tick values and labels for a log axis over [low, high]: m·10ᵉ for each mantissa m.

    Over a decade or two plotly labels the ticks between powers of ten by their first digit
    alone ("2", "5", and "4" for 400), which reads as nonsense on a projector; these are written
    in full (0.2, 500, 2×10⁻⁵). Empty (plotly's own ticks) for a range that is not positive and
    finite, or wider than four decades.
    """
    if not (np.isfinite(low) and np.isfinite(high) and 0 < low <= high <= 1e4 * low):
        return {}
    exponents = range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
    ticks = [m * 10.0**e for e in exponents for m in mantissas if low <= m * 10.0**e <= high]
    if len(ticks) < 2 and mantissas != (1, 2, 5):
        return log_ticks(low, high)
    if not ticks:
        return {}
    return {"tickvals": ticks, "ticktext": [_tick_text(tick) for tick in ticks]}


def _tick_text(value: float) -> str:
    if 1e-3 <= value < 1e6:
        return f"{value:,.6g}"
    exponent = int(np.floor(np.log10(value) + 1e-9))
    mantissa = round(value / 10.0**exponent)
    power = "10" + str(exponent).translate(_SUPERSCRIPTS)
    return power if mantissa == 1 else f"{mantissa}×{power}"


def _scatter(x, y, name: str, **style) -> dict:
    return {
        "type": "scatter",
        "x": np.asarray(x, dtype=float),
        "y": np.asarray(y, dtype=float),
        "name": name,
        **style,
    }


def _arrow(start, end, color: str = BLACK) -> dict:
    return {
        "x": float(end[0]),
        "y": float(end[1]),
        "ax": float(start[0]),
        "ay": float(start[1]),
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "showarrow": True,
        "arrowhead": 3,
        "arrowsize": 1.6,
        "arrowwidth": 2.5,
        "arrowcolor": color,
        "text": "",
    }


def _label(x, y, text: str, color: str = BLACK, yshift: int = 0, **extra) -> dict:
    return {
        "x": float(x),
        "y": float(y),
        "text": text,
        "showarrow": False,
        "yshift": yshift,
        "font": {"color": color},
        "bgcolor": "rgba(255,255,255,0.75)",
        **extra,
    }


# -- the window a chart shows ------------------------------------------------------------------


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


# -- the cost curve (one parameter) --------------------------------------------------------


def cost_curve_figure(problem: LinearRegression, trace: Trace, k: int, view: View) -> go.Figure:
    """J(θ) with the path so far, the tangent at θₖ labelled with its slope, and the step."""
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


# -- two parameters: contour and the slice along the descent direction --------------------


def contour_figure(problem: LinearRegression, trace: Trace, k: int, view: View) -> go.Figure:
    """Contours of J(θ₀, θ₁) with the path up to step k and the step about to be taken."""
    k = _step_number(trace, k)
    t0 = np.linspace(*view.box[0], CONTOUR_POINTS)
    t1 = np.linspace(*view.box[1], CONTOUR_POINTS)
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
        _scatter(
            path[:, 0],
            path[:, 1],
            "path so far",
            mode="lines+markers",
            line={"color": VERMILLION, "width": 2},
            marker={"size": 6, "color": VERMILLION},
        ),
        _scatter(
            [problem.theta_star[0]],
            [problem.theta_star[1]],
            "minimum θ*",
            mode="markers",
            marker={
                "color": "white",
                "size": 18,
                "symbol": "star",
                "line": {"color": BLACK, "width": 2},
            },
        ),
    ]
    annotations = list(_left_view_note(view))
    if view.contains(trace.thetas[k])[0]:
        traces.append(
            _scatter(
                [trace.thetas[k, 0]],
                [trace.thetas[k, 1]],
                f"θₖ at step {k}",
                mode="markers",
                marker={
                    "color": ORANGE,
                    "size": 16,
                    "symbol": "diamond",
                    "line": {"color": BLACK, "width": 1.5},
                },
            )
        )
        if k < trace.n_steps:
            end = np.clip(trace.thetas[k + 1], view.box[:, 0], view.box[:, 1])
            annotations.append(_arrow(trace.thetas[k], end))
    return _figure(
        traces,
        f"Cost contours and the path to step {k}",
        names[0],
        names[1],
        annotations=tuple(annotations),
        xaxis={"range": list(view.box[0])},
        yaxis={"range": list(view.box[1])},
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
            f"tangent, slope −‖∇J‖ = {-grad_norm:.4g}",
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
                f"where α lands: t = α‖∇J‖ = {landing:.3g}",
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


# -- the data, and the cost history --------------------------------------------------------


def fit_figure(
    problem: LinearRegression, trace: Trace, k: int, x_label: str = "x", y_label: str = "y"
) -> go.Figure:
    """The raw data with the model at step k and the best fit, in the data's own units; a
    large dataset is drawn as a sample (`data_sample`), which the legend says."""
    k = _step_number(trace, k)
    x, y = problem.x, problem.y
    span = float(np.ptp(x)) or 1.0
    points = 120 if problem.degree > 1 else 2
    grid = np.linspace(x.min() - 0.05 * span, x.max() + 0.05 * span, points)
    drawn = data_sample(x, y)
    name = "data" if drawn.size == x.size else f"data ({drawn.size:,} of {x.size:,} drawn)"
    traces = [
        _scatter(
            x[drawn],
            y[drawn],
            name,
            mode="markers",
            marker={"color": SKY, "size": 8, "line": {"color": BLUE, "width": 1}},
        ),
        _scatter(
            grid,
            problem.predict(problem.theta_star, grid),
            "best fit θ*",
            mode="lines",
            line={"color": GREEN, "width": 3, "dash": "dot"},
        ),
        _scatter(
            grid,
            problem.predict(trace.thetas[k], grid),
            f"model at step {k}",
            mode="lines",
            line={"color": VERMILLION, "width": 3},
        ),
    ]
    # The y-range stays on the data, so a wild line is clipped instead of squashing the points.
    y_span = float(np.ptp(y)) or 1.0
    y_range = [float(y.min()) - 0.15 * y_span, float(y.max()) + 0.15 * y_span]
    return _figure(
        traces, f"Data and the model at step {k}", x_label, y_label, yaxis={"range": y_range}
    )


def excess_cost(costs: np.ndarray, min_cost: float) -> np.ndarray:
    """J − J* for a log axis: round-off zeros shown at a floor far below anything real."""
    excess = np.maximum(costs - min_cost, 0.0)
    floor = max(float(costs[0]) * 1e-16, 1e-300)
    return np.maximum(excess, floor)


def history_figure(trace: Trace, k: int, min_cost: float | None, log_scale: bool) -> go.Figure:
    """J(θₖ) against k, thinned for display, with step k marked.

    On the log scale the excess cost J − J* is drawn, not J: a run that converges at a fixed
    rate is then a straight line falling (and a diverging one a straight line rising), and a
    slow run is visibly far from its minimum although J itself looks flat. On the linear scale
    J* is a dotted reference line. A typed cost has no known J*, so its log scale shows J.
    """
    k = _step_number(trace, k)
    index = thin_indices(trace.costs.size, keep=(k,))
    excess = log_scale and min_cost is not None
    shown = excess_cost(trace.costs, min_cost) if excess else trace.costs
    log_scale = log_scale and (excess or bool(np.all(trace.costs > 0)))
    name = "J(θₖ) − J*" if excess else "cost J(θₖ)"
    traces = [
        _scatter(
            index,
            shown[index],
            name,
            mode="lines+markers" if index.size <= 60 else "lines",
            line={"color": BLUE, "width": 3},
            marker={"size": 6},
        ),
        _scatter(
            [k],
            [shown[k]],
            f"step {k}",
            mode="markers",
            marker={"color": VERMILLION, "size": 16, "symbol": "diamond"},
        ),
    ]
    shapes, annotations = (), ()
    if min_cost is not None and not log_scale:
        shapes = (
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": min_cost,
                "y1": min_cost,
                "line": {"color": GREEN, "dash": "dot", "width": 2},
            },
        )
        annotations = (
            _label(
                1,
                min_cost,
                f"minimum J* = {number_text(min_cost)}",
                GREEN,
                yshift=12,
                xref="paper",
                xanchor="right",
                bgcolor="rgba(0,0,0,0)",  # a box would hide the converged end of the curve
            ),
        )
    y_title = "J − J* (log scale)" if excess else "cost J (log scale)" if log_scale else "cost J"
    yaxis = {"type": "log" if log_scale else "linear"}
    if log_scale:
        yaxis |= log_ticks(float(np.min(shown[index])), float(np.max(shown[index])))
    return _figure(
        traces,
        "Cost history",
        "step k",
        y_title,
        shapes=shapes,
        annotations=annotations,
        yaxis=yaxis,
    )
