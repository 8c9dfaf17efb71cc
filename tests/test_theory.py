import math
from decimal import Decimal, localcontext

import numpy as np
import pytest

from gdlab import (
    LearningRateTheory,
    LinearRegression,
    critical_lr,
    descend,
    learning_rate_theory,
    load_dataset,
)


def test_closed_form_for_a_diagonal_quadratic():
    theory = LearningRateTheory.from_hessian(np.diag([1.0, 10.0]))
    assert theory.lambda_min == 1.0 and theory.lambda_max == 10.0
    assert theory.condition_number == 10.0
    assert theory.critical_lr == pytest.approx(0.2)
    assert theory.one_step_lr == pytest.approx(0.1)
    assert theory.optimal_lr == pytest.approx(2 / 11)
    # At α*, both directions contract by (κ − 1)/(κ + 1).
    assert theory.contraction(theory.optimal_lr) == pytest.approx(9 / 11)
    assert theory.contraction(0.05) == pytest.approx(0.95)
    assert theory.contraction(0.3) == pytest.approx(2.0)
    np.testing.assert_allclose(theory.contraction(np.array([0.05, 0.3])), [0.95, 2.0])


def test_hessian_eigenvalues_of_a_line_fit_by_hand(three_points):
    # H = (2/3)[[3, 6], [6, 14]]: trace 34/3, determinant (4/9)·6 = 8/3.
    theory = learning_rate_theory(LinearRegression(*three_points))
    lam = np.roots([1, -34 / 3, 8 / 3])
    assert theory.lambda_max == pytest.approx(lam.max())
    assert theory.lambda_min == pytest.approx(lam.min())
    assert critical_lr(LinearRegression(*three_points)) == pytest.approx(2 / lam.max())


@pytest.mark.parametrize(
    ("fraction", "kind"),
    [
        (0.3, "smooth"),
        (0.5, "smooth"),
        (0.75, "oscillating"),
        (1.0, "boundary"),
        (1.2, "diverging"),
    ],
)
def test_regimes_follow_fractions_of_the_critical_rate(three_points, fraction, kind):
    problem = LinearRegression(*three_points, intercept=False)
    theory = learning_rate_theory(problem)
    assert theory.regime(fraction * theory.critical_lr).kind == kind


def test_regime_matches_what_a_run_does(three_points):
    problem = LinearRegression(*three_points, intercept=False)
    theory = learning_rate_theory(problem)
    smooth = descend(problem, 0.0, 0.5 * theory.critical_lr, steps=50)
    oscillating = descend(problem, 0.0, 0.75 * theory.critical_lr, steps=50)
    errors = lambda trace: trace.thetas[:, 0] - problem.theta_star[0]  # noqa: E731
    assert np.all(np.sign(errors(smooth)[:-1]) == np.sign(errors(smooth)[0]))
    signs = np.sign(errors(oscillating))
    assert np.all(signs[1:] == -signs[:-1])  # overshoots every step


def test_a_small_rate_is_slow_for_a_given_budget(three_points):
    theory = learning_rate_theory(LinearRegression(*three_points, intercept=False))
    regime = theory.regime(1e-4, steps=100)
    assert regime.kind == "slow"
    assert "more than the 100 allowed" in regime.explanation
    assert theory.regime(1e-4).kind == "smooth"
    predicted = theory.steps_to_shrink(1e-4)
    assert predicted == pytest.approx(math.log(100) / -math.log(1 - 1e-4 * theory.lambda_max))


def test_a_constant_feature_is_infinitely_ill_conditioned():
    theory = learning_rate_theory(LinearRegression(np.full(4, 3.0), np.arange(4.0)))
    assert theory.condition_number == math.inf
    # Flat directions never change J, so they do not count against convergence.
    assert theory.contraction(theory.one_step_lr) == pytest.approx(0.0, abs=1e-12)


def test_explanations_name_the_numbers(three_points):
    theory = learning_rate_theory(LinearRegression(*three_points, intercept=False))
    crit = theory.critical_lr
    regime = theory.regime(1.5 * crit)
    assert f"{crit:.4g}" in regime.explanation and regime.title == "diverges"


@pytest.mark.parametrize("steps", [None, 10, 1000])
def test_vectorised_kinds_agree_with_regime(three_points, steps):
    for problem in (
        LinearRegression(*three_points),
        LinearRegression(*three_points, intercept=False),
    ):
        theory = learning_rate_theory(problem)
        rates = np.geomspace(1e-4, 3, 500) * theory.critical_lr
        rates = np.append(rates, [theory.critical_lr, theory.one_step_lr])
        expected = [theory.regime(float(a), steps).kind for a in rates]
        assert list(theory.kinds(rates, steps)) == expected


