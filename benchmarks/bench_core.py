"""Core speed: gdlab's gradient descent against the textbook per-step numpy loop.

Both run 1,000 steps of θ ← θ − α∇J(θ) on n = 1,000,000 points (x uniform in [0, 10],
y = 3 + 2x + N(0, 1), seeded), model ŷ = θ₀ + θ₁z with z the standardized x, in the same
process. gdlab's time includes building the problem (scaling, design matrix, the sufficient
statistics XᵀX/n and Xᵀy/n, and θ* by least squares); the loop gets the same design matrix
X = problem.design ready-made and untimed, which favours the loop. The loop is written
`theta -= (lr * 2 / n) * (X.T @ (X @ theta - y))`: without the brackets Python reads
`lr * (2/n) * X.T @ r` as `(lr * (2/n) * X.T) @ r` and rescales the whole matrix every step,
about twice as slow, which would flatter gdlab.

The rate: standardized, the Hessian is 2I (both eigenvalues 2), so α = ½·α_crit would land on
θ* in one step and the other 999 steps would do nothing. α = α_crit/200 shrinks the error by
1 − αλ = 0.99 per step, about 4e-5 over the 1,000 steps: every step moves θ.

Run alone with `.venv/bin/python benchmarks/bench_core.py`.
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

BENCHMARK = "core"
N_POINTS = 1_000_000
STEPS = 1_000
SEED = 0
SCALING = "standardize"
LR_FRACTION_OF_CRITICAL = 1 / 200
GDLAB_REPEATS = 3  # best of 3
LOOP_REPEATS = 2  # best of 2
GOAL_SPEEDUP = 100.0
GOAL_REL_DIFF = 1e-9


def make_data(n: int = N_POINTS, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """x uniform in [0, 10], y = 3 + 2x + N(0, 1)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 10.0, size=n)
    y = 3.0 + 2.0 * x + rng.standard_normal(n)
    return x, y


def run_gdlab(x: np.ndarray, y: np.ndarray, lr: float) -> tuple[gdlab.Trace, float, float]:
    """Build the problem and descend; returns the trace and the two times (seconds)."""
    start = time.perf_counter()
    problem = gdlab.LinearRegression(x, y, scaling=SCALING)
    built = time.perf_counter()
    trace = gdlab.descend(problem, np.zeros(problem.n_params), lr, steps=STEPS, gtol=0.0)
    done = time.perf_counter()
    return trace, built - start, done - built


def run_loop(design: np.ndarray, y: np.ndarray, lr: float, steps: int = STEPS) -> np.ndarray:
    """The textbook loop: every step goes through all n points twice."""
    n = y.size
    theta = np.zeros(design.shape[1])
    factor = lr * 2.0 / n
    for _ in range(steps):
        theta -= factor * (design.T @ (design @ theta - y))
    return theta


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f} ms"


def _row(measure: str, value: str, goal: str, ok: bool) -> dict:
    return {"benchmark": BENCHMARK, "measure": measure, "value": value, "goal": goal, "ok": ok}


def measure() -> list[dict]:
    x, y = make_data()
    # Untimed set-up: the rate from the theory, and the design matrix the loop works on.
    problem = gdlab.LinearRegression(x, y, scaling=SCALING)
    theory = gdlab.learning_rate_theory(problem)
    lr = LR_FRACTION_OF_CRITICAL * theory.critical_lr
    design, targets, theta_star = problem.design, problem.y, problem.theta_star
    del problem

    # Interleaved (gdlab, loop, gdlab, loop, gdlab) so that both see the same machine when
    # other processes come and go.
    best = None  # (total, build, descend, trace)
    loop_time, theta_loop = np.inf, None
    for i in range(max(GDLAB_REPEATS, LOOP_REPEATS)):
        if i < GDLAB_REPEATS:
            trace, build, descend = run_gdlab(x, y, lr)
            if best is None or build + descend < best[0]:
                best = (build + descend, build, descend, trace)
            del trace
        if i < LOOP_REPEATS:
            start = time.perf_counter()
            theta_loop = run_loop(design, targets, lr)
            loop_time = min(loop_time, time.perf_counter() - start)
    gdlab_total, gdlab_build, gdlab_descend, trace = best

    speedup = loop_time / gdlab_total
    rel_diff = float(np.linalg.norm(trace.theta - theta_loop) / np.linalg.norm(theta_loop))
    from_star = float(np.linalg.norm(trace.theta - theta_star) / np.linalg.norm(theta_star))
    full_run = trace.n_steps == STEPS and trace.status == "max_steps"
    size = f"n = {N_POINTS:,}, {STEPS:,} steps, α = α_crit/200 = {lr:.3g}"
    return [
        _row(
            f"gdlab: build problem + descend ({size}), best of {GDLAB_REPEATS}",
            f"{_ms(gdlab_total)} (build {_ms(gdlab_build)}, descend {_ms(gdlab_descend)})",
            "info",
            True,
        ),
        _row(
            f"numpy loop θ −= (2α/n)·Xᵀ(Xθ − y), X prebuilt ({size}), best of {LOOP_REPEATS}",
            _ms(loop_time),
            "info",
            True,
        ),
        _row(
            "speed-up: numpy loop time / gdlab time (build included)",
            f"{speedup:,.1f}×",
            f"≥ {GOAL_SPEEDUP:g}×",
            speedup >= GOAL_SPEEDUP,
        ),
        _row(
            "speed-up of the descent alone: numpy loop / gdlab descend (build excluded)",
            f"{loop_time / gdlab_descend:,.1f}×",
            "info",
            True,
        ),
        _row(
            "same θ after 1,000 steps: ‖θ_gdlab − θ_loop‖ / ‖θ_loop‖",
            f"{rel_diff:.2e} (θ₁₀₀₀ is {from_star:.1e} from θ*, relative; "
            f"gdlab took {trace.n_steps:,} steps)",
            f"≤ {GOAL_REL_DIFF:g}, all {STEPS:,} steps taken",
            rel_diff <= GOAL_REL_DIFF and full_run,
        ),
    ]


if __name__ == "__main__":
    run_alone(measure)
