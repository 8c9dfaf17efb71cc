"""The figures of "Beyond quadratics": axes ranges against the data drawn, labels, and values
checked against the model itself (J along the line, the tangent's slope by central
differences, p̂ = ½ at the boundary)."""

import numpy as np
import plotly.graph_objects as go
import pytest

from gdlab.curvature import sharpness_along
from gdlab.figures.descent_line import descent_line_figure
from gdlab.figures.model_fit import crossings, model_fit_figure
from gdlab.figures.sharpness import sharpness_figure
from gdlab.running.descent import descend
from gdlab.teaching.curved_models import MODELS, initial_theta, model_choice


def run(key, lr=0.3, steps=120, width=6):
    choice = model_choice(key)
    problem = choice.build(width, "tanh")
    trace = descend(problem, initial_theta(problem, 0), lr, steps)
    return choice, problem, trace, sharpness_along(problem, trace, every=5)


def series(figure, prefix):
    found = [t for t in figure.data if (t.name or "").startswith(prefix)]
    assert len(found) == 1, [t.name for t in figure.data]
    return found[0]


def valid(figure):
    go.Figure(figure.to_dict())  # plotly's validation, which the builders skip for speed
    assert figure.layout.title.text and figure.layout.xaxis.title.text
    assert figure.layout.yaxis.title.text
    return figure


def test_the_sharpness_chart_holds_the_record_the_edge_and_the_bound():
    _, problem, _, record = run("logistic_penguins", lr=2.0)
    figure = valid(sharpness_figure(record, 2.0, 40, bound=problem.curvature_bound()))
    np.testing.assert_array_equal(series(figure, "sharpness").y, record.sharpness)
    assert list(series(figure, "2/α = 1").y) == [1.0, 1.0]
    bound = series(figure, "global bound L")
    assert bound.y[0] == problem.curvature_bound() and "2/L = 8" in bound.name
    assert figure.layout.xaxis.title.text == "step k"
    assert series(figure, "step 40").x[0] == 40


def test_the_sharpness_axis_is_linear_over_what_it_draws_when_that_is_narrow():
    _, _, _, record = run("network_pressure", lr=0.2, steps=60)
    figure = valid(sharpness_figure(record, 0.2, 0))
    assert figure.layout.yaxis.type in (None, "linear")
    low, high = figure.layout.yaxis.range
    shown = [*record.sharpness, 10.0]
    assert low <= min(shown) and max(shown) <= high <= 1.1 * max(shown)


def test_a_small_rate_puts_the_sharpness_on_a_log_axis_spanning_its_lines():
    _, _, _, record = run("network_pressure", lr=0.001)
    figure = valid(sharpness_figure(record, 0.001, 0))
    assert figure.layout.yaxis.type == "log"
    ticks = figure.layout.yaxis.tickvals
    assert min(ticks) >= 0.5 * record.sharpness.min() and max(ticks) <= 2 * 2000


@pytest.mark.parametrize("key", MODELS)
def test_the_descent_line_is_j_along_minus_the_gradient(key):
    _, problem, trace, _ = run(key)
    k = 30
    figure = valid(descent_line_figure(problem, trace, k))
    curve = series(figure, "J along −∇J")
    grad = trace.grads[k]
    u = -grad / np.linalg.norm(grad)
    for t, value in list(zip(curve.x, curve.y, strict=True))[::37]:
        assert value == pytest.approx(problem.cost_value(trace.thetas[k] + t * u), rel=1e-12)
    # The tangent's slope, against a central difference of J along u.
    h = 1e-5
    slope = (problem.cost_value(trace.thetas[k] + h * u)
             - problem.cost_value(trace.thetas[k] - h * u)) / (2 * h)  # fmt: skip
    tangent = series(figure, "tangent")
    measured = np.diff(tangent.y)[0] / np.diff(tangent.x)[0]
    assert measured == pytest.approx(slope, rel=1e-5)
    # α lands where the next step is: J there is J(θₖ₊₁).
    landing = series(figure, "where α lands")
    assert landing.x[0] == pytest.approx(0.3 * np.linalg.norm(grad), rel=1e-12)
    assert landing.y[0] == pytest.approx(trace.costs[k + 1], rel=1e-9)
    low, high = figure.layout.yaxis.range
    assert low <= min(curve.y) and max(curve.y) <= high
    assert figure.layout.xaxis.range[1] >= landing.x[0]


def test_regression_draws_the_fit_over_the_data_in_its_units():
    choice, problem, trace, _ = run("network_faithful")
    figure = valid(model_fit_figure(problem, trace, 50, choice.x_labels, choice.y_label))
    data = series(figure, "data")
    np.testing.assert_array_equal(data.y, problem.y)
    fit = series(figure, "model at step 50")
    expected = problem.predict(trace.thetas[50], np.asarray(fit.x))
    np.testing.assert_allclose(fit.y, expected, rtol=1e-12)
    low, high = figure.layout.yaxis.range
    assert low < problem.y.min() and problem.y.max() < high
    assert figure.layout.xaxis.title.text == "waiting time (min)"
    assert figure.layout.yaxis.title.text == "eruption (min)"


@pytest.mark.parametrize("key", ["logistic_penguins", "network_penguins"])
def test_classification_draws_p_hat_and_a_boundary_where_it_is_one_half(key):
    choice, problem, trace, _ = run(key, lr=1.0, steps=300)
    figure = valid(model_fit_figure(problem, trace, 300, choice.x_labels, choice.y_label,
                                    choice.class_names, classification=True))  # fmt: skip
    boundary = series(figure, "decision boundary")
    x0 = boundary.x[0]
    if hasattr(problem, "predict_proba"):
        p = problem.predict_proba(trace.thetas[300], np.array([x0]))[0]
    else:
        p = problem.predict(trace.thetas[300], np.array([x0]))[0]
    assert p == pytest.approx(0.5, abs=1e-3)
    assert 203 - 10 < x0 < 210 + 10  # inside the Adelie/Gentoo flipper overlap, 203–210 mm
    assert list(figure.layout.yaxis.range) == [-0.08, 1.08]
    assert series(figure, "Adelie").y.max() == 0 and series(figure, "Gentoo").y.min() == 1


def test_two_features_draw_the_boundary_line_in_raw_units():
    choice, problem, trace, _ = run("logistic_separable", lr=1.0, steps=200)
    figure = valid(model_fit_figure(problem, trace, 200, choice.x_labels, choice.y_label,
                                    choice.class_names, classification=True))  # fmt: skip
    line = series(figure, "decision boundary")
    for x1, x2 in zip(line.x, line.y, strict=True):
        assert problem.predict_proba(trace.thetas[200], np.array([[x1, x2]]))[0] == (
            pytest.approx(0.5, abs=1e-9)
        )
    assert figure.layout.xaxis.title.text == "bill depth (mm)"
    assert figure.layout.yaxis.title.text == "flipper length (mm)"


def test_crossings_interpolate_between_grid_points():
    x = np.array([0.0, 1.0, 2.0, 3.0])
    np.testing.assert_allclose(crossings(x, np.array([0.0, 0.4, 0.6, 1.0])), [1.5])
    assert crossings(x, np.full(4, 0.7)).size == 0
