"""Pure figure builders for the learning-rate experiments: rates side by side, the sweep, the
range test and the regimes (data in, plotly Figure out; see figures.py for the conventions)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

import numpy as np
import plotly.graph_objects as go

from gdlab.derivatives import EPS, DerivativeErrors
from gdlab.descent import Trace
from gdlab.figures import (
    BLACK,
    BLUE,
    FONT_SIZE,
    GREEN,
    ORANGE,
    PALETTE,
    PURPLE,
    SKY,
    VERMILLION,
    View,
    _figure,
    _label,
    _scatter,
    excess_cost,
    log_ticks,
    thin_indices,
)
from gdlab.number_format import count_text
from gdlab.problem import LinearRegression
from gdlab.sweep import RangeTest, Sweep
from gdlab.theory import LearningRateTheory, momentum_rate, optimal_momentum

DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid", "dash")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon")
REGIME_COLOURS = {
    "slow": SKY,
    "smooth": GREEN,
    "oscillating": ORANGE,
    "boundary": ORANGE,
    "diverging": VERMILLION,
}
COBWEB_STEPS = 200  # later bounces pile up on the fixed point; they add nothing to see

REGIME_NAMES = {
    "slow": "too slow",
    "smooth": "smooth",
    "oscillating": "oscillating",
    "boundary": "edge",
    "diverging": "diverging",
}


def _theory_marks(theory: LearningRateTheory) -> tuple[tuple[float, str, str], ...]:
    return (
        (theory.one_step_lr, "1/λ_max", "dot"),
        (theory.optimal_lr, "α*", "dash"),
        (theory.critical_lr, "α_crit", "solid"),
    )


def _mark_groups(theory: LearningRateTheory) -> list[list[tuple[float, str, str]]]:
    """1/λ_max, α* and α_crit in order, marks within 5% of each other in one group."""
    groups: list[list[tuple[float, str, str]]] = []
    for mark in _theory_marks(theory):
        if groups and mark[0] / groups[-1][-1][0] < 1.05:
            groups[-1].append(mark)
        else:
            groups.append([mark])
    return groups


def _vertical_lines(theory: LearningRateTheory, y_ref: str = "paper"):
    """Lines at 1/λ_max, α* and α_crit, each named in text running up beside it.

    Marks within 5% of each other share one label ("1/λ_max = α* = 0.00189"), and labels
    alternate sides of their lines, so they never print over one another.
    """
    groups = _mark_groups(theory)
    shapes, labels = [], []
    for i, group in enumerate(groups):
        rate = group[-1][0]
        for mark_rate, _, dash in group:
            shapes.append({"type": "line", "xref": "x", "yref": y_ref, "x0": mark_rate,
                           "x1": mark_rate, "y0": 0, "y1": 1,
                           "line": {"color": BLACK, "dash": dash, "width": 2}})  # fmt: skip
        text = " = ".join(name for _, name, _ in group) + f" = {rate:.3g}"
        labels.append(
            _label(
                np.log10(rate),
                1.0,
                text,
                BLACK,
                yref="paper",
                yanchor="top",
                textangle=-90,
                xanchor="right" if i % 2 == 0 else "left",
                bgcolor="rgba(255,255,255,0.85)",
                font={"size": 14},
            )
        )
    return shapes, labels


_excess = excess_cost


# -- several rates side by side -------------------------------------------------------------


def compare_history_figure(traces: Sequence[Trace], labels: Sequence[str], min_cost: float):
    """J − J* against k for every rate, on a log scale: straight lines mean geometric speed."""
    series = []
    for i, (trace, label) in enumerate(zip(traces, labels, strict=True)):
        index = thin_indices(trace.costs.size)
        series.append(_scatter(
            index, _excess(trace.costs[index], min_cost), label,
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


# -- the sweep ------------------------------------------------------------------------------


def sweep_figure(result: Sweep, theory: LearningRateTheory, min_cost: float) -> go.Figure:
    """Final J − J* and the steps needed to reach the tolerance, against α on a log axis."""
    excess = _excess(result.final_costs, min_cost)
    reached = result.steps_to_reach >= 0
    diverged = np.array([s == "diverged" for s in result.statuses])
    series = [
        _scatter(
            result.lrs,
            excess,
            "final J − J*",
            mode="lines+markers",
            line={"color": BLUE, "width": 3},
            marker={"size": 6},
        ),
        _scatter(
            result.lrs[diverged],
            excess[diverged],
            "diverged (last finite J)",
            mode="markers",
            marker={"color": VERMILLION, "size": 10, "symbol": "x"},
        ),
        _scatter(
            result.lrs[reached],
            result.steps_to_reach[reached],
            f"steps to J − J* ≤ {result.tol:g}·(J₀ − J*)",
            mode="lines+markers",
            line={"color": ORANGE, "width": 3, "dash": "dash"},
            marker={"size": 6, "symbol": "square"},
            xaxis="x",
            yaxis="y2",
        ),
    ]
    shapes, labels = _vertical_lines(theory)
    figure = _figure(
        series,
        f"Sweep: {result.lrs.size} rates × up to {count_text(result.max_steps, 'step')}",
        "learning rate α (log scale)",
        "final J − J* (log scale)",
        shapes=tuple(shapes),
        annotations=tuple(labels),
        xaxis={"type": "log"},
        yaxis={"type": "log"},
    )
    figure.update_layout(
        yaxis2={
            "title": {"text": "steps to reach"},
            "overlaying": "y",
            "side": "right",
            "type": "log",
            "tickfont": {"size": 15},
            "showgrid": False,
            **_count_ticks(result.steps_to_reach[reached]),
        },
        margin={"r": 80},
    )
    return figure


def _count_ticks(counts: np.ndarray) -> dict:
    """Ticks for a log axis of step counts, a little beyond the counts shown."""
    counts = counts[counts > 0]
    return log_ticks(counts.min() / 2.5, counts.max() * 2.5) if counts.size else {}


def contraction_figure(result: Sweep, theory: LearningRateTheory) -> go.Figure:
    """Predicted contraction max|1 − αλᵢ| against the measured ‖θₖ − θ*‖ ratio."""
    grid = np.geomspace(result.lrs.min(), result.lrs.max(), 300)
    measured = np.isfinite(result.distance_ratio)
    series = [
        _scatter(
            grid,
            theory.contraction(grid),
            "predicted max|1 − αλᵢ|",
            mode="lines",
            line={"color": BLUE, "width": 3},
        ),
        _scatter(
            result.lrs[measured],
            result.distance_ratio[measured],
            "measured ‖θₖ − θ*‖ / ‖θₖ₋₁ − θ*‖",
            mode="markers",
            marker={"color": VERMILLION, "size": 8, "symbol": "circle-open", "line": {"width": 2}},
        ),
    ]
    shapes, labels = _vertical_lines(theory)
    shapes.append(
        {
            "type": "line",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "y0": 1,
            "y1": 1,
            "line": {"color": GREEN, "dash": "dot", "width": 2},
        }
    )
    return _figure(
        series,
        "Contraction per step: theory and measurement",
        "learning rate α (log scale)",
        "factor per step (log scale)",
        shapes=tuple(shapes),
        annotations=tuple(labels),
        xaxis={"type": "log"},
        yaxis={"type": "log"},
    )


# -- the range test -------------------------------------------------------------------------


def range_test_figure(result: RangeTest, theory: LearningRateTheory) -> go.Figure:
    series = [
        _scatter(
            result.lrs,
            result.costs,
            "J after the step",
            mode="lines+markers",
            line={"color": BLUE, "width": 3},
            marker={"size": 5},
        )
    ]
    shapes, labels = _vertical_lines(theory)
    for rate, name, colour in (
        (result.steepest_lr, "steepest fall", PURPLE),
        (result.valley_lr, "lowest J ÷ 10", GREEN),
    ):
        if rate is None:  # the first step overflowed: no curve to suggest from
            continue
        series.append(
            _scatter(
                [rate, rate],
                [result.costs.min(), result.costs.max()],
                f"suggested: {name} = {rate:.3g}",
                mode="lines",
                line={"color": colour, "width": 3, "dash": "dashdot"},
            )
        )
    return _figure(
        series,
        "Learning-rate range test",
        "learning rate α at that step (log scale)",
        "cost J (log scale)",
        shapes=tuple(shapes),
        annotations=tuple(labels),
        xaxis={"type": "log"},
        yaxis={"type": "log"},
    )


# -- the regime, visible --------------------------------------------------------------------


def regime_zones(theory: LearningRateTheory, steps: int, low: float, high: float):
    """[(kind, from α, to α)] along a log axis, read off `theory.regime` itself."""
    grid = np.geomspace(low, high, 600)
    kinds = theory.kinds(grid, steps)
    zones, start = [], 0
    for kind, group in groupby(kinds):
        size = len(list(group))
        zones.append((kind, float(grid[start]), float(grid[min(start + size, grid.size - 1)])))
        start += size
    return zones


# The bar is drawn at least this wide (a projector's 1024 px, sidebar open): a zone is named
# inside the bar only where its name fits at that width.
_BAR_MIN_WIDTH_PX = 560
_CHAR_PX = 9.5


def _threshold_groups(theory: LearningRateTheory) -> list[tuple[float, str, list[str]]]:
    """(rate, label, dashes) for 1/λ_max, α* and α_crit, marks within 5% sharing one label."""
    groups = _mark_groups(theory)
    return [
        (group[-1][0], " = ".join(name for _, name, _ in group) + f" = {group[-1][0]:.3g}",
         [dash for _, _, dash in group])
        for group in groups
    ]  # fmt: skip


def regime_bar_figure(theory: LearningRateTheory, lr: float, steps: int) -> go.Figure:
    """The regimes along α (too slow, smooth, oscillating, diverging) with α marked.

    Three layers that never share a place: the zone names sit in the upper half of the bar,
    the α marker and its value in the lower half (drawn over the threshold lines, so it shows
    even exactly at 1/λ_max or α_crit), and the threshold labels above the bar, one row each.
    """
    low = min(lr, theory.one_step_lr) / 100
    high = max(lr, theory.critical_lr) * 10
    decades = np.log10(high / low)
    shapes, annotations = [], []
    for kind, start, end in regime_zones(theory, steps, low, high):
        shapes.append({"type": "rect", "xref": "x", "yref": "y", "x0": start, "x1": end,
                       "y0": 0, "y1": 1, "fillcolor": REGIME_COLOURS[kind], "opacity": 0.55,
                       "line": {"width": 0}, "layer": "below"})  # fmt: skip
        name = REGIME_NAMES[kind]
        width_px = np.log10(end / start) / decades * _BAR_MIN_WIDTH_PX
        if width_px >= _CHAR_PX * len(name) + 8:
            annotations.append(_label(np.log10(np.sqrt(start * end)), 0.74, name, BLACK,
                                      bgcolor="rgba(0,0,0,0)"))  # fmt: skip
    groups = _threshold_groups(theory)
    for row, (rate, text, dashes) in enumerate(groups):
        for dash in dict.fromkeys(dashes):
            shapes.append({"type": "line", "xref": "x", "yref": "y", "x0": rate, "x1": rate,
                           "y0": 0, "y1": 1.08 + 0.42 * row, "layer": "below",
                           "line": {"color": BLACK, "dash": dash, "width": 2}})  # fmt: skip
        annotations.append(_label(np.log10(rate), 1.08 + 0.42 * row, text, BLACK,
                                  yanchor="bottom", xanchor="center",
                                  bgcolor="rgba(255,255,255,0.9)", font={"size": 15}))  # fmt: skip
    annotations.append(_label(np.log10(lr), 0.27, f"α = {lr:.4g}", BLACK, xshift=16,
                              xanchor="left", bgcolor="rgba(255,255,255,0.85)"))  # fmt: skip
    series = [
        _scatter(
            [lr],
            [0.27],
            f"α = {lr:.4g}",
            mode="markers",
            marker={"color": BLACK, "size": 20, "symbol": "triangle-down"},
        )
    ]
    top = 1.08 + 0.42 * len(groups)
    figure = _figure(
        series,
        f"Where α sits (for {count_text(steps, 'step')})",
        "learning rate α (log scale)",
        "",
        shapes=tuple(shapes),
        annotations=tuple(annotations),
        xaxis={
            "type": "log",
            "range": [np.log10(low), np.log10(high)],
            **log_ticks(low, high, (1,)),
        },
        yaxis={"range": [0, top], "showticklabels": False, "showgrid": False, "zeroline": False},
    )
    figure.update_layout(height=300, showlegend=False, margin={"t": 50, "b": 60})
    return figure


def cost_ratio_figure(
    problem: LinearRegression, trace: Trace, theory: LearningRateTheory, lr: float
) -> go.Figure:
    """(J(θₖ₊₁) − J*)/(J(θₖ) − J*) per step against the envelope max|1 − αλ|².

    The excess is computed from θ directly (not as J − J*), so it stays accurate to the end.
    """
    excess = problem.excess_cost(trace.thetas)
    usable = excess[:-1] > excess[0] * 1e-24  # ratios of round-off mean nothing
    ratios = excess[1:] / excess[:-1]
    steps = np.arange(1, trace.costs.size)
    envelope = theory.contraction(lr) ** 2
    series = [
        _scatter(
            steps[usable],
            ratios[usable],
            "measured ratio",
            mode="lines+markers",
            line={"color": BLUE, "width": 2},
            marker={"size": 6},
        ),
        _scatter(
            [0, max(trace.n_steps, 1)],
            [envelope, envelope],
            f"theory: max|1 − αλ|² = {envelope:.3g}",
            mode="lines",
            line={"color": VERMILLION, "dash": "dash", "width": 3},
        ),
    ]
    # At least a factor of 4 each way around the values: digits of round-off stay invisible.
    shown = np.concatenate([ratios[usable], [envelope]])
    shown = shown[np.isfinite(shown) & (shown > 0)]
    low, high = (shown.min(), shown.max()) if shown.size else (1e-3, 1.0)
    return _figure(
        series,
        "Excess cost kept per step",
        "step k",
        "(J(θₖ₊₁) − J*) / (J(θₖ) − J*) (log)",
        yaxis={
            "type": "log",
            "range": [np.log10(low) - 0.6, np.log10(high) + 0.6],
            **log_ticks(low / 4, high * 4),
        },
    )


def cobweb_figure(problem: LinearRegression, trace: Trace, lr: float, view: View) -> go.Figure:
    """The return map θ ↦ θ − αJ′(θ) with the diagonal: the path bounces between them."""
    lo, hi = view.box[0]
    grid = np.array([lo, hi])
    mapped = grid - lr * problem.gradient(grid[:, None])[:, 0]
    slope = 1 - lr * float(problem.hessian()[0, 0])
    # (θ₀, θ₀) → (θ₀, θ₁) → (θ₁, θ₁) → (θ₁, θ₂) → …: up to the map, across to the diagonal.
    path = trace.thetas[: COBWEB_STEPS + 1, 0]
    stairs_y = np.concatenate([path[:1], np.repeat(path[1:], 2)])
    stairs_x = np.repeat(path, 2)[: stairs_y.size]
    inside = (stairs_x >= lo) & (stairs_x <= hi) & (stairs_y >= lo) & (stairs_y <= hi)
    series = [
        _scatter(
            grid,
            grid,
            "diagonal θₖ₊₁ = θₖ",
            mode="lines",
            line={"color": "#888888", "dash": "dot", "width": 2},
        ),
        _scatter(
            grid,
            mapped,
            f"map θ − αJ′(θ), slope 1 − αJ″ = {slope:.3g}",
            mode="lines",
            line={"color": BLUE, "width": 3},
        ),
        _scatter(
            stairs_x[inside],
            stairs_y[inside],
            "path",
            mode="lines+markers",
            line={"color": VERMILLION, "width": 2},
            marker={"size": 5},
        ),
    ]
    name = problem.param_names[0]
    return _figure(
        series,
        "Cobweb: each step a bounce",
        f"{name}ₖ",
        f"{name}ₖ₊₁",
        xaxis={"range": [lo, hi]},
        yaxis={"range": [lo, hi]},
    )


# -- optimizers race, momentum theory, derivative lab ---------------------------------------


def _cost_surface(problem, view: View, points: int = 60):
    """Grid and log-scaled cost for contours of any problem (its minimum on the grid as J*)."""
    t0, t1 = np.linspace(*view.box[0], points), np.linspace(*view.box[1], points)
    with np.errstate(all="ignore"):
        values = problem.cost_value(np.stack(np.meshgrid(t0, t1), axis=-1))
    finite = np.isfinite(values)  # a typed cost may be undefined in places, or everywhere
    values = np.where(finite, values, values[finite].max() if finite.any() else 0.0)
    excess = values - values.min()
    return t0, t1, np.log10(excess + max(float(excess.max()) * 1e-8, 1e-300))


def race_paths_figure(
    problem, traces: Sequence[Trace], labels: Sequence[str], k: int, view: View
) -> go.Figure:
    """Every optimizer's path up to step k, over the same cost curve or contour map."""
    names = problem.param_names
    series: list[dict] = []
    if problem.n_params == 1:
        grid = np.linspace(*view.box[0], 300)
        with np.errstate(all="ignore"):
            curve = problem.cost_value(grid[:, None])
        series.append(
            _scatter(grid, curve, "cost J(θ)", mode="lines", line={"color": "#999999", "width": 3})
        )
    else:
        t0, t1, z = _cost_surface(problem, view)
        series.append(
            {
                "type": "contour",
                "x": t0,
                "y": t1,
                "z": z,
                "colorscale": "Greys",
                "showscale": False,
                "ncontours": 20,
                "contours": {"coloring": "lines"},
                "hoverinfo": "skip",
                "name": "cost",
            }
        )
    for i, (trace, label) in enumerate(zip(traces, labels, strict=True)):
        path = trace.thetas[thin_indices(min(k, trace.n_steps) + 1)]
        path = path[view.contains(path)]
        y = trace_costs_at(problem, path) if problem.n_params == 1 else path[:, 1]
        series.append(_scatter(
            path[:, 0], y, label, mode="lines+markers",
            line={"color": PALETTE[i % len(PALETTE)], "width": 2.5, "dash": DASHES[i % 8]},
            marker={"symbol": SYMBOLS[i % 8], "size": 8},
        ))  # fmt: skip
    y_title = "cost J" if problem.n_params == 1 else names[1]
    axes = {"xaxis": {"range": list(view.box[0])}}
    if problem.n_params == 2:
        axes["yaxis"] = {"range": list(view.box[1])}
    return _figure(series, f"The race up to step {k}", names[0], y_title, **axes)


