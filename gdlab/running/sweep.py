"""Many learning rates at once: one batched computation with an α axis.

`sweep` runs gradient descent for every α at once, on arrays with an α axis, a block of steps
per numpy call (`affine`), with the same arithmetic and stopping rules as `descend`: each
row gives bit for bit the numbers a separate run would. It needs a quadratic problem (one with
`affine_step`).

Most of the cost is numpy's per-call overhead, not arithmetic, so the loop over blocks keeps its
calls few: a row that stops (converged or diverged) stays in the arrays, ignored, until a quarter
of them have stopped, and all stopped rows are cut back to their stop in one pass at the end.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gdlab._validation import check_float, check_int, check_vector, readonly
from gdlab.number_format import number_text
from gdlab.running.affine import BLOCK, advance, block_maps
from gdlab.running.descent import (
    DIVERGENCE_FACTOR,
    GTOL,
    MAX_LR,
    MAX_STEPS,
    Problem,
    block_stops,
    gradient_norm,
    stopping_thresholds,
    within_tolerance,
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
        # Every row starts at the same θ₀, evaluated once, as descend evaluates it.
        cost0, grad0 = float(problem.cost_value(theta0)), problem.gradient(theta0)
        theta, cost = np.tile(theta0, (count, 1)), np.full(count, cost0)
        low, high, tolerance = stopping_thresholds(problem, cost0, grad0, gtol, divergence_factor)
        at_minimum = within_tolerance(grad0, tolerance)
        state = np.full(count, _CONVERGED if at_minimum else _RUNNING)
        taken = np.zeros(count, dtype=np.int64)
        diverged_at = np.full(count, -1, dtype=np.int64)
        ratio = np.full(count, np.nan)
        # Reached: the first step with J − J* ≤ tol·(J₀ − J*).
        start_excess = cost0 - min_cost
        target = min_cost + tol * start_excess
        reached = np.full(count, 0 if start_excess <= 0 else -1, dtype=np.int64)
        powers, offsets = block_maps(*problem.affine_step(rates), min(BLOCK, steps))
        rows = _LiveRows.of(np.flatnonzero(state == _RUNNING), powers, offsets, theta, cost)
        rows.pending &= reached[rows.index] < 0
        stopped: dict[int, list[_Stopped]] = {}  # by block size, settled together at the end
        done = 0
        while done < steps and rows.active.any():
            size = min(BLOCK, steps - done)
            block = advance(rows.powers, rows.offsets, rows.recent[:, -1], size)  # (L, size, d)
            block_costs, block_grads = problem.cost_and_gradient(block)
            stops = block_stops(block_costs, block_grads, low, high, tolerance)
            hit = np.flatnonzero(stops.any(axis=1) & rows.active)
            # Arrivals are searched step by step only in rows whose lowest cost in the block is
            # on target, and in rows that stopped (a NaN hides the minimum).
            candidates = (block_costs.min(axis=1) <= target) & rows.pending
            candidates[hit] = rows.pending[hit]
            fresh = np.flatnonzero(candidates)
            if fresh.size:
                arrived = block_costs[fresh] <= target
                first = np.argmax(arrived, axis=1)
                found = arrived[np.arange(fresh.size), first]
                reached[rows.index[fresh[found]]] = done + first[found] + 1
                rows.pending[fresh[found]] = False
            if hit.size:  # they ride along, ignored, and are settled at the end
                stopped.setdefault(size, []).append(
                    _Stopped(rows.index[hit], done, rows.recent[hit], block[hit],
                             rows.cost[hit], block_costs[hit], stops[hit])
                )  # fmt: skip
                rows.active[hit] = rows.pending[hit] = False
            rows = rows.after(block, block_costs)
            done += size
            if progress is not None:
                progress(done, steps)
        if progress is not None:
            progress(steps, steps)
        # Rows still running took every step.
        going = rows.active
        index, recent = rows.index[going], rows.recent[going]
        span = np.minimum(done, _WINDOW)
        theta[index], cost[index], taken[index] = recent[:, -1], rows.cost[going], done
        ratio[index] = _measured_ratio(recent[:, -1], recent[:, -1 - span], span, theta_star)
        for parts in stopped.values():
            _settle(_Stopped.joined(parts), low, high, state, diverged_at, taken, reached,
                    theta, cost, ratio, theta_star)  # fmt: skip

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


# The measured contraction is the geometric mean of ‖θₖ − θ*‖/‖θₖ₋₁ − θ*‖ over this many steps.
_WINDOW = 10


@dataclass
class _LiveRows:
    """The rows a sweep is computing, with their block maps and recent steps.

    `recent` holds θ for the last _WINDOW + 1 steps (the last is the current θ; before step
    _WINDOW the earliest entries repeat θ₀ and are never read). A row that stops stays inactive
    in these arrays until enough have stopped to be worth compacting away.
    """

    index: np.ndarray  # row of the sweep
    powers: np.ndarray
    offsets: np.ndarray
    recent: np.ndarray  # (L, _WINDOW + 1, d)
    cost: np.ndarray  # J at the current θ
    active: np.ndarray  # still running
    pending: np.ndarray  # running and not yet on target

    @classmethod
    def of(cls, index, powers, offsets, theta, cost) -> _LiveRows:
        recent = np.repeat(theta[index, None, :], _WINDOW + 1, axis=1)
        flags = np.ones(index.size, dtype=bool)
        return cls(index, powers[index], offsets[index], recent, cost[index], flags, flags.copy())

    def after(self, block: np.ndarray, block_costs: np.ndarray) -> _LiveRows:
        """These rows once the block's steps are taken, without the stopped rows if they have
        become a quarter of them."""
        if block.shape[1] > _WINDOW:
            recent = block[:, -(_WINDOW + 1) :]
        else:
            recent = np.concatenate([self.recent, block], axis=1)[:, -(_WINDOW + 1) :]
        moved = _LiveRows(self.index, self.powers, self.offsets, recent, block_costs[:, -1],
                          self.active, self.pending)  # fmt: skip
        if 4 * np.count_nonzero(self.active) > 3 * self.active.size:
            return moved
        keep = self.active
        return _LiveRows(*(getattr(moved, name)[keep] for name in _LiveRows.__dataclass_fields__))


@dataclass(frozen=True)
class _Stopped:
    """Rows that stopped inside a block starting at step `done`, and what they need to be
    settled: θ and J before the block, and the block's steps."""

    index: np.ndarray
    done: np.ndarray | int
    recent: np.ndarray  # (h, _WINDOW + 1, d): θ up to step `done`
    block: np.ndarray  # (h, size, d): θ at steps done + 1 …
    cost: np.ndarray  # J at step `done`
    block_costs: np.ndarray
    stops: np.ndarray

    @classmethod
    def joined(cls, parts: list[_Stopped]) -> _Stopped:
        done = np.concatenate([np.full(part.index.size, part.done) for part in parts])
        fields = ("index", "recent", "block", "cost", "block_costs", "stops")
        joined = {name: np.concatenate([getattr(part, name) for part in parts]) for name in fields}
        return cls(done=done, **joined)


