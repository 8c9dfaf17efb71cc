"""The HTML animation opened from disk in headless Chromium with the network off: it draws, its
slider and play button are there, and play advances the frames (pause stops them)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Browser

import gdlab
from gdlab.figures.animation import run_animation_html

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser

pytestmark = pytest.mark.browser

PLOT = ".js-plotly-plot"
STATE_JS = """() => {
    const gd = document.querySelector('.js-plotly-plot');
    return {
        frames: gd._transitionData._frames.length,
        active: gd._fullLayout.sliders[0].active,
        title: gd._fullLayout.title.text,
    };
}"""


@pytest.mark.parametrize("params", [1, 2])
def test_the_animation_plays_offline_from_a_file(chromium: Browser, tmp_path, params):
    cars = gdlab.load_dataset("cars")
    problem = gdlab.LinearRegression(cars.x, cars.y, intercept=params == 2)
    trace = gdlab.descend(problem, np.zeros(params), 0.003, 60)
    path = tmp_path / "run.html"
    path.write_text(run_animation_html(problem, trace, 0.003, "cars"), encoding="utf-8")
    plays_offline(chromium, path, frames=trace.n_steps + 1)


def test_the_page_downloads_the_run_it_shows(server: str, chromium: Browser, tmp_path):
    """The button on Step by step builds the file when pressed; the file plays offline."""
    page = chromium.new_context(viewport={"width": 1280, "height": 800}).new_page()
    try:
        page.goto(server + "?lr=0.003&steps=40")
        browser.wait_for_charts(page, 3)
        browser.wait_for_idle(page)
        button = page.get_by_role("button", name="Download this run as an HTML animation")
        with page.expect_download(timeout=60_000) as download:
            button.click()
        assert download.value.suggested_filename == "gdlab-run-animation.html"
        path = tmp_path / "downloaded.html"
        download.value.save_as(path)
    finally:
        page.context.close()
    cars = gdlab.load_dataset("cars")
    trace = gdlab.descend(gdlab.LinearRegression(cars.x, cars.y, intercept=False), 0.0, 0.003, 40)
    plays_offline(chromium, path, frames=trace.n_steps + 1)


def plays_offline(chromium: Browser, path: Path, frames: int) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, offline=True)
    fetched: list[str] = []

    def refuse(route) -> None:  # anything but the file itself would need the network
        fetched.append(route.request.url)
        route.abort()

    context.route("http*://**/*", refuse)
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_selector(f"{PLOT} .main-svg")
        page.wait_for_function("() => !!document.querySelector('.js-plotly-plot')._transitionData")
        assert page.locator(".slider-container").count() == 1
        play = page.locator(".updatemenu-button", has_text="Play")
        assert play.count() == 1 and play.is_visible()
        before = page.evaluate(STATE_JS)
        assert before["frames"] == frames
        assert before["active"] == 0 and "step 0 of" in before["title"]

        play.click()
        page.wait_for_function(
            "() => document.querySelector('.js-plotly-plot')._fullLayout.sliders[0].active >= 3"
        )
        page.locator(".updatemenu-button", has_text="Pause").click()
        page.wait_for_timeout(300)  # a frame under way may still land
        paused = page.evaluate(STATE_JS)
        assert paused["active"] >= 3 and f"step {paused['active']} of" in paused["title"]
        page.wait_for_timeout(800)
        assert page.evaluate(STATE_JS)["active"] == paused["active"]  # pause holds
        assert fetched == []
    finally:
        context.close()
