"""The verdict's rules at their edges, on hand-made runs and a hand-made theory.

The theory has eigenvalues 1 and 4, so every number is known by hand: α_crit = 2/4 = 0.5,
1/λ_max = 0.25, α* = 2/(1 + 4) = 0.4 with contraction (κ − 1)/(κ + 1) = 3/5 = 0.6, and α* cuts
the error 100-fold in ln 100/ln(5/3) ≈ 9.02 steps (so a budget of 9 steps is too few for it,
10 are enough).
"""

import math

import numpy as np
import pytest

from gdlab.running.descent import Trace
from gdlab.teaching.verdict import judge, remaining_gap
from gdlab.theory import LearningRateTheory

THEORY = LearningRateTheory(np.array([1.0, 4.0]))


def run(costs, lr, status="max_steps", diverged_at=None) -> Trace:
    """A trace with these costs (J₀ first) at a constant rate; θ and ∇J do not matter here."""
    costs = np.asarray(costs, dtype=np.float64)
    steps = costs.size - 1
    return Trace(
        thetas=np.zeros((steps + 1, 2)),
        costs=costs,
        grads=np.zeros((steps + 1, 2)),
        lrs=np.full(steps, lr),
        status=status,
        message="",
        diverged_at=diverged_at,
    )


def ending(steps, final, lr=0.1, start=200.0):
    """A run of `steps` steps from J₀ = start to J = final."""
    return run([start] * steps + [final], lr)


def test_the_hand_made_theory():
    assert (THEORY.critical_lr, THEORY.one_step_lr, THEORY.optimal_lr) == (0.5, 0.25, 0.4)
    assert THEORY.condition_number == 4.0
    assert THEORY.steps_to_shrink(0.4) == pytest.approx(math.log(100) / math.log(5 / 3))


# -- remaining_gap: the fraction and its words ------------------------------------------------


@pytest.mark.parametrize(
    ("final", "words"),
    [
        (100.0, "less than 0.01%"),
        (100.00999, "less than 0.01%"),  # gap 9.99e-5
        (100.01, "0.01%"),
        (100.0123, "0.012%"),  # two significant digits below 10%
        (105.0, "5%"),
        (109.0, "9%"),
        (150.0, "50%"),
        (200.0, "100%"),  # whole percent from 10% on, never "1e+02%"
        (223.4, "123%"),
        (1099.0, "999%"),
        (1100.0, "10×"),  # from ten times on, a multiple
        (1234660.0, "12,346×"),
    ],
)
def test_gap_words_above_a_residual_minimum(final, words):
    gap, text = remaining_gap(run([5000.0, final], 0.1), 100.0)
    assert gap == pytest.approx((final - 100.0) / 100.0)
    assert text == f"{words} above its minimum"


def test_a_gap_of_exactly_one_in_ten_thousand_is_shown():
    gap, text = remaining_gap(run([5e4, 10001.0], 0.1), 10000.0)
    assert gap == 1e-4
    assert text == "0.01% above its minimum"


def test_a_cost_below_the_minimum_by_round_off_has_no_gap():
    gap, text = remaining_gap(run([5000.0, 99.9], 0.1), 100.0)
    assert gap == 0.0
    assert text == "less than 0.01% above its minimum"


def test_exact_fit_gap_counts_from_the_starting_excess():
    # J* = 0: "% above the minimum" means nothing, so the gap is J/J₀.
    gap, text = remaining_gap(run([0.8, 0.2], 0.1), 0.0)
    assert gap == pytest.approx(0.25, rel=1e-15)
    assert text == "25% of its starting excess away from the minimum"


def test_exact_fit_started_at_the_minimum_has_no_gap():
    gap, text = remaining_gap(run([0.0, 0.0], 0.1), 0.0)
    assert gap == 0.0
    assert text == "less than 0.01% of its starting excess away from the minimum"


def test_exact_fit_started_below_the_minimum_has_no_gap():
    gap, _ = remaining_gap(run([-1e-20, 1e-20], 0.1), 0.0)
    assert gap == 0.0


