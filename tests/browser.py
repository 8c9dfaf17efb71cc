"""Support for driving the page in headless Chromium (not a test module).

Used by tests/test_browser.py and benchmarks/bench_browser.py:

    with streamlit_server() as url, chromium() as browser:
        page = open_page(browser, url)          # a new context (session) and page
        wait_for_charts(page, 3)                # plotly has drawn 3 charts
        wait_for_idle(page)                     # the first run has finished
        with rerun(page):                       # wait for the rerun this action causes
            page.get_by_role("slider", name="Step k").press("ArrowRight")
        assert "converges" in verdict_text(page)
        assert_no_exception(page)

Debian's Chromium (/usr/bin/chromium) is used because `playwright install` cannot download a
browser here.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# Tall enough that the whole page fits: the page scrolls inside its main block, so a
# full-page screenshot only ever shows the viewport.
VIEWPORT = {"width": 1400, "height": 2200}

CHART = "[data-testid=stPlotlyChart] .js-plotly-plot"
DRAWN_CHART = f"{CHART} .main-svg"
EXCEPTION = "[data-testid=stException]"
MAIN = "[data-testid=stMain]"
SIDEBAR = "[data-testid=stSidebar]"
# st.success / info / warning / error all render as stAlert. The verdict is the first one in the
# main area (the sidebar has its own, e.g. the uploader's error) that is not one of the notes the
# page may put above it; see verdict_text.
VERDICT = f"{MAIN} [data-testid=stAlert]"
KEYED_VERDICT = f"{MAIN} .st-key-verdict [data-testid=stAlert]"
NOT_VERDICT = ("Preset:", "This link had values")
SEEN_RUN_GRACE_S = 5.0  # how long rerun() waits to see a run before settling for an idle page

# The app root carries the script's run state for tests: "initial", "running",
# "rerunRequested" or "notRunning". Elements from the previous run that the current run has not
# redrawn yet are marked data-stale="true".
_IDLE_JS = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-stale="true"]');
}"""


# Every chart is found by the start of its title (tags stripped: Streamlit's theme wraps plotly
# titles in <b>), because a chart's position changes with the model and its graph div is
# replaced, not updated, when the whole script reruns: an element handle would go stale.
FIND_CHART_JS = (
    """(prefix) => {
    const title = gd => ((gd.layout && gd.layout.title && gd.layout.title.text) || '')
        .replace(/<[^>]*>/g, '');
    return [...document.querySelectorAll("""
    + json.dumps(CHART)
    + """)].find(gd => gd._fullData && title(gd).startsWith(prefix)) || null;
}"""
)

# A summary of a chart's live figure that changes whenever what it shows does: the title, every
# trace's name, x and y, and the annotations' text and position (at step 0 the cost curve's
# traces do not depend on α; its step arrow and label do).
SIGNATURE_JS = """(gd) => gd ? JSON.stringify([
    (gd.layout.title && gd.layout.title.text) || '',
    gd._fullData.map(t => [t.name, t.x ? Array.from(t.x, Number) : [],
                           t.y ? Array.from(t.y, Number) : []]),
    (gd.layout.annotations || []).map(a => [a.text, a.x, a.y]),
]) : null"""


# -- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().decode().strip() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@contextlib.contextmanager
def streamlit_server(timeout: float = 30.0, script: str | Path = "app.py") -> Iterator[str]:
    """Run `streamlit run app.py` (or `script`) from the project's root, so with its
    .streamlit/config.toml, on a free loopback port; yield its URL; always stop it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    # Output goes to temporary files, not pipes: a pipe nobody reads can fill up and block the
    # server, and the files are there to quote if it fails to start.
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        subprocess.Popen(
            command,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        ) as process,
    ):
        try:
            deadline = time.monotonic() + timeout
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    err.seek(0)
                    out.seek(0)
                    state = (
                        f"exited with code {process.returncode}"
                        if process.poll() is not None
                        else f"did not answer {url}/_stcore/health within {timeout:g} s"
                    )
                    raise RuntimeError(
                        f"The Streamlit server {state}.\n"
                        f"--- stderr ---\n{err.read().decode(errors='replace')}\n"
                        f"--- stdout ---\n{out.read().decode(errors='replace')}"
                    )
                time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# -- the browser ------------------------------------------------------------------------------


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium through Playwright; closed (with Playwright) on exit."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser: Browser, url: str, timeout: float = 30.0) -> Page:
    """A fresh context and page on the app, its first charts not necessarily drawn yet."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(timeout * 1000)
    page = context.new_page()
    page.goto(url)
    return page


