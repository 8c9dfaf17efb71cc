"""The page, driven like a user with Streamlit's AppTest, checked against the core."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from test_plain import read_back

import gdlab
from page.controls import MAX_PAGE_STEPS

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CARS_CSV = (Path(__file__).resolve().parent.parent / "data" / "cars.csv").read_bytes()


@pytest.fixture(autouse=True)
def clear_caches():
    st.cache_data.clear()  # shared by every AppTest in this process
    st.cache_resource.clear()
    yield


def open_page(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def link(at: AppTest) -> dict[str, str]:
    """The page's query parameters as the address bar has them: AppTest gives each as a list
    (Streamlit 1.57) or a string (later versions)."""
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def decode(value):
    """Plotly encodes numpy arrays as base64 ({"dtype", "bdata", "shape"}); lists stay lists."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        if isinstance(shape, str):  # "60, 60"
            shape = tuple(int(n) for n in shape.split(","))
        return array.reshape(shape) if shape else array
    return np.asarray(value, dtype=float)


def charts(at: AppTest) -> dict[str, dict]:
    """Every plotly chart on the page by the start of its title (up to ' at step'/' and')."""
    figures = {}
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        title = spec["layout"]["title"]["text"]
        figures[title] = spec
    return figures


def chart(at: AppTest, prefix: str) -> dict:
    matches = [spec for title, spec in charts(at).items() if title.startswith(prefix)]
    assert len(matches) == 1, f"{prefix!r} not in {list(charts(at))}"
    return matches[0]


def series(spec: dict, name_prefix: str) -> dict:
    found = [t for t in spec["data"] if t.get("name", "").startswith(name_prefix)]
    assert found, f"no series {name_prefix!r} in {[t.get('name') for t in spec['data']]}"
    return found[0]


def verdict(at: AppTest) -> tuple[str, str]:
    for kind in ("success", "info", "warning", "error"):
        boxes = getattr(at.main, kind)
        if len(boxes):
            return kind, boxes[0].value
    raise AssertionError("no verdict on the page")


def screen_text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "success", "info", "warning", "error")
        for e in getattr(at, kind)
    ]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [e.value for e in at.latex]
    return "\n".join(str(p) for p in parts)


def assert_clean(at: AppTest) -> None:
    """No exception, and no NaN or inf in any text or chart the page shows."""
    assert not at.exception, at.exception
    text = screen_text(at)
    assert not re.search(r"\b(nan|inf|NaN|Inf)\b", text), text
    for spec in charts(at).values():
        for trace in spec["data"]:
            for axis in ("x", "y", "z"):
                if axis in trace:
                    assert np.all(np.isfinite(decode(trace[axis]))), (trace.get("name"), axis)


def cars_problem(params: int = 1, scaling: str = "none") -> gdlab.LinearRegression:
    cars = gdlab.load_dataset("cars")
    return gdlab.LinearRegression(cars.x, cars.y, intercept=params == 2, scaling=scaling)


# -- the default page ------------------------------------------------------------------------


def test_default_page_teaches_a_smooth_descent_on_cars():
    at = open_page()
    assert_clean(at)
    kind, text = verdict(at)
    assert kind == "success" and "converges smoothly" in text
    assert set(charts(at)) == {
        "Where α sits (for 50 steps)",
        "Cost J(θ) and its tangent at step 0",
        "Data and the model at step 0",
        "Cost history",
    }
    trace = gdlab.descend(cars_problem(), 0.0, 0.001, 50)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Steps taken"] == str(trace.n_steps)
    assert metrics["Final cost J"] == f"{trace.cost:.4g}"


def test_chart_data_is_the_core_trace():
    at = open_page()
    at.slider(key="k").set_value(4).run()
    problem = cars_problem()
    trace = gdlab.descend(problem, 0.0, 0.001, 50)
    # By default the history shows the excess cost J − J* on a log scale.
    history = series(chart(at, "Cost history"), "J(θₖ) − J*")
    np.testing.assert_allclose(decode(history["x"]), np.arange(trace.n_steps + 1))
    # Round-off of J itself, about 1e-16·J, is all the converged end can show.
    np.testing.assert_allclose(
        decode(history["y"]), trace.costs - problem.min_cost, rtol=1e-9, atol=1e-12 * trace.costs[0]
    )
    at.toggle(key="log_history").set_value(False).run()
    history = series(chart(at, "Cost history"), "cost J")
    np.testing.assert_allclose(decode(history["y"]), trace.costs, rtol=1e-12)
    curve = chart(at, "Cost J(θ) and its tangent at step 4")
    current = series(curve, "θₖ at step 4")
    assert decode(current["x"])[0] == pytest.approx(trace.thetas[4, 0], rel=1e-12)
    tangent = series(curve, "tangent")
    x, y = decode(tangent["x"]), decode(tangent["y"])
    assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(trace.grads[4, 0], rel=1e-9)
    assert f"{trace.grads[4, 0]:.4g}".replace("-", "−") in tangent["name"]
    fit = series(chart(at, "Data and the model at step 4"), "model at step 4")
    np.testing.assert_allclose(decode(fit["y"]), problem.predict(trace.thetas[4], decode(fit["x"])))


