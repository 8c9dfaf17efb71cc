import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gdlab import (
    COSTS,
    SCALINGS,
    LinearRegression,
    check_gradient,
    load_dataset,
    numerical_gradient,
)

MODELS = [(False, 1), (True, 1), (True, 2), (False, 3)]


def test_golden_values_one_parameter_by_hand(three_points):
    x, y = three_points
    problem = LinearRegression(x, y, intercept=False)
    # θ = 1: residuals ŷ − y = (0, 0, 1), so J = 1/3, dJ/dθ = (2/3)·(1·3) = 2, J″ = (2/3)·14.
    assert problem.cost_value(np.array([1.0])) == pytest.approx(1 / 3, rel=1e-14)
    assert problem.gradient(np.array([1.0])) == pytest.approx([2.0], rel=1e-14)
    assert problem.hessian() == pytest.approx(np.array([[28 / 3]]), rel=1e-14)
    assert problem.theta_star == pytest.approx([11 / 14], rel=1e-14)  # Σxy/Σx²


def test_golden_values_two_parameters_by_hand(three_points):
    x, y = three_points
    problem = LinearRegression(x, y, intercept=True, cost="half_mse")
    theta = np.array([0.0, 1.0])
    assert problem.cost_value(theta) == pytest.approx(1 / 6, rel=1e-14)
    # ½·MSE halves everything: (1/3)·(Σr, Σr·x) = (1/3, 1).
    assert problem.gradient(theta) == pytest.approx([1 / 3, 1.0], rel=1e-14)
    assert problem.hessian() == pytest.approx(np.array([[1.0, 2.0], [2.0, 14 / 3]]), rel=1e-14)
    # Least squares line through (1,1), (2,2), (3,2): slope 1/2, intercept 2/3.
    assert problem.theta_star == pytest.approx([2 / 3, 0.5], rel=1e-12)
    assert problem.min_cost == pytest.approx(1 / 36, rel=1e-12)


def test_gradient_keeps_the_factor_x(three_points):
    """A derivation that drops x gives (2/n)Σ(ŷᵢ − yᵢ), which the check must reject."""
    x, y = three_points
    problem = LinearRegression(x, y, intercept=False)
    theta = np.array([0.3])

    def without_x(t):
        return 2 * np.mean(problem.design @ t - y, keepdims=True)

    assert check_gradient(problem.cost_value, problem.gradient, theta).passed(1e-8)
    assert check_gradient(problem.cost_value, without_x, theta).relative_error > 0.1


# Values a measurement could take: zero or at least 1e-30 in size (x ≈ 1e-308 squares to
# nothing in floating point; LinearRegression refuses such data with a message, tested below).
MEASUREMENTS = st.floats(-50, 50, allow_subnormal=False).filter(lambda v: v == 0 or abs(v) > 1e-30)
data_strategy = st.integers(3, 30).flatmap(
    lambda n: st.tuples(
        hnp.arrays(np.float64, n, elements=MEASUREMENTS),
        hnp.arrays(np.float64, n, elements=MEASUREMENTS),
    )
)


@settings(max_examples=60, deadline=None)
@given(
    data=data_strategy,
    theta_seed=st.integers(0, 2**32 - 1),
    model=st.sampled_from(MODELS),
    scaling=st.sampled_from(SCALINGS),
    cost=st.sampled_from(COSTS),
)
def test_analytic_gradient_matches_numerical(data, theta_seed, model, scaling, cost):
    x, y = data
    intercept, degree = model
    problem = LinearRegression(x, y, intercept=intercept, degree=degree, scaling=scaling, cost=cost)
    theta = np.random.default_rng(theta_seed).normal(0, 3, problem.n_params)
    check = check_gradient(problem.cost_per_sample, problem.gradient, theta)
    scale = np.linalg.norm(numerical_gradient(problem.cost_per_sample, theta))
    # Relative error, except where the gradient is itself at round-off level.
    tolerance = 1e-5 + 1e-7 * (1 + problem.cost_per_sample(theta)) / max(scale, 1e-12)
    assert check.relative_error <= tolerance


