"""Runs that start where J₀ is so large that J₀·1e8 overflows: the divergence band must still
stop an infinite cost, on the block path, the step-by-step path and in a sweep alike.

J(θ) = θ² (x = (1, 1), y = 0, no intercept, MSE): ∇J = 2θ, so α = 1.5 maps θ to −2θ and α = 0.25
halves it, exactly in floating point. From θ₀ = 2⁵⁰⁰, J₀ = 2¹⁰⁰⁰ ≈ 1.07e301.
"""

import math

import numpy as np

from gdlab import LinearRegression, descend
from gdlab.running.schedules import Constant
from gdlab.running.sweep import sweep

SQUARE = LinearRegression([1.0, 1.0], [0.0, 0.0], intercept=False)
THETA0 = 2.0**500


def reference(factor: float, gtol: float = 1e-8, steps: int = 1000):
    """θ ← factor·θ in plain floats: the costs θ², then how the run ends (status, steps, the
    step that overflowed)."""
    theta, costs = THETA0, [THETA0 * THETA0]
    for k in range(1, steps + 1):
        theta = factor * theta
        cost = theta * theta
        if not math.isfinite(cost):
            return costs, "diverged", k - 1, k
        costs.append(cost)
        if abs(2 * theta) <= gtol * abs(2 * THETA0):
            return costs, "converged", k, None
    return costs, "max_steps", steps, None


def test_the_start_is_past_the_point_where_the_band_overflows():
    assert SQUARE.min_cost == 0.0 and SQUARE.cost_value(np.array([THETA0])) == 2.0**1000
    assert math.isinf(1e8 * 2.0**1000)


def test_a_diverging_run_from_a_huge_cost_stops_at_the_overflow_in_both_paths():
    costs, status, steps, overflowed = reference(-2.0)
    assert (status, steps, overflowed) == ("diverged", 11, 12)  # 2¹⁰²² is the last finite J
    for lr in (1.5, Constant(1.5)):
        trace = descend(SQUARE, THETA0, lr, 1000)
        assert (trace.status, trace.diverged_at, trace.n_steps) == (status, overflowed, steps)
        assert trace.costs.tolist() == costs
        assert "became too large to represent" in trace.message


def test_a_converging_run_from_a_huge_cost_converges_in_both_paths():
    costs, status, steps, _ = reference(0.5)
    assert status == "converged" and steps == 27  # 2⁻²⁷ ≤ 1e-8 < 2⁻²⁶
    for lr in (0.25, Constant(0.25)):
        trace = descend(SQUARE, THETA0, lr, 1000)
        assert (trace.status, trace.n_steps) == (status, steps)
        assert trace.costs.tolist() == costs


def test_a_sweep_from_a_huge_cost_agrees_with_the_runs():
    result = sweep(SQUARE, THETA0, [0.25, 1.5], 1000)
    assert result.statuses == ("converged", "diverged")
    assert result.n_steps.tolist() == [27, 11]
    assert result.diverged_at.tolist() == [-1, 12]
    assert result.final_costs.tolist() == [reference(0.5)[0][-1], reference(-2.0)[0][-1]]
