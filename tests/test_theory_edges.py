"""LearningRateTheory at the edges of its rules: rates exactly at the documented rounding
tolerance, the one-step and critical rates as computed, curvatures near float64's limit, and
float32 inputs (the same numbers must give the same answers). References are exact rationals
(fractions) of the float64 numbers involved."""

import math
from fractions import Fraction

import numpy as np
import pytest

from gdlab.theory import LearningRateTheory

EPS = float(np.finfo(np.float64).eps)
TOLERANCE = 2 * EPS  # the documented rounding allowance of "at 2/λ_max" and "beyond 1/λ_max"


def exact_steps(lr: float, eigenvalues, factor=100.0) -> float:
    """log(factor)/−log ρ with ρ = max |1 − αλ| in exact rational arithmetic (ρ − 1 rounded
    once, then log1p: ρ itself would lose the digits that matter when ρ is near 1)."""
    rho = max(abs(1 - Fraction(lr) * Fraction(lam)) for lam in eigenvalues)
    return math.log(factor) / -math.log1p(float(rho - 1))


def test_the_hessian_is_taken_in_float64():
    hessian = np.array([[2.1, 0.3], [0.3, 0.05]], dtype=np.float32)
    theory = LearningRateTheory.from_hessian(hessian)
    assert theory.eigenvalues.dtype == np.float64
    np.testing.assert_array_equal(
        theory.eigenvalues, np.linalg.eigvalsh(hessian.astype(np.float64))
    )


def test_the_contraction_of_one_rate_is_a_python_float():
    # A numpy scalar would print as np.float64(…) in messages and reprs.
    assert type(LearningRateTheory(np.array([1.0, 4.0])).contraction(0.3)) is float


@pytest.mark.parametrize("lam", [3.0, 6.0, 7.0, 0.7, 3.3])
def test_the_one_step_rate_as_computed_leaves_the_slowest_direction(lam):
    # fl(1/λ)·λ rounds to 1 but is just below it exactly: the steepest direction lands
    # (to rounding), and the steps are those of the slow direction λ/10.
    theory = LearningRateTheory(np.array([lam / 10, lam]))
    lr = theory.one_step_lr
    assert lr * lam == 1.0 and Fraction(lr) * Fraction(lam) < 1
    assert theory.steps_to_shrink(lr) == pytest.approx(exact_steps(lr, [lam / 10]), rel=1e-14)


@pytest.mark.parametrize("lam", [3.0, 6.0, 7.0, 0.7, 3.3])
def test_the_critical_rate_as_computed_never_shrinks_the_error(lam):
    # fl(2/λ)·λ rounds to 2 (exactly it is a hair below): the descent bounces, 1 − αλ = −1.
    theory = LearningRateTheory(np.array([lam / 10, lam]))
    lr = theory.critical_lr
    assert lr * lam == 2.0 and Fraction(lr) * Fraction(lam) < 2
    assert theory.steps_to_shrink(lr) == math.inf
    assert theory.regime(lr).kind == "boundary"


@pytest.mark.parametrize(
    ("lr", "kind"),
    [
        (1 - TOLERANCE, "boundary"),
        (1 + TOLERANCE, "boundary"),
        (1 - 2 * TOLERANCE, "oscillating"),
        (1 + 2 * TOLERANCE, "diverging"),
    ],
)
def test_the_boundary_includes_its_rounding_allowance(lr, kind):
    theory = LearningRateTheory(np.array([0.5, 2.0]))  # 2/λ_max = 1, so αλ_max/2 = α exactly
    assert theory.regime(lr).kind == kind
    assert theory.kinds(np.array([lr]))[0] == kind


@pytest.mark.parametrize(
    ("lr", "kind"), [(1 + TOLERANCE, "smooth"), (1 + 2 * TOLERANCE, "oscillating")]
)
def test_overshooting_starts_beyond_the_rounding_allowance(lr, kind):
    theory = LearningRateTheory(np.array([0.5, 1.0]))  # 1/λ_max = 1, so αλ_max = α exactly
    assert theory.regime(lr).kind == kind
    assert theory.kinds(np.array([lr]))[0] == kind


def test_a_rate_that_lands_in_one_step_is_not_slow_for_one_step():
    theory = LearningRateTheory(np.array([2.0, 2.0]))
    assert theory.steps_to_shrink(0.5) == 1.0  # ρ = 0: any factor in one step
    assert theory.regime(0.5, steps=1).kind == "smooth"
    assert theory.kinds(np.array([0.5]), steps=1)[0] == "smooth"


@pytest.mark.parametrize("ratio", [0.5, 1.5, 1.9])
def test_a_curvature_near_float64s_limit_gives_exact_steps_quietly(ratio):
    # λ = 1e305: splitting λ for the exact product overflows, which must neither warn (pytest
    # makes warnings errors) nor change the answer.
    lam = 1e305
    theory = LearningRateTheory(np.array([lam]))
    lr = ratio / lam
    assert theory.steps_to_shrink(lr) == pytest.approx(exact_steps(lr, [lam]), rel=1e-13)
    assert theory.kinds(np.array([lr]), steps=10**6)[0] == theory.regime(lr, steps=10**6).kind


# α just below α* of an ill-conditioned cost, rounded to float32: αλ_max is within ~1e-6 of 2, where
# the product's exact low part decides the answer.
ILL = LearningRateTheory(np.array([3.3e-9, 3.3]))
FLOAT32_RATES = [np.float32(ILL.optimal_lr * (1 - 3e-7)), np.float32(0.3), np.float32(0.6)]


@pytest.mark.parametrize("rate", FLOAT32_RATES)
def test_a_float32_rate_is_the_same_number_as_float64(rate):
    same = float(rate)
    assert ILL.steps_to_shrink(rate) == ILL.steps_to_shrink(same)
    assert ILL.steps_to_shrink(same) == pytest.approx(exact_steps(same, ILL.eigenvalues), rel=1e-9)
    assert ILL.contraction(rate) == ILL.contraction(same)


def test_float32_rates_get_the_kinds_of_their_float64_values():
    rates32 = np.array(FLOAT32_RATES, dtype=np.float32)
    rates64 = rates32.astype(np.float64)
    for steps in (None, 10**9):
        np.testing.assert_array_equal(ILL.kinds(rates32, steps), ILL.kinds(rates64, steps))
        assert list(ILL.kinds(rates64, steps)) == [ILL.regime(r, steps).kind for r in rates64]


@pytest.mark.parametrize("lam", [3.3, 3.0, 1.7])
def test_float32_rates_at_the_edges_get_the_kinds_of_their_float64_values(lam):
    # fl32(2/λ) and fl32(1/λ) are ~1e-8 off the edges: float64 arithmetic tells them apart
    # from the edge, float32 arithmetic (αλ rounded to 24 bits) would not.
    theory = LearningRateTheory(np.array([lam / 10, lam]))
    rates32 = np.array([theory.critical_lr, theory.one_step_lr], dtype=np.float32)
    rates64 = rates32.astype(np.float64)
    np.testing.assert_array_equal(theory.kinds(rates32), theory.kinds(rates64))
    assert list(theory.kinds(rates64)) == [theory.regime(r).kind for r in rates64]
