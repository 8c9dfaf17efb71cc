"""Sessions are isolated: what one student does never shows up on another student's page.

Two browser contexts (two Streamlit sessions) on one server. Session B opens first and picks
an α of its own; session A then uploads a CSV and changes α. B, rerun by an action of its own
and then reloaded (a new session from B's own address), still shows the built-in cars data,
B's α, the built-in source, and no uploaded file name in its sidebar.

Waits are on what the page shows (a chart's data, an element), not on the run-state attribute
alone, which can miss a quick run when the machine is busy.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The support module beside this file (tests/ is not a package).
import browser

pytestmark = pytest.mark.browser

ALPHA = "Learning rate α (log scale)"
COST_CURVE = "Cost J(θ) and its tangent at step"
DATA = "Data and the model at step"
HISTORY = "Cost history"
UPLOADER = f"{browser.SIDEBAR} [data-testid=stFileUploaderDropzoneInput]"
FILE_NAME = "session-a-only.csv"
CSV = b"hours,score\n1,2.1\n2,3.9\n3,6.2\n4,7.8\n5,10.1\n6,11.9\n7,14.2\n"
CSV_X = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]


def opened(chromium: Browser, url: str) -> Page:
    page = browser.open_page(chromium, url)
    ready(page)
    return page


def ready(page: Page) -> None:
    browser.wait_for_titled_charts(page, COST_CURVE, DATA, HISTORY)
    browser.wait_for_idle(page)


def data_x(page: Page) -> list[float]:
    return browser.chart_state(page, DATA)["x"][0]


def alpha(page: Page) -> str | None:
    return page.get_by_role("slider", name=ALPHA).get_attribute("aria-valuetext")


def press_alpha(page: Page, key: str) -> None:
    """One arrow key on the α slider; returns once the cost history shows the new run."""
    before = browser.chart_signature(page, HISTORY)
    page.get_by_role("slider", name=ALPHA).press(key)
    browser.wait_for_change(page, HISTORY, before)
    browser.wait_for_idle(page)


def assert_untouched(page: Page, cars_x: list[float], own_alpha: str) -> None:
    """Session B as it should be whatever session A did."""
    sidebar = page.locator(browser.SIDEBAR)
    assert data_x(page) == cars_x
    assert alpha(page) == own_alpha
    expect(sidebar.get_by_role("radio", name="Built-in dataset")).to_be_checked()
    expect(sidebar.get_by_text(FILE_NAME)).to_have_count(0)
    expect(page.locator(UPLOADER)).to_have_count(0)  # the uploader shows only for "Upload a CSV"
    expect(page.locator("[data-testid=stFileUploaderFile]")).to_have_count(0)
    browser.assert_no_exception(page)


def test_upload_and_alpha_in_one_session_do_not_reach_another(
    server: str, chromium: Browser
) -> None:
    b = opened(chromium, server)
    a = None
    try:
        cars_x = data_x(b)
        assert len(cars_x) == 50  # the built-in cars data
        press_alpha(b, "ArrowLeft")  # B's own α, below the default 0.001
        b_alpha = alpha(b)
        assert b_alpha not in (None, "0.001")

        a = opened(chromium, server)
        assert alpha(a) == "0.001"  # a new session starts from the defaults, not from B
        a.locator(browser.SIDEBAR).get_by_text("Upload a CSV", exact=True).click()
        a.locator(UPLOADER).set_input_files(
            {"name": FILE_NAME, "mimeType": "text/csv", "buffer": CSV}
        )
        a.wait_for_function(
            f"""(x) => {{
                const gd = ({browser.FIND_CHART_JS})({DATA!r});
                return !!gd && JSON.stringify(Array.from(gd._fullData[0].x, Number))
                    === JSON.stringify(x);
            }}""",
            arg=CSV_X,
        )
        browser.wait_for_idle(a)
        press_alpha(a, "ArrowRight")
        press_alpha(a, "ArrowRight")
        # A really changed: its data, its α and the file name in its sidebar.
        assert data_x(a) == CSV_X
        assert alpha(a) == "0.0012"
        expect(a.locator(browser.SIDEBAR).get_by_text(FILE_NAME)).to_have_count(1)
        browser.assert_no_exception(a)

        # B, still open, reruns on an action of its own: its own data and α.
        before = browser.chart_signature(b, COST_CURVE)
        b.locator(".st-key-next button").click()
        browser.wait_for_change(b, COST_CURVE, before)
        browser.wait_for_idle(b)
        assert_untouched(b, cars_x, b_alpha)

        # B reloaded: a new session, seeded from B's own address (which holds B's α).
        b.reload()
        ready(b)
        assert_untouched(b, cars_x, b_alpha)
    finally:
        for page in (a, b):
            if page is not None:
                page.context.close()
