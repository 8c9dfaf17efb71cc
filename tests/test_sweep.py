import numpy as np
import pytest

from gdlab import LinearRegression, descend, learning_rate_theory, load_dataset
from gdlab.running.sweep import range_test, sweep


@pytest.fixture(scope="module")
def cars_problems():
    cars = load_dataset("cars")
    return [
        LinearRegression(cars.x, cars.y, intercept=False),
        LinearRegression(cars.x, cars.y),
        LinearRegression(cars.x, cars.y, scaling="standardize", cost="half_mse"),
    ]


def _expected_from_a_run(trace, problem, tol, window=10):
    """steps to reach and measured contraction, from a separate run's full history."""
    excess = trace.costs - problem.min_cost
    arrived = np.flatnonzero(excess <= tol * excess[0])
    reach = int(arrived[0]) if arrived.size else -1
    span = min(trace.n_steps, window)
    distance = np.linalg.norm(trace.thetas - problem.theta_star, axis=1)
    with np.errstate(all="ignore"):
        ratio = (distance[-1] / distance[-1 - span]) ** (1 / span) if span else np.nan
    return reach, ratio


# Step counts on both sides of the 64-step blocks, and longer runs in which most rows stop.
@pytest.mark.parametrize("steps", [1, 10, 63, 64, 65, 130, 400])
def test_a_sweep_gives_exactly_the_numbers_of_separate_runs(cars_problems, steps):
    for problem in cars_problems:
        theory = learning_rate_theory(problem)
        rates = np.geomspace(1e-3, 1.3, 40) * theory.critical_lr
        theta0 = np.full(problem.n_params, 1.0)
        result = sweep(problem, theta0, rates, steps=steps)
        if steps >= 130:  # rows stop inside blocks, and are compacted away
            assert set(result.statuses) >= {"diverged", "max_steps"}
        for i, lr in enumerate(rates):
            trace = descend(problem, theta0, lr, steps)
            assert result.statuses[i] == trace.status
            assert result.n_steps[i] == trace.n_steps
            assert result.final_costs[i] == trace.cost  # bit for bit
            assert np.array_equal(result.final_thetas[i], trace.theta)
            assert result.diverged_at[i] == (trace.diverged_at or -1)
            reach, ratio = _expected_from_a_run(trace, problem, result.tol)
            assert result.steps_to_reach[i] == reach
            if np.isfinite(ratio):
                assert result.distance_ratio[i] == pytest.approx(ratio, rel=1e-12)
            else:
                assert np.isnan(result.distance_ratio[i])


def test_rows_that_converge_at_different_steps_each_match_their_run(cars_problems):
    problem = cars_problems[2]  # standardized: every row converges
    crit = learning_rate_theory(problem).critical_lr
    rates = np.linspace(0.05, 0.99, 60) * crit  # every row converges, each at its own step
    result = sweep(problem, [3.0, -2.0], rates, steps=3000)
    assert len(set(result.n_steps)) > 20 and set(result.statuses) == {"converged"}
    for i, lr in enumerate(rates):
        trace = descend(problem, [3.0, -2.0], lr, 3000)
        assert (result.n_steps[i], result.final_costs[i]) == (trace.n_steps, trace.cost)
        assert result.steps_to_reach[i] == _expected_from_a_run(trace, problem, result.tol)[0]


def test_a_sweep_from_the_minimum_stops_at_once(cars_problems):
    problem = cars_problems[0]
    result = sweep(problem, problem.theta_star, [1e-6, 1e-4], steps=100)
    assert result.statuses == ("converged", "converged")
    assert list(result.n_steps) == [0, 0] and list(result.steps_to_reach) == [0, 0]
    assert np.isnan(result.distance_ratio).all()


