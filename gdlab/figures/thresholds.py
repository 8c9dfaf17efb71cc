"""The rates theory marks on every rate axis (1/λ_max, α*, α_crit), grouped where they coincide,
and the regimes' colours and names."""

from __future__ import annotations

import numpy as np

from gdlab.figures.common import (
    BLACK,
    GREEN,
    ORANGE,
    SKY,
    VERMILLION,
    _label,
)
from gdlab.number_format import number_text
from gdlab.theory import LearningRateTheory

REGIME_COLOURS = {
    "slow": SKY,
    "smooth": GREEN,
    "oscillating": ORANGE,
    "boundary": ORANGE,
    "diverging": VERMILLION,
}


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
        text = " = ".join(name for _, name, _ in group) + f" = {number_text(rate, 3)}"
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
