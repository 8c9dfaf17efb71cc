"""The sweep: final cost and steps to a tolerance against α, and the measured contraction beside
the predicted one."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gdlab.figures.common import (
    BLUE,
    GREEN,
    ORANGE,
    VERMILLION,
    _figure,
    _scatter,
    log_ticks,
)
from gdlab.figures.step import excess_cost
from gdlab.figures.thresholds import _vertical_lines
from gdlab.number_format import count_text, number_text
from gdlab.running.sweep import Sweep
from gdlab.theory import LearningRateTheory


def sweep_figure(result: Sweep, theory: LearningRateTheory, min_cost: float) -> go.Figure:
    """Final J − J* and the steps needed to reach the tolerance, against α on a log axis."""
    excess = excess_cost(result.final_costs, min_cost)
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
            f"steps to J − J* ≤ {number_text(result.tol)}·(J₀ − J*)",
            mode="lines+markers",
            line={"color": ORANGE, "width": 3, "dash": "dash"},
            marker={"size": 6, "symbol": "square"},
            xaxis="x",
            yaxis="y2",
        ),
    ]
    shapes, labels = _vertical_lines(theory)
    return _figure(
        series,
        f"Sweep: {result.lrs.size} rates × up to {count_text(result.max_steps, 'step')}",
        "learning rate α (log scale)",
        "final J − J* (log scale)",
        shapes=tuple(shapes),
        annotations=tuple(labels),
        xaxis={"type": "log"},
        yaxis={"type": "log"},
        layout={
            "yaxis2": {
                "title": {"text": "steps to reach"},
                "overlaying": "y",
                "side": "right",
                "type": "log",
                "tickfont": {"size": 15},
                "showgrid": False,
                **_count_ticks(result.steps_to_reach[reached]),
            },
            "margin": {"r": 80},
        },
    )


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
    # Over less than a decade (a narrow valley: every factor near 1) plotly labels 1.1, 1.2, …
    # 1.9, 2, which run into each other on a short chart: a few round values instead.
    shown = np.concatenate([series[0]["y"], series[1]["y"]])
    shown = shown[np.isfinite(shown) & (shown > 0)]
    ticks = {}
    if shown.size and shown.max() < 10 * shown.min():
        ticks = log_ticks(float(shown.min()) / 1.1, float(shown.max()) * 1.1, (1, 1.5, 2, 3, 5, 7))
    return _figure(
        series,
        "Contraction per step: theory and measurement",
        "learning rate α (log scale)",
        "factor per step (log scale)",
        shapes=tuple(shapes),
        annotations=tuple(labels),
        xaxis={"type": "log"},
        yaxis={"type": "log", **(ticks if len(ticks.get("tickvals", ())) >= 2 else {})},
    )
