"""The learning-rate range test: loss against a rising rate, its usual suggestions beside the exact
rates."""

from __future__ import annotations

import plotly.graph_objects as go

from gdlab.figures.common import (
    BLUE,
    GREEN,
    PURPLE,
    _figure,
    _scatter,
)
from gdlab.figures.thresholds import _vertical_lines
from gdlab.number_format import number_text
from gdlab.running.sweep import RangeTest
from gdlab.theory import LearningRateTheory


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
                f"suggested: {name} = {number_text(rate, 3)}",
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
