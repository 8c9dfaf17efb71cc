"""Sweep speed: 100 learning rates × 1,000 steps in one batched computation, against one
1,000-step run, on the default data (cars, ŷ = θx), in the same process.

The goal is a ratio of at most 3: the sweep keeps an α axis in its arrays instead of looping
over runs in Python. Both use gtol = 0 so neither stops early (the single run uses a rate slow
enough to take all 1,000 steps); the sweep's rates span 1e-3…1.5 × α_crit, so some rows
converge or diverge early and are frozen while the rest go on, as on the page. The check that
every row equals its separate run bit for bit is in tests/test_sweep.py.

Run alone with `.venv/bin/python benchmarks/bench_sweep.py`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from rows import run_alone  # noqa: E402  (benchmarks/rows.py)

import gdlab  # noqa: E402
from gdlab.running.sweep import sweep  # noqa: E402

RATES, STEPS, REPEATS, GOAL = 100, 1_000, 7, 3.0


def _best_time(run) -> float:
    """Best of REPEATS: the least disturbed by other work on the machine (as timeit does)."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def measure() -> list[dict]:
    cars = gdlab.load_dataset("cars")
    problem = gdlab.LinearRegression(cars.x, cars.y, intercept=False)
    crit = gdlab.critical_lr(problem)
    rates = np.geomspace(1e-3 * crit, 1.5 * crit, RATES)
    single = _best_time(lambda: gdlab.descend(problem, 0.0, 1e-3 * crit, STEPS, gtol=0.0))
    batched = _best_time(lambda: sweep(problem, 0.0, rates, STEPS, gtol=0.0))
    separate = _best_time(
        lambda: [gdlab.descend(problem, 0.0, lr, STEPS, gtol=0.0) for lr in rates]
    )
    ratio = batched / single
    return [
        {"benchmark": "sweep", "measure": f"one {STEPS:,}-step run (best of {REPEATS})",
         "value": f"{single * 1e3:.1f} ms", "goal": "baseline", "ok": True},
        {"benchmark": "sweep", "measure": f"{RATES} rates × {STEPS:,} steps, batched",
         "value": f"{batched * 1e3:.1f} ms", "goal": "", "ok": True},
        {"benchmark": "sweep", "measure": "sweep ÷ one run", "value": f"{ratio:.2f}×",
         "goal": f"≤ {GOAL:g}×", "ok": ratio <= GOAL},
        {"benchmark": "sweep", "measure": f"{RATES} separate runs ÷ the sweep",
         "value": f"{separate / batched:.1f}× ({separate * 1e3:.0f} ms)", "goal": "info",
         "ok": True},
    ]  # fmt: skip


if __name__ == "__main__":
    run_alone(measure)
