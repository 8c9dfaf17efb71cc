"""descend's stopping rules checked by hand: the cost's spread from each source of values of J,
the band on a cost whose scale is tiny, the band's closed high edge on both paths, and the
step-by-step path's "maximum of N steps". Every expected band or spread is worked out here from
its definition (highest − lowest of the values J is known to take; J₀ ± factor·spread)."""

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest

from gdlab import LinearRegression, descend
from gdlab.running.descent import cost_spread, gradient_norm, stopping_thresholds
from gdlab.running.schedules import Constant


class Duck:
    """A one-parameter problem with only the attributes it is given: a cost, and optionally
    min_cost, cost_span and a view box (whose cost is sampled and recorded)."""

    n_params = 1

    def __init__(self, cost=lambda t: 0.5 * t * t, **attributes):
        self._cost = cost
        self.sampled = []
        for name, value in attributes.items():
            setattr(self, name, value)

    def cost_value(self, theta):
        theta = np.asarray(theta, dtype=np.float64)
        self.sampled.append(theta)
        return self._cost(theta[..., 0])

    def gradient(self, theta):
        return np.asarray(theta, dtype=np.float64)


def spread_of(*values):
    """The reference: highest − lowest of the finite values."""
    finite = [v for v in values if math.isfinite(v)]
    return max(finite) - min(finite) if finite else 0.0


def test_j_star_widens_the_spread():
    assert cost_spread(Duck(min_cost=-2.0, cost_span=(1.0, 3.0)), 2.0) == spread_of(2, -2, 1, 3)
    # Without a view, 0 stands in for it: J* = 7 above J₀ = 5 still counts.
    assert cost_spread(Duck(min_cost=7.0), 5.0) == spread_of(5, 7, 0)


def test_a_non_finite_j_star_is_left_out():
    assert cost_spread(Duck(min_cost=math.nan, cost_span=(1.0, 3.0)), 2.0) == spread_of(2, 1, 3)


def test_the_given_span_is_the_view():
    assert cost_spread(Duck(cost_span=(-3.0, 4.0)), 0.0) == spread_of(0, -3, 4)


def test_a_given_span_is_used_instead_of_sampling_the_box():
    problem = Duck(cost_span=(10.0, 12.0), theta_bounds=lambda: [[-100.0, 100.0]])
    assert cost_spread(problem, 11.0) == spread_of(11, 10, 12)
    assert problem.sampled == []


def test_without_a_view_zero_stands_in_for_it():
    for cost0 in (5.0, -3.0, 0.25):
        assert cost_spread(Duck(), cost0) == spread_of(cost0, 0.0)
    assert cost_spread(Duck(), 0.0) == 0.0


def test_nothing_finite_leaves_a_spread_of_zero():
    nowhere = Duck(cost=lambda t: np.full(np.shape(t), np.nan), theta_bounds=lambda: [[0.0, 1.0]])
    assert cost_spread(nowhere, math.inf) == 0.0
    also_no_j_star = Duck(min_cost=math.nan, theta_bounds=nowhere.theta_bounds, cost=nowhere._cost)
    assert cost_spread(also_no_j_star, math.nan) == 0.0


@pytest.mark.parametrize("tiny", [1e-200, 1e-250, 3e-290])
def test_the_band_of_a_tiny_cost_is_as_tiny(tiny):
    # J spans [0, tiny]: the band is J₀ ± 1e8·tiny, however far that is below 1.
    problem = Duck(cost_span=(0.0, tiny), min_cost=0.0)
    cost0 = tiny / 2
    low, high, _ = stopping_thresholds(problem, cost0, np.array([1.0]), 1e-8, 1e8)
    assert low == cost0 - 1e8 * tiny and high == cost0 + 1e8 * tiny


