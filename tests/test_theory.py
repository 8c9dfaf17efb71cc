import math

import numpy as np
import pytest

from gdlab import LearningRateTheory, LinearRegression, critical_lr, descend, learning_rate_theory


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
    from gdlab.optimizers import momentum
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