def test_a_minimum_a_trillionth_of_the_start_counts_as_an_exact_fit():
    # J* = 1e-12·J₀ is round-off of a perfect fit: not "× above its minimum".
    gap, text = remaining_gap(run([1.0, 0.5], 0.1), 1e-12)
    assert text.endswith("of its starting excess away from the minimum")
    assert gap == (0.5 - 1e-12) / (1.0 - 1e-12)  # both measured from J*
    # Just above that, J* is a real residual, even when every cost is tiny.
    gap, text = remaining_gap(run([1e-6, 2e-13], 0.1), 1e-13)
    assert gap == pytest.approx(1.0)
    assert text == "100% above its minimum"


# -- judge: diverging ------------------------------------------------------------------------


def test_a_diverged_run_names_its_step_and_the_growth_per_step():
    verdict = judge(run([1.0, 3.0, 9.0], 0.6, "diverged", diverged_at=3), THEORY, 0.5, 0.6)
    assert verdict.kind == "diverging"
    assert verdict.headline == "α = 0.6 diverged at step 3 because α > 2/λ_max = 0.5."
    # |1 − 0.6·4| = 1.4
    assert verdict.detail == (
        "Each step overshoots the minimum by more than it started from it: the distance "
        "grows ×1.4 per step along the steepest direction."
    )


def test_a_run_above_the_critical_rate_that_has_not_blown_up_yet_reports_its_growth():
    costs = np.linspace(0.5, 8.0, 1235)  # 1,234 steps, J grew 16-fold
    verdict = judge(run(costs, 0.6), THEORY, 0.1, 0.6)
    assert verdict.kind == "diverging"
    assert verdict.headline == (
        "α = 0.6 is diverging because α > 2/λ_max = 0.5: in 1,234 steps the cost grew ×16."
    )


def test_growth_from_a_zero_start_is_measured_from_a_tiny_floor():
    verdict = judge(run([0.0, 1e-295, 1e-290], 0.6), THEORY, 0.0, 0.6)
    assert verdict.headline.endswith("in 2 steps the cost grew ×1e+10.")


def test_a_converged_run_above_the_critical_rate_is_not_called_diverging():
    # Only the run can overrule the theory: it reached ‖∇J‖ ≈ 0.
    verdict = judge(run([2.0, 1.0], 0.6, "converged"), THEORY, 1.0, 0.6)
    assert verdict.kind != "diverging"


# -- judge: the boundary, arrival and slowness ------------------------------------------------


def test_exactly_the_critical_rate_bounces_forever():
    verdict = judge(run([200.0, 200.0, 200.0], 0.5), THEORY, 100.0, 0.5)
    assert verdict.kind == "boundary"
    assert verdict.headline == "α = 0.5 sits exactly on α_crit = 2/λ_max: it bounces forever."
    assert verdict.detail == "Every step jumps to the mirror point across the minimum."


def test_within_one_percent_of_the_minimum_counts_as_arrived():
    # 101/100: the gap is exactly 1%, which counts as arrived; 101.5 does not.
    smooth = judge(ending(20, 101.0), THEORY, 100.0, 0.1)
    assert smooth.kind == "smooth"
    assert smooth.headline == (
        "α = 0.1 converges smoothly (after 20 steps the cost is 1% above its minimum)."
    )
    assert judge(ending(20, 101.0, 0.3), THEORY, 100.0, 0.3).kind == "oscillating"
    assert judge(ending(20, 101.5), THEORY, 100.0, 0.1).kind == "slow"
    assert judge(ending(20, 101.5, 0.3), THEORY, 100.0, 0.3).kind == "slow"


def test_a_converged_run_is_never_slow_however_far_its_cost():
    verdict = judge(run([200.0, 150.0], 0.1, "converged"), THEORY, 100.0, 0.1)
    assert verdict.kind == "smooth"
    assert verdict.headline == "α = 0.1 converges smoothly (converged in 1 step)."


