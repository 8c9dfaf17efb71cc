"""What theory says about a rate, word for word, on eigenvalues 1 and 4 (α_crit = 0.5,
1/λ_max = 0.25), and the slow rule at the step where 100-fold is reached."""

import math

import numpy as np
import pytest

from gdlab.theory import LearningRateTheory, Regime

THEORY = LearningRateTheory(np.array([1.0, 4.0]))


def test_on_the_edge():
    assert THEORY.regime(0.5) == Regime(
        "boundary",
        "on the edge",
        "α = 2/λ_max exactly: along the steepest direction each step jumps to the mirror point "
        "(1 − αλ_max = −1), bouncing forever without converging.",
    )


def test_diverges():
    # |1 − 0.6·4| = 1.4
    assert THEORY.regime(0.6) == Regime(
        "diverging",
        "diverges",
        "α = 0.6 > 2/λ_max = 0.5: each step overshoots the minimum by more than it started "
        "from it, so the error grows ×1.4 per step.",
    )


def test_too_slow_for_the_steps_allowed():
    # ρ = 0.999: 0.999ⁿ = 1/100 at n = 4,602.9.
    assert round(math.log(0.01) / math.log(0.999)) == 4603
    assert THEORY.regime(0.001, steps=1000) == Regime(
        "slow",
        "too slow",
        "The error shrinks only ×0.999 per step: about 4,603 steps to cut it 100-fold, more "
        "than the 1,000 allowed.",
    )


def test_oscillates():
    # max(|1 − 0.3|, |1 − 1.2|) = 0.7
    assert THEORY.regime(0.3) == Regime(
        "oscillating",
        "oscillates but converges",
        "1/λ_max = 0.25 < α < 2/λ_max = 0.5: each step overshoots the minimum along the "
        "steepest direction and bounces back, shrinking ×0.7 per step.",
    )
    assert THEORY.regime(0.3, steps=1000).kind == "oscillating"


def test_smooth():
    assert THEORY.regime(0.2) == Regime(
        "smooth",
        "converges smoothly",
        "α = 0.2 ≤ 1/λ_max = 0.25: no step overshoots the minimum; the error shrinks ×0.8 per "
        "step.",
    )


def test_slow_exactly_when_the_steps_do_not_cut_the_error_100_fold():
    # ρ = 1 − α chosen so that ρ⁴⁴ = 0.00995, between 1/101 and 1/100: 44 steps are enough.
    rho = 0.00995 ** (1 / 44)
    lr = 1 - rho
    assert THEORY.contraction(lr) == pytest.approx(rho, rel=1e-14)
    assert rho**44 < 0.01 < rho**43
    for steps, kind in [(43, "slow"), (44, "smooth"), (45, "smooth")]:
        assert THEORY.regime(lr, steps=steps).kind == kind
        assert THEORY.kinds(np.array([lr]), steps=steps).tolist() == [kind]


def test_kinds_match_regime_for_many_rates():
    rates = np.array([1e-4, 0.01, 0.1, 0.2, 0.3, 0.45, 0.5, 0.6, 3.0])
    for steps in (None, 10, 100):
        expected = [THEORY.regime(float(lr), steps).kind for lr in rates]
        assert THEORY.kinds(rates, steps).tolist() == expected
    assert THEORY.kinds(rates).tolist() == [
        "smooth", "smooth", "smooth", "smooth", "oscillating", "oscillating", "boundary",
        "diverging", "diverging",
    ]  # fmt: skip
