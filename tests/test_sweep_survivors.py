"""sweep and range_test at their edges, each checked against a reference worked out here: the
arguments they refuse and by which name, their defaults, the range test's blow-up edge and its
messages, and a sweep's stopped rows settled as separate runs."""

import math
import re

import numpy as np
import pytest

from gdlab import LinearRegression, descend
from gdlab.running.sweep import range_test, sweep


class Bowl:
    """J(θ) = ½(θ − 3)² + 0.01 per point: the range test's step is θ ← θ − α(θ − 3)."""

    n_params = 1

    def cost_value(self, theta):
        return 0.5 * (np.asarray(theta, dtype=np.float64)[..., 0] - 3.0) ** 2 + 0.01

    def gradient(self, theta):
        return np.asarray(theta, dtype=np.float64) - 3.0


def refused(func, param, allowed, value):
    value = re.escape(repr(value))
    return rf"^The '{param}' parameter of {func} must be {allowed}\. Got {value} instead\.$"


@pytest.mark.parametrize(
    ("kwargs", "param", "allowed"),
    [
        ({"theta0": [0.0, 1.0]}, "theta0", "a finite vector of length 1"),
        ({"lr_min": 0.0}, "lr_min", r"a finite float in the range \(0, 1e\+12\]"),
        ({"lr_min": -1.0}, "lr_min", r"a finite float in the range \(0, 1e\+12\]"),
        (
            {"lr_min": 1e-3, "lr_max": 1e-4},
            "lr_max",
            r"a finite float in the range \(0\.001, 1e\+12\]",
        ),
        ({"lr_max": 1e13}, "lr_max", r"a finite float in the range \(1e-07, 1e\+12\]"),
        ({"steps": 2}, "steps", r"an int in the range \[3, 100000\]"),
    ],
)
def test_range_test_refuses_arguments_by_name(kwargs, param, allowed):
    kwargs = {"theta0": 0.0, **kwargs}
    with pytest.raises(ValueError, match=refused("range_test", param, allowed, kwargs[param])):
        range_test(Bowl(), **kwargs)


def test_range_test_defaults_run_from_1e_7_to_10_in_100_steps():
    result = range_test(Bowl(), 0.0)
    rates = [1e-7 * (10.0 / 1e-7) ** (k / 99) for k in range(100)]
    n = result.lrs.size
    np.testing.assert_allclose(result.lrs, rates[:n], rtol=1e-13)
    assert n == (result.stopped_at + 1 if result.stopped_at is not None else 100)


@pytest.mark.parametrize(
    ("kwargs", "param", "allowed"),
    [
        ({"lr_min": 1e13}, "lr_min", r"a finite float in the range \(0, 1e\+12\]"),
        (
            {"lr_min": 1e-3, "lr_max": 1e-3},
            "lr_max",
            r"a finite float in the range \(0\.001, 1e\+12\]",
        ),
    ],
)
def test_range_test_refuses_rates_at_or_past_their_ends(kwargs, param, allowed):
    kwargs = {"theta0": 0.0, **kwargs}
    with pytest.raises(ValueError, match=refused("range_test", param, allowed, kwargs[param])):
        range_test(Bowl(), **kwargs)


class Scripted:
    """A range test's costs given in advance: J(θ₀), then J after each step (∇J = 0)."""

    n_params = 1

    def __init__(self, costs):
        self.costs = list(costs)

    def cost_value(self, theta):
        return self.costs.pop(0)

    def gradient(self, theta):
        return np.zeros(1)


def test_a_cost_of_exactly_blowup_times_the_lowest_is_not_a_blow_up():
    # Lowest 1; 4·1 = 4 is not beyond it, 4.5 is: the test stops at step 2 (0-based).
    result = range_test(Scripted([1.0, 1.0, 4.0, 4.5, 1.0]), 0.0, 1e-3, 1.0, 5, blowup=4.0)
    assert result.stopped_at == 2
    np.testing.assert_array_equal(result.costs, [1.0, 4.0, 4.5])


