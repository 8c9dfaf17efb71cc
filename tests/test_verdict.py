import numpy as np
import pytest

from gdlab import LinearRegression, descend, learning_rate_theory, load_dataset
from gdlab.teaching.verdict import judge, remaining_gap


@pytest.fixture
def problem(three_points):
    return LinearRegression(*three_points, intercept=False)


def verdict_for(problem, fraction, steps=200):
    theory = learning_rate_theory(problem)
    lr = fraction * theory.critical_lr
    return judge(descend(problem, 0.0, lr, steps), theory, problem.min_cost, lr)


@pytest.mark.parametrize(
    ("fraction", "kind", "words"),
    [
        (0.3, "smooth", "converges smoothly (converged in"),
        (0.75, "oscillating", "oscillates but converges"),
        (1.5, "diverging", "diverged at step"),
    ],
)
def test_verdict_kinds(problem, fraction, kind, words):
    verdict = verdict_for(problem, fraction)
    assert verdict.kind == kind
    assert words in verdict.headline


def test_too_small_says_how_far_from_the_minimum(problem):
    theory = learning_rate_theory(problem)
    trace = descend(problem, 0.0, 1e-4, 10)
    verdict = judge(trace, theory, problem.min_cost, 1e-4)
    gap = (trace.cost - problem.min_cost) / problem.min_cost
    assert verdict.kind == "slow"
    assert gap > 10  # so the gap reads as a multiple, not a percentage
    assert f"after 10 steps the cost is still {gap:.0f}× above its minimum" in verdict.headline
    assert f"{theory.optimal_lr:.4g}" in verdict.detail


def test_diverging_within_budget_reports_growth(problem):
    theory = learning_rate_theory(problem)
    lr = 1.001 * theory.critical_lr
    trace = descend(problem, 0.0, lr, 20)
    assert trace.status == "max_steps"
    verdict = judge(trace, theory, problem.min_cost, lr)
    assert verdict.kind == "diverging" and "is diverging because" in verdict.headline


def test_exact_fit_gap_is_relative_to_the_start():
    x = np.arange(1.0, 6.0)
    problem = LinearRegression(x, 2 * x, intercept=False)  # J* = 0
    trace = descend(problem, 0.0, 1e-4, 5)
    gap, words = remaining_gap(trace, problem.min_cost)
    assert gap == pytest.approx(trace.cost / trace.costs[0])
    assert "of its starting excess" in words


def test_a_narrow_valley_is_blamed_on_conditioning_not_on_alpha():
    cars = load_dataset("cars")
    problem = LinearRegression(cars.x, cars.y)  # unscaled: κ ≈ 2,600
    theory = learning_rate_theory(problem)
    trace = descend(problem, [0.0, 0.0], theory.optimal_lr, 500)
    verdict = judge(trace, theory, problem.min_cost, theory.optimal_lr)
    assert verdict.kind == "slow"
    assert f"κ = {theory.condition_number:,.0f}" in verdict.headline
    assert "standardize" in verdict.detail
