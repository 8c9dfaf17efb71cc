import math

import numpy as np
import pytest

from gdlab import LinearRegression, descent_slice, numerical_derivative, tangent
from gdlab.derivatives import central_step, forward_derivative


@pytest.mark.parametrize("x", [-3.0, 0.7, 2.0, 25.0])
def test_central_differences_beat_forward_ones(x):
    central = abs(numerical_derivative(math.sin, x) - math.cos(x))
    forward = abs(forward_derivative(math.sin, x) - math.cos(x))
    assert central < 1e-8
    assert forward < 1e-6
    assert central < forward


def test_central_step_scales_with_x():
    assert central_step(0.0) == central_step(1.0) == pytest.approx(6.06e-6, rel=1e-2)
    assert central_step(1e4) == pytest.approx(1e4 * central_step(1.0))


def test_tangent_segment_lies_on_the_tangent_line():
    t = tangent(theta=2.0, value=5.0, slope=-3.0, half_width=0.5)
    assert t.segment_theta == (1.5, 2.5)
    assert t.segment_cost == (6.5, 3.5)


def test_descent_slice_turns_a_step_into_a_1d_move(three_points):
    problem = LinearRegression(*three_points)
    theta = np.array([0.0, 0.0])
    grad = problem.gradient(theta)
    cut = descent_slice(problem.cost_value, problem.gradient, theta)
    assert cut.slope(0.0) == pytest.approx(-np.linalg.norm(grad))
    lr = 0.05
    landing = lr * np.linalg.norm(grad)
    assert cut.value(landing) == pytest.approx(problem.cost_value(theta - lr * grad))
    assert cut.value(np.array([0.0, landing])).shape == (2,)
    assert cut.slope(0.3) == pytest.approx(numerical_derivative(lambda t: cut.value(t), 0.3))


def test_descent_slice_at_the_minimum_still_has_a_direction(three_points):
    problem = LinearRegression(*three_points)
    cut = descent_slice(problem.cost_value, problem.gradient, problem.theta_star)
    assert np.linalg.norm(cut.direction) == pytest.approx(1.0)


def test_the_v_of_truncation_against_round_off():
    from gdlab.derivatives import EPS, derivative_errors

    errors = derivative_errors(math.exp, math.exp(1.0), 1.0)
    # Bottoms of the V near the documented steps ε^(1/3) and √ε (within a factor of ~30).
    assert EPS ** (1 / 3) / 30 < errors.best_central_step < EPS ** (1 / 3) * 30
    assert EPS**0.5 / 30 < errors.best_forward_step < EPS**0.5 * 30
    assert errors.central.min() < 1e-9 < errors.forward.min() < 1e-6
    # Left arm: round-off grows like ε/h; right arm: truncation like h (forward) and h² (central).
    assert errors.forward[0] > 1e-3 and errors.central[0] > 1e-3
    big = errors.steps > 1e-3
    slope_forward = np.polyfit(np.log(errors.steps[big]), np.log(errors.forward[big]), 1)[0]
    slope_central = np.polyfit(np.log(errors.steps[big]), np.log(errors.central[big]), 1)[0]
    assert slope_forward == pytest.approx(1.0, abs=0.1)
    assert slope_central == pytest.approx(2.0, abs=0.1)