def test_momentum_theory_matches_runs():
    from gdlab import LinearRegression, descend, learning_rate_theory
    from gdlab.running.optimizers import momentum
    from gdlab.theory import momentum_rate, momentum_stable, optimal_momentum

    x = np.linspace(-1, 3, 30)
    problem = LinearRegression(x, 2 * x + 1)  # κ ≈ 9
    theory = learning_rate_theory(problem)
    lr, mu, rate = optimal_momentum(theory)
    assert rate == pytest.approx(float(momentum_rate(lr, mu, theory.curved)), rel=1e-6)
    # Heavy ball beats the best plain rate: √κ instead of κ in the contraction.
    assert rate < theory.contraction(theory.optimal_lr)
    trace = descend(problem, [5.0, -5.0], lr, 400, optimizer=momentum(mu))
    errors = np.linalg.norm(trace.thetas - problem.theta_star, axis=1)
    measured = (errors[20] / errors[5]) ** (1 / 15)
    # Equal roots (critical damping) add a factor k to ρᵏ: a few % over 15 steps.
    assert measured == pytest.approx(rate, rel=0.1)
    # The stability boundary αλ_max = 2(1 + μ): just inside converges, just outside diverges.
    edge = 2 * (1 + 0.5) / theory.lambda_max
    assert momentum_stable(0.99 * edge, 0.5, theory.lambda_max)
    assert not momentum_stable(1.01 * edge, 0.5, theory.lambda_max)
    inside = descend(problem, [5.0, -5.0], 0.99 * edge, 5000, optimizer=momentum(0.5))
    outside = descend(problem, [5.0, -5.0], 1.01 * edge, 5000, optimizer=momentum(0.5))
    assert inside.converged and outside.diverged


def test_a_small_real_curvature_is_not_taken_for_flat():
    """Unscaled women degree 2: κ = 1.18e12, which float64 resolves (numpy's eigvalsh agrees);
    only eigenvalues within round-off of zero count as flat."""
    data = load_dataset("women")
    problem = LinearRegression(data.x, data.y, degree=2)
    eigenvalues = np.linalg.eigvalsh(problem.hessian())
    theory = learning_rate_theory(problem)
    assert theory.condition_number == pytest.approx(eigenvalues[-1] / eigenvalues[0], rel=1e-6)
    assert theory.condition_number == pytest.approx(1.18e12, rel=0.01)
    assert theory.optimal_lr == pytest.approx(2 / (eigenvalues[0] + eigenvalues[-1]), rel=1e-12)
    for lr in (theory.optimal_lr, 0.5 * theory.critical_lr, 1e-3 * theory.critical_lr):
        # The slowest direction decides: 1 − ρ = αλ_min, not αλ of the next eigenvalue.
        assert 1 - theory.contraction(lr) == pytest.approx(lr * eigenvalues[0], rel=1e-3)
        exact = _exact_steps_to_shrink(lr, eigenvalues)
        assert theory.steps_to_shrink(lr) == pytest.approx(exact, rel=1e-12)


def _exact_steps_to_shrink(lr: float, eigenvalues: np.ndarray, factor: int = 100) -> float:
    """ln(factor) / −ln ρ with ρ = maxᵢ |1 − αλᵢ|, in 50-digit decimal arithmetic."""
    with localcontext() as context:
        context.prec = 50
        rho = max(abs(1 - Decimal(lr) * Decimal(float(lam))) for lam in eigenvalues)
        return float(Decimal(factor).ln() / -rho.ln())


@pytest.mark.parametrize("curvature", [3e-11, 1e-13, 7.5e-15])
def test_steps_to_shrink_is_exact_for_a_contraction_near_one(curvature):
    # ρ = 1 − α·curvature: 1 − αλ in floating point keeps only a few of its digits.
    hessian = np.diag([curvature, 1.0])
    theory = LearningRateTheory.from_hessian(hessian)
    assert theory.condition_number == pytest.approx(1 / curvature, rel=1e-2)
    eigenvalues = np.linalg.eigvalsh(hessian)  # the smallest within ε·λ_max of the curvature
    for lr in (0.5, 1.0, theory.optimal_lr):
        expected = _exact_steps_to_shrink(lr, eigenvalues)
        assert theory.steps_to_shrink(lr) == pytest.approx(expected, rel=1e-12)
        assert theory.steps_to_shrink(lr, factor=10.0) == pytest.approx(expected / 2, rel=1e-12)


def test_an_eigenvalue_at_round_off_level_is_flat():
    theory = LearningRateTheory.from_hessian(np.diag([1e-16, 1.0, 2.0]))
    assert theory.condition_number == math.inf
    assert list(theory.curved) == [1.0, 2.0]


@pytest.mark.parametrize("kappa", [1e9, 1e10, 1e12, 1e14])
def test_the_best_rate_is_never_on_the_edge_however_ill_conditioned(kappa):
    """α* = α_crit·κ/(κ + 1) converges for every κ: it overshoots along the steepest direction
    (|1 − α*λ_max| = (κ − 1)/(κ + 1) < 1). A relative tolerance of 1e-9 called it 'boundary'."""
    theory = LearningRateTheory.from_hessian(np.diag([1.0, kappa]))
    best, crit = theory.optimal_lr, theory.critical_lr
    assert theory.regime(best).kind == "oscillating"
    assert theory.regime(crit).kind == "boundary"
    assert theory.regime(crit * (1 + 1e-12)).kind == "diverging"
    assert theory.regime(crit * (1 - 1e-12)).kind == "oscillating"
    rates = [best, crit, crit * (1 + 1e-12), crit * (1 - 1e-12), theory.one_step_lr]
    assert list(theory.kinds(rates)) == [theory.regime(a).kind for a in rates]
    assert theory.contraction(best) < 1 < theory.contraction(crit * (1 + 1e-12))
