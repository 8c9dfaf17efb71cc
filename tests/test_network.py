"""The one-hidden-layer network: backpropagation against a 2-unit, 3-point case done by hand,
against central differences and against a loop-by-loop implementation written here; the exact
Hessian-vector product against differences of the gradient; seeded initialisation; overflow."""

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gdlab.data import load_dataset
from gdlab.models.logistic import faithful_eruptions
from gdlab.models.network import OneHiddenLayer
from gdlab.running.descent import descend

EPS = np.finfo(float).eps


def loop_cost(net, theta, rows=None):
    """J written with plain Python loops over samples and units, from the module docstring."""
    h, m = net.width, net.n_inputs
    weights = [[theta[i * m + j] for j in range(m)] for i in range(h)]
    biases, out_weights, out_bias = theta[h * m : h * m + h], theta[h * m + h : -1], theta[-1]
    f = math.tanh if net.activation == "tanh" else lambda a: max(a, 0.0)
    rows = range(net.n) if rows is None else rows
    total = 0.0
    for i in rows:
        z, y = net.inputs[i], net.targets[i]
        units = [f(sum(weights[k][j] * z[j] for j in range(m)) + biases[k]) for k in range(h)]
        out = sum(out_weights[k] * units[k] for k in range(h)) + out_bias
        if net.task == "regression":
            total += (out - y) ** 2
        else:  # −y log p − (1 − y) log(1 − p), with 1 − p = 1/(1 + e^out) to keep its digits
            total -= y * math.log(1 / (1 + math.exp(-out))) + (1 - y) * math.log(
                1 / (1 + math.exp(out))
            )
    return total / len(rows)


def central_gradient(f, theta):
    """Central differences, h = ε^(1/3)·max(1, |θⱼ|): truncation and round-off balanced."""
    grad = np.empty_like(theta)
    for j in range(theta.size):
        h = EPS ** (1 / 3) * max(1.0, abs(theta[j]))
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        grad[j] = (f(up) - f(down)) / (up[j] - down[j])
    return grad


def small_net(seed, width, inputs, activation, task, n=7):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, inputs))
    y = (rng.random(n) < 0.5).astype(float) if task == "classification" else rng.normal(size=n)
    if task == "classification":
        y[:2] = [0.0, 1.0]
    return OneHiddenLayer(x, y, width=width, activation=activation, task=task)


def away_from_kinks(net, theta, margin=1e-3):
    """ReLU has no derivative at a = 0; differences across a kink do not measure the gradient."""
    weights, biases, _, _ = net.unpack(theta)
    return net.activation == "tanh" or np.min(np.abs(net.inputs @ weights.T + biases)) > margin


configs = st.tuples(
    st.integers(0, 10_000),
    st.integers(1, 4),
    st.integers(1, 2),
    st.sampled_from(["tanh", "relu"]),
    st.sampled_from(["regression", "classification"]),
)


@settings(max_examples=60, deadline=None)
@given(config=configs, scale=st.floats(0.1, 3.0))
def test_backpropagation_matches_central_differences_and_the_loop_version(config, scale):
    net = small_net(*config)
    theta = np.random.default_rng(config[0] + 1).normal(0, scale, net.n_params)
    assume(away_from_kinks(net, theta))
    cost, grad = net.cost_and_gradient(theta)
    assert cost == pytest.approx(loop_cost(net, theta), rel=1e-12)
    assert net.cost_value(theta) == cost
    np.testing.assert_array_equal(net.gradient(theta), grad)
    numerical = central_gradient(lambda t: loop_cost(net, t), theta)
    np.testing.assert_allclose(grad, numerical, rtol=1e-6, atol=1e-8)


