"""The update without α (gdlab.teaching.mistakes): gradient descent at α = 1 converges exactly
when λ_max < 2, and λ_max follows the units of x. References: numpy.linalg.eigvalsh of a Hessian
(2k/n)XᵀX built here from the data, and a bisection over the unit written here."""

from __future__ import annotations

import math

import numpy as np
import pytest

import gdlab
from gdlab.teaching import mistakes


def hessian_by_hand(x, intercept: bool, k: float) -> np.ndarray:
    columns = np.column_stack([np.ones_like(x), x]) if intercept else x[:, None]
    return 2.0 * k * columns.T @ columns / x.size


def lambda_max_by_hand(x, intercept: bool, k: float, unit: float = 1.0) -> float:
    return float(np.linalg.eigvalsh(hessian_by_hand(x / unit, intercept, k))[-1])


def threshold_by_bisection(x, intercept: bool, k: float) -> float | None:
    """The unit c past which λ_max < 2, by bisection on log c (λ_max falls as c grows)."""
    if lambda_max_by_hand(x, intercept, k, 1e12) >= 2.0:
        return None
    low, high = 1e-12, 1e12
    for _ in range(200):
        middle = math.sqrt(low * high)
        if lambda_max_by_hand(x, intercept, k, middle) >= 2.0:
            low = middle
        else:
            high = middle
    return high


@pytest.mark.parametrize("intercept", [False, True])
@pytest.mark.parametrize("cost", ["mse", "half_mse"])
def test_the_unit_where_rate_one_starts_to_converge_matches_a_bisection(dataset, intercept, cost):
    problem = gdlab.LinearRegression(dataset.x, dataset.y, intercept=intercept, cost=cost)
    k = 0.5 if cost == "half_mse" else 1.0
    expected = threshold_by_bisection(dataset.x, intercept, k)
    found = mistakes.rate_one_unit(problem)
    if expected is None:
        assert found is None
    else:
        assert found == pytest.approx(expected, rel=1e-9)


def test_with_an_intercept_and_mse_no_unit_makes_rate_one_converge(dataset):
    """The column of ones alone has curvature 2: λ_max ≥ 2 in every unit."""
    for unit in np.geomspace(1e-3, 1e9, 25):
        assert lambda_max_by_hand(dataset.x, True, 1.0, unit) >= 2.0
    problem = gdlab.LinearRegression(dataset.x, dataset.y)
    assert mistakes.rate_one_unit(problem) is None


def test_rate_one_diverges_on_cars_and_converges_in_units_of_100_mph():
    cars = gdlab.load_dataset("cars")
    problem = gdlab.LinearRegression(cars.x, cars.y, intercept=False)
    lesson = mistakes.without_rate(problem, np.array([0.0]), 0.001, 300)
    assert lesson.lambda_max == pytest.approx(lambda_max_by_hand(cars.x, False, 1.0))
    assert lesson.lambda_max > 2 and lesson.mistaken.diverged
    assert lesson.regime.kind == "diverging"
    assert lesson.rescaled_unit == 100.0
    assert lambda_max_by_hand(cars.x, False, 1.0, 100.0) < 2
    assert not lesson.rescaled.diverged
    assert lesson.rescaled.costs[-1] < lesson.rescaled.costs[0]
    assert lesson.correct.converged
    # In units of 100 mph the same start draws the same line, so J starts where it did.
    assert lesson.rescaled.costs[0] == pytest.approx(lesson.mistaken.costs[0])


@pytest.mark.parametrize("intercept", [False, True])
@pytest.mark.parametrize("cost", ["mse", "half_mse"])
def test_rate_one_converges_exactly_when_lambda_max_is_below_two(intercept, cost):
    cars = gdlab.load_dataset("cars")
    k = 0.5 if cost == "half_mse" else 1.0
    for unit in (0.1, 1.0, 3.0, 10.0, 14.0, 18.0, 30.0, 100.0, 1000.0):
        problem = mistakes.in_units(
            gdlab.LinearRegression(cars.x, cars.y, intercept=intercept, cost=cost), unit
        )
        lam = lambda_max_by_hand(cars.x, intercept, k, unit)
        if abs(lam - 2.0) < 1e-3:
            continue  # on the edge a run neither converges nor diverges in any number of steps
        trace = gdlab.descend(problem, np.zeros(problem.n_params), 1.0, 20_000)
        assert trace.diverged == (lam > 2.0), (unit, lam, trace.status)
        if lam < 2.0:
            # It is getting there: the error shrinks by max|1 − λᵢ| per step.
            assert trace.costs[-1] - problem.min_cost < trace.costs[0] - problem.min_cost


