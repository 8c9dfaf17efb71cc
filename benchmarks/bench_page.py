"""Page cost without a browser: rerun time after changing α, and bytes sent per rerun.

Uses streamlit's AppTest, which runs app.py in this process as the server would (but reruns
the whole script even for a widget inside a fragment; only a browser shows fragment reruns).

(a) Rerun time: the wall time of `at.select_slider(key="lr").set_value(v).run()` at the
    default settings, over 24 distinct rates next to the default 0.001 in LR_GRID. The first
    pass sees each rate for the first time (st.cache_data misses: a new descent is run, which
    is checked by counting calls to gdlab.descend); the second pass repeats them (hits).
(b) Bytes per rerun: the UTF-8 length of every plotly chart's figure JSON (`proto.spec`), at
    the default settings and at the maximum number of steps with a rate small enough that the
    run uses all of them, for one and two parameters, with the step slider k at 0 and at the
    last step (the path drawn so far grows with k). The dataframes and the whole page (the
    serialized size of every element) are reported beside them, and the figure bytes of each
    of the page's other sections (SECTIONS in app.py) at the default settings. 1 kB = 1,000
    bytes.

Run alone with `.venv/bin/python benchmarks/bench_page.py`.
"""

from __future__ import annotations

import ast
import logging
import statistics
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import streamlit as st  # noqa: E402
from rows import run_alone  # noqa: E402  (benchmarks/rows.py)
from streamlit.testing.v1 import AppTest  # noqa: E402

import gdlab  # noqa: E402
from page.controls import LR_GRID, MAX_PAGE_STEPS  # noqa: E402

BENCHMARK = "page"
APP = ROOT / "app.py"
TIMEOUT = 60
RERUNS = 24  # distinct rates, each one rerun
MAX_STEPS_RERUNS = 10
SMALL_LRS = (1e-5, 3e-6, 1e-6)  # the first whose run takes all MAX_PAGE_STEPS steps is used
MAX_STEPS_LR = 2e-6  # rates next to it take all 5,000 steps on the default data
GOAL_MEDIAN_S = 0.050
GOAL_DEFAULT_BYTES = 300_000
GOAL_MAX_STEPS_BYTES = 2_000_000
MODELS = {1: "1 parameter", 2: "2 parameters"}


_BARE_MODE_LOGGERS = (
    "streamlit.runtime.scriptrunner_utils.script_run_context",
    "streamlit.runtime.caching.cache_data_api",
)


class _OnlyErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR


class PageError(RuntimeError):
    pass