@settings(max_examples=60, deadline=None)
@given(config=configs, scale=st.floats(0.1, 3.0))
def test_the_hessian_vector_product_matches_differences_of_the_gradient(config, scale):
    net = small_net(*config)
    rng = np.random.default_rng(config[0] + 2)
    theta, vector = rng.normal(0, scale, net.n_params), rng.normal(size=net.n_params)
    assume(away_from_kinks(net, theta, margin=1e-2))
    # The gradient is smooth here, so its central difference along v has error O(h²) + O(ε/h):
    # h = ε^(1/3)·max(1, ‖θ‖)/‖v‖ balances them.
    h = EPS ** (1 / 3) * max(1.0, np.linalg.norm(theta)) / np.linalg.norm(vector)
    numerical = (net.gradient(theta + h * vector) - net.gradient(theta - h * vector)) / (2 * h)
    exact = net.hvp(theta, vector)
    np.testing.assert_allclose(exact, numerical, rtol=1e-5, atol=1e-7 * max(1, np.abs(exact).max()))
    hessian = net.hessian_at(theta)
    np.testing.assert_allclose(hessian @ vector, exact, rtol=1e-10, atol=1e-12)
    # and the whole Hessian, column by column, against differences of the gradient
    numerical_hessian = np.column_stack(
        [central_gradient(lambda t, j=j: net.gradient(t)[j], theta) for j in range(theta.size)]
    )
    np.testing.assert_allclose(hessian, numerical_hessian, rtol=1e-5, atol=1e-7)


def test_backpropagation_on_two_units_and_three_points_by_hand():
    # a = W₁x + b₁ for x = −1, 0, 2: (−1.5, 2), (−0.5, 1), (1.5, −1); ReLU keeps (0, 2), (0, 1),
    # (1.5, 0); ŷ = 2u₁ + u₂ + ½ = 2.5, 1.5, 3.5 against y = 0, 1, 3: errors 2.5, 0.5, 0.5.
    net = OneHiddenLayer(
        np.array([-1.0, 0.0, 2.0]), np.array([0.0, 1.0, 3.0]), width=2, activation="relu",
        scaling="none", target_scaling="none",
    )  # fmt: skip
    theta = np.array([1.0, -1.0, -0.5, 1.0, 2.0, 1.0, 0.5])  # W₁, b₁, w₂, b₂
    # J = (2.5² + 0.5² + 0.5²)/3 = 2.25. ∂J/∂ŷᵢ = 2eᵢ/3 = 5/3, 1/3, 1/3.
    # ∂J/∂w₂ = Σ(∂J/∂ŷᵢ)uᵢ = (1.5·1/3, 2·5/3 + 1·1/3) = (1/2, 11/3); ∂J/∂b₂ = 7/3.
    # ∂J/∂aᵢ = (∂J/∂ŷᵢ)w₂·f′(aᵢ): (0, 5/3), (0, 1/3), (2/3, 0); ∂J/∂W₁ = Σ(∂J/∂aᵢ)xᵢ =
    # (2/3·2, 5/3·(−1)) = (4/3, −5/3); ∂J/∂b₁ = (2/3, 2).
    by_hand = [Fraction(4, 3), Fraction(-5, 3), Fraction(2, 3), 2, Fraction(1, 2),
               Fraction(11, 3), Fraction(7, 3)]  # fmt: skip
    cost, grad = net.cost_and_gradient(theta)
    assert cost == pytest.approx(2.25, rel=1e-15)
    np.testing.assert_allclose(grad, [float(g) for g in by_hand], rtol=1e-15)
    assert net.param_names == ("W1[1,1]", "W1[2,1]", "b1[1]", "b1[2]", "w2[1]", "w2[2]", "b2")


def test_the_flat_layout_is_the_documented_one():
    net = small_net(3, width=3, inputs=2, activation="tanh", task="regression")
    theta = np.arange(net.n_params, dtype=float)
    weights, biases, out_weights, out_bias = net.unpack(theta)
    np.testing.assert_array_equal(weights, [[0, 1], [2, 3], [4, 5]])  # unit by unit
    np.testing.assert_array_equal(biases, [6, 7, 8])
    np.testing.assert_array_equal(out_weights, [9, 10, 11])
    assert out_bias == 12 and net.n_params == 13 == len(net.param_names)
    assert net.param_names[:3] == ("W1[1,1]", "W1[1,2]", "W1[2,1]")


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_initialisation_is_seeded_and_follows_the_documented_scheme(activation):
    net = OneHiddenLayer(np.linspace(0, 1, 5), np.arange(5.0), width=6, activation=activation)
    theta = net.initial_theta(7)
    np.testing.assert_array_equal(theta, net.initial_theta(7))
    assert not np.array_equal(theta, net.initial_theta(8)) and not theta.flags.writeable
    rng = np.random.default_rng(7)
    if activation == "tanh":  # Glorot: U(±√(6/(fan_in + fan_out)))
        first = rng.uniform(-np.sqrt(6 / 7), np.sqrt(6 / 7), size=6)
    else:  # He: N(0, 2/fan_in)
        first = rng.normal(0.0, np.sqrt(2.0), size=6)
    second = rng.uniform(-np.sqrt(6 / 7), np.sqrt(6 / 7), size=6)
    np.testing.assert_allclose(
        theta, np.concatenate([first, np.zeros(6), second, [0.0]]), rtol=1e-15
    )


