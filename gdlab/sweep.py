"""Many learning rates at once: one batched computation with an α axis.

`sweep` runs gradient descent for every α at once, on arrays with an α axis, a block of steps
per numpy call (gdlab.affine), with the same arithmetic and stopping rules as `descend`: each
row gives bit for bit the numbers a separate run would. Rows that stop (converged or diverged)
are frozen while the others go on. It needs a quadratic problem (one with `affine_step`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gdlab._validation import check_float, check_int, check_vector, readonly
from gdlab.affine import BLOCK, advance, block_maps, squared_norm
from gdlab.descent import (
    DIVERGENCE_FACTOR,
    GTOL,
    MAX_LR,
    MAX_STEPS,
    Problem,
    gradient_norm,
    stopping_thresholds,
)

MAX_RATES = 1_000
# Reached: the excess cost J − J* fell to this fraction of its starting value.
REACH_TOL = 1e-6
_STATUS = np.array(["max_steps", "converged", "diverged"])
_RUNNING, _CONVERGED, _DIVERGED = 0, 1, 2

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Sweep:
    """Final results for each α (arrays indexed like `lrs`)."""

    lrs: np.ndarray
    final_thetas: np.ndarray  # (A, d)
    final_costs: np.ndarray
    n_steps: np.ndarray  # steps taken before stopping
    statuses: tuple[str, ...]
    diverged_at: np.ndarray  # step of divergence, −1 when the run did not diverge
    steps_to_reach: np.ndarray  # first k with J − J* ≤ tol·(J₀ − J*); −1 if never
    tol: float
    distance_ratio: np.ndarray  # measured ‖θₖ − θ*‖ / ‖θₖ₋₁ − θ*‖ over the last steps
    max_steps: int

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "alpha": self.lrs,
            "status": self.statuses,
            "steps": self.n_steps,
            "final J": self.final_costs,
            f"steps to J-J* <= {self.tol:g}(J0-J*)": self.steps_to_reach,
            "measured contraction": self.distance_ratio,
        })  # fmt: skip

    def to_csv(self) -> str:
        buffer = io.StringIO()
        self.to_frame().to_csv(buffer, index=False, float_format="%.17g")
        return buffer.getvalue()


def sweep(
    problem: Problem,
    theta0: np.ndarray | float,
    lrs: np.ndarray,
    steps: int = 1000,
    *,
    tol: float = REACH_TOL,
    gtol: float = GTOL,
    divergence_factor: float = DIVERGENCE_FACTOR,
    progress: Progress | None = None,
) -> Sweep:
    """Gradient descent from θ₀ for every rate in `lrs`, in one batched computation.

    `progress(k, steps)` is called every few steps, so a page can show how far it got.
    """
    func = "sweep"
    theta0 = check_vector(func, "theta0", theta0, problem.n_params)
    steps = check_int(func, "steps", steps, low=1, high=MAX_STEPS)
    rates = np.atleast_1d(np.asarray(lrs, dtype=np.float64))
    check_int(func, "len(lrs)", rates.size, low=1, high=MAX_RATES)
    bad = ~(np.isfinite(rates) & (rates > 0) & (rates <= MAX_LR))
    if bad.any():  # the message names the first offender
        check_float(func, "lrs", rates[np.argmax(bad)], low=0.0, high=MAX_LR, low_open=True)
    tol = check_float(func, "tol", tol, low=0.0, high=1.0)
    count = rates.size
    theta_star = np.asarray(getattr(problem, "theta_star", theta0))
    min_cost = float(getattr(problem, "min_cost", 0.0))

    with np.errstate(all="ignore"):  # overflow is detected, never warned about
        theta = np.tile(theta0, (count, 1))
        cost, grad = problem.cost_value(theta), problem.gradient(theta)
        low, high, tolerance = stopping_thresholds(
            problem, cost[0], grad[0], gtol, divergence_factor
        )
        state = np.where(gradient_norm(grad) <= tolerance, _CONVERGED, _RUNNING)
        taken = np.zeros(count, dtype=np.int64)
        diverged_at = np.full(count, -1, dtype=np.int64)
        # Histories: reach and contraction are read off afterwards. A row's entries after it
        # stopped are never read (θ) or stay +inf (J), so stopped rows need no filling in.
        thetas = np.empty((count, steps + 1, theta0.size))
        thetas[:, 0] = theta
        # Reached: the first step with J − J* ≤ tol·(J₀ − J*), found block by block.
        start_excess = float(cost[0]) - min_cost
        target = min_cost + tol * start_excess
        reached = np.full(count, 0 if start_excess <= 0 else -1, dtype=np.int64)
        all_powers, all_offsets = block_maps(*problem.affine_step(rates), min(BLOCK, steps))
        live, done = np.arange(count), 0
        rows = slice(None)  # the running rows: a slice while all run, an index array after
        powers, offsets = all_powers, all_offsets
        while done < steps and (state == _RUNNING).any():
            if (state[rows] != _RUNNING).any():  # only rows still running are computed
                live = np.flatnonzero(state == _RUNNING)
                rows, powers, offsets = live, all_powers[live], all_offsets[live]
            size = min(BLOCK, steps - done)
            block = advance(powers, offsets, theta[rows], size)  # (live, size, d)
            block_costs, block_grads = problem.cost_and_gradient(block)
            # J is finite only when θ and ∇J are, so one test covers all three.
            stops = ~np.isfinite(block_costs) | (block_costs < low) | (block_costs > high)
            stops |= squared_norm(block_grads) <= tolerance * tolerance
            # Every running row takes the whole block; the few that stopped inside it are then
            # cut back to their stop, with the same rule as descend.
            before = grad[rows], cost[rows]  # kept by a row whose first step blew up
            theta[rows], cost[rows], grad[rows] = (
                block[:, -1],
                block_costs[:, -1],
                block_grads[:, -1],
            )
            thetas[rows, done + 1 : done + 1 + size] = block
            arrived = block_costs <= target
            first_arrival = np.where(arrived.any(axis=1), np.argmax(arrived, axis=1), -1)
            fresh = (reached[rows] < 0) & (first_arrival >= 0)
            reached[rows] = np.where(fresh, done + first_arrival + 1, reached[rows])
            taken[rows] += size
            hit = np.flatnonzero(stops.any(axis=1))
            if hit.size:
                grad[live[hit]], cost[live[hit]] = before[0][hit], before[1][hit]
                _cut_back(hit, live[hit], stops[hit], block, block_costs, block_grads, done,
                          low, high, state, diverged_at, taken, reached, theta, cost, grad,
                          thetas)  # fmt: skip
            done += size
            if progress is not None:
                progress(done, steps)
        if progress is not None:
            progress(steps, steps)
        thetas = thetas[:, : done + 1]
        ratio = _measured_ratio(thetas, theta_star, taken)

    return Sweep(
        lrs=readonly(rates.copy()),
        final_thetas=readonly(theta),
        final_costs=readonly(cost),
        n_steps=readonly(taken),
        statuses=tuple(_STATUS[state]),
        diverged_at=readonly(diverged_at),
        steps_to_reach=readonly(reached),
        tol=tol,
        distance_ratio=readonly(ratio),
        max_steps=steps,
    )


def _cut_back(
    hit,
    rows,
    stops,
    block,
    block_costs,
    block_grads,
    done,
    low,
    high,
    state,
    diverged_at,
    taken,
    reached,
    theta,
    cost,
    grad,
    thetas,
) -> None:
    """Rows that stopped inside a block: keep the steps up to the stop (a non-finite step is
    not kept, any other stop is), mark them converged or diverged, and forget an arrival that
    came after the stop. `cost` and `grad` hold their values from before the block."""
    first = np.argmax(stops, axis=1)
    stop_costs = block_costs[hit, first]
    finite = np.isfinite(stop_costs)
    diverging = ~finite | (stop_costs < low) | (stop_costs > high)
    keep = first + finite
    state[rows] = np.where(diverging, _DIVERGED, _CONVERGED)
    diverged_at[rows] = np.where(diverging, done + first + 1, -1)
    taken[rows] += keep - block.shape[1]
    reached[rows] = np.where(reached[rows] > done + keep, -1, reached[rows])
    moved, last = keep > 0, np.maximum(keep - 1, 0)
    theta[rows] = np.where(moved[:, None], block[hit, last], thetas[rows, done])
    cost[rows] = np.where(moved, block_costs[hit, last], cost[rows])
    grad[rows] = np.where(moved[:, None], block_grads[hit, last], grad[rows])


def _measured_ratio(
    thetas: np.ndarray, theta_star: np.ndarray, taken: np.ndarray, window: int = 10
) -> np.ndarray:
    """Geometric mean of ‖θₖ − θ*‖/‖θₖ₋₁ − θ*‖ over each run's last `window` steps (NaN when a
    run took no step or sat on the minimum)."""
    rows = np.arange(taken.size)
    span = np.minimum(taken, window)
    end = gradient_norm(thetas[rows, taken] - theta_star)
    start = gradient_norm(thetas[rows, taken - span] - theta_star)
    with np.errstate(all="ignore"):
        ratio = (end / start) ** (1.0 / span)
    return np.where((span > 0) & (start > 0) & np.isfinite(ratio), ratio, np.nan)


@dataclass(frozen=True)
class RangeTest:
    """The learning-rate range test: α grows exponentially each step while J is recorded."""

    lrs: np.ndarray  # the rate used at each step
    costs: np.ndarray  # J after each step
    stopped_at: int | None  # the step where the cost blew up (None: it never did)
    steepest_lr: float  # where J falls fastest against log α
    valley_lr: float  # the rate of the lowest cost, divided by 10

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"alpha": self.lrs, "J": self.costs})


def range_test(
    problem: Problem,
    theta0: np.ndarray | float,
    lr_min: float = 1e-7,
    lr_max: float = 10.0,
    steps: int = 100,
    *,
    blowup: float = 4.0,
) -> RangeTest:
    """Smith's learning-rate range test ("LR finder"), on the full-batch cost.

    Step k uses αₖ = lr_min·(lr_max/lr_min)^(k/(steps−1)) and records J after the step; the test
    stops once J exceeds `blowup` × the lowest J seen. Two common suggestions are returned: the
    rate where J falls fastest against log α, and a tenth of the rate with the lowest J. The
    gradients here are exact, so no loss smoothing is needed.
    """
    func = "range_test"
    theta = check_vector(func, "theta0", theta0, problem.n_params)
    lr_min = check_float(func, "lr_min", lr_min, low=0.0, high=MAX_LR, low_open=True)
    lr_max = check_float(func, "lr_max", lr_max, low=lr_min, high=MAX_LR, low_open=True)
    steps = check_int(func, "steps", steps, low=3, high=MAX_STEPS)
    rates = np.geomspace(lr_min, lr_max, steps)
    costs = []
    best = float(problem.cost_value(theta))
    stopped_at = None
    with np.errstate(all="ignore"):
        for k, rate in enumerate(rates):
            theta = theta - rate * problem.gradient(theta)
            cost = float(problem.cost_value(theta))
            if not np.isfinite(cost):
                stopped_at = k
                break
            costs.append(cost)
            best = min(best, cost)
            if cost > blowup * best:
                stopped_at = k
                break
    costs_array = np.array(costs)
    used = rates[: costs_array.size]
    lowest = int(np.argmin(costs_array))
    # Steepest fall before the minimum: the most negative dJ/d(log α).
    slopes = (
        np.gradient(costs_array[: lowest + 1], np.log(used[: lowest + 1])) if lowest > 1 else None
    )
    steepest = float(used[int(np.argmin(slopes))]) if slopes is not None else float(used[0])
    return RangeTest(
        lrs=readonly(used.copy()),
        costs=readonly(costs_array),
        stopped_at=stopped_at,
        steepest_lr=steepest,
        valley_lr=float(used[lowest]) / 10,
    )
