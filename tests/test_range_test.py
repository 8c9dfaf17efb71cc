"""The learning-rate range test against a separately written one, on J = ½λ(θ − 3)² + 0.01."""

import math

import numpy as np
import pytest

from gdlab.figures import range_test_figure
from gdlab.running.sweep import range_test
from gdlab.theory import LearningRateTheory


class Parabola:
    n_params = 1

    def __init__(self, curvature: float):
        self.curvature = curvature

    def cost_value(self, theta):
        return 0.5 * self.curvature * (theta[0] - 3.0) ** 2 + 0.01

    def gradient(self, theta):
        return self.curvature * (theta - 3.0)


def reference(curvature, theta, lr_min, lr_max, steps, blowup=4.0):
    """Smith's test step by step in plain Python floats: rates, costs, stop, and the rate of
    the steepest fall of J against log α (central differences, one-sided at the ends, over the
    steps up to the lowest cost)."""

    def cost(theta):
        return 0.5 * curvature * (theta - 3.0) * (theta - 3.0) + 0.01

    best = cost(theta)
    rates, costs, stopped = [], [], None
    for k in range(steps):
        rate = lr_min * (lr_max / lr_min) ** (k / (steps - 1))
        theta = theta - rate * curvature * (theta - 3.0)
        value = cost(theta)
        if not math.isfinite(value):
            stopped = k
            break
        rates.append(rate)
        costs.append(value)
        best = min(best, value)
        if value > blowup * best:
            stopped = k
            break
    lowest = costs.index(min(costs))
    logs = [math.log(r) for r in rates[: lowest + 1]]
    if lowest <= 1:
        steepest = rates[0]
    else:
        slopes = [(costs[1] - costs[0]) / (logs[1] - logs[0])]
        for i in range(1, lowest):
            slopes.append((costs[i + 1] - costs[i - 1]) / (logs[i + 1] - logs[i - 1]))
        slopes.append((costs[lowest] - costs[lowest - 1]) / (logs[lowest] - logs[lowest - 1]))
        steepest = rates[slopes.index(min(slopes))]
    return rates, costs, stopped, steepest, rates[lowest] / 10


@pytest.mark.parametrize(
    ("curvature", "theta0", "lr_min", "lr_max", "steps"),
    [
        (1.0, 0.0, 1e-3, 10.0, 30),  # blows up past α = 2
        (1.0, 0.0, 1e-4, 1.0, 25),  # never blows up: the lowest cost is the last
        (50.0, -7.0, 1e-5, 1.0, 40),
        (0.2, 10.0, 1e-2, 100.0, 17),
        (1.0, 1e152, 1e-3, 1e9, 3),  # overflows at the second step: its cost is not kept
    ],
)
def test_matches_a_separate_implementation(curvature, theta0, lr_min, lr_max, steps):
    rates, costs, stopped, steepest, valley = reference(curvature, theta0, lr_min, lr_max, steps)
    result = range_test(Parabola(curvature), theta0, lr_min, lr_max, steps)
    np.testing.assert_allclose(result.lrs, rates, rtol=1e-13)
    np.testing.assert_allclose(result.costs, costs, rtol=1e-9)
    assert result.stopped_at == stopped
    assert result.steepest_lr == pytest.approx(steepest, rel=1e-13)
    assert result.valley_lr == pytest.approx(valley, rel=1e-13)


def test_the_blown_up_cost_is_recorded_and_ends_the_test():
    result = range_test(Parabola(1.0), 0.0, 1e-3, 10.0, 30)
    assert result.stopped_at == result.costs.size - 1
    assert result.costs[-1] > 4 * result.costs.min()
    assert np.all(result.costs[:-1] <= 4 * np.minimum.accumulate(result.costs[:-1]))


def test_a_lower_blowup_factor_stops_sooner():
    loose = range_test(Parabola(1.0), 0.0, 1e-3, 10.0, 30, blowup=100.0)
    tight = range_test(Parabola(1.0), 0.0, 1e-3, 10.0, 30, blowup=1.05)
    assert tight.stopped_at == reference(1.0, 0.0, 1e-3, 10.0, 30, blowup=1.05)[2]
    assert loose.stopped_at == reference(1.0, 0.0, 1e-3, 10.0, 30, blowup=100.0)[2]
    assert tight.stopped_at < loose.stopped_at


def test_blowup_is_measured_against_the_starting_cost_too():
    # θ₀ = 2: J₀ = 0.51; one step at α = 4 triples the distance, J = 4.51 > 4·0.51.
    result = range_test(Parabola(1.0), 2.0, 4.0, 8.0, 5)
    assert result.stopped_at == 0
    np.testing.assert_allclose(result.costs, [4.51], rtol=1e-15)


def test_when_the_first_steps_are_the_lowest_the_smallest_rate_is_the_steepest():
    # One step at α = 1 lands on θ = 3; larger rates only climb from there.
    result = range_test(Parabola(1.0), 0.0, 1.0, 1e4, 6)
    assert int(np.argmin(result.costs)) == 0
    assert result.steepest_lr == 1.0
    assert result.valley_lr == pytest.approx(0.1, rel=1e-15)


def test_a_first_step_that_overflows_ends_the_test_cleanly_and_says_so():
    # From θ₀ = 1e150 one step at α = 1e11 lands near −1e161, where J ≈ ½·1e322 overflows.
    theta = 1e150 - 1e11 * 1.0 * (1e150 - 3.0)
    assert not math.isfinite(0.5 * (theta - 3.0) * (theta - 3.0) + 0.01)
    result = range_test(Parabola(1.0), 1e150, 1e11, 1e12, 5)
    assert result.stopped_at == 0
    assert result.costs.size == 0 and result.lrs.size == 0
    assert result.steepest_lr is None and result.valley_lr is None
    assert result.message.startswith("The first step, at α = 10¹¹, already made the cost too")
    assert result.to_frame().empty
    # The figure of such a test draws no curve and no suggestion, rather than failing.
    theory = LearningRateTheory.from_hessian(np.array([[1.0]]))
    figure = range_test_figure(result, theory)
    assert not any("suggested" in (series.name or "") for series in figure.data)


def test_an_overflow_after_some_steps_is_named_in_the_message():
    _, costs, stopped, _, _ = reference(1.0, 1e152, 1e-3, 1e9, 3)
    result = range_test(Parabola(1.0), 1e152, 1e-3, 1e9, 3)
    assert result.stopped_at == stopped == len(costs) == 1
    assert "too large to represent" in result.message
    assert "at step 1 (α = 1000)" in result.message  # geomspace(1e-3, 1e9, 3)[1]
    blown = range_test(Parabola(1.0), 0.0, 1e-3, 10.0, 30)
    assert blown.message.endswith("when the cost exceeded 4× its lowest value.")
    assert range_test(Parabola(1.0), 0.0, 1e-4, 1.0, 25).message == (
        "The cost never blew up, all the way to α = 1."
    )
