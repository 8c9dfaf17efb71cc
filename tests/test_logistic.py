"""Logistic regression: exact derivatives against central differences and a plainly written
cross-entropy, the fit against Newton's method written here, the global curvature bound, and
separable data, where θ grows without bound and descend must not call that divergence."""

import csv
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdlab.data import DATA_DIR
from gdlab.models.logistic import (
    LogisticRegression,
    faithful_eruptions,
    penguin_species,
)
from gdlab.running.descent import descend

# A small non-separable set: x = 0…5 with the labels mixed in the middle.
X_SMALL = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
Y_SMALL = np.array([0.0, 0.0, 1.0, 0.0, 1.0, 1.0])
X_TWO = np.array([[0.5, 1.0], [1.5, -0.5], [2.0, 2.0], [-1.0, 0.3], [0.2, -1.2], [1.1, 0.9]])
Y_TWO = np.array([1.0, 0.0, 1.0, 0.0, 0.0, 1.0])


# -- an independent implementation: the textbook formulas, moderate θ only --------------------


def plain_cost(design, y, theta):
    # 1 − p written as 1/(1 + e^s) rather than subtracted, so both logs keep their digits.
    s = design @ theta
    p, q = 1.0 / (1.0 + np.exp(-s)), 1.0 / (1.0 + np.exp(s))
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(q)))


def plain_gradient(design, y, theta):
    p = 1.0 / (1.0 + np.exp(-(design @ theta)))
    return design.T @ (p - y) / y.size


def plain_hessian(design, y, theta):
    p = 1.0 / (1.0 + np.exp(-(design @ theta)))
    return (design.T * (p * (1 - p))) @ design / y.size


def newton(design, y, iterations=100):
    """Newton's method θ ← θ − H⁻¹∇J from 0, until the step stops shrinking."""
    theta = np.zeros(design.shape[1])
    for _ in range(iterations):
        step = np.linalg.solve(plain_hessian(design, y, theta), plain_gradient(design, y, theta))
        theta = theta - step
        if np.linalg.norm(step) <= 1e-15 * max(1.0, np.linalg.norm(theta)):
            break
    return theta


def central_gradient(f, theta):
    """∂f/∂θⱼ by central differences, h = ε^(1/3)·max(1, |θⱼ|) (truncation ~ round-off)."""
    gradient = np.empty_like(theta)
    for j in range(theta.size):
        h = np.finfo(float).eps ** (1 / 3) * max(1.0, abs(theta[j]))
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        gradient[j] = (f(up) - f(down)) / (up[j] - down[j])
    return gradient


def central_jacobian(g, theta):
    return np.column_stack(
        [central_gradient(lambda t, j=j: g(t)[j], theta) for j in range(theta.size)]
    )


PROBLEMS = {
    "one feature": LogisticRegression(X_SMALL, Y_SMALL),
    "standardized": LogisticRegression(X_SMALL * 40 + 50, Y_SMALL, scaling="standardize"),
    "two features": LogisticRegression(X_TWO, Y_TWO, scaling="minmax"),
}

thetas = st.lists(st.floats(-4, 4), min_size=3, max_size=3)


@pytest.mark.parametrize("name", PROBLEMS)
@settings(max_examples=30, deadline=None)
@given(values=thetas)
def test_gradient_matches_central_differences_and_the_plain_formula(name, values):
    problem = PROBLEMS[name]
    theta = np.array(values[: problem.n_params])
    exact = problem.gradient(theta)
    numerical = central_gradient(lambda t: float(problem.cost_value(t)), theta)
    np.testing.assert_allclose(exact, numerical, rtol=1e-6, atol=1e-8)
    design = problem.features(problem.x)
    assert float(problem.cost_value(theta)) == pytest.approx(
        plain_cost(design, problem.y, theta), rel=1e-12
    )
    np.testing.assert_allclose(
        exact, plain_gradient(design, problem.y, theta), rtol=1e-11, atol=1e-15
    )


