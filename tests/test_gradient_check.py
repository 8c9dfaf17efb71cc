"""Gradient checks at their default tolerance, on gradients that are right, slightly wrong, or
zero, with relative errors computed by hand."""

import math

import numpy as np
import pytest

from gdlab.derivatives import (
    EPS,
    GradientCheck,
    central_step,
    check_gradient,
    derivative_errors,
    descent_slice,
    forward_derivative,
    forward_step,
    numerical_derivative,
    numerical_gradient,
    tangent,
)


def squares(theta):
    return float(np.sum(theta**2))


def test_passes_up_to_one_in_a_million_by_default():
    at = GradientCheck(np.ones(1), np.ones(1), 1e-6)
    above = GradientCheck(np.ones(1), np.ones(1), 1.0000001e-6)
    assert at.passed() and not above.passed()
    assert above.passed(tolerance=1e-5) and not at.passed(tolerance=0.9e-6)


def test_a_right_gradient_passes_with_a_round_off_error():
    check = check_gradient(squares, lambda t: 2 * t, np.array([1.0, -2.0, 0.5]))
    np.testing.assert_array_equal(check.analytic, [2.0, -4.0, 1.0])
    np.testing.assert_allclose(check.numerical, [2.0, -4.0, 1.0], rtol=1e-9)
    assert check.relative_error < 1e-9
    assert check.passed()


def test_the_relative_error_of_a_scaled_gradient():
    # Analytic (1 + δ)·g against g: ‖δg‖/((2 + δ)‖g‖) = δ/(2 + δ).
    theta = np.array([1.0, 2.0])
    for delta, passes in [(1e-3, False), (3e-6, False), (1e-7, True)]:
        check = check_gradient(squares, lambda t, d=delta: 2 * t * (1 + d), theta)
        assert check.relative_error == pytest.approx(delta / (2 + delta), rel=1e-3)
        assert check.passed() == passes


def test_a_gradient_with_a_wrong_sign():
    # a = −n: ‖2n‖/(2‖n‖) = 1.
    check = check_gradient(squares, lambda t: -2 * t, np.array([3.0]))
    assert check.relative_error == pytest.approx(1.0, rel=1e-9)


def test_zero_gradients_agree_exactly():
    check = check_gradient(squares, lambda t: 2 * t, np.zeros(2))
    assert check.relative_error == 0.0 and check.passed()
    wrong = check_gradient(squares, lambda t: t + 1.0, np.zeros(2))
    assert wrong.relative_error == 1.0  # ‖a‖/(‖a‖ + 0)


def test_results_are_read_only():
    check = check_gradient(squares, lambda t: 2 * t, np.array([1.0]))
    assert not check.analytic.flags.writeable and not check.numerical.flags.writeable


def test_steps_are_the_textbook_ones():
    assert central_step(0.5) == EPS ** (1 / 3)
    assert central_step(-1e3) == EPS ** (1 / 3) * 1e3
    assert forward_step(0.5) == math.sqrt(EPS)
    assert forward_step(-1e3) == math.sqrt(EPS) * 1e3


def test_differences_of_a_cubic_by_hand():
    # f = x³: the central difference is 3x² + h², the forward one 3x² + 3xh + h².
    def cube(x):
        return x**3

    h = 2.0**-10
    assert numerical_derivative(cube, 2.0, h) == pytest.approx(12.0 + h * h, rel=1e-13)
    assert forward_derivative(cube, 2.0, h) == pytest.approx(12.0 + 6 * h + h * h, rel=1e-13)
    assert numerical_derivative(cube, 2.0) == pytest.approx(12.0, rel=1e-9)
    assert forward_derivative(cube, 2.0) == pytest.approx(12.0, rel=1e-7)


def test_numerical_gradient_steps_each_coordinate_at_its_own_scale():
    # f = Σ max(θⱼ − cⱼ, 0)² at θ = c: the central difference is h²/2h = h/2, which shows
    # each coordinate's step h = ε^⅓·max(1, |cⱼ|).
    corner = np.array([1e3, 0.5, -4.0])

    def hinge(theta):
        return float(np.sum(np.maximum(theta - corner, 0.0) ** 2))

    gradient = numerical_gradient(hinge, corner)
    np.testing.assert_allclose(gradient, EPS ** (1 / 3) * np.array([1e3, 1.0, 4.0]) / 2, rtol=1e-9)


def test_integer_points_are_differenced_in_floating_point():
    gradient = numerical_gradient(squares, [1, 2])
    np.testing.assert_allclose(gradient, [2.0, 4.0], rtol=1e-9)
    check = check_gradient(squares, lambda t: 2 * t, [1, 2])
    assert check.analytic.dtype == np.float64 and check.passed()


def test_a_tangent_keeps_its_point_and_slope():
    line = tangent(2.0, 5.0, -3.0, 0.5)
    assert (line.theta, line.value, line.slope) == (2.0, 5.0, -3.0)
    assert line.segment_theta == (1.5, 2.5) and line.segment_cost == (6.5, 3.5)


def test_a_slice_along_a_small_gradient_is_its_unit_direction():
    # ‖∇J‖ = 0.5 < 1 still gives the direction −∇J/‖∇J‖.
    cut = descent_slice(lambda p: np.sum(p**2, axis=-1), lambda p: np.array([0.3, -0.4]), [0, 0])
    np.testing.assert_allclose(cut.direction, [-0.6, 0.8], rtol=1e-15)
    flat = descent_slice(lambda p: 0 * p[..., 0], lambda p: np.zeros(3), np.zeros(3))
    np.testing.assert_array_equal(flat.direction, [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(cut.points([0, 1]), [[0.0, 0.0], [-0.6, 0.8]])


def test_derivative_errors_use_the_steps_given_scaled_like_x():
    errors = derivative_errors(np.exp, math.exp(10.0), 10.0, steps=[1e-3, 1e-6])
    np.testing.assert_allclose(errors.steps, [1e-2, 1e-5], rtol=1e-15)
    assert errors.exact == math.exp(10.0) and isinstance(errors.exact, float)
    h = 1e-2  # central: e^x·(sinh h/h − 1)
    assert errors.central[0] == pytest.approx(math.exp(10.0) * (math.sinh(h) / h - 1), rel=1e-6)


def test_derivative_errors_default_steps():
    errors = derivative_errors(np.exp, math.exp(3.0), 3.0)
    np.testing.assert_allclose(errors.steps, 3.0 * np.geomspace(1e-14, 1e-1, 66), rtol=1e-15)
    small = derivative_errors(np.exp, 1.0, 0.0)
    np.testing.assert_allclose(small.steps, np.geomspace(1e-14, 1e-1, 66), rtol=1e-15)


def test_derivative_errors_outside_the_domain_are_nan_without_a_warning():
    # log at x = 0.05 with h up to 0.1 evaluates log of negative numbers.
    errors = derivative_errors(np.log, 20.0, 0.05)
    assert np.isnan(errors.central[-1]) and np.isfinite(errors.central[30])