def test_per_sample_access_is_the_cost_over_the_chosen_rows():
    net = small_net(5, width=3, inputs=1, activation="tanh", task="classification")
    theta = net.initial_theta(1) + 0.3
    rows = np.array([1, 4, 6])
    assert net.cost_per_sample(theta, rows) == pytest.approx(loop_cost(net, theta, rows), rel=1e-12)
    numerical = central_gradient(lambda t: loop_cost(net, t, rows), theta)
    np.testing.assert_allclose(
        net.gradient_per_sample(theta, rows), numerical, rtol=1e-6, atol=1e-9
    )
    assert net.cost_per_sample(theta) == net.cost_value(theta)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("task", ["regression", "classification"])
def test_huge_parameters_and_rates_never_make_numpy_warn(activation, task):
    data = faithful_eruptions()
    y = data.y if task == "classification" else data.x[:, 0]
    net = OneHiddenLayer(data.x, y, width=4, activation=activation, task=task)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for value in (1e200, -1e308, 1e308):
            theta = np.full(net.n_params, value)
            net.cost_and_gradient(theta)
            net.hvp(theta, np.ones(net.n_params))
        trace = descend(net, net.initial_theta(0), 1e6, steps=200)
    assert trace.diverged or trace.status == "max_steps"
    assert np.all(np.isfinite(trace.costs)) and np.all(np.isfinite(trace.thetas))


def test_a_network_learns_each_real_dataset_and_runs_with_mini_batches():
    pressure = load_dataset("pressure")
    net = OneHiddenLayer(pressure.x, pressure.y, width=8)
    trace = descend(net, net.initial_theta(0), 0.05, steps=2000)
    assert trace.cost < 0.02 * trace.costs[0]
    # In pressure's own units the fit is within a few percent of the 806 mm Hg range.
    fitted = net.predict(trace.theta, pressure.x)
    assert np.max(np.abs(fitted - pressure.y)) < 0.05 * np.ptp(pressure.y)
    data = faithful_eruptions()
    classifier = OneHiddenLayer(data.x, data.y, width=4, task="classification")
    batched = descend(classifier, classifier.initial_theta(0), 0.5, steps=500, batch_size=32)
    assert batched.cost < batched.costs[0] and batched.batch_costs.shape == (500,)
    probabilities = classifier.predict(batched.theta, np.array([50.0, 90.0]))
    assert probabilities[0] < 0.2 < 0.8 < probabilities[1]  # short waits, short eruptions


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"width": 0}, "'width'"),
        ({"width": 33}, "'width'"),
        ({"activation": "sigmoid"}, "'activation'"),
        ({"task": "ranking"}, "'task'"),
        ({"task": "classification"}, "labels 0 and 1"),
        ({"y": np.array([1.0, np.inf, 2.0])}, "finite"),
    ],
)
def test_bad_settings_are_refused_with_a_message_that_names_them(kwargs, match):
    arguments = {"x": np.array([1.0, 2.0, 3.0]), "y": np.array([1.0, 5.0, 2.0]), **kwargs}
    with pytest.raises(ValueError, match=match):
        OneHiddenLayer(**arguments)


def test_formula():
    net = OneHiddenLayer(np.arange(3.0), np.array([0.0, 1.0, 1.0]), task="classification")
    assert net.formula == "p̂ = σ(w₂ᵀtanh(W₁z + b₁) + b₂)"
