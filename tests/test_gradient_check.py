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
    forward_derivative,
    forward_step,
    numerical_derivative,
    numerical_gradient,
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
