"""The optimizer race: paths on the cost surface, cost histories, and the region of (α, μ) where
momentum converges."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gdlab.figures.common import (
    BLACK,
    FONT_SIZE,
    PALETTE,
    VERMILLION,
    _figure,
    _scatter,
    diamond_marker,
    log_ticks,
    star_point,
    thin_indices,
)
from gdlab.figures.compare import DASHES, SYMBOLS
from gdlab.figures.landscape import View
from gdlab.number_format import number_text
from gdlab.running.descent import Trace
from gdlab.theory import LearningRateTheory, momentum_rate, optimal_momentum


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
    # One x-axis for both panels, drawn under the lower one, so "step k" labels both.
    # A short panel: ticks at powers of ten only, written out (the rates may span one decade).
    rates = np.concatenate([trace.lrs for trace in traces])
    rates = rates[np.isfinite(rates) & (rates > 0)]
    ticks = log_ticks(rates.min() / 2, rates.max() * 2, mantissas=(1,)) if rates.size else {}
    rate_axis = {"domain": [0, 0.22], "title": {"text": "αₖ"}, "type": "log",
                 "exponentformat": "power", "anchor": "x", "tickfont": {"size": FONT_SIZE - 1},
                 **ticks}  # fmt: skip
    return _figure(
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
        layout={"yaxis2": rate_axis, "xaxis": {"anchor": "y2"}, "height": 520},
    )


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
        star_point(best_lr, best_mu, f"best: α = {number_text(best_lr, 3)}, μ = "
                   f"{number_text(best_mu, 3)} (rate {number_text(best_rate, 3)})"),
        _scatter([lr], [mu], f"yours: α = {number_text(lr, 3)}, μ = {number_text(mu, 3)}",
                 mode="markers",
                 marker=diamond_marker()),
    ]  # fmt: skip
    # The edge is named by the legend, beside a sample of the line itself, never by a colour
    # word in the title (it once said "red line" over a blue one). Ticks at powers of ten only:
    # plotly's 2 and 5 between them crowd into each other on a projector's narrow chart.
    return _figure(
        series,
        "Momentum: where (α, μ) converges",
        "learning rate α (log scale)",
        "momentum μ",
        xaxis={"type": "log", **log_ticks(float(lrs[0]), float(lrs[-1]), mantissas=(1,))},
    )