@pytest.mark.parametrize("name", PROBLEMS)
@settings(max_examples=30, deadline=None)
@given(values=thetas)
def test_hessian_matches_differences_of_the_gradient(name, values):
    problem = PROBLEMS[name]
    theta = np.array(values[: problem.n_params])
    design = problem.features(problem.x)
    numerical = central_jacobian(lambda t: plain_gradient(design, problem.y, t), theta)
    hessian = problem.hessian_at(theta)
    np.testing.assert_allclose(hessian, numerical, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(
        hessian, plain_hessian(design, problem.y, theta), rtol=1e-11, atol=1e-16
    )
    vector = np.linspace(-1.0, 2.0, problem.n_params)
    np.testing.assert_allclose(problem.hvp(theta, vector), hessian @ vector, rtol=1e-12, atol=1e-16)


def test_a_batch_of_thetas_gives_each_row_its_own_cost_and_gradient():
    problem = PROBLEMS["two features"]
    batch = np.array([[0.0, 1.0, -1.0], [2.0, -3.0, 0.5], [10.0, 10.0, 10.0]])
    costs, grads = problem.cost_value(batch), problem.gradient(batch)
    for k, theta in enumerate(batch):
        assert costs[k] == pytest.approx(float(problem.cost_value(theta)), rel=1e-15)
        np.testing.assert_allclose(grads[k], problem.gradient(theta), rtol=1e-14, atol=1e-17)


def test_per_sample_access_is_the_mean_over_the_chosen_rows():
    problem = PROBLEMS["standardized"]
    theta = np.array([0.3, -1.2])
    rows = np.array([0, 2, 5])
    design = problem.features(problem.x)
    assert problem.cost_per_sample(theta, rows) == pytest.approx(
        plain_cost(design[rows], problem.y[rows], theta), rel=1e-12
    )
    np.testing.assert_allclose(
        problem.gradient_per_sample(theta, rows),
        plain_gradient(design[rows], problem.y[rows], theta),
        rtol=1e-12,
    )
    assert problem.cost_per_sample(theta) == pytest.approx(float(problem.cost_value(theta)))


@pytest.mark.parametrize(
    "theta",
    [
        [1e308, -1e308],
        [-1e308, 1e308],
        [1e300, 1e300],
        [0.0, 1e200],
        [-1e16, 3e15],
        [800.0, -900.0],
    ],
)
def test_no_theta_makes_numpy_warn(theta):
    problem = PROBLEMS["one feature"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cost = float(problem.cost_value(np.array(theta)))
        grad = problem.gradient(np.array(theta))
        hessian = problem.hessian_at(np.array(theta))
    # A confidently wrong score s costs |s| per sample, so J is large but exact, not inf or NaN
    # (1e308 times x = 5 is beyond float64, and only then inf).
    assert cost >= 0 and not np.isnan(cost)
    assert np.all(np.isfinite(grad)) or not np.isfinite(cost)
    assert np.all(np.isfinite(hessian)) or not np.isfinite(cost)


def test_a_very_wrong_score_costs_its_size_exactly():
    # log(1 + e^800) = 800 to double precision; a plain log(1 − σ) would give inf.
    problem = LogisticRegression(np.array([0.0, 1.0]), np.array([0.0, 1.0]))
    assert float(problem.cost_value(np.array([800.0, -1600.0]))) == pytest.approx((800 + 800) / 2)


# -- the fit --------------------------------------------------------------------------------


REAL = {
    "faithful": faithful_eruptions(),
    "penguins": penguin_species(),
    "penguins, bill": penguin_species("Adelie", "Chinstrap", ("bill_len", "bill_dep")),
}


@pytest.mark.parametrize("name", REAL)
def test_descend_converges_to_the_minimiser_newtons_method_finds(name):
    problem = REAL[name].problem("standardize")
    assert not problem.separable
    design = problem.features(problem.x)
    theta_star = newton(design, problem.y)
    assert np.linalg.norm(plain_gradient(design, problem.y, theta_star)) < 1e-12
    # 2/L is safe from any start; the local curvature near θ* is lower, so it is also slow.
    trace = descend(problem, np.zeros(problem.n_params), problem.safe_lr(), steps=100_000)
    assert trace.converged, trace.message
    np.testing.assert_allclose(trace.theta, theta_star, rtol=1e-5, atol=1e-6)
    assert np.all(np.diff(trace.costs) <= 1e-15)  # below 2/L every step lowers J


@pytest.mark.parametrize("name", PROBLEMS)
def test_the_global_bound_holds_everywhere_and_is_attained_at_zero(name):
    problem = PROBLEMS[name]
    design = problem.features(problem.x)
    bound = problem.curvature_bound()
    # At θ = 0 every weight σ(0)σ(0) is ¼, so ∇²J(0) = XᵀX/(4n) and its λ_max is L.
    assert np.linalg.eigvalsh(plain_hessian(design, problem.y, np.zeros(problem.n_params)))[-1] == (
        pytest.approx(bound, rel=1e-12)
    )
    rng = np.random.default_rng(5)
    for theta in rng.normal(0, 3, size=(20, problem.n_params)):
        assert np.linalg.eigvalsh(problem.hessian_at(theta))[-1] <= bound * (1 + 1e-12)
    assert problem.safe_lr() == pytest.approx(2 / bound)


# -- separable data ---------------------------------------------------------------------------


def perceptron_separates(problem, epochs=20_000):
    """The perceptron (Rosenblatt): finds v with tᵢxᵢᵀv > 0 for all i in finitely many updates
    when the data are strictly separable."""
    rows = problem.features(problem.x) * (2 * problem.y - 1)[:, None]
    v = np.zeros(rows.shape[1])
    for _ in range(epochs):
        wrong = rows @ v <= 0
        if not wrong.any():
            return True
        v = v + rows[np.argmax(wrong)]
    return False


@pytest.mark.parametrize(
    ("negative", "positive", "measurements", "expected"),
    [
        ("Adelie", "Gentoo", ("flipper_len",), False),
        ("Adelie", "Gentoo", ("bill_dep", "flipper_len"), True),
        ("Chinstrap", "Gentoo", ("bill_dep", "body_mass"), True),
        ("Adelie", "Chinstrap", ("bill_len", "bill_dep"), False),
        ("Adelie", "Gentoo", ("flipper_len", "body_mass"), False),
    ],
)
def test_the_separation_check_agrees_with_the_perceptron_and_with_newton(
    negative, positive, measurements, expected
):
    problem = penguin_species(negative, positive, measurements).problem()
    assert problem.separable is expected
    if expected:
        assert perceptron_separates(problem)
    else:  # a finite minimiser exists: Newton's method reaches a zero gradient
        design = problem.features(problem.x)
        theta_star = newton(design, problem.y)
        assert np.linalg.norm(plain_gradient(design, problem.y, theta_star)) < 1e-10


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [
        ([0, 1, 2, 3], [0, 0, 1, 1], True),
        ([0, 1, 2, 3], [1, 1, 0, 0], True),  # separated the other way round
        ([0, 1, 1, 2], [0, 0, 1, 1], True),  # a tie on the boundary: quasi-complete
        ([0, 1, 2, 3], [0, 1, 0, 1], False),
        ([0, 2, 1, 3], [0, 0, 1, 1], False),
    ],
)
def test_the_separation_check_on_one_feature_by_hand(x, y, expected):
    assert LogisticRegression(np.array(x, float), np.array(y, float)).separable is expected


@pytest.mark.parametrize(
    "data",
    [
        (np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.0, 0.0, 1.0, 1.0])),
        (penguin_species("Adelie", "Gentoo", ("bill_dep", "flipper_len")).x,
         penguin_species("Adelie", "Gentoo", ("bill_dep", "flipper_len")).y),
    ],
)  # fmt: skip
def test_on_separable_data_theta_grows_and_the_cost_falls_and_it_is_not_divergence(data):
    problem = LogisticRegression(*data, scaling="standardize")
    assert problem.separable
    trace = descend(problem, np.zeros(problem.n_params), problem.safe_lr(), steps=20_000)
    assert trace.status == "max_steps" and not trace.diverged
    assert np.all(np.diff(trace.costs) < 0)
    norms = np.linalg.norm(trace.thetas, axis=1)
    assert np.all(np.diff(norms[1000:]) > 0)
    # ‖θ‖ grows like log k: more each time the step count is multiplied by ten.
    assert norms[-1] - norms[2000] > 0.5 * (norms[2000] - norms[200]) > 0
    assert trace.cost < 1e-2 * trace.costs[0]


