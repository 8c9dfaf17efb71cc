"""What a run over a typed cost did, and the local curvature it met, in a student's words.

A typed cost is rarely quadratic, so its Hessian changes from θ to θ. The rule "α < 2/λ_max"
then holds only near one θₖ: it says whether a step from there overshoots, not how the whole run
ends. The verdict therefore reports what the run did (diverged, left the view, converged, still
moving) and only mentions the local limit where the run shows it: the first step at which α was
above it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdlab.number_format import count_text, number_text
from gdlab.running.descent import Trace
from gdlab.teaching.verdict import Verdict

# Eigenvalues this small next to the largest one count as flat (a second derivative of 0).
FLAT = 1e-9


@dataclass(frozen=True)
class LocalCurvature:
    """The Hessian's eigenvalues at one θ (ascending; NaN where J has no second derivative)."""

    eigenvalues: tuple[float, ...]

    @property
    def finite(self) -> bool:
        return all(math.isfinite(v) for v in self.eigenvalues)

    @property
    def largest(self) -> float:
        return self.eigenvalues[-1]

    @property
    def smallest(self) -> float:
        return self.eigenvalues[0]

    @property
    def limit(self) -> float | None:
        """2/λ_max: the largest stable rate near this θ, or None where J curves up nowhere."""
        if not self.finite or self.largest <= 0:
            return None
        return 2.0 / self.largest


def local_curvature(hessian: np.ndarray) -> LocalCurvature:
    """The eigenvalues of one symmetric (d, d) Hessian."""
    hessian = np.asarray(hessian, dtype=float)
    if not np.all(np.isfinite(hessian)):
        return LocalCurvature((math.nan,) * hessian.shape[-1])
    return LocalCurvature(tuple(float(v) for v in np.linalg.eigvalsh(hessian)))


def local_limits(hessians: np.ndarray) -> np.ndarray:
    """2/λ_max(θₖ) for a stack of Hessians (K, d, d); NaN where there is no limit."""
    hessians = np.asarray(hessians, dtype=float)
    good = np.all(np.isfinite(hessians), axis=(-2, -1))
    largest = np.full(hessians.shape[0], np.nan)
    if good.any():
        largest[good] = np.linalg.eigvalsh(hessians[good])[:, -1]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(largest > 0, 2.0 / largest, np.nan)


def curvature_words(curvature: LocalCurvature, lr: float, where: str) -> str:
    """α against the local limit at one θ, true for a cost that is not quadratic."""
    if not curvature.finite:
        return (
            f"At {where} J has no second derivative (a kink or an undefined point), so "
            "curvature sets no local limit on α there."
        )
    values = " and ".join(number_text(v) for v in curvature.eigenvalues)
    named = f"λ = {values}" if len(curvature.eigenvalues) > 1 else f"λ = J'' = {values}"
    limit = curvature.limit
    if limit is None:
        return (
            f"At {where} J curves down or is flat in every direction ({named}): curvature sets "
            "no local limit on α there, and a step moves downhill away from it."
        )
    shown = number_text(limit)
    if math.isclose(lr, limit, rel_tol=1e-9):
        text = (
            f"At {where} ({named}), α equals the local limit 2/λ_max = {shown}: near here a "
            "step lands as far from the valley floor as it started."
        )
    elif lr > limit:
        text = (
            f"At {where} ({named}), α = {number_text(lr)} is above the local limit "
            f"2/λ_max = {shown}: near here a step overshoots, across the valley and farther "
            "from its floor."
        )
    else:
        text = (
            f"At {where} ({named}), α = {number_text(lr)} is below the local limit "
            f"2/λ_max = {shown}: near here a step is not too large for the curvature."
        )
    if curvature.smallest < -FLAT * abs(curvature.largest):
        text += (
            f" Along the direction where J curves down (λ = {number_text(curvature.smallest)}), "
            "curvature sets no local limit: descent moves away downhill."
        )
    return text


def judge_own_cost(
    trace: Trace,
    lr: float,
    limits: np.ndarray,
    final: LocalCurvature,
    left_view_at: int | None = None,
) -> Verdict:
    """The run's verdict. `limits` holds 2/λ_max(θₖ) at every recorded θₖ (NaN: none there),
    `final` the curvature where the run ended; `left_view_at` the first step off the chart."""
    costs = np.asarray(trace.costs, dtype=float)
    went = f"J went from {number_text(costs[0])} to {number_text(costs[-1])}"
    if trace.diverged:
        return _diverged(trace, lr, limits, costs)
    if left_view_at is not None:
        ending = (
            f"then converged out of sight at {_point(trace.theta)}"
            if trace.converged
            else f"was still moving after {count_text(trace.n_steps, 'step')}"
        )
        return Verdict(
            "left view",
            f"left the view at step {left_view_at:,}",
            f"The chart shows the region around the start; the run {ending}. {went}.",
        )
    if trace.converged:
        return Verdict(
            "converged",
            f"converged in {count_text(trace.n_steps, 'step')}",
            f"It stopped at {_point(trace.theta)}, where the slope is (nearly) zero and "
            f"J = {number_text(trace.cost)}. {_what_it_found(final)}",
        )
    rises = int(np.sum(np.diff(costs) > 0))
    how = f", going up in {rises:,} of its {trace.n_steps:,} steps" if rises else ""
    return Verdict(
        "moving",
        f"is still moving after {count_text(trace.n_steps, 'step')}",
        f"{went}{how}, and the slope is not zero yet: more steps show where it goes.",
    )


def _diverged(trace: Trace, lr: float, limits: np.ndarray, costs: np.ndarray) -> Verdict:
    step = trace.diverged_at if trace.diverged_at is not None else trace.n_steps
    if costs[-1] < costs[0]:
        return Verdict(
            "diverged",
            f"diverged at step {step:,}",
            f"J fell without bound, to {number_text(costs[-1])}: this cost has no minimum in "
            "the direction θ went, so descent runs off instead of settling.",
        )
    detail = (
        f"J grew from {number_text(costs[0])} to {number_text(costs[-1])}: the steps grew "
        "instead of settling, and the run was stopped."
    )
    above = np.flatnonzero(np.isfinite(limits) & (lr > limits))
    if above.size:  # a fact from the run, not a prediction from α alone
        first = int(above[0])
        detail += (
            f" From step {first:,}, α = {number_text(lr)} was above the local limit "
            f"2/λ_max(θₖ) = {number_text(float(limits[first]))}, where steps overshoot."
        )
    return Verdict("diverged", f"diverged at step {step:,}", detail)


def _what_it_found(final: LocalCurvature) -> str:
    if not final.finite:
        return "J has no second derivative there, so its curvature cannot tell what point it is."
    scale = max(abs(final.largest), abs(final.smallest), 1e-300)
    if final.smallest > FLAT * scale:
        return "J curves up in every direction there: a minimum (another start may find another)."
    if final.smallest < -FLAT * scale:
        return (
            "J curves down in some direction there: a saddle or a top, not a minimum; the run "
            "stopped only because the slope vanished."
        )
    return "J is flat in some direction there: the curvature cannot tell a minimum from a ridge."


def _point(theta: np.ndarray) -> str:
    values = [number_text(float(v)) for v in np.atleast_1d(theta)]
    return f"θ = {values[0]}" if len(values) == 1 else f"θ = ({', '.join(values)})"
