"""α = α_crit = 2/λ_max, within rounding: the error along the steepest direction never shrinks,
so the verdict is "on the edge", even when the cost stays within 1% of its minimum.

The data are x = 1, 2, 3 and y = 1, 2, 2 with ŷ = θ₀ + θ₁x and the MSE, whose Hessian (2/n)XᵀX
is written out below; λ_max, its eigenvector and θ* come from numpy.linalg, not from gdlab.
"""

import numpy as np
import pytest

from gdlab import LinearRegression, descend, learning_rate_theory
from gdlab.running.descent import Trace
from gdlab.teaching.verdict import judge

X = np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
Y = np.array([1.0, 2.0, 2.0])
HESSIAN = 2.0 / 3.0 * np.array([[3.0, 6.0], [6.0, 14.0]])  # (2/n)XᵀX
EIGENVALUES, EIGENVECTORS = np.linalg.eigh(HESSIAN)
LAMBDA_MAX, STEEPEST = float(np.linalg.eigvalsh(HESSIAN)[-1]), EIGENVECTORS[:, -1]
CRITICAL = 2.0 / LAMBDA_MAX
THETA_STAR = np.linalg.lstsq(X, Y, rcond=None)[0]


def cost(theta: np.ndarray) -> float:
    return float(np.mean((X @ theta - Y) ** 2))


@pytest.mark.parametrize(
    "lr",
    [CRITICAL, np.nextafter(CRITICAL, 0.0), np.nextafter(CRITICAL, np.inf)],
    ids=["2/λ_max", "an ulp below", "an ulp above"],
)
def test_a_run_at_the_critical_rate_that_stays_within_one_percent_is_on_the_edge(lr):
    np.testing.assert_allclose(HESSIAN, X.T @ X * 2 / 3, rtol=1e-15)
    problem = LinearRegression(X[:, 1], Y)
    min_cost = cost(THETA_STAR)
    # A start 0.005 along the steepest direction: 0.25% above the minimum, and there it stays.
    start = THETA_STAR + 0.005 * STEEPEST
    trace = descend(problem, start, float(lr), 50)
    assert trace.status == "max_steps"
    assert abs(STEEPEST @ (trace.theta - THETA_STAR)) == pytest.approx(0.005, rel=1e-6)
    gap = (cost(trace.theta) - min_cost) / min_cost
    assert 0.002 < gap < 0.01  # within the 1% that counts as arrived for a converging rate
    verdict = judge(trace, learning_rate_theory(problem), problem.min_cost, float(lr))
    assert verdict.kind == "boundary"
    assert "sits exactly on α_crit = 2/λ_max" in verdict.headline
    assert "bounces forever" in verdict.headline
    assert "converge" not in verdict.headline


def test_a_run_at_the_critical_rate_that_converged_is_not_called_smooth():
    # From a start along the flat direction only, the steepest error is nil and the run
    # converges; the verdict still says where α sits, and never "below 1/λ_max".
    problem = LinearRegression(X[:, 1], Y)
    start = THETA_STAR + 0.5 * EIGENVECTORS[:, 0]
    trace = descend(problem, start, CRITICAL, 5000)
    assert trace.converged
    verdict = judge(trace, learning_rate_theory(problem), problem.min_cost, CRITICAL)
    assert verdict.kind == "boundary"
    assert "sits exactly on α_crit = 2/λ_max" in verdict.headline
    assert "smooth" not in verdict.headline and "below 1/λ_max" not in verdict.detail


def test_a_run_on_the_edge_that_diverged_is_still_called_diverged():
    theory = learning_rate_theory(LinearRegression(X[:, 1], Y))
    lr = theory.critical_lr
    trace = Trace(
        thetas=np.zeros((2, 2)), costs=np.array([1.0, 1e12]), grads=np.zeros((2, 2)),
        lrs=np.full(1, lr), status="diverged", message="", diverged_at=1,
    )  # fmt: skip
    assert judge(trace, theory, 0.1, lr).kind == "diverging"
