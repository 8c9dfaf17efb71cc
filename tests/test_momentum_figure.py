"""The momentum region's α axis (issue 10, item 10): powers of ten only, written in full, so
the ticks never crowd on a projector's narrow chart."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from test_number_format import read_back

from gdlab import LinearRegression, figures, learning_rate_theory, load_dataset

CARS = load_dataset("cars")


@pytest.mark.parametrize(("intercept", "scaling"), [(False, "none"), (True, "none"),
                                                    (True, "standardize")])  # fmt: skip
def test_alpha_ticks_are_powers_of_ten_inside_the_region(intercept, scaling):
    theory = learning_rate_theory(LinearRegression(CARS.x, CARS.y, intercept, scaling=scaling))
    figure = figures.momentum_region_figure(theory, theory.critical_lr / 4, 0.5)
    go.Figure(figure.to_dict())  # valid plotly
    axis = figure.layout.xaxis
    lrs = np.asarray(figure.data[0].x)
    ticks = np.asarray(axis.tickvals)
    assert 2 <= ticks.size <= 5
    np.testing.assert_allclose(np.log10(ticks), np.round(np.log10(ticks)), atol=1e-12)
    assert lrs.min() <= ticks.min() and ticks.max() <= lrs.max()
    assert [read_back(text.replace(",", "")) for text in axis.ticktext] == pytest.approx(ticks)


def test_the_edge_is_one_colour_and_named_in_the_legend():
    theory = learning_rate_theory(LinearRegression(CARS.x, CARS.y, False))
    figure = figures.momentum_region_figure(theory, 0.001, 0.9)
    edge = next(trace for trace in figure.data if trace.name.startswith("edge"))
    assert edge.showlegend and edge.contours.coloring == "lines"
    assert len({colour for _, colour in edge.colorscale}) == 1
