"""What a visitor sees when the page fails: a notice, never the traceback or the server's paths.

`client.showErrorDetails` in .streamlit/config.toml decides it on a self-hosted server (Community
Cloud forces its own value). The failing page here is a tiny script, so that the check holds
whatever the real page does; it is served from the project's root, so with the project's config.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
SECRET = "private-detail-4711"
FAILING_PAGE = f"""
import streamlit as st

st.title("Before the failure")
raise RuntimeError("{SECRET} read from " + __file__)
"""


def leaks(text: str, *paths: Path) -> list[str]:
    """What of the exception's details appears in `text`."""
    details = [SECRET, "RuntimeError", "Traceback", 'File "', ".py", str(ROOT), *map(str, paths)]
    return [detail for detail in details if detail in text]


@pytest.fixture
def project_config(monkeypatch) -> Iterator[None]:
    """Streamlit's options as its own parser reads them from the project's root."""
    monkeypatch.chdir(ROOT)
    streamlit_config.get_config_options(force_reparse=True)
    yield
    monkeypatch.undo()
    streamlit_config.get_config_options(force_reparse=True)


def test_an_uncaught_exception_reaches_the_page_without_its_details(project_config):
    at = AppTest.from_string(FAILING_PAGE, default_timeout=30).run()
    [shown] = at.exception
    assert list(shown.proto.stack_trace) == []
    assert shown.proto.type == ""
    assert leaks(str(shown.proto), Path(tempfile.gettempdir())) == []
    assert at.title[0].value == "Before the failure"


@pytest.mark.browser
def test_a_visitor_sees_a_notice_but_no_traceback_or_server_path(tmp_path, chromium):
    import browser  # tests/browser.py; imported here so the AppTest check never loads Playwright

    script = tmp_path / "failing_page.py"
    script.write_text(FAILING_PAGE)
    with browser.streamlit_server(script=script) as url:
        page = browser.open_page(chromium, url)
        page.locator(browser.EXCEPTION).wait_for()
        page.get_by_text("Before the failure").wait_for()
        shown = page.locator("body").inner_text()
        page.context.close()
    assert leaks(shown, tmp_path) == []