def test_a_run_on_a_tiny_cost_diverges_when_it_grows_past_its_band():
    # J = s·θ² with s = 1e-200 and the view [0, s]; Duck's step direction is θ, so α = 3
    # sends θ ↦ −2θ and J grows 4× a step: it leaves J₀ + factor·s after a handful of steps,
    # all with J far below 1.
    s = 1e-200
    problem = Duck(cost=lambda t: s * t * t, cost_span=(0.0, s), min_cost=0.0)
    factor = 100.0
    trace = descend(problem, [1.0], Constant(3.0), 50, divergence_factor=factor)
    high = s + factor * (s - 0.0)
    costs = [s * (-2.0) ** (2 * k) for k in range(50)]
    first_out = next(k for k, c in enumerate(costs) if c > high)
    assert trace.status == "diverged" and trace.diverged_at == first_out
    assert trace.costs.max() < 1e-190


class Ridge:
    """A one-parameter problem whose step is θ ↦ (1 − α)θ (the gradient is θ) and whose cost
    is J(θ) = 1 − θ², given both per point and as a block with its affine map: with θ₀ = 1,
    J₀ = 0, and a step of α = 1 lands on θ = 0 where J = 1 and the gradient vanishes."""

    n_params = 1
    cost_span = (0.0, 1.0)

    def cost_value(self, theta):
        theta = np.asarray(theta, dtype=np.float64)
        return 1.0 - theta[..., 0] ** 2

    def gradient(self, theta):
        return np.asarray(theta, dtype=np.float64)

    def cost_and_gradient(self, theta):
        return self.cost_value(theta), self.gradient(theta)

    def affine_step(self, lr):
        return np.array([[1.0 - lr]]), np.array([0.0])


@pytest.mark.parametrize("lr", [1.0, Constant(1.0)], ids=["blocks", "loop"])
def test_converging_on_the_band_s_high_edge_is_converging(lr):
    # Band: J₀ ± 1·(1 − 0) = [−1, 1], closed; the step lands on J = 1 with ∇J = 0.
    trace = descend(Ridge(), [1.0], lr, 10, divergence_factor=1.0)
    assert trace.costs[-1] == 0.0 + 1.0 * (1.0 - 0.0)
    assert (trace.status, trace.n_steps) == ("converged", 1)


class Bowl:
    """J(θ) = θ², ∇J = 2θ, given per point and in blocks (θ ↦ (1 − 2α)θ)."""

    n_params = 1

    def __init__(self, cost_span):
        self.cost_span = cost_span

    def cost_value(self, theta):
        return np.asarray(theta, dtype=np.float64)[..., 0] ** 2

    def gradient(self, theta):
        return 2.0 * np.asarray(theta, dtype=np.float64)

    def cost_and_gradient(self, theta):
        return self.cost_value(theta), self.gradient(theta)

    def affine_step(self, lr):
        return np.array([[1.0 - 2.0 * lr]]), np.array([0.0])


@pytest.mark.parametrize("lr", [1.5, Constant(1.5)], ids=["blocks", "loop"])
def test_a_step_onto_the_band_s_high_edge_goes_on(lr):
    # θ₀ = ½: J₀ = ¼; the view is [¼, ¾], so the spread is ½ and with factor 1.5 the band
    # is [¼ − ¾, ¼ + ¾] = [−½, 1]. α = 1.5 sends θ ↦ −2θ: θ = −1 (J = 1, on the edge, kept),
    # then θ = 2 (J = 4, out).
    cost0, spread, factor = 0.25, 0.75 - 0.25, 1.5
    high = cost0 + factor * spread
    trace = descend(Bowl((0.25, 0.75)), [0.5], lr, 10, divergence_factor=factor)
    thetas = [0.5 * (-2.0) ** k for k in range(4)]
    first_out = next(k for k, t in enumerate(thetas) if t * t > high)
    assert thetas[1] ** 2 == high
    assert trace.status == "diverged" and trace.diverged_at == first_out == 2


@pytest.mark.parametrize("steps", [1, 3, 70])
def test_running_out_of_steps_step_by_step_names_the_steps(steps):
    trace = descend(Bowl((0.0, 1.0)), [0.5], Constant(1e-6), steps)
    assert (trace.status, trace.n_steps) == ("max_steps", steps)
    noun = "step" if steps == 1 else "steps"
    assert trace.message == f"Stopped after the maximum of {steps} {noun} without converging."


