"""A sweep of many rates on the network, in one batched computation: each row against a
separate run of descend, the batched J and ∇J against the network's own, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

import gdlab
from gdlab.models.network import OneHiddenLayer
from gdlab.running.descent import descend
from gdlab.running.rate_sweep import MAX_RATES, sweep_rates
from gdlab.teaching.curved_models import initial_theta, model_choice


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("key", ["network_faithful", "network_penguins"])
def test_batched_costs_and_gradients_are_the_networks_row_by_row(key, activation):
    problem = model_choice(key).build(5, activation)
    thetas = initial_theta(problem, 2) + 0.3 * np.random.default_rng(1).normal(
        size=(7, problem.n_params)
    )
    work = {}
    for _ in range(2):  # the second call reuses the buffers of the first
        costs, grads = problem.costs_and_gradients(thetas, work)
        for theta, cost, grad in zip(thetas, costs, grads, strict=True):
            own_cost, own_grad = problem.cost_and_gradient(theta)
            assert cost == pytest.approx(own_cost, rel=1e-14)
            np.testing.assert_allclose(grad, own_grad, rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match=r"must have shape \(R, "):
        problem.costs_and_gradients(thetas[0])


def test_two_inputs_use_the_general_product():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(40, 2))
    net = OneHiddenLayer(x, x[:, 0] * x[:, 1], width=3)
    thetas = rng.normal(size=(4, net.n_params))
    costs, grads = net.costs_and_gradients(thetas)
    for theta, cost, grad in zip(thetas, costs, grads, strict=True):
        assert cost == pytest.approx(net.cost_value(theta), rel=1e-14)
        np.testing.assert_allclose(grad, net.gradient(theta), rtol=1e-12, atol=1e-15)


def test_every_row_is_a_separate_run():
    problem = model_choice("network_faithful").build(8, "tanh")
    theta0 = initial_theta(problem, 0)
    lrs = np.geomspace(1e-3, 4.0, 9)
    result = sweep_rates(problem, theta0, lrs, 300)
    kinds = set()
    for i, lr in enumerate(lrs):
        run = descend(problem, theta0, float(lr), 300)
        kinds.add(run.status)
        assert result.statuses[i] == run.status
        assert result.n_steps[i] == run.n_steps
        assert result.diverged_at[i] == (run.diverged_at if run.diverged else -1)
        shown = result.costs[i, : run.n_steps + 1]
        np.testing.assert_allclose(shown, run.costs, rtol=1e-9)
        assert np.all(np.isnan(result.costs[i, run.n_steps + 1 :]))
        np.testing.assert_allclose(result.final_thetas[i], run.theta, rtol=1e-8, atol=1e-12)
        assert result.final_costs[i] == pytest.approx(run.costs[-1], rel=1e-9)
        assert result.lowest_costs[i] == pytest.approx(run.costs.min(), rel=1e-9)
    assert kinds >= {"max_steps", "diverged"}  # both kinds of row were compared


def test_a_start_that_has_converged_takes_no_step():
    problem = model_choice("network_pressure").build(4, "tanh")
    result = sweep_rates(problem, initial_theta(problem, 0), [0.1, 0.2], 50, gtol=1e9)
    assert result.statuses == ("converged", "converged")
    np.testing.assert_array_equal(result.n_steps, [0, 0])


def test_progress_is_reported_to_the_end():
    problem = model_choice("network_pressure").build(4, "tanh")
    seen = []
    sweep_rates(
        problem, initial_theta(problem, 0), [0.01], 120, progress=lambda k, n: seen.append((k, n))
    )
    assert seen[0] == (0, 120) and seen[-1] == (120, 120)


def test_bad_input_is_refused_in_words():
    problem = model_choice("network_pressure").build(4, "tanh")
    theta0 = initial_theta(problem, 0)
    with pytest.raises(ValueError, match="lrs"):
        sweep_rates(problem, theta0, [0.1, 0.0], 10)
    with pytest.raises(ValueError, match=f"1 to {MAX_RATES} rates"):
        sweep_rates(problem, theta0, np.full(MAX_RATES + 1, 0.1), 10)
    with pytest.raises(ValueError, match="1 to"):
        sweep_rates(problem, theta0, [], 10)
    cars = gdlab.load_dataset("cars")
    with pytest.raises(TypeError, match=r"use gdlab\.sweep for a quadratic cost"):
        sweep_rates(gdlab.LinearRegression(cars.x, cars.y), [0.0, 0.0], [0.001], 10)
