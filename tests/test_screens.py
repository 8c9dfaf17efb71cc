"""What the room sees: every screen at a projector's 1024×768 and a laptop's 1280×800.

Each page state (the default, every preset, both models, a diverging α, every section, and
presentation mode) is opened from a link in a fresh session at both sizes, and fails on what a
person would notice: text cut off, chart labels on top of each other or outside their chart, a
log axis spanning far more decades than its data, an exception box, and axe-core's serious or
critical accessibility findings; in presentation mode also the verdict and the lesson's charts
not wholly on the first screen, or in type smaller than a back row reads. The measurements are
in tests/screens.py.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser
import screens

from gdlab.teaching.presets import PRESETS

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# The page's sections other than Step by step, by their link names (app.SECTIONS).
SECTIONS = ("compare", "sweep", "range", "regimes", "optimizers", "derivatives", "custom",
            "mistakes", "beyond")  # fmt: skip

STATES = {
    "default": "",
    "two parameters": "?params=2",
    "diverging": "?lr=0.005",
    "two parameters diverging": "?params=2&lr=0.02",
    **{f"preset {p.key}": f"?preset={p.key}" for p in PRESETS},
    **{f"section {name}": f"?section={name}" for name in SECTIONS[:7]},
    "section regimes, two parameters": "?section=regimes&params=2",
    "section custom, two parameters": "?section=custom&formula_preset=Rosenbrock",
    "section mistakes": "?section=mistakes",
    "section mistakes, two parameters": "?section=mistakes&params=2",
    "section beyond": "?section=beyond",
    "section beyond, edge of stability": "?section=beyond&beyond_lr=0.2&beyond_steps=2000"
    "&beyond_k=2000",
    "section beyond, separable": "?section=beyond&beyond_model=logistic_separable&beyond_lr=1"
    "&beyond_k=500",
    "section beyond, classification": "?section=beyond&beyond_model=network_penguins"
    "&beyond_lr=0.5&beyond_k=600",
    "section beyond, rate sweep": "?section=beyond&beyond_sweep=1",
    # Presentation mode (page/presentation.py), as a teacher's link opens it.
    "presenting": "?present=1",
    "presenting, diverging": "?present=1&lr=0.005",
    "presenting, two parameters": "?present=1&params=2",
    # Eight rates: three rows of small multiples, each row's labels under the row above.
    "section compare, two parameters, eight rates": "?section=compare&params=2&compare="
    + ",".join(f"{0.0005 * i:g}" for i in range(1, 9)),
}
PRESENTING = {name: query for name, query in STATES.items() if "present=1" in query}
# What presentation mode keeps on the first screen, besides the verdict, α and the presets.
FIRST_SCREEN_CHARTS = {
    "presenting": ("Cost J(θ) and its tangent", "Cost history"),
    "presenting, diverging": ("Cost J(θ) and its tangent", "Cost history"),
    "presenting, two parameters": ("Cost contours", "Cost history"),
}


def open_sized(chromium: Browser, url: str, size: dict) -> Page:
    context = chromium.new_context(viewport=size)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(url)
    browser.wait_for_charts(page, 1)
    browser.wait_for_idle(page)
    # The page's stylesheet (page/style.py) arrives as an element of its own: wait until it
    # applies, or a check could see Streamlit's defaults for a moment.
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stCaptionContainer]')]"
        ".every(el => getComputedStyle(el).opacity === '1')"
    )
    page.evaluate("() => document.fonts.ready")
    return page


@pytest.fixture(params=list(screens.SIZES), ids=list(screens.SIZES))
def size(request) -> dict:
    return screens.SIZES[request.param]


@pytest.fixture(params=list(STATES), ids=list(STATES))
def screen(request, server: str, chromium: Browser, size: dict) -> Iterator[Page]:
    page = open_sized(chromium, server + STATES[request.param], size)
    try:
        yield page
    finally:
        page.context.close()


def test_the_screen_reads_cleanly(screen: Page) -> None:
    browser.assert_no_exception(screen)
    problems = {name: found for name, found in screens.all_problems(screen).items() if found}
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)


# Presentation mode over every other section and every preset: the projected type is larger,
# so what fits in the normal page may not. Read for cut and overlapping text only (the
# accessibility audit above covers presentation mode's own parts).
PRESENTED_ELSEWHERE = {
    **{f"presenting, section {name}": f"?present=1&section={name}" for name in SECTIONS},
    **{f"presenting, preset {p.key}": f"?present=1&preset={p.key}" for p in PRESETS},
}


@pytest.mark.parametrize("name", list(PRESENTED_ELSEWHERE))
def test_presentation_mode_reads_cleanly_everywhere(
    server: str, chromium: Browser, size: dict, name: str
) -> None:
    page = open_sized(chromium, server + PRESENTED_ELSEWHERE[name], size)
    try:
        browser.assert_no_exception(page)
        problems = {what: found for what, found in screens.all_problems(page).items() if found}
        assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
    finally:
        page.context.close()


def test_no_serious_accessibility_violation(screen: Page) -> None:
    violations = screens.accessibility_violations(screen)
    assert not violations, json.dumps(violations, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("name", list(PRESENTING))
def test_presentation_mode_fits_the_lesson_on_the_first_screen(
    server: str, chromium: Browser, size: dict, name: str
) -> None:
    """The verdict, the cost over θ and the cost history wholly on the first screen, in type a
    back row reads, with α and the presets above them and the sidebar folded away."""
    page = open_sized(chromium, server + PRESENTING[name], size)
    try:
        browser.assert_no_exception(page)
        slug = name.replace(", ", "-").replace(" ", "-")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=ARTIFACTS / f"first-screen-{slug}-{size['width']}x{size['height']}.png"
        )
        problems = screens.first_screen_problems(page, FIRST_SCREEN_CHARTS[name])
        assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
    finally:
        page.context.close()


# The README's pictures: a laptop's first screen, and a projector's in presentation mode.
README_SCREENS = {
    "page-1280x800": ("", screens.LAPTOP),
    "presenting-1024x768": ("?present=1", screens.PROJECTOR),
}


@pytest.mark.parametrize("name", list(README_SCREENS))
def test_readme_screenshots(server: str, chromium: Browser, name: str) -> None:
    """The README's pictures, taken at the sizes a class sees: the first screen as it opens.
    Written to tests/artifacts/ always, and to tests/screenshots/ with GDLAB_SCREENSHOTS=1."""
    query, size = README_SCREENS[name]
    page = open_sized(chromium, server + query, size)
    try:
        browser.assert_no_exception(page)
        png = page.screenshot()
        assert png.startswith(b"\x89PNG") and len(png) > 50_000
        targets = [ARTIFACTS / f"{name}.png"]
        if os.environ.get("GDLAB_SCREENSHOTS"):
            targets.append(Path(__file__).resolve().parent / "screenshots" / f"{name}.png")
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(png)
    finally:
        page.context.close()


@pytest.mark.parametrize("name", list(screens.SIZES))
def test_predict_then_reveal_reads_cleanly(server: str, chromium: Browser, name: str) -> None:
    """The guess form, then the revealed page: both clean, and no chart before the guess."""
    context = chromium.new_context(viewport=screens.SIZES[name])
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        page.goto(server + "?predict=1&lr=0.005")
        page.get_by_text("What will α").wait_for()
        page.get_by_text("Predict, then reveal").wait_for()
        browser.wait_for_idle(page)
        assert page.locator(".js-plotly-plot").count() == 0
        problems = {k: v for k, v in screens.all_problems(page).items() if v}
        assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"predict-form-{name}.png"))
        page.get_by_text("oscillating", exact=True).click()
        page.get_by_text("under 10", exact=True).click()
        page.get_by_role("button", name="Reveal", exact=True).click()
        browser.wait_for_charts(page, 1)
        browser.wait_for_idle(page)
        assert "you said oscillating, it is diverging" in page.inner_text("body")
        assert page.get_by_text("What will α").count() == 0  # the form gives way to the answer
        browser.assert_no_exception(page)
        problems = {k: v for k, v in screens.all_problems(page).items() if v}
        assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
        page.screenshot(path=str(ARTIFACTS / f"predict-revealed-{name}.png"))
    finally:
        context.close()


@pytest.mark.parametrize("name", list(screens.SIZES))
def test_ghosts_read_cleanly(server: str, chromium: Browser, name: str) -> None:
    """Three rates kept as ghosts under a fourth: still no overlapping or cut text."""
    page = open_sized(chromium, server, screens.SIZES[name])
    try:
        page.get_by_text("Keep earlier runs as ghosts").click()
        browser.wait_for_idle(page)
        slider = page.get_by_role("slider", name="Learning rate α (log scale)")
        slider.focus()
        for _ in range(3):  # three more rates, each a run of its own
            for _ in range(6):
                with browser.rerun(page):
                    slider.press("ArrowRight")
        browser.wait_for_idle(page)
        browser.assert_no_exception(page)
        legend = page.locator("text.legendtext").evaluate_all("els => els.map(e => e.textContent)")
        assert legend.count("earlier rates (faint)") == 2, legend  # cost curve and history
        problems = {k: v for k, v in screens.all_problems(page).items() if v}
        assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator(".js-plotly-plot").nth(1).scroll_into_view_if_needed()  # the cost curve
        page.screenshot(path=str(ARTIFACTS / f"ghosts-{name}.png"))
    finally:
        page.context.close()