def test_steps_to_reach_and_measured_contraction_match_the_theory(cars_problems):
    problem = cars_problems[0]
    theory = learning_rate_theory(problem)
    rates = np.array([0.2, 0.5, 0.8, 0.95]) * theory.critical_lr
    result = sweep(problem, 0.0, rates, steps=2000, tol=1e-6)
    for i, lr in enumerate(rates):
        trace = descend(problem, 0.0, lr, 2000)
        excess = trace.costs - problem.min_cost
        expected = int(np.argmax(excess <= 1e-6 * excess[0]))
        assert result.steps_to_reach[i] == expected
        # One parameter: the error is multiplied by exactly |1 − αλ| each step.
        assert result.distance_ratio[i] == pytest.approx(theory.contraction(lr), rel=1e-6)


def test_never_reaching_is_minus_one_and_divergence_is_recorded(cars_problems):
    problem = cars_problems[0]
    crit = learning_rate_theory(problem).critical_lr
    result = sweep(problem, 0.0, [1e-7, 2 * crit], steps=50)
    assert result.steps_to_reach[0] == -1 and result.statuses[0] == "max_steps"
    assert result.statuses[1] == "diverged" and result.diverged_at[1] > 0
    assert np.all(np.isfinite(result.final_costs))


def test_progress_is_reported_up_to_the_end(cars_problems):
    seen = []
    sweep(cars_problems[0], 0.0, [1e-6, 1e-5], steps=500, progress=lambda k, n: seen.append(k))
    assert seen[-1] == 500 and seen == sorted(seen) and len(seen) >= 500 // 64


def test_sweep_to_csv(cars_problems):
    result = sweep(cars_problems[0], 0.0, [1e-4, 1e-3], steps=20)
    lines = result.to_csv().splitlines()
    assert lines[0].startswith("alpha,status,steps,final J")
    assert len(lines) == 3


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"lrs": []}, "'len\\(lrs\\)'"),
        ({"lrs": [0.1, -1.0]}, "'lrs' parameter of sweep"),
        ({"lrs": [np.nan]}, "'lrs'"),
        ({"steps": 0}, "'steps'"),
        ({"theta0": [1.0, 2.0]}, "'theta0'"),
    ],
)
def test_sweep_rejects_bad_arguments(cars_problems, kwargs, match):
    arguments = {"theta0": 0.0, "lrs": [0.001], "steps": 10, **kwargs}
    with pytest.raises(ValueError, match=match):
        sweep(cars_problems[0], **arguments)


def test_range_test_stops_when_the_cost_blows_up(cars_problems):
    problem = cars_problems[0]
    theory = learning_rate_theory(problem)
    result = range_test(problem, 0.0, 1e-7, 10.0, steps=100)
    assert result.stopped_at is not None
    assert result.costs[-1] > 4 * result.costs.min() or result.stopped_at < 99
    # It blows up somewhere past the critical rate, never before it.
    assert result.lrs[-1] > theory.critical_lr
    np.testing.assert_allclose(result.lrs, np.geomspace(1e-7, 10.0, 100)[: result.lrs.size])
    assert result.valley_lr == pytest.approx(result.lrs[np.argmin(result.costs)] / 10)
    assert 1e-7 <= result.steepest_lr <= result.lrs[np.argmin(result.costs)]


def test_a_step_too_large_to_represent_is_not_kept_as_in_a_run():
    # x ~ 1e60: one step at α = 1000 overflows J, so the run ends where it started.
    x, y = np.array([1e60, 2e60, 3e60]), np.array([1.0, 2.0, 3.0])
    problem = LinearRegression(x, y, intercept=False)
    result = sweep(problem, 1.0, [1e3, 1e-121], steps=10)
    for i, lr in enumerate([1e3, 1e-121]):
        trace = descend(problem, 1.0, lr, 10)
        assert result.statuses[i] == trace.status and result.n_steps[i] == trace.n_steps
        assert result.final_costs[i] == trace.cost
        assert result.diverged_at[i] == (trace.diverged_at or -1)
    assert result.statuses[0] == "diverged" and result.n_steps[0] == 0
    assert np.all(np.isfinite(result.final_costs))
