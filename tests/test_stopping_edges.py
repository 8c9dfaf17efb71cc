"""The stopping rules at their edges, on runs whose every number is a power of two.

J(θ) = ½θ² (x = (1, 1), y = 0, no intercept, half MSE): ∇J = θ, and α = ½ halves θ every step,
exactly in floating point. So ‖∇J(θₖ)‖ = 2⁻ᵏ‖∇J(θ₀)‖, and a run with gtol = 2⁻ᵏ must converge at
exactly step k: the tolerance is gtol·‖∇J(θ₀)‖, reached with equality.
"""

import math

import numpy as np
import pytest

from gdlab import LinearRegression, descend, load_dataset
from gdlab.running.affine import BLOCK
from gdlab.running.schedules import Constant
from gdlab.running.sweep import sweep

HALF = LinearRegression([1.0, 1.0], [0.0, 0.0], intercept=False, cost="half_mse")


class HalfSquare:
    """½‖θ‖² written out, with a chosen round-off floor for ‖∇J‖ and no block steps."""

    def __init__(self, n_params=1, gradient_floor=0.0):
        self.n_params = n_params
        self.gradient_floor = gradient_floor

    def cost_value(self, theta):
        return 0.5 * float(np.dot(theta, theta))

    def gradient(self, theta):
        return np.array(theta, dtype=np.float64)


def runs(problem, theta0, lr, steps, **kwargs):
    """The block path (a float rate) and the step-by-step path (the same rate as a schedule)."""
    return descend(problem, theta0, lr, steps, **kwargs), descend(
        problem, theta0, Constant(lr), steps, **kwargs
    )


def test_the_problem_is_exact():
    assert HALF.min_cost == 0.0 and HALF.gradient_floor == 0.0
    assert BLOCK == 64
    trace = descend(HALF, 1.0, 0.5, 10, gtol=0.0)
    np.testing.assert_array_equal(trace.thetas[:, 0], 2.0 ** -np.arange(11))
    np.testing.assert_array_equal(trace.costs, 0.5 * 4.0 ** -np.arange(11))


@pytest.mark.parametrize("k", [1, 3, 63, BLOCK, BLOCK + 1, 2 * BLOCK, 2 * BLOCK + 1, 200])
def test_converges_at_the_step_where_the_gradient_meets_the_tolerance(k):
    for trace in runs(HALF, 3.0, 0.5, 1000, gtol=2.0**-k):
        assert trace.status == "converged"
        assert trace.n_steps == k
        assert trace.theta[0] == 3.0 * 2.0**-k
        assert trace.grad_norms[-1] == 2.0**-k * trace.grad_norms[0]


@pytest.mark.parametrize("k", [5, BLOCK - 1, BLOCK, BLOCK + 1])
def test_a_tolerance_a_hair_below_takes_one_more_step(k):
    for trace in runs(HALF, 3.0, 0.5, 1000, gtol=2.0**-k * (1 - 2.0**-30)):
        assert (trace.status, trace.n_steps) == ("converged", k + 1)
    for trace in runs(HALF, 3.0, 0.5, 1000, gtol=2.0**-k * (1 + 2.0**-30)):
        assert (trace.status, trace.n_steps) == ("converged", k)


@pytest.mark.parametrize("k", [BLOCK, BLOCK + 1, 2 * BLOCK])
def test_running_out_of_steps_at_the_convergence_step_still_converges(k):
    for trace in runs(HALF, 3.0, 0.5, k, gtol=2.0**-k):
        assert (trace.status, trace.n_steps) == ("converged", k)
    for trace in runs(HALF, 3.0, 0.5, k - 1, gtol=2.0**-k):
        assert (trace.status, trace.n_steps) == ("max_steps", k - 1)


def test_a_start_at_the_minimum_takes_no_step():
    for trace in runs(HALF, 0.0, 0.5, 100):
        assert (trace.status, trace.n_steps) == ("converged", 0)
        assert trace.message == "Converged after 0 steps: ‖∇J‖ fell below 1e-08× its start."


def test_the_tolerance_of_a_vector_gradient_is_its_euclidean_norm():
    # ∇J(θ₀) = (3, 4): ‖·‖ = 5, so gtol = 2⁻⁶/5·(1 ± ε) converges at step 6 or 7, exactly
    # when 5·2⁻ᵏ ≤ 5·gtol, whatever the norm's rounding.
    problem = HalfSquare(n_params=2)
    assert descend(problem, [3.0, 4.0], Constant(0.5), 100, gtol=2.0**-6).n_steps == 6
    assert descend(problem, [3.0, 4.0], Constant(0.5), 100, gtol=2.0**-6 * 0.999).n_steps == 7


