"""Optimizers against hand computation (PyTorch's rules), and on a parabola and Rosenbrock."""

import math

import numpy as np
import pytest

from gdlab import LinearRegression, descend
from gdlab.running.optimizers import OPTIMIZERS, adagrad, adam, gradient_descent, momentum, rmsprop

# J(θ) = θ²  →  g = 2θ; from θ₀ = 1 with α = 0.1 each rule can be followed by hand.


def first_steps(optimizer, lr=0.1, theta0=1.0, count=3):
    theta = np.array([theta0])
    state = optimizer.init(theta)
    thetas = []
    for _ in range(count):
        step, state = optimizer.update(2 * theta, state, lr)
        theta = theta + step
        thetas.append(float(theta[0]))
    return thetas


def test_gradient_descent_by_hand():
    # θ ← θ − 0.1·2θ = 0.8θ
    assert first_steps(gradient_descent()) == pytest.approx([0.8, 0.64, 0.512])


def test_momentum_by_hand():
    # v₁ = g₁ = 2            θ₁ = 1 − 0.2 = 0.8
    # v₂ = 0.9·2 + 1.6 = 3.4  θ₂ = 0.8 − 0.34 = 0.46
    # v₃ = 0.9·3.4 + 0.92 = 3.98  θ₃ = 0.46 − 0.398 = 0.062
    assert first_steps(momentum(0.9)) == pytest.approx([0.8, 0.46, 0.062])


def test_nesterov_by_hand():
    # v₁ = 2, step = −0.1(2 + 0.9·2) = −0.38 → θ₁ = 0.62
    # g₂ = 1.24, v₂ = 1.8 + 1.24 = 3.04, step = −0.1(1.24 + 2.736) = −0.3976 → θ₂ = 0.2224
    # g₃ = 0.4448, v₃ = 2.736 + 0.4448 = 3.1808, step = −0.330752 → θ₃ = −0.108352
    assert first_steps(momentum(0.9, nesterov=True)) == pytest.approx([0.62, 0.2224, -0.108352])


def test_adagrad_by_hand():
    # s₁ = 4, θ₁ = 1 − 0.1·2/2 = 0.9;  s₂ = 4 + 3.24, θ₂ = 0.9 − 0.1·1.8/√7.24
    t2 = 0.9 - 0.18 / math.sqrt(7.24)
    s3 = 7.24 + (2 * t2) ** 2
    t3 = t2 - 0.1 * 2 * t2 / math.sqrt(s3)
    assert first_steps(adagrad(eps=0.0)) == pytest.approx([0.9, t2, t3], rel=1e-12)


def test_rmsprop_by_hand():
    # v₁ = 0.01·4 = 0.04, θ₁ = 1 − 0.1·2/0.2 = 0
    expected_1 = 1 - 0.1 * 2 / (math.sqrt(0.04) + 1e-8)
    assert first_steps(rmsprop(), count=1) == pytest.approx([expected_1], abs=1e-12)
    theta, v = [], 0.0
    t = 0.5
    for _ in range(3):
        g = 2 * t
        v = 0.99 * v + 0.01 * g * g
        t = t - 0.1 * g / (math.sqrt(v) + 1e-8)
        theta.append(t)
    assert first_steps(rmsprop(), theta0=0.5) == pytest.approx(theta, rel=1e-12)


def test_adam_by_hand():
    # Step 1: m̂ = g, v̂ = g², so the step is −α·g/(|g| + ε): exactly −α·sign(g) up to ε.
    theta, m, v = 1.0, 0.0, 0.0
    expected = []
    for t in (1, 2, 3):
        g = 2 * theta
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        theta -= 0.1 * (m / (1 - 0.9**t)) / (math.sqrt(v / (1 - 0.999**t)) + 1e-8)
        expected.append(theta)
    got = first_steps(adam())
    assert got == pytest.approx(expected, rel=1e-12)
    assert got[0] == pytest.approx(0.9, abs=1e-8)


def test_states_are_immutable_and_not_shared():
    opt = adam()
    theta = np.array([1.0, 2.0])
    state = opt.init(theta)
    _, new_state = opt.update(np.array([1.0, 1.0]), state, 0.1)
    assert state.count == 0 and np.all(state.mu == 0)
    assert new_state.count == 1
    with pytest.raises(AttributeError):
        new_state.count = 5


@pytest.mark.parametrize(
    ("name", "lr"),
    [
        ("gd", 0.1),
        ("momentum", 0.05),
        ("nesterov", 0.05),
        ("adagrad", 0.5),
        ("rmsprop", 0.01),
        ("adam", 0.05),
    ],
)
def test_every_optimizer_solves_a_parabola(name, lr):
    x = np.linspace(-1, 1, 21)
    problem = LinearRegression(x, 3 * x - 1)  # a bowl with its minimum at (−1, 3)
    trace = descend(problem, [0.0, 0.0], lr, 3000, optimizer=OPTIMIZERS[name]())
    np.testing.assert_allclose(trace.theta, [-1.0, 3.0], atol=2e-2)


class Rosenbrock:
    """f(a, b) = (1 − a)² + 100(b − a²)², minimum at (1, 1)."""

    n_params = 2
    param_names = ("a", "b")

    def cost_value(self, theta):
        a, b = theta[..., 0], theta[..., 1]
        return (1 - a) ** 2 + 100 * (b - a**2) ** 2

    def gradient(self, theta):
        a, b = theta[..., 0], theta[..., 1]
        return np.stack([-2 * (1 - a) - 400 * a * (b - a**2), 200 * (b - a**2)], axis=-1)


@pytest.mark.parametrize(
    ("name", "lr", "steps"),
    [
        ("gd", 1e-3, 20_000),
        ("momentum", 1e-3, 5000),
        ("nesterov", 1e-3, 5000),
        ("adagrad", 0.5, 5000),
        ("rmsprop", 1e-3, 5000),
        ("adam", 2e-2, 5000),
    ],
)
def test_rosenbrock_is_solved(name, lr, steps):
    trace = descend(Rosenbrock(), [-1.2, 1.0], lr, steps, optimizer=OPTIMIZERS[name](), gtol=1e-10)
    np.testing.assert_allclose(trace.theta, [1.0, 1.0], atol=5e-2)
    assert trace.cost < 1e-3


def test_plain_gd_through_the_optimizer_path_is_the_same_descent():
    x = np.arange(10.0)
    problem = LinearRegression(x, 2 * x + 1)
    plain = descend(problem, [0.0, 0.0], 0.01, 100)  # blocks of the affine step map
    via = descend(problem, [0.0, 0.0], 0.01, 100, optimizer=gradient_descent())  # step by step
    np.testing.assert_allclose(via.thetas, plain.thetas, rtol=1e-12, atol=1e-12)
    assert via.optimizer == "gradient descent"


@pytest.mark.parametrize(
    ("factory", "kwargs", "match"),
    [
        (momentum, {"mu": 1.5}, "'mu' parameter of momentum"),
        (adam, {"b1": 1.0}, "must be below 1"),
        (rmsprop, {"rho": -0.1}, "'rho'"),
        (adagrad, {"eps": float("nan")}, "'eps'"),
    ],
)
def test_hyperparameters_at_their_edges_are_refused(factory, kwargs, match):
    with pytest.raises(ValueError, match=match):
        factory(**kwargs)
