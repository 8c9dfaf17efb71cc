"""Where α sits among the regimes (the bar under the verdict), the excess cost kept per step
against theory, and the cobweb of a one-parameter run."""

from __future__ import annotations

from itertools import groupby

import numpy as np
import plotly.graph_objects as go

from gdlab.figures.common import (
    BLACK,
    BLUE,
    VERMILLION,
    _figure,
    _label,
    _scatter,
    log_ticks,
)
from gdlab.figures.landscape import View
from gdlab.figures.thresholds import REGIME_COLOURS, REGIME_NAMES, _mark_groups
from gdlab.models.linear import LinearRegression
from gdlab.number_format import count_text, number_text
from gdlab.running.descent import Trace
from gdlab.theory import LearningRateTheory

COBWEB_STEPS = 200  # later bounces pile up on the fixed point; they add nothing to see


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
        (group[-1][0],
         " = ".join(name for _, name, _ in group) + f" = {number_text(group[-1][0], 3)}",
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
    annotations.append(_label(np.log10(lr), 0.27, f"α = {number_text(lr)}", BLACK, xshift=16,
                              xanchor="left", bgcolor="rgba(255,255,255,0.85)"))  # fmt: skip
    series = [
        _scatter(
            [lr],
            [0.27],
            f"α = {number_text(lr)}",
            mode="markers",
            marker={"color": BLACK, "size": 20, "symbol": "triangle-down"},
        )
    ]
    top = 1.08 + 0.42 * len(groups)
    return _figure(
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
        layout={"height": 300, "showlegend": False, "margin": {"t": 50, "b": 60}},
    )


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
            f"theory: max|1 − αλ|² = {number_text(envelope, 3)}",
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
            f"map θ − αJ′(θ), slope 1 − αJ″ = {number_text(slope, 3)}",
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