def test_the_round_off_floor_stops_a_run_that_gtol_alone_would_not():
    # ‖∇J‖ = 2⁻ᵏ; with a floor of 2⁻¹⁰ the run stops at step 10 even with gtol = 0.
    problem = HalfSquare(gradient_floor=2.0**-10)
    trace = descend(problem, 1.0, Constant(0.5), 100, gtol=0.0)
    assert (trace.status, trace.n_steps) == ("converged", 10)
    # The larger of the two wins: gtol·‖∇J₀‖ = 2⁻⁵ stops it at step 5.
    assert descend(problem, 1.0, Constant(0.5), 100, gtol=2.0**-5).n_steps == 5


def test_a_first_gradient_too_large_to_measure_leaves_only_the_floor():
    # ‖(1.5e308, 1.5e308)‖ overflows, so gtol·‖∇J₀‖ means nothing and the floor (1) decides:
    # θ halves each step until ‖θ‖ ≤ 1.
    class Flat(HalfSquare):
        def cost_value(self, theta):
            return 1.0

    theta, steps = 1.5e308, 0
    while math.hypot(theta, theta) > 1.0:
        theta, steps = theta / 2, steps + 1
    assert math.isinf(math.hypot(1.5e308, 1.5e308)) and steps == 1025
    trace = descend(Flat(n_params=2, gradient_floor=1.0), [1.5e308, 1.5e308], 0.5, 2000)
    assert (trace.status, trace.n_steps) == ("converged", steps)


def test_overflow_on_the_first_step_is_diverged_at_step_one_in_both_paths():
    # α = 1 + 2³⁹ sends θ = 2⁴⁷⁴ (J = 2⁹⁴⁷) to −2⁵¹³, whose cost 2¹⁰²⁵ is not a float.
    for trace in runs(HALF, 2.0**474, 1.0 + 2.0**39, 10):
        assert (trace.status, trace.diverged_at, trace.n_steps) == ("diverged", 1, 0)
        assert trace.costs.tolist() == [2.0**947]
        assert "became too large to represent" in trace.message


def test_overflow_later_in_the_step_by_step_path_names_the_step():
    # Each step multiplies θ by −2³⁹; with an infinite band only overflow stops the run:
    # J = ½θ² = 2⁷⁸ᵏ⁻¹ is finite up to step 13 and overflows at step 14.
    problem = HalfSquare()
    trace = descend(problem, 1.0, Constant(1.0 + 2.0**39), 20, divergence_factor=math.inf)
    assert (trace.status, trace.diverged_at, trace.n_steps) == ("diverged", 14, 13)
    assert abs(trace.theta[0]) == 2.0 ** (39 * 13)
    assert trace.message.startswith("Diverged at step 14: the cost became too large")


def test_a_sweep_row_that_overflows_at_once_keeps_its_start():
    result = sweep(HALF, 2.0**474, [0.5, 1.0 + 2.0**39], 200, gtol=2.0**-70)
    assert result.statuses == ("converged", "diverged")
    assert result.n_steps.tolist() == [70, 0]
    assert result.diverged_at.tolist() == [-1, 1]
    assert result.final_costs.tolist() == [2.0**807, 2.0**947]  # J₀, not a block's cost
    assert result.final_thetas[:, 0].tolist() == [2.0**404, 2.0**474]


@pytest.mark.parametrize("k", [1, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK + 1])
def test_a_sweep_row_converges_at_the_same_step_as_a_run(k):
    result = sweep(HALF, 3.0, [0.5, 0.25], 1000, gtol=2.0**-k)
    assert result.statuses[0] == "converged"
    assert result.n_steps[0] == k
    assert result.final_thetas[0, 0] == 3.0 * 2.0**-k
    assert result.final_costs[0] == 0.5 * 9.0 * 4.0**-k


@pytest.mark.parametrize("scale_exponent", [-300, -480])
def test_data_in_tiny_units_stop_at_the_same_step(scale_exponent):
    # y·2ᵉ scales θ, ∇J and every tolerance by 2ᵉ exactly (J by 2²ᵉ): the same run, in other units.
    cars = load_dataset("cars")
    scale = 2.0**scale_exponent
    plain = LinearRegression(cars.x, cars.y, scaling="minmax")
    tiny = LinearRegression(cars.x, cars.y * scale, scaling="minmax")
    for lr in (0.3, Constant(0.3)):
        reference = descend(plain, [0.0, 0.0], lr, 5000)
        trace = descend(tiny, [0.0, 0.0], lr, 5000)
        assert reference.status == "converged" and 100 < reference.n_steps < 5000
        assert (trace.status, trace.n_steps) == (reference.status, reference.n_steps)
        np.testing.assert_allclose(trace.thetas, reference.thetas * scale, rtol=1e-12)
    rows = sweep(tiny, [0.0, 0.0], [0.1, 0.3], 5000)
    assert rows.n_steps.tolist() == [
        descend(plain, [0.0, 0.0], lr, 5000).n_steps for lr in (0.1, 0.3)
    ]


