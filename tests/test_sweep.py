import numpy as np
import pytest

from gdlab import LinearRegression, descend, learning_rate_theory, load_dataset
from gdlab.sweep import range_test, sweep


@pytest.fixture(scope="module")
def cars_problems():
    cars = load_dataset("cars")
    return [
        LinearRegression(cars.x, cars.y, intercept=False),
        LinearRegression(cars.x, cars.y),
        LinearRegression(cars.x, cars.y, scaling="standardize", cost="half_mse"),
    ]


def test_a_sweep_gives_exactly_the_numbers_of_separate_runs(cars_problems):
    for problem in cars_problems:
        theory = learning_rate_theory(problem)
        rates = np.geomspace(1e-3, 1.3, 40) * theory.critical_lr
        theta0 = np.full(problem.n_params, 1.0)
        result = sweep(problem, theta0, rates, steps=400)
        for i, lr in enumerate(rates):
            trace = descend(problem, theta0, lr, 400)
            assert result.statuses[i] == trace.status
            assert result.n_steps[i] == trace.n_steps
            assert result.final_costs[i] == trace.cost  # bit for bit
            assert np.array_equal(result.final_thetas[i], trace.theta)
            assert result.diverged_at[i] == (trace.diverged_at or -1)


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
