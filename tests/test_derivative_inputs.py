"""Derivative tools given integers or float32: the callables see float64 θ, results are float64,
and the same numbers give the same answers as when given as float64."""

import math

import numpy as np
import pytest

from gdlab.derivatives import check_gradient, derivative_errors, descent_slice


def cubes(theta):
    return float(np.sum(theta**3))


class Recorder:
    """A cost's gradient 3θ² that remembers the dtypes it was called with."""

    def __init__(self, result_dtype=np.float64):
        self.seen = []
        self.result_dtype = result_dtype

    def __call__(self, theta):
        self.seen.append(np.asarray(theta).dtype)
        return (3.0 * np.asarray(theta, dtype=np.float64) ** 2).astype(self.result_dtype)


def test_check_gradient_gives_its_callables_float64_and_stores_float64():
    gradient = Recorder(result_dtype=np.float32)
    check = check_gradient(cubes, gradient, [1, -2, 3])  # integers
    assert gradient.seen == [np.float64]
    assert check.analytic.dtype == np.float64
    assert check.numerical.dtype == np.float64
    np.testing.assert_allclose(check.numerical, [3.0, 12.0, 27.0], rtol=1e-9)


def test_descent_slice_of_integer_theta_and_a_float32_gradient_is_float64_and_unit():
    # ∇J = 3θ² at θ = (1, 2) is (3, 12): the direction is −(3, 12)/√153, a unit vector to
    # float64 round-off even though the gradient came back in float32.
    gradient = Recorder(result_dtype=np.float32)
    piece = descent_slice(lambda p: np.sum(np.asarray(p) ** 3, axis=-1), gradient, [1, 2])
    assert gradient.seen == [np.float64]
    assert piece.origin.dtype == np.float64 and piece.direction.dtype == np.float64
    np.testing.assert_allclose(piece.direction, -np.array([3.0, 12.0]) / math.sqrt(153), rtol=1e-15)
    assert np.linalg.norm(piece.direction) == pytest.approx(1.0, abs=4e-16)


def test_derivative_errors_for_float32_steps_are_those_of_the_same_float64_steps():
    steps32 = np.geomspace(1e-8, 1e-2, 7).astype(np.float32)
    steps64 = steps32.astype(np.float64)
    x = 1.3
    got = derivative_errors(math.exp, math.exp(x), x, steps32)
    want = derivative_errors(math.exp, math.exp(x), x, steps64)
    assert got.steps.dtype == np.float64
    np.testing.assert_array_equal(got.steps, want.steps)
    np.testing.assert_array_equal(got.central, want.central)
    np.testing.assert_array_equal(got.forward, want.forward)
    # And the float64 run itself: (e^(x+h) − e^(x−h))/2h − e^x = e^x·(sinh h/h − 1) ≈ e^x·h²/6.
    big = want.steps[-1]
    assert want.central[-1] == pytest.approx(math.exp(x) * (math.sinh(big) / big - 1), rel=1e-6)