# -- a sweep's arrivals and measured contraction on the same exact run -------------------------


def reach_step(factor_per_step: float, tol: float) -> int:
    """The first k with J − J* ≤ tol·(J₀ − J*) when the excess shrinks ×factor per step."""
    k, excess = 0, 1.0
    while excess > tol:
        k, excess = k + 1, excess * factor_per_step
    return k


@pytest.mark.parametrize("tol", [1e-6, 4.0**-69, 4.0**-70])
def test_an_arrival_up_to_the_stop_is_kept(tol):
    # α = ½ shrinks the excess ×¼ per step; the run converges at step 70 (gtol = 2⁻⁷⁰).
    result = sweep(HALF, 1.0, [0.5], 200, tol=tol, gtol=2.0**-70)
    assert result.n_steps[0] == 70
    assert result.steps_to_reach[0] == reach_step(0.25, tol) <= 70


def test_an_arrival_after_the_stop_is_forgotten():
    # The stop is at step 70, inside a block that would have arrived at step 72.
    result = sweep(HALF, 1.0, [0.5], 200, tol=4.0**-72, gtol=2.0**-70)
    assert result.n_steps[0] == 70
    assert result.steps_to_reach[0] == -1


def test_arrivals_of_rows_that_keep_running():
    # α = ¼: θ shrinks ×¾, the excess ×9/16.
    result = sweep(HALF, 1.0, [0.25, 0.5], 100, tol=1e-6, gtol=0.0)
    assert result.statuses == ("max_steps", "max_steps")
    assert result.steps_to_reach.tolist() == [reach_step(9 / 16, 1e-6), reach_step(0.25, 1e-6)]


@pytest.mark.parametrize(("gtol", "steps"), [(2.0**-3, 3), (2.0**-10, 10), (2.0**-70, 70)])
def test_the_measured_contraction_of_a_row_that_stopped(gtol, steps):
    # θ halves every step: the geometric mean of the last min(steps, 10) ratios is ½. The
    # second row overflows on its first step (see above) and has no ratio to measure.
    result = sweep(HALF, 2.0**474, [0.5, 1.0 + 2.0**39], 200, gtol=gtol)
    assert result.n_steps[0] == steps
    assert result.distance_ratio[0] == pytest.approx(0.5, rel=1e-14)
    assert np.isnan(result.distance_ratio[1])  # no step taken


def test_the_measured_contraction_of_rows_that_ran_every_step():
    result = sweep(HALF, 1.0, [0.25, 0.5, 0.75], 5, gtol=0.0)
    np.testing.assert_allclose(result.distance_ratio, [0.75, 0.5, 0.25], rtol=1e-14)
    result = sweep(HALF, 1.0, [0.25, 0.5, 0.75], 100, gtol=0.0, tol=0.0)
    np.testing.assert_allclose(result.distance_ratio, [0.75, 0.5, 0.25], rtol=1e-12)


# -- both paths agree where the numbers are not powers of two ---------------------------------


def test_with_gtol_zero_a_run_still_stops_at_the_round_off_floor_in_both_paths():
    problem = LinearRegression([1.0, 2.0, 3.0], [1.0, 2.0, 2.0])
    assert problem.gradient_floor > 0
    block, loop = runs(problem, [0.0, 0.0], 0.1, 20000, gtol=0.0)
    assert block.status == loop.status == "converged"
    assert block.n_steps == loop.n_steps
    assert block.grad_norms[-1] <= problem.gradient_floor < block.grad_norms[-2]


def test_a_diverging_run_stops_at_the_same_step_in_both_paths():
    # α = 3 on ½θ²: θ is multiplied by −2 per step until J leaves the divergence band.
    block, loop = runs(HALF, 1.0, 3.0, 1000)
    assert block.status == loop.status == "diverged"
    assert block.diverged_at == loop.diverged_at == block.n_steps == loop.n_steps > 1
    for trace in (block, loop):
        assert np.all(np.isfinite(trace.costs))
        assert "became too large" not in trace.message
        assert trace.message.endswith(
            f"the trace ends at step {trace.n_steps}, its last finite step."
        )