@pytest.mark.parametrize(
    "rows",
    [
        [[3e-170, 4e-170], [3.0, 4.0], [0.0, 0.0], [1e-160, 0.0], [5.0, 12.0]],
        [[3e200, 4e200], [3.0, 4.0], [0.0, 0.0], [5.0, 12.0]],
        [[3e-170, 4e-170], [3e200, 4e200], [3.0, 4.0]],
    ],
    ids=["tiny", "huge", "both"],
)
def test_a_batch_mixing_huge_or_tiny_rows_with_plain_ones_gets_each_row_s_norm(rows):
    # Σgⱼ² of some rows underflows or overflows: each row's norm is still its own (math.hypot,
    # which scales), whichever formula the batch's other rows could use.
    want = [math.hypot(*row) for row in rows]
    np.testing.assert_allclose(gradient_norm(np.array(rows)), want, rtol=1e-15, atol=0)
    for row, norm in zip(rows, want, strict=True):
        assert float(gradient_norm(np.array(row))) == pytest.approx(norm, rel=1e-15, abs=0)


def test_integer_gradients_are_taken_as_floats():
    # (2³² + 1)² overflows int64 and wraps round to a small, plausible square; not in float64.
    big = 2**32 + 1
    assert float(gradient_norm(np.array([big, big]))) == pytest.approx(math.hypot(big, big), 1e-15)


def test_the_norm_of_an_overflowing_gradient_is_computed_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(gradient_norm(np.array([3e200, 4e200]))) == pytest.approx(5e200, rel=1e-15)


def test_a_problem_without_parameters_has_the_gradient_floor_as_tolerance():
    # ‖∇J₀‖ of an empty gradient is 0, so the tolerance is max(gtol·0, floor).
    for floor in (0.0, 1e-9):
        problem = Duck(cost_span=(0.0, 1.0), gradient_floor=floor)
        _, _, tolerance = stopping_thresholds(problem, 0.5, np.array([]), 1e-8, 1e8)
        assert tolerance == max(1e-8 * 0.0, floor)


def test_a_schedule_is_asked_for_the_steps_taken_only():
    asked = []

    def schedule(k):
        asked.append(k)
        return 0.01

    descend(Bowl((0.0, 1.0)), [0.5], schedule, 4)
    assert asked == [0, 1, 2, 3]
    asked.clear()
    trace = descend(Bowl((0.0, 1.0)), [0.0], schedule, 4)  # ∇J(0) = 0: converged at the start
    assert (trace.status, trace.n_steps, asked) == ("converged", 0, [])


def test_a_view_whose_cost_comes_as_exact_fractions_is_sampled():
    # J(θ) = θ² over [−2, 2] in exact arithmetic (an object array): the view spans [0, 4].
    def exact(t):
        return np.array([Fraction(v) ** 2 for v in np.ravel(t)], dtype=object)

    problem = Duck(cost=exact, theta_bounds=lambda: [[-2.0, 2.0]])
    assert cost_spread(problem, 1.0) == spread_of(1, 0, 4)


def test_the_csv_writes_numbers_as_python_does():
    trace = descend(Bowl((0.0, 1.0)), [1e-20], Constant(0.25), 3)
    lines = trace.to_csv().splitlines()
    assert lines[0].split(",")[:3] == ["k", "theta0", "J"]
    for k, line in enumerate(lines[1:]):
        fields = line.split(",")
        assert fields[1] == f"{trace.thetas[k, 0]:.17g}" and fields[2] == f"{trace.costs[k]:.17g}"


def test_a_quadratic_run_step_by_step_records_the_cost_its_model_computes():
    # The loop path evaluates a quadratic by cost_value, not by the block form of the affine
    # path, whose excess loses digits near θ* (gdlab.models.linear).
    problem = LinearRegression([0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 2.5, 4.5])
    trace = descend(problem, [0.0, 0.0], Constant(0.1), 400)
    assert trace.converged
    np.testing.assert_array_equal(trace.costs, problem.cost_value(trace.thetas))
    np.testing.assert_array_equal(trace.grads, problem.gradient(trace.thetas))