def _run(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise PageError(f"the page raised: {at.exception[0].value}")
    return elapsed


def _set(at: AppTest, widget, value) -> float:
    """Set a widget's value and rerun; returns the rerun's wall time in seconds."""
    widget.set_value(value)
    return _run(at)


def new_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    _run(at)
    return at


def steps_taken(at: AppTest) -> int:
    value = next(m.value for m in at.metric if m.label == "Steps taken")
    return int(value.replace(",", ""))


def neighbour_rates(centre: float, count: int) -> list[float]:
    """`count` grid rates next to `centre` (not it), alternating below and above it."""
    i = LR_GRID.index(centre)
    below = list(LR_GRID[max(i - count // 2, 0) : i])[::-1]
    above = list(LR_GRID[i + 1 : i + 1 + count - len(below)])
    mixed = [v for pair in zip(above, below, strict=False) for v in pair]
    mixed += above[len(below) :] + below[len(above) :]
    return mixed[:count]


class _CountCalls:
    """Wraps gdlab.descend to count how many runs the page really computed."""

    def __init__(self) -> None:
        self.calls = 0
        self.original = gdlab.descend

    def __enter__(self) -> _CountCalls:
        def counted(*args, **kwargs):
            self.calls += 1
            return self.original(*args, **kwargs)

        gdlab.descend = counted
        return self

    def __exit__(self, *exc) -> None:
        gdlab.descend = self.original


def _stats(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), float(np.percentile(times, 90))


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def _kb(size: int) -> str:
    return f"{size / 1e3:,.1f} kB"


def _row(measure: str, value: str, goal: str, ok: bool) -> dict:
    return {"benchmark": BENCHMARK, "measure": measure, "value": value, "goal": goal, "ok": ok}


# -- (a) rerun time ------------------------------------------------------------------------


@dataclass
class RatePass:
    times: list[float]  # seconds, one per rerun
    descents: int  # runs computed (cache misses of run_descent)
    fewest_steps: int  # the shortest run seen, in steps


def rate_change_passes(rates: list[float], steps: int | None = None) -> tuple[RatePass, ...]:
    """Rerun after setting each of rates[1:], twice: the first pass misses the cache, the
    second hits it. rates[0] is set first, untimed, with the steps slider when given."""
    at = new_app()
    if steps is not None:
        at.slider(key="steps").set_value(steps)
    _set(at, at.select_slider(key="lr"), rates[0])  # the first rerun: untimed
    passes = []
    for _ in range(2):
        times, fewest = [], MAX_PAGE_STEPS
        with _CountCalls() as counter:
            for rate in rates[1:]:
                times.append(_set(at, at.select_slider(key="lr"), rate))
                fewest = min(fewest, steps_taken(at))
        passes.append(RatePass(times, counter.calls, fewest))
    return tuple(passes)


def compile_time() -> float | None:
    """Best time to compile app.py as streamlit does (with "magic"), which AppTest repeats on
    every run (a new ScriptCache each time) while the server compiles it once."""
    try:
        from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    except ImportError:  # an internal module: absent from some streamlit versions
        return None
    times = []
    for _ in range(7):
        start = time.perf_counter()
        ScriptCache().get_bytecode(str(APP))
        times.append(time.perf_counter() - start)
    return min(times)


def timing_rows() -> list[dict]:
    rows = []
    at = new_app()
    default_lr = float(at.select_slider(key="lr").value)
    rates = neighbour_rates(default_lr, RERUNS + 1)
    miss, hit = rate_change_passes(rates)
    span = f"{min(rates[1:]):g}–{max(rates[1:]):g}"
    for label, run, want in (
        ("cache miss: each rate new, its descent is run", miss, len(miss.times)),
        ("cache hit: the same rates again", hit, 0),
    ):
        median, p90 = _stats(run.times)
        rows.append(
            _row(
                f"rerun after changing α, default settings, {label} "
                f"({len(run.times)} reruns, α in {span}; descents run: {run.descents})",
                f"median {_ms(median)}, p90 {_ms(p90)}",
                f"median ≤ {GOAL_MEDIAN_S * 1e3:g} ms",
                median <= GOAL_MEDIAN_S and run.descents == want,
            )
        )
    compiling = compile_time()
    if compiling is not None:
        rows.append(
            _row(
                "of which compiling app.py: AppTest does it on every rerun, the server once",
                _ms(compiling),
                "info",
                True,
            )
        )

    rates = neighbour_rates(MAX_STEPS_LR, MAX_STEPS_RERUNS + 1)
    miss, _ = rate_change_passes(rates, steps=MAX_PAGE_STEPS)
    median, p90 = _stats(miss.times)
    rows.append(
        _row(
            f"rerun after changing α, steps setting {MAX_PAGE_STEPS:,}, 1 parameter, cache miss "
            f"({len(miss.times)} reruns, α in {min(rates[1:]):g}–{max(rates[1:]):g}, "
            f"every run ≥ {miss.fewest_steps:,} steps; descents run: {miss.descents})",
            f"median {_ms(median)}, p90 {_ms(p90)}",
            "info",
            True,
        )
    )
    return rows


# -- (b) bytes per rerun -------------------------------------------------------------------


def _leaves(node):
    children = getattr(node, "children", None)
    if children:
        for child in children.values():
            yield from _leaves(child)
    else:
        yield node


def payload(at: AppTest) -> dict[str, int]:
    """Bytes of figure JSON, of dataframes, and of every element on the page."""
    charts = at.get("plotly_chart")
    whole = 0
    for block in (at.main, at.sidebar):
        for leaf in _leaves(block):
            proto = getattr(leaf, "proto", None)
            whole += proto.ByteSize() if proto is not None else 0
    return {
        "charts": len(charts),
        "figures": sum(len(chart.proto.spec.encode("utf-8")) for chart in charts),
        "dataframes": sum(frame.proto.ByteSize() for frame in at.dataframe),
        "whole": whole,
    }


def payload_rows(params: int, max_steps: bool) -> list[dict]:
    at = new_app()
    if params != 1:
        _set(at, at.radio(key="params"), params)
    lr = float(at.select_slider(key="lr").value)
    if max_steps:
        _set(at, at.slider(key="steps"), MAX_PAGE_STEPS)
        for lr in SMALL_LRS:
            _set(at, at.select_slider(key="lr"), lr)
            if steps_taken(at) == MAX_PAGE_STEPS:
                break
    steps_setting = int(at.slider(key="steps").value)
    last = steps_taken(at)
    first = payload(at)
    if last > 0:
        _set(at, at.slider(key="k"), last)
    final = payload(at)
    worst = max(first, final, key=lambda p: p["figures"])
    goal = GOAL_MAX_STEPS_BYTES if max_steps else GOAL_DEFAULT_BYTES
    settings = (
        f"{MODELS[params]}, {'max' if max_steps else 'default'} steps setting "
        f"({steps_setting:,}, α = {lr:g}, run took {last:,} steps)"
    )
    uses_all = not max_steps or last == MAX_PAGE_STEPS
    return [
        _row(
            f"figure JSON per rerun, {settings}",
            f"{_kb(worst['figures'])} in {worst['charts']} charts "
            f"(k = 0: {_kb(first['figures'])}; k = {last:,}: {_kb(final['figures'])})",
            f"≤ {goal / 1e3:,.0f} kB" + ("; run uses all steps" if max_steps else ""),
            worst["figures"] <= goal and uses_all,
        ),
        _row(
            f"other payload per rerun, {settings}",
            f"dataframes {_kb(worst['dataframes'])}; whole page {_kb(worst['whole'])} "
            "(every element, serialized)",
            "info",
            True,
        ),
    ]


def page_sections() -> dict[str, str]:
    """The page's sections (SECTIONS in app.py), read from its source without running it."""
    tree = ast.parse(APP.read_text(encoding="utf-8"))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == "SECTIONS" for t in targets):
            return dict(ast.literal_eval(node.value))
    return {}


def section_rows() -> list[dict]:
    """Figure bytes of every section other than the default one, at the default settings."""
    rows = []
    default = None
    for key, title in page_sections().items():
        at = new_app()
        default = default or at.segmented_control(key="section").value
        if key == default:
            continue  # measured above
        _set(at, at.segmented_control(key="section"), key)
        size = payload(at)
        rows.append(
            _row(
                f"figure JSON per rerun, section “{title}”, 1 parameter, default settings",
                f"{_kb(size['figures'])} in {size['charts']} charts (dataframes "
                f"{_kb(size['dataframes'])}, whole page {_kb(size['whole'])})",
                f"≤ {GOAL_DEFAULT_BYTES / 1e3:,.0f} kB",
                size["figures"] <= GOAL_DEFAULT_BYTES,
            )
        )
    return rows


def measure() -> list[dict]:
    # Outside `streamlit run`, touching the cache warns that there is no runtime and no script
    # context: expected here, so those two loggers keep only errors while this runs.
    quiet = _OnlyErrors()
    loggers = [logging.getLogger(name) for name in _BARE_MODE_LOGGERS]
    for logger in loggers:
        logger.addFilter(quiet)
    st.cache_data.clear()  # the cache is per process: start every measurement cold
    sections = [("rerun time", timing_rows)] + [
        (
            f"payload, {MODELS[params]}, {'max' if max_steps else 'default'} steps",
            lambda params=params, max_steps=max_steps: payload_rows(params, max_steps),
        )
        for params in MODELS
        for max_steps in (False, True)
    ]
    sections.append(("payload, the other sections", section_rows))
    rows = []
    try:
        for name, section in sections:
            try:
                rows += section()
            except Exception as error:
                # The page changed or broke: say so in a row and measure the rest.
                traceback.print_exc()
                rows.append(_row(name, f"failed: {type(error).__name__}: {error}", "runs", False))
    finally:
        st.cache_data.clear()
        for logger in loggers:
            logger.removeFilter(quiet)
    return rows


if __name__ == "__main__":
    run_alone(measure)
