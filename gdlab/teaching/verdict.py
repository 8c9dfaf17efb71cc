"""One sentence a student understands: what a run did, and why, from the run and the theory."""

from __future__ import annotations

from dataclasses import dataclass

from gdlab.number_format import count_text
from gdlab.running.descent import Trace
from gdlab.theory import LearningRateTheory

# A run that ends this close to the minimum (relative excess cost) counts as having arrived.
ARRIVED = 0.01


@dataclass(frozen=True)
class Verdict:
    kind: str  # "smooth", "oscillating", "slow", "boundary" or "diverging"
    headline: str
    detail: str


def remaining_gap(trace: Trace, min_cost: float) -> tuple[float, str]:
    """How far the final cost is from the minimum, as a fraction and in words.

    Relative to J* when the data leave a residual cost; relative to the starting excess when the
    model can fit the data exactly (J* = 0), where "% above the minimum" means nothing.
    """
    excess = max(trace.cost - min_cost, 0.0)
    start_excess = max(float(trace.costs[0]) - min_cost, 0.0)
    if min_cost > 1e-12 * max(float(trace.costs[0]), 1e-300):
        gap = excess / min_cost
        return gap, f"{_percent(gap)} above its minimum"
    gap = excess / start_excess if start_excess > 0 else 0.0
    return gap, f"{_percent(gap)} of its starting excess away from the minimum"


def _percent(fraction: float) -> str:
    if fraction < 1e-4:
        return "less than 0.01%"
    if fraction >= 10:
        return f"{fraction:,.0f}×"
    return f"{100 * fraction:.2g}%" if fraction < 0.1 else f"{100 * fraction:.0f}%"


def judge(trace: Trace, theory: LearningRateTheory, min_cost: float, lr: float) -> Verdict:
    """The verdict for a run at a constant learning rate `lr`."""
    crit, one = theory.critical_lr, theory.one_step_lr
    rate = f"α = {lr:.4g}"
    regime = theory.regime(lr)
    if regime.kind == "boundary" and not trace.diverged:
        # Before the cost is looked at: the steepest error never shrinks here, so a cost within
        # 1% of the minimum (or α an ulp above α_crit) says nothing about converging.
        return _on_the_edge(trace, rate)
    if trace.diverged or (lr > crit and not trace.converged):
        why = (
            f"Each step overshoots the minimum by more than it started from it: the distance "
            f"grows ×{theory.contraction(lr):.3g} per step along the steepest direction."
        )
        if trace.diverged:
            step = trace.diverged_at
            headline = f"{rate} diverged at step {step} because α > 2/λ_max = {crit:.4g}."
        else:
            growth = trace.cost / max(float(trace.costs[0]), 1e-300)
            headline = (
                f"{rate} is diverging because α > 2/λ_max = {crit:.4g}: in "
                f"{count_text(trace.n_steps, 'step')} the cost grew ×{growth:.3g}."
            )
        return Verdict("diverging", headline, why)
    gap, gap_words = remaining_gap(trace, min_cost)
    if not trace.converged and gap > ARRIVED:
        best_is_slow = theory.steps_to_shrink(theory.optimal_lr) > trace.n_steps
        if best_is_slow and lr >= theory.optimal_lr / 2:
            kappa = theory.condition_number
            return Verdict(
                "slow",
                f"Slow even at {rate}: after {count_text(trace.n_steps, 'step')} the cost is "
                f"still {gap_words}, because the valley is narrow (κ = {kappa:,.0f}).",
                f"Any α safe for the steep direction (below 2/λ_max = {crit:.4g}) crawls along "
                f"the flat one: at best the error shrinks ×{(kappa - 1) / (kappa + 1):.4f} per "
                f"step. Scaling x makes the cost rounder; try standardize.",
            )
        needed = count_text(theory.steps_to_shrink(lr), "step")
        needed_at_best = count_text(theory.steps_to_shrink(theory.optimal_lr), "step")
        return Verdict(
            "slow",
            f"Too small: after {count_text(trace.n_steps, 'step')} the cost is still {gap_words}.",
            f"{rate} shrinks the error only ×{theory.contraction(lr):.6g} per step; "
            f"about {needed} would cut it 100-fold. "
            f"Try a larger α (the best fixed rate here is α* = {theory.optimal_lr:.4g})"
            + (
                f"; even α* needs about {needed_at_best} here, because the valley is narrow "
                f"(κ = {theory.condition_number:,.0f}): standardize x to make it round."
                if best_is_slow
                else "."
            ),
        )
    steps = count_text(trace.n_steps, "step")
    ending = (
        f"converged in {steps}" if trace.converged else f"after {steps} the cost is {gap_words}"
    )
    if regime.kind == "oscillating":
        return Verdict(
            "oscillating",
            f"{rate} oscillates but converges ({ending}).",
            f"It lies between 1/λ_max = {one:.4g} and 2/λ_max = {crit:.4g}: each step overshoots "
            f"the minimum along the steepest direction and bounces back, shrinking "
            f"×{theory.contraction(lr):.3g} per step.",
        )
    rho = theory.contraction(lr)
    if theory.at_one_step_rate(lr):  # "below" would be false, and the lesson is the landing
        rest = (
            "every direction is as steep, so one step reaches the minimum."
            if rho < 1e-12
            else f"the flatter directions still shrink ×{rho:.3g} per step."
        )
        why = (
            f"It is at 1/λ_max = {one:.4g}, the one-step rate: along the steepest direction the "
            f"step lands exactly on the minimum (1 − αλ_max = 0), and {rest}"
        )
    else:
        why = (
            f"It is below 1/λ_max = {one:.4g}, so no step overshoots the minimum; the error "
            f"shrinks ×{rho:.3g} per step."
        )
    return Verdict("smooth", f"{rate} converges smoothly ({ending}).", why)


def _on_the_edge(trace: Trace, rate: str) -> Verdict:
    if not trace.converged:
        return Verdict(
            "boundary",
            f"{rate} sits exactly on α_crit = 2/λ_max: it bounces forever.",
            "Every step jumps to the mirror point across the minimum.",
        )
    # Converged all the same: the start had (to rounding) no error along the steepest direction.
    return Verdict(
        "boundary",
        f"{rate} sits exactly on α_crit = 2/λ_max, and converged only because the start had no "
        f"error along the steepest direction (converged in {count_text(trace.n_steps, 'step')}).",
        "Along that direction each step jumps to the mirror point across the minimum, so any "
        "error there would never shrink.",
    )
