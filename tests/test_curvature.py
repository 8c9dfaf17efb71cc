"""Sharpness by Lanczos against numpy.linalg.eigvalsh of the full Hessian, the record along a
run, and the edge of stability: full-batch gradient descent on a network sharpens until
λ_max ≈ 2/α and stays there while the cost keeps falling."""

import dataclasses
import warnings

import numpy as np
import pytest

from gdlab.curvature import TOL, sharpness, sharpness_along
from gdlab.data import load_dataset
from gdlab.models.linear import LinearRegression
from gdlab.models.logistic import faithful_eruptions, penguin_species
from gdlab.models.network import OneHiddenLayer
from gdlab.running.descent import descend


class Quadratic:
    """J = ½θᵀAθ with a given symmetric A: the Hessian is A, known exactly."""

    def __init__(self, matrix):
        self.matrix = np.asarray(matrix, dtype=float)
        self.n_params = self.matrix.shape[0]

    def cost_value(self, theta):
        return 0.5 * theta @ self.matrix @ theta

    def gradient(self, theta):
        return self.matrix @ theta

    def hvp(self, theta, vector):
        return self.matrix @ vector


def numerical_hessian(problem, theta):
    """Central differences of the exact gradient, h = ε^(1/3)·max(1, |θⱼ|)."""
    columns = []
    for j in range(theta.size):
        h = np.finfo(float).eps ** (1 / 3) * max(1.0, abs(theta[j]))
        step = np.zeros_like(theta)
        step[j] = h
        columns.append((problem.gradient(theta + step) - problem.gradient(theta - step)) / (2 * h))
    hessian = np.column_stack(columns)
    return (hessian + hessian.T) / 2


def network(width=6, activation="tanh"):
    cars = load_dataset("cars")
    return OneHiddenLayer(cars.x, cars.y, width=width, activation=activation)


def cases():
    cars = load_dataset("cars")
    net = network()
    relu = network(activation="relu")
    logistic = penguin_species("Adelie", "Chinstrap", ("bill_len", "bill_dep")).problem()
    yield "line", LinearRegression(cars.x, cars.y, scaling="standardize"), np.zeros(2)
    yield "logistic", logistic, np.array([0.3, 2.0, -1.0])
    yield "network", net, net.initial_theta(0) + 0.2
    yield "relu network", relu, relu.initial_theta(1)
    yield "indefinite", Quadratic(np.diag([-10.0, 1.0, 2.0, 0.5])), np.zeros(4)


CASES = {name: (problem, theta) for name, problem, theta in cases()}


@pytest.mark.parametrize("name", CASES)
def test_sharpness_is_the_largest_eigenvalue_of_the_full_hessian(name):
    problem, theta = CASES[name]
    full = numerical_hessian(problem, theta)
    expected = np.linalg.eigvalsh(full)[-1]  # the largest, not the largest in size
    result = sharpness(problem, theta)
    assert result.converged
    assert result.value == pytest.approx(expected, rel=1e-6, abs=1e-9)
    # The returned vector is an eigenvector to within the reported residual.
    exact = problem.hvp(theta, result.vector) if hasattr(problem, "hvp") else full @ result.vector
    assert np.linalg.norm(exact - result.value * result.vector) <= max(
        2 * result.residual, 1e-6 * abs(result.value)
    )
    assert result.residual <= TOL * abs(result.value) or result.iterations == problem.n_params


def test_a_negative_curvature_larger_in_size_is_not_mistaken_for_the_sharpness():
    result = sharpness(Quadratic(np.diag([-10.0, 1.0, 2.0, 0.5])), np.zeros(4))
    assert result.value == pytest.approx(2.0, rel=1e-12) and result.stable_lr == pytest.approx(1.0)
    concave = sharpness(Quadratic(-np.eye(3)), np.zeros(3))
    assert concave.value == pytest.approx(-1.0) and concave.stable_lr == float("inf")


def test_the_same_seed_gives_the_same_number_and_a_warm_start_needs_fewer_iterations():
    net = network(width=16)
    theta = net.initial_theta(2)
    first, again = sharpness(net, theta, seed=4), sharpness(net, theta, seed=4)
    assert first.value == again.value and first.iterations == again.iterations
    warm = sharpness(net, theta + 1e-3, start=first.vector)
    assert warm.value == pytest.approx(sharpness(net, theta + 1e-3).value, rel=1e-6)
    assert warm.iterations < first.iterations