def test_the_same_line_in_other_units_predicts_the_same_values():
    cars = gdlab.load_dataset("cars")
    problem = gdlab.LinearRegression(cars.x, cars.y)
    theta = np.array([-17.0, 3.9])
    for unit in (0.1, 100.0):
        other = mistakes.in_units(problem, unit)
        start = mistakes.start_in_units(problem, theta, unit)
        np.testing.assert_allclose(other.predict(start, cars.x / unit),
                                   problem.predict(theta, cars.x))  # fmt: skip
        assert other.cost_value(start) == pytest.approx(problem.cost_value(theta))


@pytest.mark.parametrize("scaling", ["standardize", "minmax"])
def test_scaled_features_are_the_same_in_every_unit(scaling):
    cars = gdlab.load_dataset("cars")
    problem = gdlab.LinearRegression(cars.x, cars.y, intercept=False, scaling=scaling)
    assert not mistakes.units_matter(problem)
    curvatures = [
        gdlab.learning_rate_theory(mistakes.in_units(problem, unit)).lambda_max
        for unit in (0.01, 1.0, 1000.0)
    ]
    np.testing.assert_allclose(curvatures, curvatures[0], rtol=1e-12)
    lesson = mistakes.without_rate(problem, np.array([0.0]), 0.1, 50)
    assert lesson.units == () and lesson.rescaled is None and lesson.threshold_unit is None


def test_standardized_x_puts_rate_one_on_the_edge_with_mse():
    """mean(z²) = 1, so λ = 2·1 = 2 for MSE: α = 1 bounces for ever; for ½·MSE, λ = 1."""
    cars = gdlab.load_dataset("cars")
    for cost, kind in (("mse", "boundary"), ("half_mse", "smooth")):
        problem = gdlab.LinearRegression(
            cars.x, cars.y, intercept=False, scaling="standardize", cost=cost
        )
        lesson = mistakes.without_rate(problem, np.array([0.0]), 0.1, 50)
        assert lesson.regime.kind == kind


def test_the_lesson_without_x_runs_both_rules_from_the_same_start():
    cars = gdlab.load_dataset("cars")
    problem = gdlab.LinearRegression(cars.x, cars.y)
    start = np.array([1.0, 1.0])
    lesson = mistakes.without_x(problem, start, 0.001, 80)
    np.testing.assert_array_equal(lesson.correct.thetas[0], start)
    np.testing.assert_array_equal(lesson.mistaken.thetas[0], start)
    assert lesson.mean_point == pytest.approx((cars.x.mean(), cars.y.mean()))
    # Without x both parameters move by the same amount at every step.
    updates = np.diff(lesson.mistaken.thetas, axis=0)
    np.testing.assert_allclose(updates[:, 0], updates[:, 1], rtol=1e-12)
    assert [check.where for check in lesson.checks] == [
        "at the start θ₀",
        "where the run without x ended",
    ]
    assert lesson.checks[0].check.relative_error > 0.5
    assert lesson.correct_check.passed()


def test_a_curve_is_refused_by_name():
    cars = gdlab.load_dataset("cars")
    problem = gdlab.LinearRegression(cars.x, cars.y, degree=2)
    with pytest.raises(ValueError, match="degree 1"):
        mistakes.without_rate(problem, np.zeros(3), 0.001, 10)


def test_the_formulas_differ_by_the_factor_x_and_by_alpha():
    gradient = mistakes.gradient_formulas("mse", 2)
    assert gradient.right == gradient.wrong + r"\,x_{ij}"
    assert r"\frac{1}{n}" in mistakes.gradient_formulas("half_mse", 1).wrong
    update = mistakes.update_formulas(1)
    assert r"\alpha" in update.right and r"\alpha" not in update.wrong