# -- data and validation ------------------------------------------------------------------------


def test_the_classification_datasets_count_what_the_files_hold():
    with open(DATA_DIR / "faithful.csv") as f:
        rows = list(csv.DictReader(f))
    data = faithful_eruptions()
    assert data.y.size == len(rows)
    assert int(data.y.sum()) == sum(float(r["eruptions"]) > 3 for r in rows)
    with open(DATA_DIR / "penguins.csv") as f:
        birds = [r for r in csv.DictReader(f) if r["flipper_len"]]
    penguins = penguin_species()
    assert penguins.y.size == sum(r["species"] in ("Adelie", "Gentoo") for r in birds)
    assert int(penguins.y.sum()) == sum(r["species"] == "Gentoo" for r in birds)
    assert penguins.x.shape == (penguins.y.size, 1) and not penguins.x.flags.writeable


@pytest.mark.parametrize(
    ("x", "y", "match"),
    [
        ([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], "both classes"),
        ([1.0, 2.0, 3.0], [0.0, 2.0, 1.0], "only the labels 0 and 1"),
        ([1.0, 1.0, 1.0], [0.0, 1.0, 1.0], "features that vary"),
        ([1.0, np.nan, 3.0], [0.0, 1.0, 1.0], "must be finite"),
        (np.ones((3, 3)), [0.0, 1.0, 1.0], "number of features"),
        ([1.0, 2.0], [0.0, 1.0, 1.0], "one row of features"),
    ],
)
def test_bad_data_is_refused_with_a_message_that_names_it(x, y, match):
    with pytest.raises(ValueError, match=match):
        LogisticRegression(np.array(x), np.array(y))


def test_names_and_formula():
    assert PROBLEMS["one feature"].formula == "p̂ = σ(θ₀ + θ₁x)"
    assert PROBLEMS["two features"].formula == "p̂ = σ(θ₀ + θ₁z₁ + θ₂z₂)"
    assert PROBLEMS["two features"].param_names == ("θ₀", "θ₁", "θ₂")


def test_mini_batches_run_on_logistic_regression():
    problem = REAL["faithful"].problem()
    trace = descend(problem, np.zeros(2), 0.5, steps=300, batch_size=16, seed=3)
    assert trace.status == "max_steps" and trace.cost < trace.costs[0]
    assert trace.batch_costs.shape == (300,)