# -- reading the page -------------------------------------------------------------------------


def wait_for_charts(page: Page, expected: int, timeout: float = 30.0) -> None:
    """Wait until at least `expected` plotly charts are drawn (each has its .main-svg)."""
    page.wait_for_function(
        "([selector, n]) => document.querySelectorAll(selector).length >= n",
        arg=[DRAWN_CHART, expected],
        timeout=timeout * 1000,
    )


def wait_for_titled_charts(page: Page, *title_starts: str, timeout: float = 30.0) -> None:
    """Wait until, for each title start, a chart with such a title is drawn."""
    page.wait_for_function(
        f"""(prefixes) => prefixes.every(prefix => {{
            const gd = ({FIND_CHART_JS})(prefix);
            return gd && gd.querySelector('.main-svg');
        }})""",
        arg=list(title_starts),
        timeout=timeout * 1000,
    )


def wait_for_idle(page: Page, timeout: float = 30.0) -> None:
    """Wait until no script run is in progress and nothing on the page is stale."""
    page.wait_for_function(_IDLE_JS, timeout=timeout * 1000, polling="raf")


@contextlib.contextmanager
def rerun(page: Page, timeout: float = 30.0) -> Iterator[None]:
    """Wrap an action (a key press, a click, an upload) that makes the page rerun; on exit, wait
    until that rerun has started and finished.

    Why not just "wait until the status widget is gone": the widget appears only after a delay,
    so a fast run can start and end without ever showing it, and it is also absent in the short
    time between the action and the start of the run, so waiting for it to vanish can return
    before anything happened. Instead a MutationObserver on the app root counts every change of
    its run state away from "notRunning" (every run, of the whole script or of a fragment,
    passes through "running"); we wait until that count is at least one and the page is idle.
    """
    page.evaluate(
        """() => {
            if (window.__gdlabObserver) window.__gdlabObserver.disconnect();
            window.__gdlabRuns = 0;
            window.__gdlabLog = [];
            // The whole document, not the stApp element itself: it may be remounted.
            window.__gdlabObserver = new MutationObserver(records => {
                for (const record of records) {
                    const state = record.target.getAttribute('data-test-script-state');
                    window.__gdlabLog.push([Math.round(performance.now()), state]);
                    if (state !== 'notRunning') window.__gdlabRuns += 1;
                }
            });
            window.__gdlabObserver.observe(document.body, {
                attributes: true, subtree: true, attributeFilter: ['data-test-script-state'],
            });
        }"""
    )
    yield
    try:
        try:
            page.wait_for_function(
                f"() => window.__gdlabRuns > 0 && ({_IDLE_JS})()",
                timeout=SEEN_RUN_GRACE_S * 1000,
                polling="raf",
            )
        except PlaywrightTimeoutError:
            # On a busy machine a short run can start and end between two observer callbacks,
            # so no state change is seen at all. Then settle for an idle page: every caller
            # checks the outcome it expects (a chart that changed, a title, a message) itself.
            page.wait_for_function(_IDLE_JS, timeout=timeout * 1000, polling="raf")
    except PlaywrightTimeoutError:
        state = page.evaluate(
            """() => ({
                now: Math.round(performance.now()),
                runs: window.__gdlabRuns,
                log: window.__gdlabLog,
                state: (document.querySelector('[data-testid=stApp]') || {getAttribute: () => null})
                    .getAttribute('data-test-script-state'),
                stale: [...document.querySelectorAll('[data-stale="true"]')]
                    .map(e => e.innerText.slice(0, 80)),
                exception: [...document.querySelectorAll('[data-testid=stException]')]
                    .map(e => e.innerText.slice(0, 500)),
            })"""
        )
        raise AssertionError(
            f"No finished rerun within {timeout:g} s (an edit of app.py that does not compile "
            f"leaves the page stale): {state}"
        ) from None
    finally:
        page.evaluate("() => window.__gdlabObserver && window.__gdlabObserver.disconnect()")


