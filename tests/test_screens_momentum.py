"""The momentum region as the room sees it at 1024×768 (issue 10, item 10): the edge's legend
sample is the colour of the edge drawn, and no colour word in the title can contradict it.
The α ticks not crowding is checked for every chart by tests/test_screens.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser
import screens

pytestmark = pytest.mark.browser

COLOURS_JS = """() => {
    const gd = [...document.querySelectorAll('[data-testid=stPlotlyChart] .js-plotly-plot')]
        .find(g => g.layout.title.text.replace(/<[^>]*>/g, '').startsWith('Momentum'));
    const item = [...gd.querySelectorAll('.legend .traces')]
        .find(t => t.querySelector('.legendtext').textContent.startsWith('edge'));
    // A contour's legend line is painted with a gradient of its colour scale: read its stops.
    const stroke = getComputedStyle(item.querySelector('path.js-line')).stroke;
    const id = /url\\("?#([^")]+)"?\\)/.exec(stroke);
    const sample = id
        ? [...document.getElementById(id[1]).querySelectorAll('stop')]
            .map(s => getComputedStyle(s).stopColor)
        : [stroke];
    const edge = gd.querySelectorAll('.contour')[1];
    const drawn = [...edge.querySelectorAll('path.openline, path.closedline')]
        .map(p => getComputedStyle(p).stroke);
    return {title: gd.layout.title.text.replace(/<[^>]*>/g, ''), sample, drawn};
}"""

COLOUR_WORDS = ("red", "blue", "green", "orange", "yellow", "purple", "black", "vermillion")


@pytest.mark.parametrize("params", [1, 2])
def test_the_edge_looks_like_its_legend(server: str, chromium: Browser, params: int) -> None:
    context = chromium.new_context(viewport=screens.PROJECTOR)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        page.goto(f"{server}?section=optimizers&params={params}")
        browser.wait_for_titled_charts(page, "Momentum")
        browser.wait_for_idle(page)
        browser.assert_no_exception(page)
        found = page.evaluate(COLOURS_JS)
        assert found["drawn"], "the edge rate = 1 is not drawn"
        assert set(found["sample"]) == set(found["drawn"]) and len(set(found["drawn"])) == 1
        assert not any(word in found["title"].lower() for word in COLOUR_WORDS), found["title"]
    finally:
        context.close()
