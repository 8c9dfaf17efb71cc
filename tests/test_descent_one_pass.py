"""descend evaluates J and ∇J in one call when a model gives cost_and_gradient (a network's
backward pass reuses its forward pass), and the run is the same as with two calls."""

import numpy as np
import pytest

from gdlab.data import load_dataset
from gdlab.models.network import OneHiddenLayer
from gdlab.running.descent import descend
from gdlab.running.optimizers import OPTIMIZERS


class Counted:
    """A model's cost, gradient and (optionally) both at once, counting each call."""

    def __init__(self, model, together: bool):
        self.model, self.calls = model, {"cost": 0, "gradient": 0, "both": 0}
        self.n_params, self.n = model.n_params, model.n
        self.cost_span = model.cost_span
        if together:
            self.cost_and_gradient = self._both

    def cost_value(self, theta):
        self.calls["cost"] += 1
        return self.model.cost_value(theta)

    def gradient(self, theta):
        self.calls["gradient"] += 1
        return self.model.gradient(theta)

    def _both(self, theta):
        self.calls["both"] += 1
        return self.model.cost_and_gradient(theta)

    def cost_per_sample(self, theta, rows=None):
        return self.model.cost_per_sample(theta, rows)

    def gradient_per_sample(self, theta, rows=None):
        return self.model.gradient_per_sample(theta, rows)


def network():
    faithful = load_dataset("faithful")
    return OneHiddenLayer(faithful.x, faithful.y, width=4)


@pytest.mark.parametrize(
    "settings",
    [{}, {"optimizer": OPTIMIZERS["momentum"](0.9)}, {"batch_size": 50, "seed": 3}],
    ids=["plain", "momentum", "mini-batch"],
)
def test_a_network_is_evaluated_once_a_step_with_the_same_run(settings):
    net = network()
    one, two = Counted(net, together=True), Counted(net, together=False)
    theta0 = net.initial_theta(0)
    fast = descend(one, theta0, 0.05, steps=30, **settings)
    slow = descend(two, theta0, 0.05, steps=30, **settings)
    assert one.calls["both"] == fast.n_steps + 1  # θ₀ and every step after it
    assert one.calls["cost"] == one.calls["gradient"] == 0
    assert two.calls["cost"] == two.calls["gradient"] == slow.n_steps + 1
    np.testing.assert_array_equal(fast.thetas, slow.thetas)
    np.testing.assert_array_equal(fast.costs, slow.costs)
    np.testing.assert_array_equal(fast.grads, slow.grads)
    assert fast.status == slow.status


def test_a_diverging_network_still_ends_at_its_last_finite_step():
    net = network()
    trace = descend(Counted(net, together=True), net.initial_theta(0), 1e6, steps=200)
    assert trace.diverged
    assert np.all(np.isfinite(trace.costs)) and np.all(np.isfinite(trace.thetas))