def trace_costs_at(problem, thetas: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return problem.cost_value(thetas)


def race_history_figure(traces: Sequence[Trace], labels: Sequence[str], k: int) -> go.Figure:
    """Cost against k for each optimizer (log scale), with each rate αₖ in a panel below."""
    series = []
    floor = min(float(t.costs.min()) for t in traces)
    for i, (trace, label) in enumerate(zip(traces, labels, strict=True)):
        index = thin_indices(trace.costs.size)
        style = {"color": PALETTE[i % len(PALETTE)], "width": 2.5, "dash": DASHES[i % 8]}
        excess = np.maximum(trace.costs[index] - floor, max(abs(floor), 1.0) * 1e-16)
        series.append(_scatter(index, excess, label, mode="lines", line=style))
        steps = thin_indices(trace.lrs.size)
        series.append(
            _scatter(
                steps,
                trace.lrs[steps],
                f"αₖ {label}",
                mode="lines",
                line=style,
                xaxis="x",
                yaxis="y2",
                showlegend=False,
            )
        )
    figure = _figure(
        series,
        "Cost histories, and the rate αₖ each used",
        "step k",
        "J − lowest J seen (log)",
        yaxis={"type": "log", "domain": [0.32, 1]},
        shapes=(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": k,
                "x1": k,
                "y0": 0,
                "y1": 1,
                "line": {"color": BLACK, "dash": "dot"},
            },
        ),
    )
    # One x-axis for both panels, drawn under the lower one, so "step k" labels both.
    # A short panel: ticks at powers of ten only, written out (the rates may span one decade).
    rates = np.concatenate([trace.lrs for trace in traces])
    rates = rates[np.isfinite(rates) & (rates > 0)]
    ticks = log_ticks(rates.min() / 2, rates.max() * 2, mantissas=(1,)) if rates.size else {}
    figure.update_layout(
        yaxis2={"domain": [0, 0.22], "title": {"text": "αₖ"}, "type": "log",
                "exponentformat": "power", "anchor": "x", "tickfont": {"size": FONT_SIZE - 1},
                **ticks},
        xaxis={"anchor": "y2"},
        height=520,
    )  # fmt: skip
    return figure


