"""The contour map is drawn to one scale where θ₀ and θ₁ share units (issue 10, item 7): the
"Scaled features" preset says the valley is round, and it must look round."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from gdlab import LinearRegression, descend, figures, learning_rate_theory, load_dataset

CARS = load_dataset("cars")


def contour(scaling: str) -> tuple[figures.View, go.Figure]:
    problem = LinearRegression(CARS.x, CARS.y, scaling=scaling)
    trace = descend(problem, np.zeros(2), learning_rate_theory(problem).optimal_lr, 20)
    view = figures.parameter_view(problem, trace)
    figure = figures.contour_figure(problem, trace, 3, view)
    go.Figure(figure.to_dict())  # valid plotly
    return view, figure


def test_standardized_contours_are_circles_drawn_round():
    """Standardized x has mean 0 and variance 1, so H = (2/n)XᵀX is 2·I (computed here from
    the data alone): the level sets are circles, and equal axes draw them as circles."""
    x = (CARS.x - CARS.x.mean()) / CARS.x.std()
    design = np.column_stack([np.ones_like(x), x])
    np.testing.assert_allclose(2 / x.size * design.T @ design, 2 * np.eye(2), atol=1e-12)
    _, figure = contour("standardize")
    assert figure.layout.yaxis.scaleanchor == "x" and figure.layout.yaxis.scaleratio == 1


@pytest.mark.parametrize("scaling", ["standardize", "minmax"])
def test_shared_units_draw_one_scale_over_the_whole_view(scaling):
    view, figure = contour(scaling)
    layout = figure.layout
    assert layout.yaxis.scaleanchor == "x" and layout.yaxis.scaleratio == 1
    # The plot shrinks to the data's shape (not the ranges to the plot's), and the ranges are
    # a square, so the contours fill the plot at any chart width.
    assert layout.xaxis.constrain == layout.yaxis.constrain == "domain"
    x_range, y_range = layout.xaxis.range, layout.yaxis.range
    assert x_range[1] - x_range[0] == pytest.approx(y_range[1] - y_range[0])
    contours = figure.data[0]
    assert min(contours.x) == pytest.approx(x_range[0]) and max(contours.x) == pytest.approx(
        x_range[1]
    )
    assert min(contours.y) == pytest.approx(y_range[0]) and max(contours.y) == pytest.approx(
        y_range[1]
    )
    # The whole view the other charts use is inside.
    assert x_range[0] <= view.box[0, 0] and view.box[0, 1] <= x_range[1]
    assert y_range[0] <= view.box[1, 0] and view.box[1, 1] <= y_range[1]


def test_unscaled_parameters_in_different_units_fill_the_plot():
    """θ₀ is in y's units, θ₁ in y per x: no common scale, each axis spans its own range."""
    _, figure = contour("none")
    assert figure.layout.yaxis.scaleanchor is None
