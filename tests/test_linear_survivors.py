"""What mutation testing of gdlab/models/linear.py found untested: the feature scaling's
numbers against numpy's own mean, std, min and max; the scaled transform when only one of
shift and scale is the identity's; the excess cost against an independent least-squares fit;
and the exact words of the errors a user reads.

Run `python tools/mutation.py models/linear` to see what is still left (README, "Mutation
testing"): the survivors are equivalent (a dtype that numpy infers anyway, a buffer reused
or not, a tolerance nothing sits on).
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from gdlab.models.linear import _CHUNK, FeatureScaling, LinearRegression


def test_standardizing_matches_numpy_over_many_chunks_far_from_zero():
    # Three chunks, and a mean far from 0: the one-pass sums about a centre must still give
    # numpy's two-pass mean and population standard deviation.
    x = 1e6 + np.random.default_rng(1).normal(0.0, 3.0, size=2 * _CHUNK + 123)
    scaler = FeatureScaling.fit(x, "standardize")
    assert scaler.method == "standardize"
    assert scaler.shift == pytest.approx(np.mean(x), rel=1e-14)
    assert scaler.scale == pytest.approx(np.std(x), rel=1e-9)
    z = scaler.transform(x)
    assert abs(np.mean(z)) < 1e-9 and np.std(z) == pytest.approx(1.0, rel=1e-9)


def test_min_max_scaling_is_the_minimum_and_the_range():
    x = np.array([5.0, 2.0, 9.0, 2.5])
    scaler = FeatureScaling.fit(x, "minmax")
    assert (scaler.method, scaler.shift, scaler.scale) == ("minmax", 2.0, 7.0)
    np.testing.assert_array_equal(scaler.transform(x), (x - 2.0) / 7.0)
    narrow = FeatureScaling.fit(np.array([0.25, 0.75]), "minmax")  # a range under 1 is kept
    assert narrow.scale == 0.5


@pytest.mark.parametrize("method", ["standardize", "minmax"])
def test_a_constant_feature_is_centred_exactly_and_left_unscaled(method):
    x = np.full(7, 0.1 + 0.2)  # 0.30000000000000004: a mean with rounding in it
    scaler = FeatureScaling.fit(x, method)
    assert scaler.shift == x[0] and scaler.scale == 1.0
    np.testing.assert_array_equal(scaler.transform(x), np.zeros(7))


def test_no_scaling_is_the_identity():
    scaler = FeatureScaling.fit(np.array([3.0, -1.0]), "none")
    assert (scaler.method, scaler.shift, scaler.scale) == ("none", 0.0, 1.0)


@pytest.mark.parametrize(
    "shift, scale, expected",
    [(0.5, 1.0, [1.0, 2.5]), (1.0, 1.0, [0.5, 2.0]), (0.0, 2.0, [0.75, 1.5])],
)
def test_the_transform_applies_whichever_of_shift_and_scale_is_not_the_identity(
    shift, scale, expected
):
    z = FeatureScaling("standardize", shift, scale).transform(np.array([1.5, 3.0]))
    np.testing.assert_array_equal(z, expected)


def test_a_bad_scaling_name_is_refused_in_words_that_name_the_function():
    with pytest.raises(ValueError, match=re.escape("The 'method' parameter of FeatureScaling.fit")):
        FeatureScaling.fit(np.array([1.0, 2.0]), "zscore")
    x, y = [1.0, 2.0, 3.0], [1.0, 2.0, 2.0]
    with pytest.raises(ValueError, match=re.escape("The 'scaling' parameter of LinearRegression")):
        LinearRegression(x, y, scaling="zscore")
    with pytest.raises(ValueError, match=re.escape("The 'cost' parameter of LinearRegression")):
        LinearRegression(x, y, cost="mae")


def test_data_too_extreme_for_floating_point_are_refused_with_the_fix():
    x = np.array([1e200, 2e200, 3e200])
    with pytest.raises(ValueError) as error:
        LinearRegression(x, np.array([1.0, 2.0, 3.0]))
    message = str(error.value)
    assert message.startswith("The data's magnitudes are too extreme to fit in floating point")
    assert message.endswith("Rescale them, for example by choosing other units, or standardize x.")


def test_integer_data_are_stored_as_floats_and_the_intercept_as_a_bool():
    problem = LinearRegression([1, 2, 3, 4], [2, 3, 5, 4], intercept=1)
    assert problem.x.dtype == np.float64 and problem.y.dtype == np.float64
    assert problem.intercept is True


@pytest.mark.parametrize("cost, factor", [("mse", 1.0), ("half_mse", 0.5)])
def test_the_excess_cost_is_j_minus_j_star_of_an_independent_fit(cost, factor):
    rng = np.random.default_rng(4)
    x = rng.uniform(0.0, 10.0, 40)
    y = 3.0 - 2.0 * x + rng.normal(0.0, 1.0, 40)
    problem = LinearRegression(x, y, cost=cost)
    design = np.column_stack([np.ones_like(x), x])
    best = np.linalg.lstsq(design, y, rcond=None)[0]
    j_star = factor * np.mean((design @ best - y) ** 2)
    thetas = np.array([[0.0, 0.0], [5.0, -1.0], [-2.0, 4.0]])
    costs = factor * np.mean((thetas @ design.T - y) ** 2, axis=-1)
    np.testing.assert_allclose(problem.excess_cost(thetas), costs - j_star, rtol=1e-10)
    assert problem.excess_cost(best) == pytest.approx(0.0, abs=1e-12)
