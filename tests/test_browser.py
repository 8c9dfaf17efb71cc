"""The page in a real browser: headless Debian Chromium driven by Playwright.

One Streamlit server and one browser serve the whole module; every test gets a fresh browser
context (a new session), so tests do not share widget state. Support code is in browser.py.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The support module beside this file (tests/ is not a package).
import browser

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ALPHA = "Learning rate α (log scale)"
COST_CURVE = "Cost J(θ) and its tangent at step"
DATA = "Data and the model at step"
HISTORY = "Cost history"
CONTOUR = "Cost contours and the path to step"
SLICE = "Cost along the descent direction at step"
TWO_PARAMS = "Two parameters: ŷ = θ₀ + θ₁x"
UPLOAD = "Upload a CSV"

GOOD_CSV = b"hours,score\n1,2.1\n2,3.9\n3,6.2\n4,7.8\n5,10.1\n6,11.9\n"
GOOD_X = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
HEADER_ONLY_CSV = b"hours,score\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
# The step inspector's charts; the page may show others (e.g. a bar placing α among the regimes).
INSPECTOR = (COST_CURVE, DATA, HISTORY, CONTOUR, SLICE)


@pytest.fixture
def page(server: str, chromium: Browser) -> Iterator[Page]:
    """The page in a new session, its charts drawn and its first run finished."""
    page = browser.open_page(chromium, server)
    try:
        browser.wait_for_titled_charts(page, COST_CURVE, DATA, HISTORY)
        browser.wait_for_idle(page)
        yield page
    finally:
        page.context.close()


def inspector_titles(page: Page) -> list[str]:
    return [title for title in browser.chart_titles(page) if title.startswith(INSPECTOR)]


def sidebar_radio(page: Page, label: str):
    # Streamlit hides the radio <input>; its visible label is what a user clicks.
    return page.locator(browser.SIDEBAR).get_by_text(label, exact=True)


def upload(page: Page, name: str, content: bytes) -> None:
    uploader = page.locator(f"{browser.SIDEBAR} [data-testid=stFileUploaderDropzoneInput]")
    with browser.rerun(page):
        uploader.set_input_files({"name": name, "mimeType": "text/csv", "buffer": content})


def test_default_page_converges_smoothly(page: Page) -> None:
    assert inspector_titles(page) == [
        "Cost J(θ) and its tangent at step 0",
        "Data and the model at step 0",
        "Cost history",
    ]
    browser.assert_no_exception(page)
    verdict = browser.verdict_text(page)
    assert "α = 0.001 converges smoothly" in verdict
    assert page.get_by_role("slider", name=ALPHA).get_attribute("aria-valuetext") == "0.001"
    # The built-in cars data: 50 points, drawn as the first trace of the data chart.
    data = browser.chart_state(page, DATA)
    assert data["names"][0] == "data"
    assert len(data["x"][0]) == 50


def test_alpha_slider_changes_verdict_and_cost_chart(page: Page) -> None:
    slider = page.get_by_role("slider", name=ALPHA)
    history_before = browser.chart_state(page, HISTORY)
    curve_before = browser.chart_signature(page, COST_CURVE)
    slider.focus()
    # 0.001 → 0.0019 in steps of 0.0001: past 1/λ_max = 0.00189 the steps overshoot θ*.
    for _ in range(9):
        with browser.rerun(page):
            slider.press("ArrowRight")
    assert slider.get_attribute("aria-valuetext") == "0.0019"
    verdict = browser.verdict_text(page)
    assert "α = 0.0019 oscillates" in verdict, verdict
    history = browser.chart_state(page, HISTORY)
    assert history["y"][0] != history_before["y"][0]
    assert len(history["y"][0]) < len(history_before["y"][0])  # converges in fewer steps
    assert browser.chart_signature(page, COST_CURVE) != curve_before  # its step arrow grew
    browser.assert_no_exception(page)

    # The largest α (10) is far past α_crit = 2/λ_max: the cost blows up.
    with browser.rerun(page):
        slider.press("End")
    assert slider.get_attribute("aria-valuetext") == "10"
    verdict = browser.verdict_text(page)
    assert "diverg" in verdict, verdict
    history = browser.chart_state(page, HISTORY)
    costs = history["y"][0]
    assert costs[-1] > 1e3 * costs[0]
    assert history["yaxis_type"] == "log"  # forced on by a diverging run
    curve = browser.chart_state(page, COST_CURVE)
    assert any("left the view" in text for text in curve["annotations"]), curve["annotations"]
    browser.assert_no_exception(page)


def test_step_inspector(page: Page) -> None:
    prev = page.locator(".st-key-prev button")
    nxt = page.locator(".st-key-next button")
    step = page.get_by_role("slider", name="Step k")
    expect(prev).to_be_disabled()
    history = browser.chart_state(page, HISTORY)
    curve = browser.chart_state(page, COST_CURVE)
    theta_0 = curve["x"][curve["names"].index("θₖ at step 0")][0]

    with browser.rerun(page):
        nxt.click()
    assert inspector_titles(page) == [
        "Cost J(θ) and its tangent at step 1",
        "Data and the model at step 1",
        "Cost history",
    ]
    assert step.get_attribute("aria-valuetext") == "1"
    expect(prev).to_be_enabled()
    # The marker moved to θ₁, and the history marks step 1 at the cost J(θ₁).
    curve = browser.chart_state(page, COST_CURVE)
    theta_1 = curve["x"][curve["names"].index("θₖ at step 1")][0]
    assert theta_1 != theta_0
    marked = browser.chart_state(page, HISTORY)
    assert marked["names"][1] == "step 1"
    assert marked["x"][1] == [1.0]
    assert marked["y"][1] == [history["y"][0][1]]

    step.focus()
    with browser.rerun(page):
        step.press("ArrowRight")
    assert step.get_attribute("aria-valuetext") == "2"
    assert inspector_titles(page)[:2] == [
        "Cost J(θ) and its tangent at step 2",
        "Data and the model at step 2",
    ]

    with browser.rerun(page):
        prev.click()
    assert step.get_attribute("aria-valuetext") == "1"
    assert inspector_titles(page)[0] == "Cost J(θ) and its tangent at step 1"
    browser.assert_no_exception(page)


def test_two_parameter_model_shows_contours(page: Page) -> None:
    with browser.rerun(page):
        sidebar_radio(page, TWO_PARAMS).click()
    browser.wait_for_titled_charts(page, CONTOUR, SLICE, DATA, HISTORY)
    titles = inspector_titles(page)
    assert len(titles) == 4, titles
    assert "Cost contours and the path to step 0" in titles
    assert "Cost along the descent direction at step 0" in titles
    assert not any(title.startswith(COST_CURVE) for title in titles)
    contour = browser.chart_state(page, CONTOUR)
    assert contour["types"][0] == "contour"
    # One slider per parameter for the start.
    names = (
        page.locator(browser.SIDEBAR)
        .get_by_role("slider")
        .evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    )
    assert sum(name.startswith("start value of θ") for name in names) == 2, names
    assert browser.verdict_text(page)
    browser.assert_no_exception(page)
    browser.screenshot(page, ARTIFACTS / "two-parameters.png")


def test_upload_bad_then_good_then_bad_csv(page: Page) -> None:
    sidebar = page.locator(browser.SIDEBAR)
    error = sidebar.locator("[data-testid=stAlertContentError]")
    cars_x = browser.chart_state(page, DATA)["x"][0]
    with browser.rerun(page):
        sidebar_radio(page, UPLOAD).click()
    expect(sidebar.get_by_text("No CSV loaded yet")).to_be_visible()

    upload(page, "empty.csv", HEADER_ONLY_CSV)
    expect(error).to_have_count(1)
    assert error.inner_text().strip()
    browser.wait_for_titled_charts(page, COST_CURVE, DATA, HISTORY)
    assert browser.chart_state(page, DATA)["x"][0] == cars_x  # still the built-in data
    browser.assert_no_exception(page)

    upload(page, "good.csv", GOOD_CSV)
    expect(error).to_have_count(0)
    browser.wait_for_titled_charts(page, COST_CURVE, DATA, HISTORY)
    data = browser.chart_state(page, DATA)
    assert data["x"][0] == GOOD_X
    assert data["xaxis_title"] == "hours"
    browser.assert_no_exception(page)

    upload(page, "bad.csv", PNG_BYTES)
    expect(error).to_have_count(1)
    assert "PNG" in error.inner_text()
    expect(sidebar.get_by_text("the last file that loaded")).to_be_visible()
    browser.wait_for_titled_charts(page, COST_CURVE, DATA, HISTORY)
    assert browser.chart_state(page, DATA)["x"][0] == GOOD_X  # the good file is kept
    assert browser.verdict_text(page)
    browser.assert_no_exception(page)


def test_screenshot_of_default_page(page: Page) -> None:
    paths = [ARTIFACTS / "page.png"]
    if os.environ.get("GDLAB_SCREENSHOT"):
        paths.append(Path(os.environ["GDLAB_SCREENSHOT"]))
    png = browser.screenshot(page, *paths)
    assert png.startswith(b"\x89PNG") and len(png) > 50_000
    browser.assert_no_exception(page)


def test_optimizer_race_in_the_browser(server: str, chromium: Browser) -> None:
    """The race view from a shared link: both charts drawn, one line per optimizer, and the
    shared step slider moves every path."""
    page = browser.open_page(chromium, server + "/?section=optimizers")
    try:
        browser.wait_for_titled_charts(page, "The race up to step 0", "Cost histories, and the")
        browser.assert_no_exception(page)
        paths = browser.chart_state(page, "The race up to step")
        racers = [name for name in paths["names"] if name.split(":")[0] in
                  ("Gradient descent", "Momentum", "Adam")]  # fmt: skip
        assert len(racers) == 3, paths["names"]
        step = page.get_by_role("slider", name="Step k (all optimizers)")
        before = browser.chart_signature(page, "The race up to step")
        step.focus()
        with browser.rerun(page):
            step.press("ArrowRight")
        browser.wait_for_change(page, "The race up to step", before)
        assert any(t.startswith("The race up to step 1") for t in browser.chart_titles(page))
        browser.assert_no_exception(page)
        browser.screenshot(page, ARTIFACTS / "optimizers.png")
    finally:
        page.context.close()


def test_play_steps_through_the_run_by_itself(page: Page) -> None:
    """Play advances the step on a timer (a fragment re-running itself), then pause stops it."""
    step = page.get_by_role("slider", name="Step k")
    assert step.get_attribute("aria-valuetext") == "0"
    page.locator(".st-key-play button").click()
    expect(step).to_have_attribute("aria-valuetext", re.compile(r"^([3-9]|\d\d+)$"),
                                   timeout=20_000)  # fmt: skip
    assert any(t.startswith(f"{COST_CURVE} ") for t in browser.chart_titles(page))
    page.locator(".st-key-play button").click()  # pause
    expect(page.locator(".st-key-play button")).to_contain_text("play", timeout=10_000)
    browser.wait_for_idle(page)
    # Ticks already in flight may still land (later on a busy machine): wait until the step
    # holds for a second, then it must stay put.
    paused = step.get_attribute("aria-valuetext")
    for _ in range(20):
        page.wait_for_timeout(1000)
        now = step.get_attribute("aria-valuetext")
        if now == paused:
            break
        paused = now
    page.wait_for_timeout(1500)
    assert step.get_attribute("aria-valuetext") == paused
    browser.assert_no_exception(page)


FOCUSED_JS = """() => {
    const e = document.activeElement;
    const style = getComputedStyle(e);
    return {label: e.getAttribute('aria-label') || '', text: (e.innerText || '').trim(),
            role: e.getAttribute('role') || '', checked: e.getAttribute('aria-checked'),
            ring: style.outlineStyle !== 'none' || style.boxShadow !== 'none'};
}"""


def tab_to(page: Page, matches, limit: int = 150) -> dict:
    """Press Tab (nothing else) until the focused element matches; it must be reachable."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if matches(focused):
            return focused
    raise AssertionError(f"Tab never reached the control ({limit} presses)")


