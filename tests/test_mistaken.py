"""The gradient without x (gdlab.models.mistaken): its rule, where it leads in closed form, and
how far its "gradient" is from the slope of J. References are written here from the raw data:
loops over (xᵢ, yᵢ), numpy.linalg.lstsq, numpy.linalg.solve and central differences."""

from __future__ import annotations

import numpy as np
import pytest

import gdlab
from gdlab.models.mistaken import GradientWithoutX


def design(x: np.ndarray, intercept: bool) -> np.ndarray:
    return np.column_stack([np.ones_like(x), x]) if intercept else x[:, None]


def gradient_without_x_by_hand(x, y, theta, intercept: bool, k: float = 1.0) -> np.ndarray:
    """(2k/n)Σ(ŷᵢ − yᵢ) for every component, one point at a time."""
    total = 0.0
    for xi, yi in zip(x, y, strict=True):
        prediction = theta[0] + theta[1] * xi if intercept else theta[0] * xi
        total += prediction - yi
    return np.full(theta.size, 2.0 * k * total / x.size)


def run_by_hand(x, y, theta0, lr, steps, intercept: bool, k: float = 1.0) -> np.ndarray:
    theta, path = np.array(theta0, dtype=float), [np.array(theta0, dtype=float)]
    for _ in range(steps):
        theta = theta - lr * gradient_without_x_by_hand(x, y, theta, intercept, k)
        path.append(theta)
    return np.array(path)


@pytest.fixture(scope="module")
def cars() -> gdlab.Dataset:
    return gdlab.load_dataset("cars")


@pytest.mark.parametrize("intercept", [False, True])
@pytest.mark.parametrize("cost", ["mse", "half_mse"])
def test_the_gradient_is_the_residual_sum_with_no_factor_x(cars, intercept, cost):
    regression = gdlab.LinearRegression(cars.x, cars.y, intercept=intercept, cost=cost)
    problem = GradientWithoutX(regression)
    k = 0.5 if cost == "half_mse" else 1.0
    d = problem.n_params
    for theta in (np.zeros(d), np.full(d, 1.7), np.arange(1.0, 1.0 + d)):
        expected = gradient_without_x_by_hand(cars.x, cars.y, theta, intercept, k)
        np.testing.assert_allclose(problem.gradient(theta), expected, rtol=1e-12)
    # The cost is still J: only the gradient is mistaken.
    theta = np.full(problem.n_params, 0.3)
    residuals = design(cars.x, intercept) @ theta - cars.y
    assert problem.cost_value(theta) == pytest.approx(k * np.mean(residuals**2), rel=1e-12)


@pytest.mark.parametrize("intercept", [False, True])
def test_descend_runs_the_mistaken_rule_step_for_step(cars, intercept):
    problem = GradientWithoutX(gdlab.LinearRegression(cars.x, cars.y, intercept=intercept))
    theta0 = np.zeros(problem.n_params)
    trace = gdlab.descend(problem, theta0, 0.001, 200)  # constant rate: the block path
    expected = run_by_hand(cars.x, cars.y, theta0, 0.001, trace.n_steps, intercept)
    np.testing.assert_allclose(trace.thetas, expected, rtol=1e-10, atol=1e-12)
    # A schedule takes the step-by-step loop: the same rule.
    looped = gdlab.descend(problem, theta0, lambda k: 0.001, 200)
    np.testing.assert_allclose(looped.thetas, trace.thetas, rtol=1e-10, atol=1e-12)


def test_one_parameter_fixed_point_is_mean_y_over_mean_x_not_least_squares(cars):
    problem = GradientWithoutX(gdlab.LinearRegression(cars.x, cars.y, intercept=False))
    fixed = cars.y.mean() / cars.x.mean()
    least_squares = np.linalg.lstsq(cars.x[:, None], cars.y, rcond=None)[0][0]
    assert least_squares == pytest.approx(np.sum(cars.x * cars.y) / np.sum(cars.x**2))
    assert problem.fixed_point_one_parameter() == pytest.approx(fixed, rel=1e-14)
    assert abs(fixed - least_squares) > 0.1  # 2.791 against 2.909 on the cars data
    trace = gdlab.descend(problem, 0.0, 0.01, 5000)
    assert trace.converged
    assert trace.theta[0] == pytest.approx(fixed, rel=1e-7)
    limit = problem.limit(0.0, 0.01)
    assert limit.limit[0] == pytest.approx(fixed, rel=1e-14)
    assert limit.factor == pytest.approx(1 - 2 * 0.01 * cars.x.mean())


