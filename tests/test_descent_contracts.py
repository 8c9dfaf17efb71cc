"""descend's contracts at their edges: the divergence band is closed, the sampled view of a
cost's spread, argument messages, defaults, the optimizer's start, and constant-rate runs on a
quadratic taking their steps in blocks."""

import itertools
import math
import re

import numpy as np
import pytest

from gdlab import LinearRegression, descend
from gdlab.running.descent import block_stops, cost_spread
from gdlab.running.optimizers import Optimizer
from gdlab.running.schedules import Constant

# J(θ) = ½θ² exactly (x = (1, 1), y = 0, half MSE): J* = 0, and α = 1 lands on θ = 0 at once.
HALF = LinearRegression([1.0, 1.0], [0.0, 0.0], intercept=False, cost="half_mse")
ROWS = LinearRegression([0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 2.5, 4.5])


def test_the_divergence_band_is_closed():
    grads = np.full((4, 1), 10.0)  # far above the tolerance: only the band can stop
    costs = np.array([-1.0, 2.0, np.nextafter(-1.0, -2.0), np.nextafter(2.0, 3.0)])
    np.testing.assert_array_equal(block_stops(costs, grads, -1.0, 2.0, 1e-3), [0, 0, 1, 1])


def test_a_run_that_lands_on_the_edge_of_the_band_has_converged():
    # With divergence_factor 1 the band's low end is J₀ − 1·(J₀ − J*) = J* = 0 exactly (θ₀ far
    # outside the view, so J₀ is the top of the spread), and one step of α = 1 reaches J = 0.
    for lr in (1.0, Constant(1.0)):
        trace = descend(HALF, 8.0, lr, 10, divergence_factor=1.0)
        assert trace.costs[-1] == 0.0
        assert (trace.status, trace.n_steps) == ("converged", 1)


class Boxed:
    """½‖θ − c‖² with a view box and no cost_span: cost_spread samples it. Records the grids."""

    def __init__(self, box, centre=None, overflow=False):
        self.box = np.asarray(box, dtype=np.float64)
        self.n_params = self.box.shape[0]
        self.centre = np.zeros(self.n_params) if centre is None else np.asarray(centre)
        self.overflow = overflow
        self.grids = []

    def theta_bounds(self):
        return self.box

    def cost_value(self, theta):
        theta = np.asarray(theta, dtype=np.float64)
        self.grids.append(theta)
        if self.overflow:  # finite only for θ₀ ≤ 0.5: exp(2000·θ₀) overflows beyond
            return np.exp(2000.0 * theta[..., 0])
        return 0.5 * np.sum((theta - self.centre) ** 2, axis=-1)


@pytest.mark.parametrize(
    "box", [[[-1.0, 3.0]], [[-1.0, 3.0], [2.0, 5.0]], [[0, 1], [0, 2], [1, 4]]]
)
def test_the_view_is_sampled_on_about_a_thousand_points_of_the_box(box):
    problem = Boxed(box, centre=[0.3] * len(box))
    spread = cost_spread(problem, 0.0)
    (grid,) = problem.grids
    assert 512 <= grid.shape[0] <= 2048 and grid.shape[1] == len(box)
    # The grid is the product of evenly spaced values on each axis, corners included.
    n = round(grid.shape[0] ** (1 / len(box)))
    axes = [np.linspace(low, high, n) for low, high in problem.box]
    want = np.array(list(itertools.product(*axes)))
    assert sorted(map(tuple, grid)) == sorted(map(tuple, want))
    # The spread: from J₀ = 0 (below the view's minimum 0) to the farthest corner's J.
    corner = max(sum((c - 0.3) ** 2 for c in point) / 2 for point in itertools.product(*box))
    assert spread == pytest.approx(corner, rel=1e-14)


def test_a_view_that_overflows_in_places_is_sampled_quietly():
    problem = Boxed([[0.0, 1.0]], overflow=True)
    spread = cost_spread(problem, 1.0)  # pytest turns a numpy overflow warning into an error
    (grid,) = problem.grids
    finite = grid[grid[:, 0] * 2000.0 < 709.0, 0]
    assert spread == pytest.approx(math.exp(2000.0 * finite.max()) - 1.0, rel=1e-12)


