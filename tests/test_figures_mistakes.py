"""The figures of the derivation's mistakes: valid plotly with titles and axis labels, finite
values, and drawing what the closed forms say (ȳ/x̄, the line through the mean point)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

import gdlab
from gdlab.figures import mistakes as figures
from gdlab.teaching import mistakes

CASES = [  # (intercept, scaling, cost, α): converging, diverging, scaled, ½·MSE
    (False, "none", "mse", 0.001),
    (False, "none", "mse", 0.0039),
    (True, "none", "mse", 0.001),
    (True, "none", "half_mse", 0.005),
    (False, "standardize", "mse", 0.3),
    (True, "minmax", "mse", 2.0),
]


@pytest.fixture(scope="module")
def cars() -> gdlab.Dataset:
    return gdlab.load_dataset("cars")


def built(cars, intercept, scaling, cost, lr):
    problem = gdlab.LinearRegression(cars.x, cars.y, intercept=intercept, scaling=scaling,
                                     cost=cost)  # fmt: skip
    start = np.zeros(problem.n_params)
    without_x = mistakes.without_x(problem, start, lr, 60)
    without_rate = mistakes.without_rate(problem, start, lr, 60)
    return (
        problem,
        without_x,
        [
            figures.without_x_parameter_figure(problem, without_x),
            figures.without_x_fit_figure(problem, without_x, "speed (mph)", "dist (ft)"),
            figures.without_rate_figure(without_rate, problem.min_cost, lr, "mph"),
        ],
    )


@pytest.mark.parametrize("case", CASES)
def test_every_figure_is_valid_with_a_title_axis_labels_and_finite_values(cars, case):
    for figure in built(cars, *case)[2]:
        layout = go.Figure(figure.to_dict()).layout  # raises on an invalid property
        assert layout.title.text and layout.xaxis.title.text and layout.yaxis.title.text
        for series in figure.data:
            for axis in ("x", "y", "z"):
                values = getattr(series, axis, None)
                if values is not None:
                    assert np.all(np.isfinite(np.asarray(values, dtype=float))), series.name
        assert len(figure.to_json()) < 100_000  # three of them stay well inside 300 kB


def test_one_parameter_draws_the_fixed_point_and_least_squares(cars):
    _, _, (theta_figure, fit_figure, _) = built(cars, False, "none", "mse", 0.001)
    lines = {series.name.split(":")[0].split(" =")[0]: series for series in theta_figure.data}
    np.testing.assert_allclose(lines["fixed point without x"].y, cars.y.mean() / cars.x.mean())
    least_squares = np.sum(cars.x * cars.y) / np.sum(cars.x**2)
    np.testing.assert_allclose(lines["least squares θ*"].y, least_squares)
    # Both reference lines are inside the y-range, apart by more than a few pixels' worth.
    low, high = theta_figure.layout.yaxis.range
    assert low < least_squares < high and low < cars.y.mean() / cars.x.mean() < high
    assert (least_squares - cars.y.mean() / cars.x.mean()) / (high - low) > 0.02
    mean = next(s for s in fit_figure.data if s.name.startswith("mean point"))
    assert (mean.x[0], mean.y[0]) == pytest.approx((cars.x.mean(), cars.y.mean()))


def test_two_parameters_draw_the_line_of_fixed_points_through_the_limit(cars):
    _, lesson, (paths, _, _) = built(cars, True, "none", "mse", 0.001)
    line = next(s for s in paths.data if s.name == "fixed points without x")
    # Every point of the drawn line satisfies θ₀ + x̄θ₁ = ȳ.
    np.testing.assert_allclose(np.asarray(line.x) + cars.x.mean() * np.asarray(line.y),
                               cars.y.mean())  # fmt: skip
    stop = next(s for s in paths.data if s.name == "where the run without x stops")
    np.testing.assert_allclose([stop.x[0], stop.y[0]], lesson.limit.limit)


def test_a_diverging_run_is_named_so_in_the_legend(cars):
    *_, (_, _, history) = built(cars, False, "none", "mse", 0.001)
    names = [series.name for series in history.data]
    assert any("without α (α = 1), x in mph (diverged at step" in name for name in names)
    assert any(name == "without α, x in units of 100 mph" for name in names)
    assert history.layout.yaxis.type == "log"