def test_the_steepest_fall_is_found_when_the_lowest_cost_is_the_third():
    # Costs 0.9, 0.7, 0.1 at evenly spaced log α (step h): dJ/dlog α by central differences is
    # −0.2/h, −0.4/h, −0.6/h (one-sided at the ends): steepest at the third rate.
    costs = [0.9, 0.7, 0.1]
    result = range_test(Scripted([1.0, *costs, 100.0]), 0.0, 1e-3, 1e-1, 4)
    rates = [1e-3 * 100.0 ** (k / 3) for k in range(4)]
    h = math.log(rates[1]) - math.log(rates[0])
    slopes = [(costs[1] - costs[0]) / h, (costs[2] - costs[0]) / (2 * h), (costs[2] - costs[1]) / h]
    assert result.stopped_at == 3
    assert result.steepest_lr == pytest.approx(rates[slopes.index(min(slopes))], rel=1e-12)
    assert result.valley_lr == pytest.approx(rates[2] / 10, rel=1e-12)


def test_a_first_step_that_overflows_says_there_is_nothing_to_suggest():
    result = range_test(Scripted([1.0, math.inf]), 0.0, 1e-3, 1.0, 5)
    assert (result.stopped_at, result.steepest_lr, result.valley_lr) == (0, None, None)
    assert result.message == (
        "The first step, at α = 0.001, already made the cost too large to represent: there is "
        "no curve and nothing to suggest. Start from a smaller rate."
    )


def test_the_range_test_s_frame_holds_its_rates_and_costs():
    result = range_test(Bowl(), 0.0, 1e-3, 1.0, 6)
    frame = result.to_frame()
    assert list(frame.columns) == ["alpha", "J"]
    np.testing.assert_array_equal(frame["alpha"], result.lrs)
    np.testing.assert_array_equal(frame["J"], result.costs)


QUADRATIC = LinearRegression([0.0, 1.0, 2.0, 3.0], [1.0, 2.0, 2.5, 4.5])


@pytest.mark.parametrize(
    ("kwargs", "param", "allowed"),
    [
        ({"theta0": [0.0]}, "theta0", "a finite vector of length 2"),
        ({"steps": 0}, "steps", r"an int in the range \[1, 100000\]"),
        ({"lrs": []}, "len(lrs)", r"an int in the range \[1, 1000\]"),
    ],
)
def test_sweep_refuses_arguments_by_name(kwargs, param, allowed):
    kwargs = {"theta0": [0.0, 0.0], "lrs": [0.01], **kwargs}
    value = len(kwargs["lrs"]) if param == "len(lrs)" else kwargs[param]
    with pytest.raises(ValueError, match=refused("sweep", re.escape(param), allowed, value)):
        sweep(QUADRATIC, **kwargs)


def test_a_sweep_takes_1000_steps_by_default():
    result = sweep(QUADRATIC, [0.0, 0.0], [1e-7])
    assert result.max_steps == 1000 and result.n_steps.tolist() == [1000]
    np.testing.assert_array_equal(
        result.final_thetas[0], descend(QUADRATIC, [0.0, 0.0], 1e-7, 1000).theta
    )


class Ridge:
    """θ ↦ (1 − α)θ (the gradient is θ) with J(θ) = 1 − θ² on the view [0, 1], for a batch of
    rates: from θ₀ = 1 (J₀ = 0) a step of α = 1 lands on θ = 0, where J = 1 and ∇J = 0."""

    n_params = 1
    cost_span = (0.0, 1.0)

    def cost_value(self, theta):
        return 1.0 - np.asarray(theta, dtype=np.float64)[..., 0] ** 2

    def gradient(self, theta):
        return np.asarray(theta, dtype=np.float64)

    def cost_and_gradient(self, theta):
        return self.cost_value(theta), self.gradient(theta)

    def affine_step(self, lr):
        lr = np.asarray(lr, dtype=np.float64)
        return (1.0 - lr)[..., None, None], np.zeros((*lr.shape, 1))


