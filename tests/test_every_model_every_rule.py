"""Every optimizer, every schedule and mini-batches on every kind of cost: the straight line,
logistic regression, the network and a typed formula.

Each run is replayed by an update written out here (PyTorch's rules, as tests/test_optimizers.py
checks them against numbers worked by hand), from the model's exact gradient, and must agree
step by step. Mini-batch gradients are checked against central differences of the batch's own
cost first, so the replay does not rest on them unchecked.
"""

from __future__ import annotations

import numpy as np
import pytest

import gdlab
from gdlab.derivatives import numerical_gradient
from gdlab.models.typed import CustomCost
from gdlab.running.descent import descend
from gdlab.running.optimizers import OPTIMIZERS
from gdlab.running.schedules import SCHEDULES
from gdlab.teaching.curved_models import initial_theta, model_choice

STEPS = 12


def _linear():
    cars = gdlab.load_dataset("cars")
    problem = gdlab.LinearRegression(cars.x, cars.y, scaling="standardize")
    return problem, np.array([1.0, -2.0]), 0.05


def _logistic():
    problem = model_choice("logistic_penguins").build(1, "tanh")
    return problem, initial_theta(problem, 0), 0.5


def _network():
    problem = model_choice("network_pressure").build(4, "tanh")
    return problem, initial_theta(problem, 3), 0.05


def _typed():
    problem = CustomCost.from_text("(1 - theta0)**2 + 10*(theta1 - theta0**2)**2", 2)
    return problem, np.array([-1.0, 1.5]), 0.002


MODELS = {"line": _linear, "logistic": _logistic, "network": _network, "typed": _typed}
WITH_ROWS = ("line", "logistic", "network")


def _replay(name: str, gradient, theta0, rates, steps=STEPS):
    """θ after each step under optimizer `name` with its default hyperparameters."""
    theta = np.array(theta0, dtype=float)
    buffer = square_sum = first = second = None
    thetas = [theta.copy()]
    for k in range(steps):
        g, rate = gradient(theta, k), rates(k)
        if name == "gd":
            theta = theta - rate * g
        elif name in ("momentum", "nesterov"):  # torch.optim.SGD, dampening 0
            buffer = g if buffer is None else 0.9 * buffer + g
            theta = theta - rate * (g + 0.9 * buffer if name == "nesterov" else buffer)
        elif name == "adagrad":
            square_sum = g * g if square_sum is None else square_sum + g * g
            theta = theta - rate * g / (np.sqrt(square_sum) + 1e-10)
        elif name == "rmsprop":
            second = 0.01 * g * g if second is None else 0.99 * second + 0.01 * g * g
            theta = theta - rate * g / (np.sqrt(second) + 1e-8)
        elif name == "adam":
            first = 0.1 * g if first is None else 0.9 * first + 0.1 * g
            second = 0.001 * g * g if second is None else 0.999 * second + 0.001 * g * g
            t = k + 1
            unbiased = np.sqrt(second / (1 - 0.999**t))
            theta = theta - rate * (first / (1 - 0.9**t)) / (unbiased + 1e-8)
        else:
            raise AssertionError(name)
        thetas.append(theta.copy())
    return np.array(thetas)


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("model", list(MODELS))
def test_every_optimizer_runs_on_every_model_as_its_rule_says(model, optimizer):
    problem, theta0, lr = MODELS[model]()
    trace = descend(problem, theta0, lr, STEPS, gtol=0.0, optimizer=OPTIMIZERS[optimizer]())
    assert trace.n_steps == STEPS and not trace.diverged
    expected = _replay(optimizer, lambda theta, _: problem.gradient(theta), theta0, lambda _: lr)
    np.testing.assert_allclose(trace.thetas, expected, rtol=1e-11, atol=1e-13)
    costs = [float(problem.cost_value(theta)) for theta in expected]
    np.testing.assert_allclose(trace.costs, costs, rtol=1e-12)


SCHEDULE_ARGS = {
    "constant": {},
    "step": {"every": 4},
    "exponential": {"gamma": 0.8},
    "inverse_time": {"decay": 0.5},
    "cosine": {"total": STEPS},
    "warmup": {"warmup": 5},
}


@pytest.mark.parametrize("schedule", list(SCHEDULES))
@pytest.mark.parametrize("model", list(MODELS))
def test_every_schedule_runs_on_every_model_at_its_own_rates(model, schedule):
    problem, theta0, lr = MODELS[model]()
    rates = SCHEDULES[schedule](lr, **SCHEDULE_ARGS[schedule])
    trace = descend(problem, theta0, rates, STEPS, gtol=0.0)
    np.testing.assert_array_equal(trace.lrs, [rates(k) for k in range(STEPS)])
    if schedule != "constant":
        assert len(set(trace.lrs)) > 1  # the schedule really changes α along the run
    expected = _replay("gd", lambda theta, _: problem.gradient(theta), theta0, rates)
    np.testing.assert_allclose(trace.thetas, expected, rtol=1e-11, atol=1e-13)


def _batches(n: int, size: int, seed: int):
    """PyTorch DataLoader(shuffle=True) order: a seeded permutation per epoch, cut in turn."""
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(n)
        for start in range(0, n, size):
            yield order[start : start + size]


@pytest.mark.parametrize("model", WITH_ROWS)
def test_mini_batches_on_every_model_with_rows(model):
    problem, theta0, lr = MODELS[model]()
    size, seed = problem.n // 5 + 1, 11  # about five batches an epoch, the last one short
    rows = [r for r, _ in zip(_batches(problem.n, size, seed), range(STEPS), strict=False)]
    assert sum(len(r) for r in rows) > 2 * problem.n  # the run reshuffles twice
    # The batch gradient is the batch cost's own slope.
    here = np.asarray(theta0, dtype=float)
    for batch in rows[:3]:
        numeric = numerical_gradient(lambda t, b=batch: problem.cost_per_sample(t, b), here)
        np.testing.assert_allclose(
            problem.gradient_per_sample(here, batch), numeric, rtol=1e-6, atol=1e-9
        )
    trace = descend(problem, theta0, lr, STEPS, gtol=0.0, batch_size=size, seed=seed)
    expected = _replay(
        "gd", lambda theta, k: problem.gradient_per_sample(theta, rows[k]), theta0, lambda _: lr
    )
    np.testing.assert_allclose(trace.thetas, expected, rtol=1e-11, atol=1e-13)
    batch_costs = [
        problem.cost_per_sample(theta, r) for theta, r in zip(expected, rows, strict=False)
    ]
    np.testing.assert_allclose(trace.batch_costs, batch_costs, rtol=1e-12)
    # The recorded cost stays the full data's, not the batch's.
    np.testing.assert_allclose(trace.costs[-1], problem.cost_value(expected[-1]), rtol=1e-12)


def test_a_typed_formula_has_no_rows_to_batch_and_says_so():
    problem, theta0, lr = MODELS["typed"]()
    with pytest.raises(ValueError, match="Mini-batches need a problem made of data rows"):
        descend(problem, theta0, lr, STEPS, batch_size=2)
