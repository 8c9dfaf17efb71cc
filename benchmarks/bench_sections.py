"""Rerun time of every section of the page after an α change, at default settings (AppTest).

The page issue's budget, a median of at most 50 ms, must hold with any section open (the
learning-rate issue asks for it). Each section is opened by a link (?section=…), then α is
moved through 12 new rates around the default, each rerun computing a fresh run.

Run alone with `.venv/bin/python benchmarks/bench_sections.py`.
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rows import run_alone  # noqa: E402  (benchmarks/rows.py)
from streamlit.testing.v1 import AppTest  # noqa: E402

from page.controls import LR_GRID  # noqa: E402
from page.links import SECTIONS  # noqa: E402

RERUNS, GOAL_MS = 12, 50.0


def _section_median(section: str) -> float:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["section"] = section
    at.run()
    start = LR_GRID.index(0.001) - RERUNS // 2
    times = []
    for lr in LR_GRID[start : start + RERUNS]:
        began = time.perf_counter()
        at.select_slider(key="lr").set_value(lr).run()
        times.append(time.perf_counter() - began)
        if at.exception:
            raise RuntimeError(f"section {section}: {at.exception[0].message}")
    return statistics.median(times) * 1e3


def measure() -> list[dict]:
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest's bare-mode chatter
    rows = []
    for section in SECTIONS:
        median = _section_median(section)
        rows.append({"benchmark": "sections", "measure": f"rerun after an α change, section "
                     f"“{section}”, median of {RERUNS}", "value": f"{median:.1f} ms",
                     "goal": f"≤ {GOAL_MS:g} ms", "ok": median <= GOAL_MS})  # fmt: skip
    return rows


if __name__ == "__main__":
    run_alone(measure)