def momentum_region_figure(theory: LearningRateTheory, lr: float, mu: float) -> go.Figure:
    """The heavy ball's rate over (α, μ): converging where it is below 1, best at the star."""

    best_lr, best_mu, best_rate = optimal_momentum(theory)
    lrs = np.geomspace(theory.critical_lr / 1e3, 2.2 * theory.critical_lr, 80)
    mus = np.linspace(0.0, 0.99, 60)
    rates = momentum_rate(lrs[None, :], mus[:, None], theory.curved)
    # Single precision is plenty for colours and halves what the browser is sent.
    z = np.log10(np.minimum(rates, 10.0)).astype(np.float32)
    series = [
        {"type": "contour", "x": lrs, "y": mus, "z": z, "colorscale": "Viridis",
         "zmin": -2, "zmax": 0.5, "name": "rate",
         "colorbar": {"title": {"text": "log₁₀ rate", "side": "right"}},
         "contours": {"start": -2, "end": 0.5, "size": 0.25}},
        # A line-coloured contour takes its colour from the colour scale, not from line.color.
        {"type": "contour", "x": lrs, "y": mus, "z": z, "showscale": False,
         "name": "edge: rate = 1", "showlegend": True,
         "colorscale": [[0, VERMILLION], [1, VERMILLION]],
         "contours": {"start": 0, "end": 0, "size": 1, "coloring": "lines"},
         "line": {"width": 4}, "hoverinfo": "skip"},
        _scatter([best_lr], [best_mu], f"best: α = {best_lr:.3g}, μ = {best_mu:.3g} "
                 f"(rate {best_rate:.3g})", mode="markers",
                 marker={"color": "white", "size": 18, "symbol": "star",
                         "line": {"color": BLACK, "width": 2}}),
        _scatter([lr], [mu], f"yours: α = {lr:.3g}, μ = {mu:.3g}", mode="markers",
                 marker={"color": ORANGE, "size": 16, "symbol": "diamond",
                         "line": {"color": BLACK, "width": 1.5}}),
    ]  # fmt: skip
    return _figure(
        series,
        "Momentum: where (α, μ) converges",
        "learning rate α (log scale)",
        "momentum μ",
        xaxis={"type": "log"},
    ).update_layout(legend={"y": -0.32}, margin={"b": 110})


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