def test_too_small_when_the_best_rate_would_have_arrived():
    # 20 steps: α* needs only 9.02, so the blame is on α = 0.1 (ρ = |1 − 0.1| = 0.9).
    verdict = judge(ending(20, 150.0), THEORY, 100.0, 0.1)
    steps_for_0_9 = math.log(0.01) / math.log(0.9)  # 0.9ⁿ = 1/100: n = 43.7
    assert round(steps_for_0_9) == 44
    assert verdict.kind == "slow"
    assert verdict.headline == "Too small: after 20 steps the cost is still 50% above its minimum."
    assert verdict.detail == (
        "α = 0.1 shrinks the error only ×0.9 per step; about 44 steps would cut it 100-fold. "
        "Try a larger α (the best fixed rate here is α* = 0.4)."
    )


def test_too_small_and_the_best_rate_is_slow_too():
    # 9 steps: fewer than α* needs, but α = 0.1 is below α*/2 = 0.2, so it is still too small.
    verdict = judge(ending(9, 150.0), THEORY, 100.0, 0.1)
    assert verdict.kind == "slow"
    assert verdict.headline.startswith("Too small: after 9 steps")
    assert verdict.detail == (
        "α = 0.1 shrinks the error only ×0.9 per step; about 44 steps would cut it 100-fold. "
        "Try a larger α (the best fixed rate here is α* = 0.4); even α* needs about 9 steps "
        "here, because the valley is narrow (κ = 4): standardize x to make it round."
    )


@pytest.mark.parametrize("lr", [0.2, 0.3, 0.4])
def test_from_half_the_best_rate_on_a_narrow_valley_is_blamed(lr):
    verdict = judge(ending(9, 150.0, lr), THEORY, 100.0, lr)
    assert verdict.kind == "slow"
    assert verdict.headline == (
        f"Slow even at α = {lr:g}: after 9 steps the cost is still 50% above its minimum, "
        "because the valley is narrow (κ = 4)."
    )
    assert verdict.detail == (
        "Any α safe for the steep direction (below 2/λ_max = 0.5) crawls along the flat one: "
        "at best the error shrinks ×0.6000 per step. Scaling x makes the cost rounder; try "
        "standardize."
    )


def test_just_below_half_the_best_rate_is_too_small():
    verdict = judge(ending(9, 150.0, 0.1999), THEORY, 100.0, 0.1999)
    assert verdict.headline.startswith("Too small:")


def test_with_enough_steps_for_the_best_rate_half_of_it_is_too_small():
    verdict = judge(ending(10, 150.0, 0.2), THEORY, 100.0, 0.2)
    assert verdict.headline.startswith("Too small: after 10 steps")
    assert "even α*" not in verdict.detail


# -- judge: converging -----------------------------------------------------------------------


def test_oscillating_names_both_rates_and_the_contraction():
    # 1/λ_max = 0.25 < 0.3 < 0.5; ρ = max(|1 − 0.3|, |1 − 1.2|) = 0.7.
    verdict = judge(run([200.0, 120.0, 100.5], 0.3, "converged"), THEORY, 100.0, 0.3)
    assert verdict.kind == "oscillating"
    assert verdict.headline == "α = 0.3 oscillates but converges (converged in 2 steps)."
    assert verdict.detail == (
        "It lies between 1/λ_max = 0.25 and 2/λ_max = 0.5: each step overshoots the minimum "
        "along the steepest direction and bounces back, shrinking ×0.7 per step."
    )


def test_oscillating_that_ran_out_of_steps_says_how_close_it_got():
    verdict = judge(ending(3, 100.5, 0.3), THEORY, 100.0, 0.3)
    assert verdict.headline == (
        "α = 0.3 oscillates but converges (after 3 steps the cost is 0.5% above its minimum)."
    )


def test_smooth_names_the_one_step_rate_and_the_contraction():
    # 0.2 < 1/λ_max = 0.25; ρ = max(|1 − 0.2|, |1 − 0.8|) = 0.8.
    verdict = judge(run([200.0, 120.0, 100.5], 0.2, "converged"), THEORY, 100.0, 0.2)
    assert verdict.kind == "smooth"
    assert verdict.headline == "α = 0.2 converges smoothly (converged in 2 steps)."
    assert verdict.detail == (
        "It is below 1/λ_max = 0.25, so no step overshoots the minimum; the error shrinks "
        "×0.8 per step."
    )