def chart_titles(page: Page) -> list[str]:
    """Every chart's title, tags stripped, in page order."""
    return page.locator(CHART).evaluate_all(
        "gds => gds.map(gd => ((gd.layout.title && gd.layout.title.text) || '')"
        ".replace(/<[^>]*>/g, ''))"
    )


def chart_state(page: Page, title_start: str) -> dict | None:
    """The live figure: title, trace names, types, x and y (plain lists), annotation texts,
    the x-axis title and the y-axis type; None if there is no such chart."""
    return page.evaluate(
        f"""(prefix) => {{
            const gd = ({FIND_CHART_JS})(prefix);
            if (!gd) return null;
            return {{
                title: gd.layout.title.text.replace(/<[^>]*>/g, ''),
                names: gd._fullData.map(t => t.name || ''),
                x: gd._fullData.map(t => t.x ? Array.from(t.x, Number) : []),
                y: gd._fullData.map(t => t.y ? Array.from(t.y, Number) : []),
                annotations: (gd.layout.annotations || []).map(a => a.text),
                types: gd._fullData.map(t => t.type),
                xaxis_title: (gd._fullLayout.xaxis.title || {{}}).text || '',
                yaxis_type: gd._fullLayout.yaxis.type,
            }};
        }}""",
        title_start,
    )


def chart_signature(page: Page, title_start: str) -> str | None:
    """A string that changes whenever the chart's data changes (None: no such chart)."""
    return page.evaluate(f"(prefix) => ({SIGNATURE_JS})(({FIND_CHART_JS})(prefix))", title_start)


def wait_for_change(page: Page, title_start: str, before: str | None, timeout: float = 10.0):
    """Poll in the page, every animation frame, until the chart's signature differs from
    `before` (and the chart exists); return the new signature.

    This is how the tests know a rerun reached the browser. The status widget is not enough on
    its own: it appears only after a delay, so a fast rerun can start and end without it ever
    showing, and "no status widget" is also true just before the rerun starts.
    """
    page.wait_for_function(
        f"""([prefix, before]) => {{
            const now = ({SIGNATURE_JS})(({FIND_CHART_JS})(prefix));
            return now !== null && now !== before;
        }}""",
        arg=[title_start, before],
        timeout=timeout * 1000,
        polling="raf",
    )
    return chart_signature(page, title_start)


def verdict_text(page: Page) -> str:
    """The verdict box's text: the first alert in the main area, skipping the boxes the page may
    show above it (a preset's note, a notice about the link's values). A container keyed
    "verdict" (class st-key-verdict), if the page ever adds one, is used first."""
    page.wait_for_selector(VERDICT, state="attached")
    text = page.evaluate(
        """([keyed, alerts, skip]) => {
            const box = document.querySelector(keyed)
                || [...document.querySelectorAll(alerts)].find(
                    el => !skip.some(prefix => el.innerText.trim().startsWith(prefix)));
            return box ? box.innerText.trim() : null;
        }""",
        [KEYED_VERDICT, VERDICT, list(NOT_VERDICT)],
    )
    if text is None:
        raise AssertionError("The page shows no verdict box.")
    return text


def screenshot(page: Page, *paths: Path) -> bytes:
    """A PNG of the whole page, written to every path given.

    The page scrolls inside its main block, so `full_page=True` would only show the viewport:
    instead the viewport is made as tall as the content (never shorter than it was), and the
    picture is clipped at the end of the content.
    """
    # The bottom of the last block in the main area and in the sidebar (their containers add a
    # large padding below), measured as laid out, however much of it the viewport shows.
    content_bottom = """() => 32 + Math.max(...[...document.querySelectorAll(
        '[data-testid=stMainBlockContainer] > *, [data-testid=stSidebarUserContent] > *')]
        .map(el => el.getBoundingClientRect().bottom))"""
    size = page.viewport_size or VIEWPORT
    bottom = int(page.evaluate(content_bottom))
    if bottom > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": bottom})
        wait_for_idle(page)
        bottom = int(page.evaluate(content_bottom))
    page.evaluate("() => document.fonts.ready")
    png = page.screenshot(clip={"x": 0, "y": 0, "width": size["width"], "height": bottom})
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
    return png


def assert_no_exception(page: Page) -> None:
    count = page.locator(EXCEPTION).count()
    if count:
        text = page.locator(EXCEPTION).first.inner_text()
        raise AssertionError(f"The page shows {count} exception box(es):\n{text}")
