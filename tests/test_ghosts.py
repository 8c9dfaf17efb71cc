"""Ghosts (earlier runs drawn faintly) and the four regimes at a glance."""

import numpy as np
import plotly.graph_objects as go
import pytest

from gdlab import LinearRegression, descend, figures, learning_rate_theory, load_dataset
from gdlab.figures.four_regimes import MULTIPLES, STEPS


@pytest.fixture(scope="module")
def cars():
    data = load_dataset("cars")
    problem = LinearRegression(data.x, data.y, intercept=False)
    return problem, learning_rate_theory(problem)


def _run(problem, lr, steps=50):
    return descend(problem, np.zeros(problem.n_params), lr, steps)


def test_a_ghost_keeps_the_path_read_only_with_its_ends(cars):
    problem, theory = cars
    trace = _run(problem, 0.3 * theory.critical_lr, 2000)
    ghost = figures.ghost_of(trace, "earlier")
    assert ghost.steps[0] == 0 and ghost.steps[-1] == trace.n_steps
    assert ghost.steps.size <= 401
    assert np.array_equal(ghost.costs, trace.costs[ghost.steps])
    with pytest.raises(ValueError):
        ghost.thetas[0, 0] = 1.0


def test_ghosts_lie_under_the_run_on_the_cost_curve_and_only_inside_the_view(cars):
    problem, theory = cars
    current = _run(problem, 0.9 * theory.critical_lr)
    wild = figures.ghost_of(_run(problem, 1.1 * theory.critical_lr), "earlier α wild")
    calm = figures.ghost_of(_run(problem, 0.1 * theory.critical_lr), "earlier α calm")
    view = figures.parameter_view(problem, current)
    figure = figures.cost_curve_figure(problem, current, 3, view, (wild, calm))
    names = [t.hovertemplate or t.name for t in figure.data]
    assert names.index("earlier α wild<extra></extra>") < names.index("earlier steps")
    assert [t.showlegend for t in figure.data[1:3]] == [True, False]  # one legend entry
    for trace in figure.data[1:3]:
        assert trace.opacity < 1
        low, high = view.box[0]
        assert np.all((np.array(trace.x) >= low) & (np.array(trace.x) <= high))
    wild_trace = figure.data[1]
    assert len(wild_trace.x) < wild.steps.size  # it left the view, as its run did
    go.Figure(figure.to_dict())  # valid plotly


def test_a_ghost_history_is_drawn_as_its_excess_cost_like_the_run(cars):
    problem, theory = cars
    current = _run(problem, 0.9 * theory.critical_lr)
    slow = _run(problem, 0.01 * theory.critical_lr)
    ghost = figures.ghost_of(slow, "earlier α slow")
    figure = figures.history_figure(current, 0, problem.min_cost, True, (ghost,))
    drawn = next(t for t in figure.data if t.legendgroup == "ghosts")
    assert np.allclose(drawn.y, slow.costs - problem.min_cost, rtol=1e-9)
    assert figure.layout.yaxis.type == "log"
    ticks = figure.layout.yaxis.tickvals  # when set, they span the ghost as well
    if ticks:
        assert min(ticks) <= 10 * min(drawn.y) and max(ticks) >= max(drawn.y) / 10


def test_ghosts_with_costs_a_log_axis_cannot_show_are_left_out():
    data = load_dataset("women")
    problem = LinearRegression(data.x, data.y)
    trace = descend(problem, np.zeros(2), 1e-5, 5)
    odd = figures.Ghost("earlier α odd", np.arange(2), np.zeros((2, 2)), np.array([1.0, -1.0]))
    figure = figures.history_figure(trace, 0, None, True, (odd,))
    assert not [t for t in figure.data if t.legendgroup == "ghosts"]


@pytest.mark.parametrize("intercept", [False, True])
def test_the_four_regimes_show_four_trails_that_behave_as_named(cars, intercept):
    data = load_dataset("cars")
    problem = LinearRegression(data.x, data.y, intercept=intercept, scaling="standardize")
    theory = learning_rate_theory(problem)
    kinds = tuple(MULTIPLES)
    traces = [_run(problem, MULTIPLES[k] * theory.critical_lr, STEPS) for k in kinds]
    view = figures.parameter_view(problem, traces[kinds.index("oscillating")])
    figure = figures.four_regimes_figure(problem, traces, kinds, list(kinds), view)
    trails = {t.name: t for t in figure.data if t.name in kinds}
    assert set(trails) == set(kinds)
    # Along the steepest eigenvector the error is multiplied by 1 − αλ_max each step,
    # computed here from numpy's eigendecomposition of the Hessian.
    values, vectors = np.linalg.eigh(problem.hessian())
    steepest = vectors[:, -1]
    for kind, trace in zip(kinds, traces, strict=True):
        along = (trace.thetas - problem.theta_star) @ steepest
        ratio = along[1:6] / along[:5]
        assert np.allclose(ratio, 1 - MULTIPLES[kind] * theory.critical_lr * values[-1])
    diverging = trails["diverging"]
    assert len(diverging.x) < STEPS + 1  # its trail stops where it leaves the view
    low, high = view.box[0]
    assert np.all((np.array(diverging.x) >= low) & (np.array(diverging.x) <= high))
    go.Figure(figure.to_dict())
