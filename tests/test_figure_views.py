import numpy as np
import plotly.graph_objects as go
import pytest

from gdlab import (
    LinearRegression,
    descend,
    figures,
    learning_rate_theory,
    load_dataset,
)
from gdlab.running.sweep import range_test, sweep


@pytest.fixture(scope="module")
def problems():
    cars = load_dataset("cars")
    return [
        LinearRegression(cars.x, cars.y, intercept=False),
        LinearRegression(cars.x, cars.y, scaling="standardize"),
    ]


def valid(figure: go.Figure) -> go.Figure:
    """The figure itself, once plotly's validation has accepted every property of it."""
    validated = go.Figure(figure.to_dict())  # raises on any invalid property
    assert validated.layout.title.text
    return figure


def test_compare_figures(problems):
    for problem in problems:
        theory = learning_rate_theory(problem)
        rates = [m * theory.critical_lr for m in (0.1, 0.5, 0.9, 1.0, 1.1)]
        traces = [descend(problem, np.zeros(problem.n_params), lr, 60) for lr in rates]
        labels = [f"α = {lr:.3g}" for lr in rates]
        history = valid(figures.compare_history_figure(traces, labels, problem.min_cost))
        assert len(history.data) == 5
        for trace, series in zip(traces, history.data, strict=True):
            expected = np.maximum(trace.costs - problem.min_cost, trace.costs[0] * 1e-16)
            np.testing.assert_allclose(np.asarray(series.y), expected)
        view = figures.parameter_view(problem, traces[1])
        paths = valid(figures.paths_figure(problem, traces, labels, 5, view))
        assert {a.text for a in paths.layout.annotations} == set(labels)


def test_sweep_and_contraction_figures_show_the_core_numbers(problems):
    problem = problems[0]
    theory = learning_rate_theory(problem)
    result = sweep(problem, 0.0, np.geomspace(1e-3, 1.5, 50) * theory.critical_lr, 300)
    figure = valid(figures.sweep_figure(result, theory, problem.min_cost))
    reached = figure.data[2]
    np.testing.assert_allclose(np.asarray(reached.x), result.lrs[result.steps_to_reach >= 0])
    xs = sorted(shape.x0 for shape in figure.layout.shapes)
    assert xs == pytest.approx(sorted([theory.one_step_lr, theory.optimal_lr, theory.critical_lr]))
    # The step counts' axis is labelled in full (1, 2, 5, 10, …) and spans every count shown.
    steps_axis = figure.layout.yaxis2
    texts = [text.replace(",", "") for text in steps_axis.ticktext]
    assert [float(text) for text in texts] == list(steps_axis.tickvals)
    assert min(steps_axis.tickvals) <= min(reached.y) and max(steps_axis.tickvals) >= max(reached.y)
    contraction = valid(figures.contraction_figure(result, theory))
    np.testing.assert_allclose(
        np.asarray(contraction.data[0].y), theory.contraction(np.asarray(contraction.data[0].x))
    )


def test_range_test_figure_marks_suggestions(problems):
    problem = problems[0]
    theory = learning_rate_theory(problem)
    result = range_test(problem, 0.0)
    figure = valid(figures.range_test_figure(result, theory))
    names = [series.name for series in figure.data]
    assert any(f"{result.steepest_lr:.3g}" in name for name in names)
    assert any(f"{result.valley_lr:.3g}" in name for name in names)


def test_regime_zones_follow_the_theory(problems):
    theory = learning_rate_theory(problems[0])
    zones = figures.regime_zones(theory, 50, theory.critical_lr / 1e4, theory.critical_lr * 10)
    kinds = [kind for kind, _, _ in zones]
    # Near α_crit the overshoot shrinks so little that 50 steps are too few: slow again.
    assert kinds == ["slow", "smooth", "oscillating", "slow", "diverging"]
    for kind, start, end in zones:
        middle = np.sqrt(start * end)
        assert theory.regime(middle, 50).kind == kind
    figure = valid(figures.regime_bar_figure(theory, 0.001, 50))
    assert figure.data[0].x[0] == 0.001


def test_cost_ratio_matches_the_envelope_for_one_parameter(problems):
    problem = problems[0]
    theory = learning_rate_theory(problem)
    lr = 0.8 * theory.critical_lr
    trace = descend(problem, 0.0, lr, 30)
    figure = valid(figures.cost_ratio_figure(problem, trace, theory, lr))
    measured = np.asarray(figure.data[0].y)
    # One parameter: the excess cost is multiplied by exactly (1 − αλ)² every step.
    np.testing.assert_allclose(measured, theory.contraction(lr) ** 2, rtol=1e-6)


def test_cobweb_path_alternates_map_and_diagonal(problems):
    problem = problems[0]
    trace = descend(problem, 0.0, 0.003, 10)
    view = figures.parameter_view(problem, trace)
    figure = valid(figures.cobweb_figure(problem, trace, 0.003, view))
    path = figure.data[2]
    x, y = np.asarray(path.x), np.asarray(path.y)
    assert (x[0], y[0]) == (trace.thetas[0, 0], trace.thetas[0, 0])
    assert (x[1], y[1]) == (trace.thetas[0, 0], trace.thetas[1, 0])
    assert (x[2], y[2]) == (trace.thetas[1, 0], trace.thetas[1, 0])