class Half:
    """J(θ) = ½θ² (J* = 0 at θ* = 0) for a batch of rates: θ ↦ (1 − α)θ."""

    n_params = 1
    min_cost = 0.0
    theta_star = np.zeros(1)

    def cost_value(self, theta):
        return 0.5 * np.asarray(theta, dtype=np.float64)[..., 0] ** 2

    def gradient(self, theta):
        return np.asarray(theta, dtype=np.float64)

    def cost_and_gradient(self, theta):
        return self.cost_value(theta), self.gradient(theta)

    def affine_step(self, lr):
        lr = np.asarray(lr, dtype=np.float64)
        return (1.0 - lr)[..., None, None], np.zeros((*lr.shape, 1))


@pytest.mark.parametrize(
    ("problem", "theta0"), [(Ridge(), 1.0), (Half(), 8.0)], ids=["high edge", "low edge"]
)
def test_a_row_that_converges_on_an_edge_of_the_band_has_converged(problem, theta0):
    # With factor 1 the band is J₀ ± (highest − lowest J known): Ridge's [−1, 1] is reached
    # at its top, Half's [0, 64] (J₀ = 32, J* = 0) at its bottom, both with ∇J = 0.
    result = sweep(problem, [theta0], [1.0, 0.5], 10, divergence_factor=1.0)
    for row, lr in enumerate([1.0, 0.5]):
        run = descend(problem, [theta0], lr, 10, divergence_factor=1.0)
        assert result.statuses[row] == run.status and result.n_steps[row] == run.n_steps
        np.testing.assert_array_equal(result.final_costs[row], run.cost)
    assert (result.statuses[0], result.n_steps[0]) == ("converged", 1)


def test_the_sweep_csv_names_its_columns_and_writes_numbers_as_python_does():
    result = sweep(QUADRATIC, [0.0, 0.0], [1e-3, 0.05], 30, tol=1e-3)
    lines = result.to_csv().splitlines()
    header = ["alpha", "status", "steps", "final J", "steps to J-J* <= 0.001(J0-J*)",
              "measured contraction"]  # fmt: skip
    assert lines[0].split(",") == header
    for row, line in enumerate(lines[1:]):
        fields = line.split(",")
        assert fields[0] == f"{result.lrs[row]:.17g}"
        assert fields[3] == f"{result.final_costs[row]:.17g}"
        assert fields[5] == f"{result.distance_ratio[row]:.17g}"


@pytest.mark.parametrize(
    ("kwargs", "param", "allowed", "value"),
    [
        (
            {"lrs": [0.01, -1.0, 0.0]},
            "lrs",
            r"a finite float in the range \(0, 1e\+12\]",
            np.float64(-1.0),
        ),
        (
            {"lrs": [0.01, 0.0]},
            "lrs",
            r"a finite float in the range \(0, 1e\+12\]",
            np.float64(0.0),
        ),
        ({"lrs": [2e12]}, "lrs", r"a finite float in the range \(0, 1e\+12\]", np.float64(2e12)),
        ({"tol": -0.1}, "tol", r"a finite float in the range \[0, 1\]", -0.1),
        ({"tol": 1.5}, "tol", r"a finite float in the range \[0, 1\]", 1.5),
    ],
)
def test_sweep_refuses_rates_and_tolerances_by_name(kwargs, param, allowed, value):
    # The message names the first rate out of range (as the numpy float it was read as).
    kwargs = {"theta0": [0.0, 0.0], "lrs": [0.01], **kwargs}
    with pytest.raises(ValueError, match=refused("sweep", param, allowed, value)):
        sweep(QUADRATIC, **kwargs)