def _settle(
    rows: _Stopped, low, high, state, diverged_at, taken, reached, theta, cost, ratio, theta_star
) -> None:
    """Rows that stopped inside a block keep the steps up to their stop (a non-finite step is
    not kept, any other stop is), as in descend; an arrival after the stop is forgotten."""
    each = np.arange(rows.index.size)
    first = np.argmax(rows.stops, axis=1)
    stop_costs = rows.block_costs[each, first]
    finite = np.isfinite(stop_costs)
    diverging = ~finite | (stop_costs < low) | (stop_costs > high)
    keep = first + finite
    index, steps = rows.index, rows.done + keep
    state[index] = np.where(diverging, _DIVERGED, _CONVERGED)
    diverged_at[index] = np.where(diverging, rows.done + first + 1, -1)
    taken[index] = steps
    reached[index] = np.where(reached[index] > steps, -1, reached[index])
    path = np.concatenate([rows.recent, rows.block], axis=1)  # θ at step done + j is at W + j
    end = _WINDOW + keep
    theta[index] = path[each, end]
    cost[index] = np.where(keep > 0, rows.block_costs[each, keep - 1], rows.cost)
    span = np.minimum(steps, _WINDOW)
    ratio[index] = _measured_ratio(path[each, end], path[each, end - span], span, theta_star)


