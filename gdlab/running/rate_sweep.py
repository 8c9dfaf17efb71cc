"""Many learning rates at once on a cost with no quadratic fast path (the network): every
rate's run advances in lockstep, one batched J and ∇J per step for all the rates still running.

`sweep` (running/sweep.py) composes a quadratic's steps in closed form; a network's cost has no
such form, so here each step is computed, but for every α in one numpy computation with an α
axis (`problem.costs_and_gradients`), which costs a few times less than as many separate runs:
their time goes to numpy's per-call overhead, paid once per step here instead of once per rate.

Each row follows `descend`'s rules exactly (the same update θ − α∇J, the same divergence band
and gradient tolerance from the same start), and equals a separate run to rounding: the batched
products add in another order. Where a run is chaotic (at the edge of stability) those
last-digit differences grow along the run, as they would between two machines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gdlab._validation import check_float, check_int, check_vector, readonly
from gdlab.running.descent import (
    DIVERGENCE_FACTOR,
    GTOL,
    MAX_LR,
    MAX_STEPS,
    stopping_thresholds,
    within_tolerance,
)

MAX_RATES = 200
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RateSweep:
    """Each rate's run (arrays indexed like `lrs`)."""

    lrs: np.ndarray  # (A,)
    costs: np.ndarray  # (A, max_steps + 1): J(θₖ), NaN after the run stopped
    final_thetas: np.ndarray  # (A, d): the last finite θ
    n_steps: np.ndarray  # (A,) steps taken
    statuses: tuple[str, ...]  # "converged", "diverged" or "max_steps", as descend says
    diverged_at: np.ndarray  # (A,) the step that diverged, −1 if none
    max_steps: int

    @property
    def final_costs(self) -> np.ndarray:
        return self.costs[np.arange(self.lrs.size), self.n_steps]

    @property
    def lowest_costs(self) -> np.ndarray:
        """The lowest J each run reached (a run at the edge of stability does not end on it)."""
        return np.nanmin(self.costs, axis=1)


def sweep_rates(
    problem,
    theta0,
    lrs,
    steps: int = 1000,
    *,
    gtol: float = GTOL,
    divergence_factor: float = DIVERGENCE_FACTOR,
    progress: Progress | None = None,
) -> RateSweep:
    """Gradient descent from theta0 at every rate in `lrs` for up to `steps` steps, at once.

    The problem must give `costs_and_gradients(thetas, work)` for a stack of θ (the network
    does). `progress(k, steps)` is called every 50 steps, for a progress bar.
    """
    if not hasattr(problem, "costs_and_gradients"):
        raise TypeError(
            f"{type(problem).__name__} cannot evaluate many θ at once (costs_and_gradients); "
            "use gdlab.sweep for a quadratic cost, or descend for each rate."
        )
    theta = check_vector("sweep_rates", "theta0", theta0, problem.n_params)
    steps = check_int("sweep_rates", "steps", steps, low=1, high=MAX_STEPS)
    lrs = np.asarray(lrs, dtype=np.float64).ravel()
    if not 1 <= lrs.size <= MAX_RATES:
        raise ValueError(
            f"The 'lrs' parameter of sweep_rates must hold 1 to {MAX_RATES} rates. "
            f"Got {lrs.size} instead."
        )
    for lr in lrs:
        check_float("sweep_rates", "lrs", float(lr), low=0.0, high=MAX_LR, low_open=True)
    count, work = lrs.size, {}
    thetas = np.tile(theta, (count, 1))
    costs = np.full((count, steps + 1), np.nan)
    n_steps = np.zeros(count, dtype=int)
    diverged_at = np.full(count, -1)
    status = np.full(count, "max_steps", dtype=object)
    with np.errstate(all="ignore"):
        cost0, grad0 = problem.costs_and_gradients(theta[None, :], work)
        low, high, tolerance = stopping_thresholds(
            problem, float(cost0[0]), grad0[0], gtol, divergence_factor
        )
        costs[:, 0] = cost0[0]
        grads = np.tile(grad0[0], (count, 1))
        live = np.arange(count)
        if within_tolerance(grad0[0], tolerance):
            status[:], live = "converged", live[:0]
        for k in range(steps):
            if not live.size:
                break
            if progress is not None and k % 50 == 0:
                progress(k, steps)
            moved = thetas[live] - lrs[live, None] * grads[live]
            new_costs, new_grads = problem.costs_and_gradients(moved, work)
            finite = np.isfinite(new_costs)
            finite &= np.all(np.isfinite(moved), axis=1) & np.all(np.isfinite(new_grads), axis=1)
            # Not finite: diverged at this step, which is not kept (descend keeps θₖ₋₁).
            lost = live[~finite]
            status[lost], diverged_at[lost] = "diverged", k + 1
            kept, moved, new_costs, new_grads = (
                live[finite],
                moved[finite],
                new_costs[finite],
                new_grads[finite],
            )
            thetas[kept], grads[kept], costs[kept, k + 1] = moved, new_grads, new_costs
            n_steps[kept] = k + 1
            outside = ~((new_costs >= low) & (new_costs <= high))
            status[kept[outside]], diverged_at[kept[outside]] = "diverged", k + 1
            done = within_tolerance(new_grads, tolerance) & ~outside
            status[kept[done]] = "converged"
            live = kept[~outside & ~done]
    if progress is not None:
        progress(steps, steps)
    return RateSweep(
        lrs=readonly(lrs),
        costs=readonly(costs),
        final_thetas=readonly(thetas),
        n_steps=readonly(n_steps),
        statuses=tuple(str(s) for s in status),
        diverged_at=readonly(diverged_at),
        max_steps=steps,
    )