@pytest.mark.parametrize("start", [(0.0, 0.0), (-30.0, 5.0), (10.0, -2.0)])
def test_a_line_stops_on_the_line_through_the_mean_point_its_start_points_to(cars, start):
    problem = GradientWithoutX(gdlab.LinearRegression(cars.x, cars.y))
    start = np.array(start)
    # Separately: θ = start + t(1, 1) with mean residual zero, θ₀ + x̄θ₁ = ȳ, solved for
    # (θ₀, θ₁, t) as a linear system.
    mean_x, mean_y = cars.x.mean(), cars.y.mean()
    system = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, -1.0], [1.0, mean_x, 0.0]])
    expected = np.linalg.solve(system, [start[0], start[1], mean_y])[:2]
    limit = problem.limit(start, 0.001)
    np.testing.assert_allclose(limit.limit, expected, rtol=1e-12)
    trace = gdlab.descend(problem, start, 0.01, 5000)
    np.testing.assert_allclose(trace.theta, expected, rtol=1e-7)
    # It is a line through (x̄, ȳ): the residuals sum to zero, and ŷ(x̄) = ȳ.
    residuals = design(cars.x, True) @ limit.limit - cars.y
    assert abs(residuals.sum()) <= 1e-9 * np.abs(residuals).sum()
    assert limit.limit[0] + limit.limit[1] * mean_x == pytest.approx(mean_y)
    # Least squares is on that line of fixed points too, and is not where the run stops.
    least_squares = np.linalg.lstsq(design(cars.x, True), cars.y, rcond=None)[0]
    assert least_squares[0] + least_squares[1] * mean_x == pytest.approx(mean_y)
    assert np.linalg.norm(limit.limit - least_squares) > 5.0


def test_the_rule_settles_only_while_the_mean_residual_shrinks(cars):
    problem = GradientWithoutX(gdlab.LinearRegression(cars.x, cars.y))
    # r̄ₖ₊₁ = (1 − 2α(1 + x̄))r̄ₖ: it settles for 0 < α < 1/(1 + x̄).
    edge = 1.0 / (1.0 + cars.x.mean())
    below, above = gdlab.descend(problem, [0.0, 0.0], 0.9 * edge, 3000), None
    above = gdlab.descend(problem, [0.0, 0.0], 1.1 * edge, 3000)
    assert below.converged and problem.limit([0.0, 0.0], 0.9 * edge).settles
    assert above.diverged and not problem.limit([0.0, 0.0], 1.1 * edge).settles
    residuals = [problem.mean_residual(theta) for theta in below.thetas[:5]]
    ratios = np.array(residuals[1:]) / np.array(residuals[:-1])
    np.testing.assert_allclose(ratios, 1 - 2 * 0.9 * edge * (1 + cars.x.mean()), rtol=1e-9)


def test_a_feature_with_mean_zero_has_no_fixed_point_and_drifts(cars):
    """Standardized z has mean zero up to round-off; that round-off must not become a fixed
    point of 10¹⁷: the mean residual never changes and θ drifts by 2αȳ a step."""
    problem = GradientWithoutX(
        gdlab.LinearRegression(cars.x, cars.y, intercept=False, scaling="standardize")
    )
    assert problem.mean_row[0] == 0.0
    assert problem.fixed_point_one_parameter() is None
    assert not problem.limit(0.0, 0.01).settles
    trace = gdlab.descend(problem, 0.0, 0.01, 40)
    np.testing.assert_allclose(trace.thetas[:, 0], np.arange(41) * 2 * 0.01 * cars.y.mean())


@pytest.mark.parametrize("intercept", [False, True])
def test_the_gradient_check_measures_the_error_of_the_missing_x(cars, intercept):
    regression = gdlab.LinearRegression(cars.x, cars.y, intercept=intercept)
    problem = GradientWithoutX(regression)
    theta = np.zeros(problem.n_params)
    check = gdlab.check_gradient(lambda t: float(problem.cost_value(t)), problem.gradient, theta)
    # The reference: the chain rule's gradient (2/n)Xᵀ(Xθ − y), from the data.
    columns = design(cars.x, intercept)
    exact = 2.0 * columns.T @ (columns @ theta - cars.y) / cars.x.size
    mistaken = gradient_without_x_by_hand(cars.x, cars.y, theta, intercept)
    error = np.linalg.norm(mistaken - exact) / (np.linalg.norm(mistaken) + np.linalg.norm(exact))
    np.testing.assert_allclose(check.numerical, exact, rtol=1e-7)
    assert check.relative_error == pytest.approx(error, rel=1e-6)
    assert check.relative_error > 0.8 and not check.passed()
    right = gdlab.check_gradient(lambda t: float(regression.cost_value(t)),
                                 regression.gradient, theta)  # fmt: skip
    assert right.passed()
    # At its own fixed point the mistaken gradient is zero where J still slopes: error 1.
    end = problem.limit(theta, 0.001).limit
    at_end = gdlab.check_gradient(lambda t: float(problem.cost_value(t)), problem.gradient, end)
    assert np.linalg.norm(at_end.analytic) <= 1e-9 * np.linalg.norm(exact)
    assert at_end.relative_error == pytest.approx(1.0, abs=1e-6)


def test_only_a_least_squares_problem_can_be_wrapped():
    with pytest.raises(ValueError, match="'problem' parameter of GradientWithoutX"):
        GradientWithoutX(gdlab.CustomCost.from_text("theta**2"))