def _measured_ratio(end, start, span, theta_star) -> np.ndarray:
    """(‖θ_end − θ*‖ / ‖θ_start − θ*‖)^(1/span), or NaN when no step was taken or a run sat on
    the minimum."""
    end_distance = gradient_norm(end - theta_star)
    start_distance = gradient_norm(start - theta_star)
    with np.errstate(all="ignore"):
        ratio = (end_distance / start_distance) ** (1.0 / span)
    return np.where((span > 0) & (start_distance > 0) & np.isfinite(ratio), ratio, np.nan)


@dataclass(frozen=True)
class RangeTest:
    """The learning-rate range test: α grows exponentially each step while J is recorded."""

    lrs: np.ndarray  # the rate used at each step
    costs: np.ndarray  # J after each step
    stopped_at: int | None  # the step where the cost blew up (None: it never did)
    steepest_lr: float | None  # where J falls fastest against log α (None: no finite step)
    valley_lr: float | None  # the rate of the lowest cost, divided by 10 (None: no finite step)
    message: str  # how the test ended, in words

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
    stops once J exceeds `blowup` × the lowest J seen, or is too large to represent (that step
    is not recorded). Two common suggestions are returned: the rate where J falls fastest
    against log α, and a tenth of the rate with the lowest J; when the very first step already
    overflows there is no curve and neither suggestion exists (None, and `message` says so).
    The gradients here are exact, so no loss smoothing is needed.
    """
    func = "range_test"
    theta = check_vector(func, "theta0", theta0, problem.n_params)
    lr_min = check_float(func, "lr_min", lr_min, low=0.0, high=MAX_LR, low_open=True)
    lr_max = check_float(func, "lr_max", lr_max, low=lr_min, high=MAX_LR, low_open=True)
    steps = check_int(func, "steps", steps, low=3, high=MAX_STEPS)
    rates = np.geomspace(lr_min, lr_max, steps)
    costs = []
    stopped_at, overflowed = None, False
    with np.errstate(all="ignore"):
        best = float(problem.cost_value(theta))
        for k, rate in enumerate(rates):
            theta = theta - rate * problem.gradient(theta)
            cost = float(problem.cost_value(theta))
            if not np.isfinite(cost):
                stopped_at, overflowed = k, True
                break
            costs.append(cost)
            best = min(best, cost)
            if cost > blowup * best:
                stopped_at = k
                break
    costs_array = np.array(costs, dtype=np.float64)
    used = rates[: costs_array.size]
    message = _range_message(rates, stopped_at, overflowed, blowup)
    if not costs:
        return RangeTest(readonly(used.copy()), readonly(costs_array), stopped_at, None, None,
                         message)  # fmt: skip
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
        message=message,
    )


def _range_message(rates: np.ndarray, stopped_at: int | None, overflowed: bool, blowup: float):
    if stopped_at is None:
        return f"The cost never blew up, all the way to α = {number_text(float(rates[-1]))}."
    rate = number_text(float(rates[stopped_at]))
    if overflowed and stopped_at == 0:
        return (
            f"The first step, at α = {rate}, already made the cost too large to represent: "
            "there is no curve and nothing to suggest. Start from a smaller rate."
        )
    if overflowed:
        return (
            f"It stopped at step {stopped_at} (α = {rate}), when the cost became too large to "
            "represent; the curve ends at the step before."
        )
    return (
        f"It stopped at step {stopped_at} (α = {rate}), when the cost exceeded {blowup:g}× its "
        "lowest value."
    )
