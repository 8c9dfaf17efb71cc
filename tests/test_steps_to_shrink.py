"""Steps for the error to shrink by a factor, checked by raising ρ to that power."""

import math

import numpy as np
import pytest

from gdlab.theory import LearningRateTheory

THEORY = LearningRateTheory(np.array([1.0, 4.0]))  # α_crit = 0.5


@pytest.mark.parametrize(("lr", "rho"), [(0.1, 0.9), (0.2, 0.8), (0.4, 0.6), (0.45, 0.8)])
def test_the_error_shrinks_100_fold_in_that_many_steps(lr, rho):
    assert THEORY.contraction(lr) == pytest.approx(rho, rel=1e-14)
    steps = THEORY.steps_to_shrink(lr)
    assert rho**steps == pytest.approx(0.01, rel=1e-12)


def test_another_factor():
    steps = THEORY.steps_to_shrink(0.2, factor=10.0)
    assert 0.8**steps == pytest.approx(0.1, rel=1e-12)
    assert THEORY.steps_to_shrink(0.2, factor=1e6) == pytest.approx(6 * steps, rel=1e-12)


@pytest.mark.parametrize("lr", [0.5, 0.5000001, 0.6, 1.0, 1e6])
def test_a_rate_that_does_not_shrink_the_error_never_gets_there(lr):
    # At α_crit the error bounces with |1 − αλ_max| = 1; above it, it grows.
    assert THEORY.steps_to_shrink(lr) == math.inf
    assert THEORY.steps_to_shrink(lr, factor=2.0) == math.inf


def test_a_rate_that_lands_on_the_minimum_needs_one_step():
    theory = LearningRateTheory(np.array([2.0, 2.0]))
    assert theory.contraction(0.5) == 0.0
    assert theory.steps_to_shrink(0.5) == 1.0


def test_contraction_of_many_rates_at_once():
    rates = np.array([0.1, 0.3, 0.6])
    np.testing.assert_allclose(THEORY.contraction(rates), [0.9, 0.7, 1.4], rtol=1e-14)
    assert isinstance(THEORY.contraction(0.3), float)
