"""What the room sees: every screen at a projector's 1024×768 and a laptop's 1280×800.

Each page state (the default, every preset, both models, a diverging α, every section) is
opened from a link in a fresh session at both sizes, and fails on what a person would notice:
text cut off, chart labels on top of each other or outside their chart, a log axis spanning
far more decades than its data, an exception box, and axe-core's serious or critical
accessibility findings. The measurements are in tests/screens.py.
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

STATES = {
    "default": "",
    "two parameters": "?params=2",
    "diverging": "?lr=0.005",
    "two parameters diverging": "?params=2&lr=0.02",
    **{f"preset {p.key}": f"?preset={p.key}" for p in PRESETS},
    **{
        f"section {name}": f"?section={name}"
        for name in ("compare", "sweep", "range", "regimes", "optimizers", "derivatives", "custom")
    },
    "section regimes, two parameters": "?section=regimes&params=2",
    # Eight rates: three rows of small multiples, each row's labels under the row above.
    "section compare, two parameters, eight rates": "?section=compare&params=2&compare="
    + ",".join(f"{0.0005 * i:g}" for i in range(1, 9)),
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


def test_no_serious_accessibility_violation(screen: Page) -> None:
    violations = screens.accessibility_violations(screen)
    assert not violations, json.dumps(violations, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("name", list(screens.SIZES))
def test_readme_screenshots(server: str, chromium: Browser, name: str) -> None:
    """The README's pictures, taken at the sizes a class sees: the first screen as it opens.
    Written to tests/artifacts/ always, and to tests/screenshots/ with GDLAB_SCREENSHOTS=1."""
    page = open_sized(chromium, server, screens.SIZES[name])
    try:
        browser.assert_no_exception(page)
        png = page.screenshot()
        assert png.startswith(b"\x89PNG") and len(png) > 50_000
        targets = [ARTIFACTS / f"page-{name}.png"]
        if os.environ.get("GDLAB_SCREENSHOTS"):
            targets.append(Path(__file__).resolve().parent / "screenshots" / f"page-{name}.png")
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(png)
    finally:
        page.context.close()