def test_the_logistic_bound_is_above_the_sharpness_everywhere_and_2_over_l_is_conservative():
    problem = faithful_eruptions().problem()
    trace = descend(problem, np.zeros(2), problem.safe_lr(), steps=3000)
    record = sharpness_along(problem, trace, every=100)
    assert np.all(record.sharpness <= problem.curvature_bound() * (1 + 1e-9))
    # At θ = 0 the bound is attained; at the fit the local rate is several times the safe one.
    assert record.sharpness[0] == pytest.approx(problem.curvature_bound(), rel=1e-6)
    assert record.stable_lrs[-1] > 3 * problem.safe_lr()


def test_the_record_along_a_run_matches_eigvalsh_at_every_recorded_step():
    net = network(width=4)
    trace = descend(net, net.initial_theta(0), 0.05, steps=47)
    record = sharpness_along(net, trace, every=10)
    np.testing.assert_array_equal(record.steps, [0, 10, 20, 30, 40, 47])  # the last step too
    for k, value in zip(record.steps, record.sharpness, strict=True):
        expected = np.linalg.eigvalsh(numerical_hessian(net, trace.thetas[k]))[-1]
        assert value == pytest.approx(expected, rel=1e-6)
    np.testing.assert_allclose(record.stable_lrs, 2 / record.sharpness, rtol=1e-15)
    np.testing.assert_array_equal(record.lrs[:-1], 0.05)
    assert np.isnan(record.lrs[-1]) and record.converged
    np.testing.assert_allclose(record.edge_ratio[:-1], 0.05 * record.sharpness[:-1])
    for array in (record.steps, record.sharpness, record.stable_lrs, record.lrs):
        assert not array.flags.writeable
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.steps = np.zeros(1)


def test_a_quadratic_has_one_sharpness_along_the_whole_run():
    cars = load_dataset("cars")
    problem = LinearRegression(cars.x, cars.y, scaling="standardize")
    trace = descend(problem, np.zeros(2), 0.3, steps=30)
    record = sharpness_along(problem, trace, every=7)
    np.testing.assert_allclose(
        record.sharpness, np.linalg.eigvalsh(problem.hessian())[-1], rtol=1e-12
    )


def test_a_non_finite_hessian_gives_nan_without_warnings():
    net = network(width=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = sharpness(net, np.full(net.n_params, 1e308))
    assert np.isnan(result.value) and not result.converged


@pytest.mark.parametrize(("tol", "every"), [(-1.0, 1), (TOL, 0)])
def test_bad_arguments_are_refused(tol, every):
    net = network(width=2)
    trace = descend(net, net.initial_theta(0), 0.01, steps=3)
    with pytest.raises(ValueError, match="'tol'" if tol < 0 else "'every'"):
        sharpness_along(net, trace, every=every, tol=tol)


# -- edge of stability -------------------------------------------------------------------------
# The preset: pressure (19 points, standardized in and out), 16 tanh units, seed 0, 2000 full-
# batch steps, the sharpness every 10 steps. At α = 0.2 the sharpness starts at 6.28, passes
# 0.9·(2/α) by step 80, overshoots to 11.95 at step 270, falls back, and over the last quarter
# stays within 0.963–1.027 of 2/α = 10 (seeds 1–4: within 0.956–1.036), while J falls from 1.20
# to 2.7e-4 with 141 steps up. At α = 0.16 it hovers at 12.5 (0.979–1.039). At α = 0.02 the same
# start sharpens smoothly to 11.5 by step 2000, past the 10 that α = 0.2 cannot exceed for long,
# and far below its own 2/α = 100 (all measured with edge_run below).

EDGE_STEPS = 2000


def edge_run(lr, seed=0):
    pressure = load_dataset("pressure")
    net = OneHiddenLayer(pressure.x, pressure.y, width=16, activation="tanh")
    trace = descend(net, net.initial_theta(seed), lr, steps=EDGE_STEPS)
    return trace, sharpness_along(net, trace, every=10)


@pytest.mark.parametrize("lr", [0.2, 0.16])
def test_full_batch_descent_on_a_network_sharpens_to_the_edge_of_stability(lr):
    trace, record = edge_run(lr)
    edge = 2 / lr
    assert trace.status == "max_steps"
    assert record.sharpness[0] < 0.7 * edge  # it starts well inside the stable region
    assert record.sharpness.max() >= 0.95 * edge  # progressive sharpening reaches the edge
    late = record.steps >= 0.75 * EDGE_STEPS
    assert np.all(np.abs(record.sharpness[late] / edge - 1) <= 0.2)  # and hovers there
    # The cost still falls overall, but not at every step: a quadratic would diverge here.
    assert trace.cost < 0.01 * trace.costs[0]
    assert np.any(np.diff(trace.costs) > 0)


def test_a_small_rate_stays_far_from_the_edge():
    trace, record = edge_run(0.02)
    assert record.sharpness.max() < 0.2 * (2 / 0.02)
    assert np.all(np.diff(trace.costs) <= 0)
