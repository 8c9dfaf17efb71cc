"""The verdict on a run over a cost that is not quadratic, in a student's words.

On a quadratic, α > 2/λ_max means divergence, because λ_max is one number. Here λ_max(θₖ)
changes along the run, so the verdict only says what the run and its recorded sharpness show:
it never predicts divergence from α alone. The cases, in order:

- the run diverged (a non-finite value, or the cost far outside its range): said plainly;
- the data are separable (logistic regression): θ grows without bound while J falls, which is
  not divergence but the absence of a minimum;
- it converged;
- the edge of stability: αλ_max rose from below EDGE_LOW to stay within EDGE_LOW … EDGE_HIGH
  over the last quarter of the run (the ±20 % band of 2/α);
- αλ_max passed 2 somewhere without the run diverging;
- every step was locally stable, αλ_max < 2 throughout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdlab.curvature import SharpnessRecord
from gdlab.number_format import number_text
from gdlab.running.descent import Trace
from gdlab.teaching.verdict import Verdict

EDGE_LOW, EDGE_HIGH = 1.6, 2.4  # αλ_max within ±20 % of 2: hovering at the edge
LATE = 0.75  # the last quarter of the run


@dataclass(frozen=True)
class CostWords:
    """How the cost went: from, to, and how many steps raised it."""

    start: float
    end: float
    rises: int
    steps: int

    @property
    def phrase(self) -> str:
        moved = "fell" if self.end < self.start else "rose"
        text = f"the cost {moved} from {number_text(self.start)} to {number_text(self.end)}"
        if self.rises == 0:
            return text + (", at every step" if self.steps and moved == "fell" else "")
        share = f"{self.rises:,} of its {self.steps:,} steps"
        return text + f", going up in {share}"


def cost_words(trace: Trace) -> CostWords:
    costs = np.asarray(trace.costs, dtype=float)
    return CostWords(float(costs[0]), float(costs[-1]), int(np.sum(np.diff(costs) > 0)),
                     trace.n_steps)  # fmt: skip


def edge_ratios(record: SharpnessRecord, lr: float) -> np.ndarray:
    """αλ_max(θₖ) at the recorded steps (NaN where the sharpness could not be computed)."""
    return lr * np.asarray(record.sharpness, dtype=float)


def at_edge(record: SharpnessRecord, lr: float, last_step: int) -> bool:
    """The sharpness rose to 2/α and hovers there: αλ_max started below EDGE_LOW and every
    recorded value in the last quarter of the run lies in [EDGE_LOW, EDGE_HIGH]."""
    ratios = edge_ratios(record, lr)
    late = np.asarray(record.steps) >= LATE * last_step
    if last_step < 4 or late.sum() < 2 or not np.all(np.isfinite(ratios)):
        return False
    return bool(ratios[0] < EDGE_LOW and np.all((ratios[late] >= EDGE_LOW)
                                                & (ratios[late] <= EDGE_HIGH)))  # fmt: skip


def judge_curved(
    trace: Trace,
    record: SharpnessRecord,
    lr: float,
    *,
    bound: float | None = None,
    separable: bool = False,
) -> Verdict:
    """The verdict for a run at a constant rate `lr`, with its sharpness `record`.

    `bound` is a curvature L that holds everywhere (logistic regression: λ_max(XᵀX)/(4n)), so
    that the page can compare the safe rate 2/L with what the run met; `separable` says the
    data have no minimiser.
    """
    rate, edge = f"α = {number_text(lr)}", 2.0 / lr
    words = cost_words(trace)
    if trace.diverged:
        how = ("could no longer be represented" if _overflowed(trace)
               else "moved more than 10⁸ times its range away from its start")  # fmt: skip
        return Verdict(
            "diverging",
            f"{rate} diverged: at step {trace.diverged_at} the cost {how}.",
            f"The run ends at step {trace.n_steps:,}, its last finite step. This cost is not "
            "quadratic, so no single rate 2/λ_max says in advance which α are safe: the "
            "sharpness changes along the run. Try a smaller α.",
        )
    if separable:
        norms = np.linalg.norm(trace.thetas, axis=1)
        return Verdict(
            "separable",
            "The data are separable: θ grows without bound while the cost falls — not divergence.",
            f"A line splits the two classes, so making θ longer always lowers the cost: ‖θ‖ went "
            f"from {number_text(float(norms[0]))} to {number_text(float(norms[-1]))} and "
            f"{words.phrase}. There is no minimum to converge to; the cost only approaches its "
            "lowest value.",
        )
    ratios = edge_ratios(record, lr)
    finite = np.isfinite(ratios)
    largest = float(np.max(ratios[finite])) if finite.any() else float("nan")
    bound_words = _bound_words(lr, bound, largest)
    if trace.converged:
        end = float(record.sharpness[-1])
        return Verdict(
            "converged",
            f"{rate} converged in {trace.n_steps:,} steps.",
            f"At the end λ_max = {number_text(end)}, so the local stable rate there is "
            f"2/λ_max = {number_text(2.0 / end) if end > 0 else 'unbounded'}; {words.phrase}."
            + bound_words,
        )
    if at_edge(record, lr, trace.n_steps):
        falls = "The cost still falls, not monotonically." if words.end < words.start else (
            "The cost did not fall overall.")  # fmt: skip
        return Verdict(
            "edge",
            f"The sharpness rose to 2/α = {number_text(edge)} and hovers there: the edge of "
            f"stability. {falls}",
            f"On a quadratic, α > 2/λ_max would diverge. This cost is not quadratic: when a "
            "step overshoots along the sharpest direction, the run moves to flatter ground, and "
            f"λ_max stays near 2/α (Cohen et al., 2021). Over the run {words.phrase}.",
        )
    if largest > 2:
        first = int(np.argmax(ratios > 2))
        return Verdict(
            "above_edge",
            f"At step {int(record.steps[first]):,} the sharpness λ_max = "
            f"{number_text(float(record.sharpness[first]))} was above 2/α = "
            f"{number_text(edge)}, yet the run did not diverge.",
            "There αλ_max > 2, where a quadratic's steps would grow without bound; this "
            f"cost's curvature changes as θ moves, and over the run {words.phrase}." + bound_words,
        )
    return Verdict(
        "stable",
        f"Every step was locally stable: the sharpness stayed below 2/α = {number_text(edge)}.",
        f"αλ_max was at most {number_text(largest, 3)}, and {words.phrase}." + bound_words,
    )


def _overflowed(trace: Trace) -> bool:
    return trace.costs.size <= (trace.diverged_at or 0)


def _bound_words(lr: float, bound: float | None, largest: float) -> str:
    """The global safe rate 2/L beside what the run met (logistic regression)."""
    if bound is None or not bound > 0:
        return ""
    safe = 2.0 / bound
    if lr <= safe:
        return (
            f" α is below the global safe rate 2/L = {number_text(safe)}, which guarantees "
            "that the cost falls from anywhere."
        )
    return (
        f" α is {number_text(lr / safe, 3)}× the global safe rate 2/L = {number_text(safe)}, "
        + ("yet every step was locally stable: 2/L is conservative here."
           if largest < 2 else "and the sharpness exceeded 2/α at times.")
    )  # fmt: skip
