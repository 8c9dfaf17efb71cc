"""‖∇J‖ without overflow or underflow, against math.hypot and exact rational arithmetic."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdlab import LinearRegression, descend
from gdlab.running.descent import gradient_norm
from gdlab.running.schedules import Constant
from gdlab.running.sweep import sweep

EPS = float(np.finfo(np.float64).eps)

# Any finite float, subnormals and zeros included, in vectors of 1 to 5 components.
COMPONENTS = st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=True)
VECTORS = st.lists(COMPONENTS, min_size=1, max_size=5)


def exact_relative_error(norm: float, vector: list[float]) -> float:
    """|norm² − Σvⱼ²| / Σvⱼ², exactly."""
    squares = sum(Fraction(v) ** 2 for v in vector)
    if squares == 0:
        return 0.0 if norm == 0 else math.inf
    return float(abs(Fraction(norm) ** 2 - squares) / squares)


@settings(max_examples=500, deadline=None)
@given(VECTORS)
def test_the_norm_of_any_finite_vector_is_accurate(vector):
    norm = float(gradient_norm(np.array(vector)))
    reference = math.hypot(*vector)
    if math.isinf(reference):  # the norm itself is above the largest float
        assert math.isinf(norm)
        return
    assert math.isfinite(norm)
    assert norm == pytest.approx(reference, rel=4 * len(vector) * EPS, abs=5e-324)
    if reference >= 2.0**-1000:  # far enough above the subnormals for a relative error
        assert exact_relative_error(norm, vector) <= 8 * len(vector) * EPS


@pytest.mark.parametrize(
    "vector",
    [
        [3e154, 4e154],  # the squares overflow, the norm (5e154) does not
        [1e200, 1e200, 1e200],
        [1.5e308, 1e307],
        [3e-170, 4e-170],  # the squares underflow to zero, the norm does not
        [5e-324, 5e-324],
        [1e-200, 1e200],
    ],
)
def test_huge_and_tiny_components(vector):
    norm = float(gradient_norm(np.array(vector)))
    assert norm == pytest.approx(math.hypot(*vector), rel=4 * EPS, abs=0)


def test_zeros_infinities_and_nans():
    assert gradient_norm(np.zeros(3)) == 0.0
    assert gradient_norm(np.array([np.inf, 1.0])) == np.inf
    assert gradient_norm(np.array([-np.inf, 1e300])) == np.inf
    assert np.isnan(gradient_norm(np.array([np.nan, 1.0])))
    assert gradient_norm(np.array([1.5e308, 1.5e308])) == np.inf  # 2.1e308 is not a float


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(COMPONENTS, min_size=3, max_size=3), min_size=1, max_size=6))
def test_a_row_of_a_batch_gets_the_norm_it_gets_alone(rows):
    batch = np.array(rows)
    norms = gradient_norm(batch)
    assert norms.shape == (len(rows),)
    for row, norm in zip(batch, norms, strict=True):
        assert float(gradient_norm(row)) == float(norm)
    stacked = gradient_norm(batch[None, :, :].repeat(2, axis=0))
    np.testing.assert_array_equal(stacked, np.stack([norms, norms]))


# J(θ) = 2⁸⁰θ² (x = 2⁴⁰ twice, y = 0, no intercept): ∇J = 2⁸¹θ, and α = 2⁻⁸² halves θ exactly
# every step. From θ₀ = 2⁴⁶⁰, J₀ = 2¹⁰⁰⁰ is finite but ‖∇J₀‖ = 2⁵⁴¹ ≈ 7e162, whose square, like
# the tolerance's (1e-8·2⁵⁴¹)², overflows. The first k with 2⁻ᵏ ≤ 1e-8 is 27, as in any units.
STEEP = LinearRegression([2.0**40, 2.0**40], [0.0, 0.0], intercept=False)


def test_a_run_with_huge_gradients_converges_at_the_same_step_in_every_path():
    k = next(k for k in range(100) if 2.0**-k <= 1e-8)
    assert k == 27
    assert STEEP.cost_value(np.array([2.0**460])) == 2.0**1000
    with pytest.raises(OverflowError):  # the squared tolerance is not a float
        (1e-8 * 2.0**541) ** 2
    for lr in (2.0**-82, Constant(2.0**-82)):
        trace = descend(STEEP, 2.0**460, lr, 1000)
        assert (trace.status, trace.n_steps) == ("converged", k)
        assert trace.grad_norms[0] == 2.0**541
        assert trace.theta[0] == 2.0 ** (460 - k)
    assert sweep(STEEP, 2.0**460, [2.0**-82], 1000).n_steps.tolist() == [k]
