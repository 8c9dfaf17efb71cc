"""Typed costs: the largest formulas the parser accepts, parsed and plotted within the time cap.

For each of the largest formulas of tests/test_expressions.py (`LARGEST`), the time to parse it,
build its exact gradient and evaluate the cost and gradient over the page's grid (400 points for
one parameter, 200×200 for two), best of 5, against `TIME_CAP_SECONDS`, and against a baseline
measured in the same run: numpy evaluating θ₀·θ₁ and its gradient on the same grid.

Run alone with `.venv/bin/python benchmarks/bench_expressions.py`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import numpy as np  # noqa: E402
from rows import run_alone  # noqa: E402  (benchmarks/rows.py)
from test_expressions import LARGEST  # noqa: E402

from gdlab.expressions import TIME_CAP_SECONDS  # noqa: E402
from gdlab.models.typed import CustomCost  # noqa: E402

BENCHMARK = "typed costs"
REPEATS = 5


def _grid(n_params: int) -> np.ndarray:
    grid = np.linspace(-3, 3, 400 if n_params == 1 else 200)
    return grid[:, None] if n_params == 1 else np.stack(np.meshgrid(grid, grid), axis=-1)


def _best(run) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def measure() -> list[dict]:
    points = _grid(2)

    def baseline() -> None:
        a, b = points[..., 0], points[..., 1]
        _ = a * b, np.stack([b, a], axis=-1)

    base = _best(baseline)
    worst, worst_text = 0.0, ""
    for text, n_params in LARGEST:
        grid = _grid(n_params)

        def typed(text=text, n_params=n_params, grid=grid) -> None:
            cost = CustomCost.from_text(text, n_params)
            cost.cost_value(grid)
            cost.gradient(grid)

        seconds = _best(typed)
        if seconds > worst:
            worst, worst_text = seconds, text
    return [
        {
            "benchmark": BENCHMARK,
            "measure": f"slowest of the {len(LARGEST)} largest formulas: parse, differentiate, "
            f"evaluate J and ∇J on the grid ({worst_text[:24]}…), best of {REPEATS}",
            "value": f"{worst * 1e3:,.0f} ms ({worst / base:,.0f}× numpy's θ₀·θ₁ on the grid)",
            "goal": f"< {TIME_CAP_SECONDS * 1e3:,.0f} ms",
            "ok": worst < TIME_CAP_SECONDS,
        }
    ]


if __name__ == "__main__":
    run_alone(measure)
