"""plotly's toolbar, shown over a chart's top right on hover, never covers the chart's title
(issue 10, item 14): with all eight buttons it covered half-width titles at 1280 px."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser
import screens
from test_screens import open_sized

pytestmark = pytest.mark.browser

STATES = {
    "default": "",
    "two parameters at step 40": "?params=2&k=40",
    "compare": "?section=compare",
    "optimizers, two parameters": "?section=optimizers&params=2",
    "sweep": "?section=sweep",
    "your own cost": "?section=custom",
    "your own cost, two parameters": "?section=custom&formula_params=2"
    "&formula=theta0**2%2B10*theta1**2",
}

BOXES_JS = """(index) => {
    const chart = document.querySelectorAll('[data-testid=stPlotlyChart]')[index];
    const box = el => { if (!el) return null;
        const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const modebar = chart.querySelector('.modebar');
    return {title: (chart.querySelector('.gtitle') || {}).textContent || '',
            titleBox: box(chart.querySelector('.gtitle')), modebarBox: box(modebar),
            shown: !!modebar && getComputedStyle(modebar.parentElement).opacity !== '0',
            buttons: [...chart.querySelectorAll('.modebar-btn')]
                .map(b => b.getAttribute('data-title'))};
}"""


@pytest.mark.parametrize("size", list(screens.SIZES))
@pytest.mark.parametrize("state", list(STATES))
def test_the_toolbar_leaves_the_title_readable(
    server: str, chromium: Browser, state: str, size: str
) -> None:
    page = open_sized(chromium, server + STATES[state], screens.SIZES[size])
    try:
        charts = page.locator("[data-testid=stPlotlyChart]")
        assert charts.count() >= 1
        problems = []
        for i in range(charts.count()):
            charts.nth(i).scroll_into_view_if_needed()
            charts.nth(i).hover()
            page.wait_for_timeout(200)
            found = page.evaluate(BOXES_JS, i)
            assert found["shown"], found
            assert any("png" in title.lower() for title in found["buttons"]), found["buttons"]
            if found["titleBox"] and found["modebarBox"]:
                (a0, a1, a2, a3), (b0, b1, b2, b3) = found["titleBox"], found["modebarBox"]
                if min(a2, b2) - max(a0, b0) > 0 and min(a3, b3) - max(a1, b1) > 0:
                    problems.append(found)
        browser.assert_no_exception(page)
        assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
    finally:
        page.context.close()
