"""Predict, then reveal: what a student guesses a run will do, and how the guess is marked.

A guess has two parts: the regime (too slow, smooth, oscillating, diverging) and roughly how many
steps the run needs to arrive (within `ARRIVED` of its starting distance from the minimum, the
verdict's own threshold). The answer comes from the run itself, not from the theory, so a
prediction is marked against what the student then sees.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from gdlab.running.descent import Trace
from gdlab.teaching.verdict import ARRIVED

REGIMES = ("too slow", "smooth", "oscillating", "diverging")
# The verdict's kinds in the student's four words: at the boundary the error does not shrink,
# it bounces, which is what "oscillating" means to someone watching.
_REGIME_OF_VERDICT = {
    "slow": "too slow",
    "smooth": "smooth",
    "oscillating": "oscillating",
    "boundary": "oscillating",
    "diverging": "diverging",
}
STEP_BANDS = ("under 10", "10 to 100", "100 to 1,000", "more, or never")
_BAND_EDGES = (10, 100, 1_000)


@dataclass(frozen=True)
class Outcome:
    regime: str  # one of REGIMES
    arrived_at: int | None  # the first step within ARRIVED of the minimum, None if never
    band: str  # one of STEP_BANDS


@dataclass(frozen=True)
class Mark:
    regime_right: bool
    band_right: bool
    text: str  # one sentence for the student


def arrival_step(trace: Trace, min_cost: float) -> int | None:
    """The first k with J(θₖ) − J* ≤ ARRIVED·(J(θ₀) − J*), or None when the run never gets there."""
    excess = np.maximum(np.asarray(trace.costs, dtype=float) - min_cost, 0.0)
    if excess[0] == 0.0:
        return 0
    inside = np.flatnonzero(excess <= ARRIVED * excess[0])
    return int(inside[0]) if inside.size else None


def band_of(steps: int | None) -> str:
    if steps is None:
        return STEP_BANDS[-1]
    for band, edge in zip(STEP_BANDS, _BAND_EDGES, strict=False):
        if steps < edge:
            return band
    return STEP_BANDS[-1]


def outcome(trace: Trace, min_cost: float, verdict_kind: str) -> Outcome:
    arrived = None if trace.diverged else arrival_step(trace, min_cost)
    if verdict_kind == "diverging":
        arrived = None
    return Outcome(_REGIME_OF_VERDICT[verdict_kind], arrived, band_of(arrived))


def mark(regime: str, band: str, answer: Outcome) -> Mark:
    if regime not in REGIMES or band not in STEP_BANDS:
        raise ValueError(
            f"A prediction is one of {', '.join(REGIMES)} and one of {', '.join(STEP_BANDS)}. "
            f"Got {regime!r} and {band!r} instead."
        )
    regime_right, band_right = regime == answer.regime, band == answer.band
    steps = (
        "it never gets within 1% of the minimum"
        if answer.arrived_at is None
        else f"it gets within 1% of the minimum at step {answer.arrived_at:,}"
    )
    if regime_right and band_right:
        text = f"Right on both counts: it is {answer.regime}, and {steps}."
    elif regime_right:
        text = f"Right, it is {answer.regime}; but {steps} ({answer.band} steps, not {band})."
    else:
        text = f"Not quite: you said {regime}, it is {answer.regime}; {steps}."
    return Mark(regime_right, band_right, text)


def score(marks: Iterable[Mark]) -> tuple[int, int]:
    """How many regimes were guessed right, out of how many predictions."""
    marks = tuple(marks)
    return sum(m.regime_right for m in marks), len(marks)
