"""The verdict and the local curvature words of 'Your own cost', against Hessians written out
by hand and runs descended here."""

from __future__ import annotations

import numpy as np
import pytest

import gdlab
from gdlab.models.typed import CustomCost
from gdlab.number_format import number_text
from gdlab.teaching.own_cost_verdict import (
    LocalCurvature,
    curvature_words,
    judge_own_cost,
    local_curvature,
    local_limits,
)


def valley_hessian(theta0: float, theta1: float) -> np.ndarray:
    """∇²(θ₀² + 25θ₁²), by hand: constant."""
    return np.array([[2.0, 0.0], [0.0, 50.0]])


def two_minima_second(theta: float) -> float:
    """d²/dθ² (θ⁴ − 3θ² + θ) = 12θ² − 6, by hand."""
    return 12 * theta**2 - 6


@pytest.mark.parametrize("theta", [(2.5, 1.0), (0.0, 0.0), (-3.0, 0.4)])
def test_the_valley_local_limit_is_two_over_fifty(theta):
    cost = CustomCost.from_text("theta0**2 + 25*theta1**2", 2)
    reference = np.linalg.eigvalsh(valley_hessian(*theta))
    np.testing.assert_allclose(reference, [2.0, 50.0])
    curvature = local_curvature(cost.hessian_at(np.array(theta)))
    np.testing.assert_allclose(curvature.eigenvalues, reference)
    assert curvature.limit == pytest.approx(2 / reference[-1])
    assert curvature.limit == pytest.approx(0.04)


def test_the_limits_along_a_run_match_each_step_by_hand():
    cost = CustomCost.from_text("theta**4 - 3*theta**2 + theta", 1)
    trace = gdlab.descend(cost, [2.0], 0.02, 30)
    limits = local_limits(cost.hessian_at(trace.thetas))
    second = np.array([two_minima_second(t) for t in trace.thetas[:, 0]])
    expected = np.where(second > 0, 2 / np.where(second > 0, second, 1), np.nan)
    np.testing.assert_allclose(limits, expected)


def test_a_concave_point_has_no_local_limit():
    cost = CustomCost.from_text("theta**4 - 3*theta**2 + theta", 1)
    curvature = local_curvature(cost.hessian_at(np.array([0.0])))
    assert curvature.eigenvalues == pytest.approx((two_minima_second(0.0),))
    assert curvature.limit is None
    words = curvature_words(curvature, 0.02, "θ = 0")
    assert "no local limit" in words and "curves down or is flat in every direction" in words
    assert "above" not in words and "below" not in words


def test_a_saddle_limits_one_direction_only():
    cost = CustomCost.from_text("theta0**2 - theta1**2", 2)
    curvature = local_curvature(cost.hessian_at(np.array([1.5, 0.05])))
    assert curvature.limit == pytest.approx(1.0)
    words = curvature_words(curvature, 0.1, "the start")
    assert "below the local limit 2/λ_max = 1" in words
    assert "J curves down (λ = −2), curvature sets no local limit" in words


@pytest.mark.parametrize(
    ("lr", "phrase"),
    [
        (0.05, "is above the local limit"),
        (0.04, "equals the local limit"),
        (0.035, "is below the local limit"),
    ],
)
def test_alpha_against_the_limit_says_only_what_holds_near_here(lr, phrase):
    words = curvature_words(LocalCurvature((2.0, 50.0)), lr, "θ = (2.5, 1)")
    assert phrase in words and "near here" in words
    assert "diverge" not in words  # a local statement, not a prediction for the run


def test_no_second_derivative_means_no_limit():
    curvature = local_curvature(np.array([[np.nan]]))
    assert curvature.limit is None
    assert "no second derivative" in curvature_words(curvature, 0.1, "θ = 0")


def verdict_of(text, n_params, start, lr, steps, left_view_at=None):
    cost = CustomCost.from_text(text, n_params)
    trace = gdlab.descend(cost, start, lr, steps)
    limits = local_limits(cost.hessian_at(trace.thetas))
    final = local_curvature(cost.hessian_at(trace.theta))
    return trace, judge_own_cost(trace, lr, limits, final, left_view_at)


def test_a_converged_run_at_a_minimum():
    trace, verdict = verdict_of("theta0**2 + 25*theta1**2", 2, [2.5, 1.0], 0.035, 2000)
    assert trace.converged and verdict.kind == "converged"
    assert verdict.headline == f"converged in {trace.n_steps} steps"
    assert "a minimum" in verdict.detail


def test_a_run_that_stops_on_a_saddle_is_not_called_a_minimum():
    trace, verdict = verdict_of("theta0**2 - theta1**2", 2, [1.5, 0.0], 0.1, 500)
    assert trace.converged and verdict.kind == "converged"
    assert "saddle or a top, not a minimum" in verdict.detail


def test_a_diverging_run_names_the_step_where_alpha_passed_the_local_limit():
    trace, verdict = verdict_of("theta0**2 + 25*theta1**2", 2, [2.5, 1.0], 0.05, 500)
    assert trace.diverged and verdict.kind == "diverged"
    assert verdict.headline == f"diverged at step {trace.diverged_at}"
    assert "J grew" in verdict.detail
    assert f"From step 0, α = 0.05 was above the local limit 2/λ_max(θₖ) = {number_text(0.04)}" in (
        verdict.detail
    )


def test_a_cost_falling_without_bound_is_not_called_too_large_a_rate():
    trace, verdict = verdict_of("-theta**2", 1, [1.0], 0.1, 2000)
    assert trace.diverged and verdict.kind == "diverged"
    assert "fell without bound" in verdict.detail and "local limit" not in verdict.detail


def test_above_the_local_limit_at_the_start_yet_no_divergence():
    """θ⁴ from θ = 1: J'' = 12 there, so α = 0.2 > 2/12; the step lands at 0.2, where the
    curvature is small, and the run settles. The verdict must not call it a divergence."""
    cost = CustomCost.from_text("theta**4", 1)
    start = local_curvature(cost.hessian_at(np.array([1.0])))
    assert start.limit == pytest.approx(2 / 12) and start.limit < 0.2
    trace, verdict = verdict_of("theta**4", 1, [1.0], 0.2, 300)
    assert not trace.diverged
    assert verdict.kind in {"converged", "moving"}
    assert "diverg" not in verdict.headline + verdict.detail


def test_still_moving_and_left_the_view():
    trace, verdict = verdict_of("theta0**2 + 25*theta1**2", 2, [2.5, 1.0], 0.001, 5)
    assert trace.status == "max_steps" and verdict.kind == "moving"
    assert verdict.headline == "is still moving after 5 steps"
    trace, verdict = verdict_of("theta0**2 - theta1**2", 2, [1.5, 0.05], 0.1, 20, left_view_at=12)
    assert verdict.kind == "left view" and verdict.headline == "left the view at step 12"
