"""Compare rates: the signed error that tells the regimes apart, default rates that differ, and
small multiples whose labels keep clear of each other (issue 10, item 6)."""

from __future__ import annotations

import itertools

import numpy as np
import plotly.graph_objects as go
import pytest
from test_app import assert_clean, chart, decode, open_page

from gdlab import LinearRegression, descend, figures, load_dataset
from gdlab.figures.compare import paired_indices

CARS = load_dataset("cars")


def by_hand(intercept: bool):
    """The MSE fit of the cars data, its Hessian and minimum, from numpy alone."""
    x, y = np.asarray(CARS.x, dtype=float), np.asarray(CARS.y, dtype=float)
    design = np.column_stack([np.ones_like(x), x]) if intercept else x[:, None]
    hessian = 2.0 / x.size * design.T @ design
    theta_star = np.linalg.lstsq(design, y, rcond=None)[0]
    return hessian, theta_star


def valid(figure: go.Figure) -> go.Figure:
    go.Figure(figure.to_dict())  # raises on any invalid property
    return figure


@pytest.mark.parametrize("multiple", [0.02, 0.25, 0.5, 0.85, 1.05])
def test_the_signed_error_is_the_theory_s_geometric_sequence(multiple):
    """One parameter: θₖ − θ* = (1 − αλ)ᵏ(θ₀ − θ*), so its sign flips every step when αλ > 1."""
    hessian, theta_star = by_hand(intercept=False)
    lam = float(hessian[0, 0])
    lr = multiple * 2 / lam
    problem = LinearRegression(CARS.x, CARS.y, intercept=False)
    trace = descend(problem, np.zeros(1), lr, 50)
    figure = valid(figures.signed_error_figure(problem, [trace], ["run"]))
    k, error = np.asarray(figure.data[0].x), np.asarray(figure.data[0].y)
    expected = (1 - lr * lam) ** k * (0.0 - theta_star[0])
    np.testing.assert_allclose(error, expected, rtol=1e-9, atol=1e-9 * abs(theta_star[0]))
    flips = np.sign(error[1:]) * np.sign(error[:-1]) < 0
    assert flips.all() if multiple > 0.5 else not flips.any()


def test_the_two_parameter_error_runs_along_the_steepest_eigenvector():
    """Its component along the eigenvector of λ_max shrinks or grows ×(1 − αλ_max) per step,
    however slow the flat direction is."""
    hessian, theta_star = by_hand(intercept=True)
    values, vectors = np.linalg.eigh(hessian)
    steepest = vectors[:, -1] * np.sign(vectors[np.argmax(np.abs(vectors[:, -1])), -1])
    np.testing.assert_allclose(
        figures.steepest_direction(LinearRegression(CARS.x, CARS.y)), steepest, atol=1e-12
    )
    problem = LinearRegression(CARS.x, CARS.y)
    lr = 0.85 * 2 / values[-1]
    trace = descend(problem, np.zeros(2), lr, 30)
    figure = valid(figures.signed_error_figure(problem, [trace], ["run"]))
    k, error = np.asarray(figure.data[0].x), np.asarray(figure.data[0].y)
    start = (np.zeros(2) - theta_star) @ steepest
    np.testing.assert_allclose(error, (1 - lr * values[-1]) ** k * start, rtol=1e-6, atol=1e-9)
    assert "steepest" in figure.layout.title.text


def test_a_diverging_run_leaves_the_chart_and_stops_there():
    problem = LinearRegression(CARS.x, CARS.y, intercept=False)
    crit = 2 / float(by_hand(intercept=False)[0][0, 0])
    traces = [descend(problem, np.zeros(1), m * crit, 50) for m in (0.25, 1.05)]
    figure = valid(figures.signed_error_figure(problem, traces, ["smooth", "diverging"]))
    low, high = figure.layout.yaxis.range
    start = abs(float(figure.data[0].y[0]))
    assert (low, high) == pytest.approx((-1.5 * start, 1.5 * start))
    diverging = np.asarray(figure.data[1].y)
    assert np.all(np.abs(diverging[:-1]) <= high) and abs(diverging[-1]) > high
    assert len(diverging) < 51


@pytest.mark.parametrize("count", [1, 999, 1000, 1001, 5001, 100_000])
def test_thinning_keeps_every_index_with_its_successor(count):
    index = paired_indices(count)
    assert index[0] == 0 and index[-1] == count - 1
    assert index.size <= 1001 and np.all(np.diff(index) > 0)
    kept = set(index.tolist())
    assert all(i + 1 in kept for i in index[:-1] if i + 1 < count and (i - 1) not in kept)