def test_step_buttons_move_the_inspector():
    at = open_page()
    at.button(key="next").click().run()
    at.button(key="next").click().run()
    assert "Cost J(θ) and its tangent at step 2" in charts(at)
    at.button(key="prev").click().run()
    assert at.slider(key="k").value == 1
    assert_clean(at)


def test_the_formulas_keep_x_and_alpha():
    at = open_page()  # one parameter: ŷ = θx
    latex = " ".join(e.value for e in at.latex)
    assert r"(\hat y_i - y_i)\,x_i" in latex
    assert r"\theta \leftarrow \theta - \alpha\,J'(\theta)" in latex
    assert any("drop the factor" in m.value for m in at.markdown)
    at.radio(key="params").set_value(2).run()
    latex = " ".join(e.value for e in at.latex)
    assert r"(\hat y_i - y_i)\,x_{ij}" in latex
    assert r"\theta \leftarrow \theta - \alpha\,\nabla J(\theta)" in latex


def test_table_and_download_are_built_only_when_opened():
    at = open_page()
    csv = [b for b in at.get("download_button") if b.proto.label == "Download the run as CSV"]
    assert not csv  # closed: nothing built, nothing sent
    at.toggle(key="show_table").set_value(True).run()
    assert_clean(at)
    table = at.main.dataframe[-1].value
    trace = gdlab.descend(cars_problem(), 0.0, 0.001, 50)
    assert len(table) == trace.n_steps + 1
    np.testing.assert_allclose(table["J"], trace.costs)
    assert at.get("download_button")


# -- learning rates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lr", "kind", "words"),
    [
        (1e-6, "warning", "Too small: after 50 steps the cost is still"),
        (1e-3, "success", "converges smoothly"),
        (3e-3, "info", "oscillates but converges"),
        (3.9e-3, "error", "is diverging because α > 2/λ_max = 0.00378"),
        (10.0, "error", "diverged at step"),
    ],
)
def test_verdict_follows_the_theory(lr, kind, words):
    theory = gdlab.learning_rate_theory(cars_problem())
    # The expected words rest on where each α sits against the core's own thresholds.
    assert theory.one_step_lr < 3e-3 < theory.critical_lr < 3.9e-3
    at = open_page()
    at.select_slider(key="lr").set_value(lr).run()
    assert_clean(at)
    got_kind, text = verdict(at)
    assert got_kind == kind and words in text, text


def test_a_diverging_run_stays_readable():
    at = open_page()
    at.select_slider(key="lr").set_value(0.0039).run()
    at.slider(key="k").set_value(50).run()
    assert_clean(at)
    history = chart(at, "Cost history")
    assert history["layout"]["yaxis"]["type"] == "log"
    curve = chart(at, "Cost J(θ)")
    notes = [a["text"] for a in curve["layout"]["annotations"]]
    assert any(re.fullmatch(r"θ left the view at step \d+", n) for n in notes), notes
    x_range = curve["layout"]["xaxis"]["range"]
    bounds = cars_problem().theta_bounds()[0]
    assert x_range[1] - x_range[0] < 10 * (bounds[1] - bounds[0])


def test_every_rate_at_the_most_steps_is_clean():
    at = open_page()
    at.slider(key="steps").set_value(MAX_PAGE_STEPS).run()
    for lr in (1e-6, 0.0037, 10.0):
        at.select_slider(key="lr").set_value(lr).run()
        assert_clean(at)
    history = chart(at, "Cost history")["data"][0]
    assert decode(history["x"]).size <= gdlab.figures.MAX_HISTORY_POINTS + 1


# -- data sources ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [info.name for info in gdlab.list_datasets()])
def test_every_builtin_dataset(name):
    at = open_page()
    at.selectbox(key="dataset").set_value(name).run()
    assert_clean(at)
    dataset = gdlab.load_dataset(name)
    data = series(chart(at, "Data and the model"), "data")
    np.testing.assert_allclose(decode(data["x"]), dataset.x)
    assert chart(at, "Data and the model")["layout"]["xaxis"]["title"]["text"] == dataset.x_label


def test_synthetic_data():
    at = open_page()
    at.radio(key="source").set_value("Synthetic line").run()
    at.number_input(key="syn_n").set_value(120).run()
    assert_clean(at)
    data = series(chart(at, "Data and the model"), "data")
    expected = gdlab.make_linear(n=120, slope=2.0, intercept=1.0, noise=1.0, seed=0)
    np.testing.assert_allclose(decode(data["y"]), expected.y)


