"""Figure builders are pure: data in, a valid plotly Figure out, drawing what the trace says."""

import numpy as np
import plotly.graph_objects as go
import pytest

from gdlab import LinearRegression, descend, figures, load_dataset


@pytest.fixture(scope="module")
def cars():
    return load_dataset("cars")


def runs(cars):
    one = LinearRegression(cars.x, cars.y, intercept=False)
    two = LinearRegression(cars.x, cars.y, scaling="standardize")
    return [
        (one, descend(one, 0.0, 0.001, 50)),
        (one, descend(one, 0.0, 0.0039, 80)),  # diverging
        (two, descend(two, [0.0, 0.0], 0.3, 30)),
        (two, descend(two, [0.0, 0.0], 1.2, 30)),  # diverging
    ]


def all_figures(problem, trace, k):
    view = figures.parameter_view(problem, trace)
    built = [
        figures.fit_figure(problem, trace, k, "speed (mph)", "dist (ft)"),
        figures.history_figure(trace, k, problem.min_cost, log_scale=False),
        figures.history_figure(trace, k, problem.min_cost, log_scale=True),
    ]
    if problem.n_params == 1:
        built.append(figures.cost_curve_figure(problem, trace, k, view))
    else:
        built += [
            figures.contour_figure(problem, trace, k, view),
            figures.slice_figure(problem, trace, k),
        ]
    return built


def test_every_figure_is_valid_plotly_with_title_and_axis_labels(cars):
    for problem, trace in runs(cars):
        for k in (0, trace.n_steps // 2, trace.n_steps):
            for figure in all_figures(problem, trace, k):
                validated = go.Figure(figure.to_dict())  # raises on any invalid property
                layout = validated.layout
                assert layout.title.text
                assert layout.xaxis.title.text and layout.yaxis.title.text
                for series in figure.data:
                    for axis in ("x", "y"):
                        values = getattr(series, axis, None)
                        if values is not None:
                            assert np.all(np.isfinite(np.asarray(values, dtype=float)))


def test_tangent_has_the_slope_of_the_cost(cars):
    problem, trace = runs(cars)[0]
    view = figures.parameter_view(problem, trace)
    figure = figures.cost_curve_figure(problem, trace, 3, view)
    tangent = next(t for t in figure.data if t.name.startswith("tangent"))
    x, y = np.asarray(tangent.x), np.asarray(tangent.y)
    assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(trace.grads[3, 0])
    assert np.mean(x) == pytest.approx(trace.thetas[3, 0])
    arrow = next(a for a in figure.layout.annotations if a.showarrow)
    assert (arrow.ax, arrow.x) == pytest.approx((trace.thetas[3, 0], trace.thetas[4, 0]))


def test_a_diverging_path_is_noted_and_the_view_stays_sensible(cars):
    problem, trace = runs(cars)[1]
    view = figures.parameter_view(problem, trace)
    assert view.left_at is not None and 0 < view.left_at <= trace.n_steps
    assert not view.contains(trace.thetas[view.left_at])[0]
    assert view.contains(trace.thetas[: view.left_at]).all()
    width = view.box[0, 1] - view.box[0, 0]
    base = problem.theta_bounds()[0]
    assert width < 5 * (base[1] - base[0])
    figure = figures.cost_curve_figure(problem, trace, trace.n_steps, view)
    assert any(f"left the view at step {view.left_at}" in a.text for a in figure.layout.annotations)


def test_a_converging_path_stays_in_view(cars):
    problem, trace = runs(cars)[2]
    view = figures.parameter_view(problem, trace)
    assert view.left_at is None
    assert view.contains(trace.thetas).all()
    assert view.contains(problem.theta_star).all()


def test_slice_lands_where_the_step_goes(cars):
    problem, trace = runs(cars)[2]
    figure = figures.slice_figure(problem, trace, 2)
    landing = next(t for t in figure.data if t.name.startswith("where α lands"))
    assert landing.x[0] == pytest.approx(trace.lrs[2] * np.linalg.norm(trace.grads[2]))
    assert landing.y[0] == pytest.approx(trace.costs[3])


def test_history_is_thinned_for_display_only():
    problem = LinearRegression(np.arange(1.0, 11.0), np.arange(10.0))
    trace = descend(problem, [0.0, 0.0], 1e-4, 5000)
    figure = figures.history_figure(trace, 1234, problem.min_cost, log_scale=True)
    line = figure.data[0]
    assert len(line.x) <= figures.MAX_HISTORY_POINTS + 1
    assert 1234 in list(line.x) and 0 in list(line.x) and trace.n_steps in list(line.x)
    assert trace.costs.size == 5001  # the run itself is untouched
    assert figure.layout.yaxis.type == "log"


def test_thin_indices_keeps_ends_and_requested():
    index = figures.thin_indices(10_001, 100, keep=(777,))
    assert index[0] == 0 and index[-1] == 10_000 and 777 in index
    assert len(index) <= 101
    assert np.all(np.diff(index) > 0)
    assert list(figures.thin_indices(5, 100)) == [0, 1, 2, 3, 4]


def test_palette_is_okabe_ito():
    assert set(figures.PALETTE) <= {
        "#000000",
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#F0E442",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
    }


@pytest.mark.parametrize(
    ("low", "high", "mantissas", "labels"),
    [
        (1.2, 1000, (1, 2, 5), ["2", "5", "10", "20", "50", "100", "200", "500", "1,000"]),
        (0.05, 0.9, (1, 2, 5), ["0.05", "0.1", "0.2", "0.5"]),
        (1e-6, 3e-5, (1, 2, 5), ["10⁻⁶", "2×10⁻⁶", "5×10⁻⁶", "10⁻⁵", "2×10⁻⁵"]),
        (5e-4, 0.2, (1,), ["0.001", "0.01", "0.1"]),
        (3e-4, 9e-4, (1,), ["5×10⁻⁴"]),  # no power of ten inside: 1-2-5 instead
    ],
)
def test_log_ticks_are_written_in_full(low, high, mantissas, labels):
    ticks = figures.log_ticks(low, high, mantissas)
    assert ticks["ticktext"] == labels
    assert all(low <= value <= high for value in ticks["tickvals"])
    for value, text in zip(ticks["tickvals"], labels, strict=True):
        if "⁻" not in text:  # a plain number, not a power of ten
            assert float(text.replace(",", "")) == pytest.approx(value)


@pytest.mark.parametrize(
    ("low", "high"), [(1e-9, 1.0), (0.0011, 0.0013), (0.0, 1.0), (1.0, np.inf)]
)
def test_log_ticks_leave_wide_empty_or_bad_ranges_to_plotly(low, high):
    assert figures.log_ticks(low, high) == {}