def test_the_default_rates_look_different_and_show_every_regime():
    """The defaults once had 0.1 and 0.9 × α_crit (error ×0.8 and ×−0.8 per step): two J − J*
    lines on top of each other. Every default run must draw its own line, in both charts."""
    at = open_page(section="compare")
    assert_clean(at)
    history = chart(at, "Cost histories")
    lines = [decode(series["y"]) for series in history["data"]]
    assert len(lines) == 5
    for a, b in itertools.combinations(lines, 2):
        n = min(a.size, b.size)
        assert not np.allclose(a[:n], b[:n], rtol=1e-3), "two runs draw the same cost history"
    kinds = [series["name"].split(": ")[-1] for series in history["data"]]
    assert {"slow", "smooth", "oscillating", "diverging"} <= set(kinds)
    signed = chart(at, "Signed error")
    errors = [decode(series["y"]) for series in signed["data"]]
    oscillating = errors[kinds.index("oscillating")]
    assert np.all(np.sign(oscillating[1:]) * np.sign(oscillating[:-1]) < 0)
    smooth = errors[kinds.index("smooth")]
    assert np.all(np.sign(smooth[1:]) * np.sign(smooth[:-1]) >= 0)


def test_two_parameters_show_the_error_along_the_steepest_direction():
    at = open_page(section="compare", params="2")
    assert_clean(at)
    assert len(chart(at, "Error along the steepest direction")["data"]) == 5


def _panels(figure: go.Figure) -> list[tuple[float, float, float, float]]:
    """Each panel's (left, right) as paper fractions and (top, bottom) in pixels from the top
    of the figure, from its layout alone."""
    layout = figure.layout
    plot_px = layout.height - layout.margin.t - layout.margin.b
    panels = []
    for name in sorted((n for n in layout if n.startswith("xaxis")), key=lambda n: n[5:].zfill(3)):
        x_domain = layout[name].domain
        y_domain = layout["yaxis" + name[5:]].domain
        top = layout.margin.t + (1 - y_domain[1]) * plot_px
        bottom = layout.margin.t + (1 - y_domain[0]) * plot_px
        panels.append((x_domain[0], x_domain[1], top, bottom))
    return panels


@pytest.mark.parametrize("count", range(1, 9))
@pytest.mark.parametrize("intercept", [False, True])
def test_small_multiples_leave_room_for_labels_and_ticks(count, intercept):
    """In pixels, whatever the count: a row's run labels sit in a gap wide enough for the tick
    labels of the row above, the title has room above the first labels, and only the first
    column carries y tick labels (between panels they would sit on the neighbour)."""
    problem = LinearRegression(CARS.x, CARS.y, intercept=intercept)
    crit = 2 / float(np.linalg.eigvalsh(by_hand(intercept)[0])[-1])
    traces = [descend(problem, np.zeros(problem.n_params), crit * (i + 1) / 9, 20)
              for i in range(count)]  # fmt: skip
    labels = [f"run {i}" for i in range(count)]
    view = figures.parameter_view(problem, traces[0])
    figure = valid(figures.paths_figure(problem, traces, labels, 5, view))
    panels = _panels(figure)
    assert len(panels) == count
    assert figure.layout.margin.t >= 70  # the title, then a row of run labels
    for (_, right, top, bottom), (next_left, _, next_top, _) in itertools.pairwise(panels):
        if next_top > top:  # a new row: the row above's tick labels, then this row's labels
            assert next_top - bottom >= 70
        else:  # the next panel of the row, clear of this one
            assert next_left > right and next_top == pytest.approx(top)
    assert figure.layout.height - panels[-1][3] >= 50  # the bottom row's ticks and axis title
    for name in (n for n in figure.layout if n.startswith("yaxis")):
        at_left = figure.layout["xaxis" + name[5:]].domain[0] == 0
        assert figure.layout[name].showticklabels is at_left, name
    for annotation, (left, _, top, _) in zip(figure.layout.annotations, panels, strict=True):
        plot_px = figure.layout.height - figure.layout.margin.t - figure.layout.margin.b
        assert annotation.x == pytest.approx(left)
        assert figure.layout.margin.t + (1 - annotation.y) * plot_px == pytest.approx(top)
        assert annotation.yanchor == "bottom" and annotation.yshift > 0
