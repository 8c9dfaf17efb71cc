"""A run as a self-contained HTML animation (gdlab.figures.animation): plotly.js inside, no
external script, one frame per shown step (at most 200), play / pause and a slider."""

from __future__ import annotations

import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs_version

import gdlab
from gdlab.figures.animation import MAX_FRAMES, run_animation, run_animation_html


@pytest.fixture(scope="module")
def cars() -> gdlab.Dataset:
    return gdlab.load_dataset("cars")


def frames_in(page: str) -> list[dict]:
    """The frames the page hands to Plotly.addFrames, read back from its script."""
    start = page.index("Plotly.addFrames(")
    start = page.index("[", start)
    frames, _ = json.JSONDecoder().raw_decode(page[start:])
    return frames


@pytest.mark.parametrize(("intercept", "lr", "steps"), [(False, 0.003, 40), (True, 0.001, 500)])
def test_the_page_carries_plotly_js_and_every_frame(cars, intercept, lr, steps):
    problem = gdlab.LinearRegression(cars.x, cars.y, intercept=intercept)
    trace = gdlab.descend(problem, np.zeros(problem.n_params), lr, steps)
    page = run_animation_html(problem, trace, lr, "cars")
    assert f"plotly.js v{get_plotlyjs_version()}" in page  # the bundle itself, inline
    assert len(page) > 3_000_000
    # No script is fetched from anywhere: every <script> is inline.
    scripts = re.findall(r"<script\b[^>]*>", page, flags=re.IGNORECASE)
    assert scripts and not [tag for tag in scripts if "src" in tag.lower()]
    # Nor any other element (an image, a frame) from the network. (The bundle's own JavaScript
    # may name addresses, such as map icons plotly 5 fetches for map charts; none is drawn here
    # and tests/test_animation_browser.py checks that nothing is requested.)
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "", page, flags=re.IGNORECASE | re.DOTALL)
    assert not re.search(r"""\bsrc\s*=\s*["']?https?:""", markup, flags=re.IGNORECASE)
    frames = frames_in(page)
    # One frame per step up to 200, else 200 spread over the run, first and last included.
    expected = trace.n_steps + 1 if trace.n_steps + 1 <= MAX_FRAMES else MAX_FRAMES
    assert len(frames) == expected
    names = [int(frame["name"]) for frame in frames]
    assert names[0] == 0 and names[-1] == trace.n_steps and names == sorted(set(names))
    # Each frame says which step it shows.
    for frame in frames[:: max(1, len(frames) // 7)]:
        k = int(frame["name"])
        assert f"step {k} of {trace.n_steps}" in frame["layout"]["title"]["text"]


def test_play_pause_and_the_slider_drive_the_frames(cars):
    problem = gdlab.LinearRegression(cars.x, cars.y, intercept=False)
    trace = gdlab.descend(problem, 0.0, 0.003, 30)
    figure = run_animation(problem, trace, 0.003)
    go.Figure(figure.to_dict())  # valid plotly, frames included
    (menu,) = figure.layout.updatemenus
    labels = [button.label for button in menu.buttons]
    assert labels == ["▶ Play", "❚❚ Pause"]
    assert menu.buttons[0].args[0] is None  # play every frame, from the current one
    (slider,) = figure.layout.sliders
    assert [step.args[0][0] for step in slider.steps] == [frame.name for frame in figure.frames]
    assert len(figure.frames) == trace.n_steps + 1


def test_a_frame_shows_theta_and_the_tangent_of_its_step(cars):
    problem = gdlab.LinearRegression(cars.x, cars.y, intercept=False)
    trace = gdlab.descend(problem, 0.0, 0.003, 30)
    figure = run_animation(problem, trace, 0.003)
    for frame in figure.frames[::6]:
        k = int(frame.name)
        point, touch = frame.data[1], frame.data[2]
        assert point.x[0] == pytest.approx(trace.thetas[k, 0])
        assert point.y[0] == pytest.approx(trace.costs[k])
        slope = (touch.y[1] - touch.y[0]) / (touch.x[1] - touch.x[0])
        assert slope == pytest.approx(trace.grads[k, 0])


def test_a_diverging_run_keeps_finite_frames_and_says_when_theta_is_off_the_chart(cars):
    problem = gdlab.LinearRegression(cars.x, cars.y, intercept=False)
    trace = gdlab.descend(problem, 0.0, 0.0045, 300)
    assert trace.diverged
    figure = run_animation(problem, trace, 0.0045)
    for frame in figure.frames:
        for series in frame.data:
            for axis in ("x", "y"):
                values = getattr(series, axis)
                values = np.asarray([] if values is None else values, dtype=float)
                assert np.all(np.isfinite(values))
    assert "off the chart" in figure.frames[-1].layout.title.text


def test_a_title_from_a_file_name_stays_text(cars):
    """The title may be an uploaded file's name: no tag of it reaches the page or the chart."""
    problem = gdlab.LinearRegression(cars.x, cars.y, intercept=False)
    trace = gdlab.descend(problem, 0.0, 0.003, 5)
    name = '<a href="https://evil.example">x</a></script><script>alert(1)</script>'
    page = run_animation_html(problem, trace, 0.003, name)
    assert "<script>alert(1)" not in page and '<a href="https://evil.example"' not in page
    assert "<title>&lt;a href=&quot;https://evil.example&quot;&gt;" in page
    title = run_animation(problem, trace, 0.003, name).layout.title.text
    assert "<a" not in title and "&lt;a href" in title