def test_the_largest_rate_is_accepted():
    assert sweep(QUADRATIC, [0.0, 0.0], [1e12], 5).statuses == ("diverged",)


def test_counts_are_integers_and_rates_floats():
    result = sweep(Half(), [8.0], [1, 2], 5)  # rates given as ints
    assert result.lrs.dtype == np.float64 and result.lrs.tolist() == [1.0, 2.0]
    for counts in (result.n_steps, result.diverged_at, result.steps_to_reach):
        assert counts.dtype == np.int64


def test_steps_to_reach_without_a_known_minimum_count_from_zero():
    # Ridge gives no J*: the excess is measured from 0. From θ₀ = ½ (J₀ = ¾), α = 0.5 halves θ,
    # so J = 1 − θ² rises towards 1 and never falls to tol·¾.
    tol = 1e-3
    result = sweep(Ridge(), [0.5], [0.5], 20, tol=tol)
    run = descend(Ridge(), [0.5], 0.5, 20)
    arrived = np.flatnonzero(run.costs - 0.0 <= tol * (run.costs[0] - 0.0))
    assert result.steps_to_reach[0] == (arrived[0] if arrived.size else -1) == -1


def test_a_run_that_starts_on_target_has_reached_it_at_step_0():
    # A J* equal to J₀: the excess is 0 from the start (the first step cannot count).
    class OnTarget(Half):
        min_cost = 32.0  # J(8) = 32

    result = sweep(OnTarget(), [8.0], [0.5], 10, divergence_factor=1e300)
    assert result.steps_to_reach.tolist() == [0]


def test_an_arrival_exactly_on_target_at_the_last_step_counts():
    # J = 32·¼ᵏ at α = ½ from θ₀ = 8; with tol = 1/64 the target tol·(J₀ − J*) = ½ is J₃.
    result = sweep(Half(), [8.0], [0.5], 3, tol=1 / 64)
    costs = [32.0 * 0.25**k for k in range(4)]
    assert costs[3] == (1 / 64) * (costs[0] - 0.0)
    assert result.steps_to_reach.tolist() == [3]


class Undefined(Half):
    """½θ², but J and ∇J are NaN once |θ| > 10⁶ (a cost undefined far out)."""

    def cost_and_gradient(self, theta):
        cost, grad = super().cost_and_gradient(theta)
        far = np.abs(np.asarray(theta)[..., 0]) > 1e6
        return np.where(far, np.nan, cost), np.where(far[..., None], np.nan, grad)


def test_a_row_whose_cost_becomes_nan_has_diverged_as_its_run_has():
    # α = 3 sends θ ↦ −2θ; the band is wide open, so only the NaN can stop the run.
    result = sweep(Undefined(), [1.0], [3.0, 0.5], 100, divergence_factor=1e300)
    run = descend(Undefined(), [1.0], 3.0, 100, divergence_factor=1e300)
    first_nan = next(k for k in range(1, 100) if 2.0**k > 1e6)
    assert run.status == "diverged" and run.diverged_at == first_nan
    assert result.statuses[0] == "diverged" and result.diverged_at[0] == first_nan
    assert result.n_steps[0] == run.n_steps == first_nan - 1


def test_small_numbers_in_the_sweep_csv_are_written_as_python_does():
    # J = 32·¼ᵏ at α = ½ from θ₀ = 8: after 30 steps J ≈ 2.8e-17, written with an exponent.
    result = sweep(Half(), [8.0], [0.5], 30)
    fields = result.to_csv().splitlines()[1].split(",")
    assert fields[3] == f"{result.final_costs[0]:.17g}" and "e-" in fields[3]


def test_progress_counts_towards_the_steps_asked_for():
    calls = []
    sweep(QUADRATIC, [0.0, 0.0], [1e-7, 1e-6], 150, progress=lambda k, n: calls.append((k, n)))
    assert calls and all(n == 150 for _, n in calls)
    assert calls[-1] == (150, 150)