def test_a_view_with_no_finite_value_leaves_only_the_start():
    class Nowhere(Boxed):
        def cost_value(self, theta):
            return np.full(np.shape(theta)[:-1], np.nan)

    assert cost_spread(Nowhere([[0.0, 1.0]]), 5.0) == 0.0


SEEDS = r"an int in the range \[0, 9223372036854775807\]"  # 2⁶³ − 1: numpy's largest seed


@pytest.mark.parametrize(
    ("kwargs", "param", "allowed"),
    [
        ({"gtol": -1e-9}, "gtol", r"a finite float in the range \[0, inf\]"),
        ({"batch_size": 0}, "batch_size", r"an int in the range \[1, 4\]"),
        ({"batch_size": 2, "seed": -1}, "seed", SEEDS),
        ({"batch_size": 2, "seed": 2**63}, "seed", SEEDS),
    ],
)
def test_arguments_are_refused_by_name(kwargs, param, allowed):
    value = re.escape(repr(kwargs[param]))
    message = rf"^The '{param}' parameter of descend must be {allowed}\. Got {value} instead\.$"
    with pytest.raises(ValueError, match=message):
        descend(ROWS, [0.0, 0.0], 0.01, 5, **kwargs)


def test_the_largest_seed_is_accepted():
    trace = descend(ROWS, [0.0, 0.0], 0.01, 5, batch_size=2, seed=2**63 - 1)
    assert trace.n_steps == 5


def test_mini_batches_need_data_rows():
    class NoRows:
        n_params = 1

        def cost_value(self, theta):
            return 0.5 * float(theta @ theta)

        def gradient(self, theta):
            return np.array(theta, dtype=np.float64)

    with pytest.raises(ValueError, match=r"^Mini-batches need a problem made of data rows"):
        descend(NoRows(), [1.0], 0.1, 5, batch_size=1)


def test_defaults_are_100_steps_and_seed_0():
    slow = descend(ROWS, [0.0, 0.0], 1e-6)
    assert (slow.status, slow.n_steps) == ("max_steps", 100)
    np.testing.assert_array_equal(
        descend(ROWS, [0.0, 0.0], 0.01, 7, batch_size=2).thetas,
        descend(ROWS, [0.0, 0.0], 0.01, 7, batch_size=2, seed=0).thetas,
    )


def test_the_optimizer_starts_from_theta0():
    seen = []

    def init(theta):
        seen.append(np.array(theta))
        return (0,)

    def update(g, state, lr):
        return -lr * g, (state[0] + 1,)

    plain = Optimizer("plain", r"\theta", init, update)
    trace = descend(ROWS, [0.5, -0.25], 0.01, 3, optimizer=plain)
    np.testing.assert_array_equal(seen[0], [0.5, -0.25])
    np.testing.assert_array_equal(
        trace.thetas, descend(ROWS, [0.5, -0.25], Constant(0.01), 3).thetas
    )


class Counting:
    """A LinearRegression that counts calls of its per-point gradient."""

    def __init__(self, problem):
        self._problem = problem
        self.gradient_calls = 0

    def __getattr__(self, name):
        return getattr(self._problem, name)

    def gradient(self, theta):
        self.gradient_calls += 1
        return self._problem.gradient(theta)


def test_a_constant_rate_on_a_quadratic_takes_its_steps_in_blocks():
    problem = Counting(ROWS)
    trace = descend(problem, [0.0, 0.0], 1e-4, 500)
    assert trace.n_steps == 500
    assert problem.gradient_calls == 1  # θ₀ only: the steps come from gdlab.running.affine's blocks
    looped = descend(ROWS, [0.0, 0.0], Constant(1e-4), 500)
    np.testing.assert_allclose(trace.thetas, looped.thetas, rtol=1e-12, atol=1e-15)


def test_running_out_of_steps_in_blocks_names_the_steps():
    trace = descend(ROWS, [0.0, 0.0], 1e-6, 70)
    assert trace.status == "max_steps"
    assert "maximum of 70 steps" in trace.message