@pytest.mark.parametrize("scaling", SCALINGS)
@pytest.mark.parametrize("cost", COSTS)
@pytest.mark.parametrize(("intercept", "degree"), MODELS)
def test_fast_path_agrees_with_per_sample_path(intercept, degree, scaling, cost):
    rng = np.random.default_rng(7)
    x = rng.uniform(-2, 5, 200)
    y = 3 - x + 0.5 * x**2 + rng.normal(0, 1, 200)
    problem = LinearRegression(x, y, intercept=intercept, degree=degree, scaling=scaling, cost=cost)
    for theta in rng.normal(0, 2, (5, problem.n_params)):
        assert problem.cost_value(theta) == pytest.approx(problem.cost_per_sample(theta), rel=1e-10)
        np.testing.assert_allclose(
            problem.gradient(theta), problem.gradient_per_sample(theta), rtol=1e-9, atol=1e-9
        )
        numerical_hessian = np.array(
            [
                numerical_gradient(lambda t, j=j: problem.gradient(t)[j], theta)
                for j in range(problem.n_params)
            ]
        )
        np.testing.assert_allclose(problem.hessian(), numerical_hessian, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("scaling", SCALINGS)
def test_statistics_summed_in_chunks_equal_the_design_matrix_products(scaling):
    # More points than one chunk (65,536), and a last chunk that is only partly filled.
    rng = np.random.default_rng(11)
    n = 3 * 65_536 + 17
    x = rng.uniform(20, 30, n)
    y = 1 + 0.1 * x**2 + rng.normal(0, 1, n)
    problem = LinearRegression(x, y, degree=3, scaling=scaling)
    design = problem.design
    np.testing.assert_allclose(problem.gram, design.T @ design / n, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(problem.xty, design.T @ y / n, rtol=1e-12)
    assert problem.yty == pytest.approx(y @ y / n, rel=1e-13)
    expected = np.linalg.lstsq(design, y, rcond=None)[0]
    np.testing.assert_allclose(problem.theta_star, expected, rtol=1e-6)


def test_per_sample_path_on_chosen_rows_is_the_mini_batch_cost():
    x = np.arange(10.0)
    y = 2 * x + 1
    problem = LinearRegression(x, y)
    rows = np.array([1, 4, 7])
    sub = LinearRegression(x[rows], y[rows])
    theta = np.array([0.5, -1.0])
    assert problem.cost_per_sample(theta, rows) == pytest.approx(sub.cost_value(theta), rel=1e-12)
    np.testing.assert_allclose(problem.gradient_per_sample(theta, rows), sub.gradient(theta))


def test_a_batch_of_thetas_gives_bit_identical_rows():
    rng = np.random.default_rng(3)
    problem = LinearRegression(rng.normal(size=50), rng.normal(size=50), scaling="standardize")
    thetas = rng.normal(size=(7, 2))
    batch_costs, batch_grads = problem.cost_value(thetas), problem.gradient(thetas)
    for i, theta in enumerate(thetas):
        assert batch_costs[i] == problem.cost_value(theta)
        assert np.array_equal(batch_grads[i], problem.gradient(theta))


@pytest.mark.parametrize("scaling", SCALINGS)
@pytest.mark.parametrize(("intercept", "degree"), MODELS)
def test_raw_coefficients_draw_the_same_curve_in_data_units(scaling, intercept, degree):
    rng = np.random.default_rng(11)
    x = rng.uniform(10, 20, 40)
    problem = LinearRegression(
        x, rng.normal(size=40), intercept=intercept, degree=degree, scaling=scaling
    )
    theta = rng.normal(size=problem.n_params)
    grid = np.linspace(5, 25, 9)
    coefficients = problem.raw_coefficients(theta)
    np.testing.assert_allclose(
        np.polynomial.polynomial.polyval(grid, coefficients),
        problem.predict(theta, grid),
        rtol=1e-8,
        atol=1e-8,
    )


@pytest.mark.parametrize("scaling", SCALINGS)
def test_minimum_in_data_units_is_the_least_squares_line(dataset, scaling):
    problem = LinearRegression(dataset.x, dataset.y, scaling=scaling)
    design = np.column_stack([np.ones(dataset.n), dataset.x])
    reference = np.linalg.lstsq(design, dataset.y, rcond=None)[0]
    np.testing.assert_allclose(problem.raw_coefficients(problem.theta_star), reference, rtol=1e-8)


def test_cost_is_never_below_its_minimum():
    rng = np.random.default_rng(0)
    problem = LinearRegression(rng.normal(size=30) * 1e3, rng.normal(size=30) * 1e4)
    near = problem.theta_star + rng.normal(size=(100, 2)) * 1e-12
    assert np.all(problem.cost_value(near) >= problem.min_cost)
    assert np.all(problem.excess_cost(near) >= 0)


def test_constant_x_is_allowed_and_flat_in_the_slope():
    problem = LinearRegression(np.full(5, 2.0), np.arange(5.0), scaling="standardize")
    assert np.all(np.isfinite(problem.hessian()))
    assert np.isfinite(problem.min_cost)


def test_theta_bounds_contain_the_minimum(dataset):
    problem = LinearRegression(dataset.x, dataset.y)
    bounds = problem.theta_bounds()
    assert np.all(bounds[:, 0] < problem.theta_star)
    assert np.all(problem.theta_star < bounds[:, 1])


def test_names_and_formula():
    x = np.arange(4.0)
    assert LinearRegression(x, x, intercept=False).formula == "ŷ = θx"
    assert LinearRegression(x, x, scaling="minmax").formula == "ŷ = θ₀ + θ₁z"
    assert LinearRegression(x, x, degree=2).param_names == ("θ₀", "θ₁", "θ₂")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"x": [1.0], "y": [1.0]}, "same length, at least 2"),
        ({"x": [1.0, 2.0], "y": [1.0]}, "same length"),
        ({"x": [1.0, np.nan], "y": [1.0, 2.0]}, "must be finite"),
        (
            {"degree": 9},
            r"'degree' parameter of LinearRegression must be an int in the range \[1, 5\]",
        ),
        (
            {"scaling": "log"},
            "'scaling' parameter .* one of 'none', 'standardize', 'minmax'. Got 'log'",
        ),
        ({"cost": "mae"}, "'cost' parameter"),
    ],
)
def test_invalid_arguments_name_the_parameter(kwargs, match):
    arguments = {"x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 2.0], **kwargs}
    with pytest.raises(ValueError, match=match):
        LinearRegression(**arguments)


@pytest.mark.parametrize("scale", [1e-311, 1e200])
def test_extreme_magnitudes_are_refused_with_a_clear_message(scale):
    x = np.array([1.0, 0.0, 3.0]) * scale
    with pytest.raises(ValueError, match="too extreme to fit in floating point"):
        LinearRegression(
            x, np.array([1.0, 1.0, 2.0]) * (1e200 if scale > 1 else 1.0), intercept=False
        )


def test_results_are_read_only(three_points):
    problem = LinearRegression(*three_points)
    for array in (problem.x, problem.y, problem.design, problem.gram, problem.theta_star):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1.0


def test_the_package_never_imports_streamlit():
    code = "import sys, gdlab, gdlab.figures; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _exact_min_cost(problem: LinearRegression) -> tuple[Fraction, list[Fraction]]:
    """J* and θ* in exact arithmetic, for the problem's own features (the floats z it uses)."""
    z = [Fraction(float(v)) for v in problem.scaler.transform(problem.x)]
    y = [Fraction(float(v)) for v in problem.y]
    powers = range(0 if problem.intercept else 1, problem.degree + 1)
    columns = [[zi**p for zi in z] for p in powers]
    d = len(columns)
    # The normal equations XᵀXθ = Xᵀy, solved by Gauss–Jordan elimination.
    rows = [
        [sum(a * b for a, b in zip(columns[i], column, strict=True)) for column in columns]
        + [sum(a * b for a, b in zip(columns[i], y, strict=True))]
        for i in range(d)
    ]
    for i in range(d):
        pivot = next(r for r in range(i, d) if rows[r][i] != 0)
        rows[i], rows[pivot] = rows[pivot], rows[i]
        for r in range(d):
            if r != i and rows[r][i] != 0:
                factor = rows[r][i] / rows[i][i]
                rows[r] = [u - factor * v for u, v in zip(rows[r], rows[i], strict=True)]
    theta = [rows[i][d] / rows[i][i] for i in range(d)]
    fitted = [sum(t * c[i] for t, c in zip(theta, columns, strict=True)) for i in range(len(z))]
    squares = sum((f - yi) ** 2 for f, yi in zip(fitted, y, strict=True))
    return Fraction(problem.cost_factor) * squares / len(z), theta


def _evaluation_round_off(problem: LinearRegression, theta: np.ndarray) -> float:
    """A bound on the rounding error of evaluating J(θ) in float64 from the data: each fitted
    value ŷᵢ − yᵢ is off by at most eᵢ = 2(d + 2)ε(|yᵢ| + Σⱼ|θⱼzᵢ^pⱼ|) (Horner's bound, and the
    subtraction), which moves J by k(2|rᵢ|eᵢ + eᵢ²)/n, plus nε·J for summing n squares."""
    eps = np.finfo(np.float64).eps
    z, powers = problem.scaler.transform(problem.x), np.arange(problem.degree + 1)
    powers = powers[0 if problem.intercept else 1 :]
    terms = z[:, None] ** powers
    residuals = terms @ theta - problem.y
    errors = 2 * (problem.degree + 2) * eps * (np.abs(problem.y) + np.abs(terms) @ np.abs(theta))
    cost = problem.cost_factor * np.mean(residuals**2)
    return problem.cost_factor * np.mean(2 * np.abs(residuals) * errors + errors**2) + (
        problem.n * eps * cost
    )


@pytest.mark.parametrize(
    ("name", "degree", "scaling"),
    [("women", 3, "none"), ("faithful", 5, "none"), ("pressure", 5, "none"),
     ("pressure", 5, "minmax"), ("women", 2, "none"), ("cars", 1, "none")],
)  # fmt: skip
def test_min_cost_is_exact_to_round_off(name, degree, scaling):
    """J* = k(yᵀy/n − bᵀθ*) cancels for polynomial fits; J* must be J at the exact minimum up
    to the round-off of evaluating J at all (checked against exact rational arithmetic)."""
    data = load_dataset(name)
    problem = LinearRegression(data.x, data.y, degree=degree, scaling=scaling)
    exact, exact_theta = _exact_min_cost(problem)
    exact_theta = np.array([float(t) for t in exact_theta])
    error = abs(Fraction(problem.min_cost) - exact)
    assert error <= _evaluation_round_off(problem, exact_theta)
    # θ* is the minimum itself: J there exceeds J* by less than that round-off too.
    theta = [Fraction(float(t)) for t in problem.theta_star]
    z = [Fraction(float(v)) for v in problem.scaler.transform(problem.x)]
    powers = range(0 if problem.intercept else 1, problem.degree + 1)
    at_theta = (
        sum(
            (sum(t * zi**p for t, p in zip(theta, powers, strict=True)) - Fraction(float(yi))) ** 2
            for zi, yi in zip(z, problem.y, strict=True)
        )
        * Fraction(problem.cost_factor)
        / problem.n
    )
    assert at_theta - exact <= _evaluation_round_off(problem, exact_theta)