def test_an_upload_is_used_and_a_bad_one_keeps_it():
    at = open_page()
    at.radio(key="source").set_value("Upload a CSV").run()
    assert_clean(at)
    at.sidebar.file_uploader[0].set_value(("mine.csv", b"a;b\n1,5;2\n2,5;4\n4;7\n", "text/csv"))
    at.run()
    assert_clean(at)
    np.testing.assert_allclose(
        decode(series(chart(at, "Data and the model"), "data")["x"]), [1.5, 2.5, 4.0]
    )
    at.sidebar.file_uploader[0].set_value(("broken.csv", b"a;b\n", "text/csv"))
    at.run()
    assert not at.exception
    assert any(
        "no data rows" in e.value.lower() or "header" in e.value.lower() for e in at.sidebar.error
    ), [e.value for e in at.sidebar.error]
    np.testing.assert_allclose(
        decode(series(chart(at, "Data and the model"), "data")["x"]), [1.5, 2.5, 4.0]
    )
    # The file name is a visitor's text, escaped as plain text: read as it is shown.
    assert any("mine.csv" in read_back(c.value) for c in at.sidebar.caption)


def test_an_upload_lets_you_choose_columns():
    at = open_page()
    at.radio(key="source").set_value("Upload a CSV").run()
    at.sidebar.file_uploader[0].set_value(("cars.csv", CARS_CSV, "text/csv"))
    at.run()
    at.selectbox(key="upload_x").set_value("dist").run()
    at.selectbox(key="upload_y").set_value("speed").run()
    assert_clean(at)
    data = series(chart(at, "Data and the model"), "data")
    np.testing.assert_allclose(decode(data["x"]), gdlab.load_dataset("cars").y)


def test_a_first_upload_that_fails_falls_back_to_builtin_data():
    at = open_page()
    at.radio(key="source").set_value("Upload a CSV").run()
    at.sidebar.file_uploader[0].set_value(("x.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "text/csv"))
    at.run()
    assert_clean(at)
    assert len(at.sidebar.error) == 1
    assert len(charts(at)) == 4


# -- models --------------------------------------------------------------------------------


@pytest.mark.parametrize("params", [1, 2])
@pytest.mark.parametrize("scaling", gdlab.SCALINGS)
@pytest.mark.parametrize("cost", gdlab.COSTS)
def test_every_model_scaling_and_cost(params, scaling, cost):
    at = open_page()
    at.radio(key="params").set_value(params).run()
    at.selectbox(key="scaling").set_value(scaling).run()
    at.radio(key="cost").set_value(cost).run()
    assert_clean(at)
    assert len(charts(at)) == (4 if params == 1 else 5)
    theory = gdlab.learning_rate_theory(
        gdlab.LinearRegression(
            gdlab.load_dataset("cars").x,
            gdlab.load_dataset("cars").y,
            intercept=params == 2,
            scaling=scaling,
            cost=cost,
        )
    )
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert f"**{theory.critical_lr:.4g}**" in sidebar


def test_two_parameters_show_contour_and_slice_from_the_trace():
    at = open_page()
    at.radio(key="params").set_value(2).run()
    at.select_slider(key="lr").set_value(0.003).run()
    at.slider(key="k").set_value(3).run()
    assert_clean(at)
    problem = cars_problem(params=2)
    trace = gdlab.descend(problem, [0.0, 0.0], 0.003, 50)
    path = series(chart(at, "Cost contours"), "path so far")
    np.testing.assert_allclose(decode(path["x"]), trace.thetas[:4, 0])
    np.testing.assert_allclose(decode(path["y"]), trace.thetas[:4, 1])
    cut = chart(at, "Cost along the descent direction at step 3")
    landing = series(cut, "where α lands")
    assert decode(landing["x"])[0] == pytest.approx(0.003 * np.linalg.norm(trace.grads[3]))
    assert decode(landing["y"])[0] == pytest.approx(trace.costs[4], rel=1e-9)


def test_theta0_stays_valid_when_the_data_change():
    at = open_page()
    slider = at.slider(key="theta0_θ")
    slider.set_value(slider.max).run()
    at.selectbox(key="dataset").set_value("penguins").run()
    assert_clean(at)
    low, high = at.slider(key="theta0_θ").min, at.slider(key="theta0_θ").max
    assert low <= at.slider(key="theta0_θ").value <= high


def test_the_maths_shows_the_model_in_use():
    at = open_page()
    at.radio(key="params").set_value(1).run()
    latex = " ".join(element.value for element in at.latex)
    assert r"\hat y_i = \theta x_i" in latex and r"\theta_0" not in latex
    at.radio(key="params").set_value(2).run()
    latex = " ".join(element.value for element in at.latex)
    assert r"\hat y_i = \theta_0 + \theta_1 x_i" in latex