def test_the_main_controls_work_from_the_keyboard_alone(page: Page) -> None:
    # No clicks and no focus() calls: only the keys a keyboard user presses.
    verdict_before = browser.verdict_text(page)
    alpha = tab_to(page, lambda f: f["label"] == ALPHA)
    assert alpha["ring"], "the focused α slider shows no focus ring"
    browser.screenshot(page, ARTIFACTS / "keyboard-focus.png")
    with browser.rerun(page):
        page.keyboard.press("ArrowRight")
    assert page.get_by_role("slider", name=ALPHA).get_attribute("aria-valuetext") == "0.0011"
    assert browser.verdict_text(page) != verdict_before

    assert tab_to(page, lambda f: f["text"].endswith("next"))["ring"]
    with browser.rerun(page):
        page.keyboard.press("Enter")
    assert inspector_titles(page)[0] == "Cost J(θ) and its tangent at step 1"

    # The sections are one radio group: Tab reaches the chosen one, arrows move, Enter picks.
    # (The play speed is a radio group too, after "next"; the sections' is the one named so.)
    section = tab_to(page, lambda f: f["role"] == "radio" and f["checked"] == "true"
                     and f["text"] == "Step by step")  # fmt: skip
    assert section["text"] == "Step by step" and section["ring"]
    for _ in range(2):
        page.keyboard.press("ArrowRight")
    assert page.evaluate(FOCUSED_JS)["text"] == "Sweep"
    with browser.rerun(page):
        page.keyboard.press("Enter")
    browser.wait_for_titled_charts(page, "Sweep:")
    browser.assert_no_exception(page)
