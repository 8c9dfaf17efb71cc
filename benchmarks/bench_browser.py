"""The page as a student sees it: headless Chromium against a real `streamlit run app.py`.

(a) Page load to first chart: a new browser context (no cache, a new session) opens the page;
    the time is the page's own clock (performance.now(), zero at the start of navigation) when
    the first plotly chart is drawn (`.js-plotly-plot .main-svg` exists), polled every
    animation frame. Median of 5 loads, after one untimed load that warms the server (its
    first run imports numpy, pandas and plotly; that cold load is reported as info).
(b) α change to updated charts: with the α slider focused, one arrow key press; the time runs
    from the keydown event (a listener on the document, capture phase) to the first animation
    frame at which both the cost curve ("Cost J(θ) …") and the cost history show different
    data than before the press. Presses alternate right and left so α stays next to the
    default 0.001; the page is idle before each press. Median of 15.

Both times are measured inside the page, so Playwright's round trips are not counted.
Goals: load ≤ 4 s, α change ≤ 300 ms median.

Run alone with `.venv/bin/python benchmarks/bench_browser.py`.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))

import browser  # noqa: E402  (tests/browser.py: the support code the browser tests use)
from rows import run_alone  # noqa: E402  (benchmarks/rows.py)

BENCHMARK = "browser"
LOADS = 5
PRESSES = 15
GOAL_LOAD_S = 4.0
GOAL_ALPHA_S = 0.300
ALPHA = "Learning rate α (log scale)"
WATCHED = ("Cost J(θ) and its tangent at step", "Cost history")

_FIRST_CHART_JS = """(selector) => document.querySelector(selector) ? performance.now() : false"""

# Before a key press: remember the watched charts' signatures and the time of the next keydown.
_ARM_JS = f"""(prefixes) => {{
    const find = {browser.FIND_CHART_JS};
    const signature = {browser.SIGNATURE_JS};
    window.__benchBefore = prefixes.map(p => signature(find(p)));
    window.__benchKeydown = null;
    window.__benchChanged = null;
    document.addEventListener('keydown', () => {{ window.__benchKeydown = performance.now(); }},
                              {{capture: true, once: true}});
}}"""

# Polled every animation frame after the press: true (and the time noted) once every watched
# chart shows new data.
_CHANGED_JS = f"""(prefixes) => {{
    const find = {browser.FIND_CHART_JS};
    const signature = {browser.SIGNATURE_JS};
    const now = prefixes.map(p => signature(find(p)));
    if (now.some((s, i) => s === null || s === window.__benchBefore[i])) return false;
    window.__benchChanged = performance.now();
    return true;
}}"""


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.0f} ms"


def _load(chromium, url: str) -> float:
    """Seconds from navigation start to the first drawn chart, in a new context."""
    page = browser.open_page(chromium, url)
    try:
        drawn = page.wait_for_function(
            _FIRST_CHART_JS, arg=browser.DRAWN_CHART, polling="raf", timeout=30_000
        )
        seconds = drawn.json_value() / 1000
        browser.wait_for_idle(page)
        browser.assert_no_exception(page)
        return seconds
    finally:
        page.context.close()


def _alpha_changes(chromium, url: str) -> list[float]:
    page = browser.open_page(chromium, url)
    try:
        browser.wait_for_titled_charts(page, *WATCHED)
        browser.wait_for_idle(page)
        slider = page.get_by_role("slider", name=ALPHA)
        slider.focus()
        times = []
        for press in range(PRESSES):
            page.evaluate(_ARM_JS, list(WATCHED))
            slider.press("ArrowRight" if press % 2 == 0 else "ArrowLeft")
            page.wait_for_function(_CHANGED_JS, arg=list(WATCHED), polling="raf", timeout=10_000)
            keydown, changed = page.evaluate("() => [window.__benchKeydown, window.__benchChanged]")
            times.append((changed - keydown) / 1000)
            browser.wait_for_idle(page)
        browser.assert_no_exception(page)
        return times
    finally:
        page.context.close()


def measure() -> list[dict]:
    with browser.streamlit_server() as url, browser.chromium() as chromium:
        cold = _load(chromium, url)
        loads = [_load(chromium, url) for _ in range(LOADS)]
        changes = _alpha_changes(chromium, url)
    load, change = statistics.median(loads), statistics.median(changes)
    return [
        {
            "benchmark": BENCHMARK,
            "measure": f"page load to first chart (median of {LOADS})",
            "value": _seconds(load),
            "goal": f"≤ {GOAL_LOAD_S:g} s",
            "ok": load <= GOAL_LOAD_S,
        },
        {
            "benchmark": BENCHMARK,
            "measure": "page load to first chart: first load after the server started, and "
            f"range of the {LOADS}",
            "value": f"{_seconds(cold)}; {_seconds(min(loads))} – {_seconds(max(loads))}",
            "goal": "info",
            "ok": True,
        },
        {
            "benchmark": BENCHMARK,
            "measure": f"α key press to updated cost charts (median of {PRESSES})",
            "value": _seconds(change),
            "goal": f"≤ {GOAL_ALPHA_S * 1000:.0f} ms",
            "ok": change <= GOAL_ALPHA_S,
        },
        {
            "benchmark": BENCHMARK,
            "measure": f"α key press to updated cost charts: range of the {PRESSES}",
            "value": f"{_seconds(min(changes))} – {_seconds(max(changes))}",
            "goal": "info",
            "ok": True,
        },
    ]


if __name__ == "__main__":
    run_alone(measure)
