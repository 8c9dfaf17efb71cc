"""Plain gradient descent θ ← θ − α∇J(θ), recorded step by step in an immutable Trace."""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from gdlab._validation import check_float, check_int, check_vector, readonly
from gdlab.linalg import squared_norm
from gdlab.number_format import count_text
from gdlab.running.affine import BLOCK, advance, block_maps
from gdlab.running.optimizers import Optimizer

MAX_STEPS = 100_000
# Converged: ‖∇J(θₖ)‖ ≤ GTOL·‖∇J(θ₀)‖ — relative, so it means the same in mm and in km —
# or below the gradient's round-off level, which no step can improve on.
GTOL = 1e-8
# Diverged: a non-finite value, or J(θₖ) outside J(θ₀) ± this multiple of the cost's spread
# (`cost_spread`): no converging run ever moves that far, and a diverging one gets there long
# before overflow.
DIVERGENCE_FACTOR = 1e8
# A view is sampled at about this many points when a problem does not give its cost's span.
_VIEW_POINTS = 1024
MIN_LR, MAX_LR = 0.0, 1e12
_LARGEST = float(np.finfo(np.float64).max)

LearningRate = float | Callable[[int], float]


class Problem(Protocol):
    """What descend needs. Optional attributes refine the stopping rules: `min_cost` (J*),
    `gradient_floor` (the round-off level of ‖∇J‖), and for the cost's spread either
    `cost_span` (two values J spans where runs start) or `theta_bounds()` (that region, a
    (d, 2) box, where J is then sampled)."""

    n_params: int

    def cost_value(self, theta: np.ndarray) -> np.ndarray: ...

    def gradient(self, theta: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class Trace:
    """Every step of a run: θₖ, J(θₖ), ∇J(θₖ) for k = 0…K, and the K steps taken.

    `status` is "converged", "diverged" or "max_steps"; `diverged_at` is the step at which the
    run blew up (its value is not recorded when it was not finite).
    """

    thetas: np.ndarray  # (K+1, d)
    costs: np.ndarray  # (K+1,)
    grads: np.ndarray  # (K+1, d)
    lrs: np.ndarray  # (K,) the rate used for each step
    status: str
    message: str
    diverged_at: int | None = None
    param_names: tuple[str, ...] = ()
    optimizer: str = "gradient descent"
    batch_costs: np.ndarray | None = None  # (K,) cost of the mini-batch each step used

    @property
    def n_steps(self) -> int:
        return int(self.lrs.size)

    @property
    def updates(self) -> np.ndarray:
        """(K, d): θₖ₊₁ − θₖ = −αₖ∇J(θₖ)."""
        return np.diff(self.thetas, axis=0)

    @property
    def theta(self) -> np.ndarray:
        return self.thetas[-1]

    @property
    def cost(self) -> float:
        return float(self.costs[-1])

    @property
    def grad_norms(self) -> np.ndarray:
        return gradient_norm(self.grads)

    @property
    def converged(self) -> bool:
        return self.status == "converged"

    @property
    def diverged(self) -> bool:
        return self.status == "diverged"

    def to_frame(self) -> pd.DataFrame:
        """One row per θₖ: k, θ, J, ∂J/∂θ, then the rate and step taken from it (empty last)."""
        names = self.param_names or tuple(f"theta{j}" for j in range(self.thetas.shape[1]))
        columns: dict[str, np.ndarray] = {"k": np.arange(self.costs.size)}
        columns.update({name: self.thetas[:, j] for j, name in enumerate(names)})
        columns["J"] = self.costs
        columns.update({f"dJ/d{name}": self.grads[:, j] for j, name in enumerate(names)})
        pad = np.full(1, np.nan)
        columns["alpha"] = np.concatenate([self.lrs, pad])
        if self.batch_costs is not None:
            columns["batch J"] = np.concatenate([self.batch_costs, pad])
        updates = self.updates
        columns.update(
            {f"step {name}": np.concatenate([updates[:, j], pad]) for j, name in enumerate(names)}
        )
        return pd.DataFrame(columns)

    def to_csv(self) -> str:
        buffer = io.StringIO()
        self.to_frame().to_csv(buffer, index=False, float_format="%.17g")
        return buffer.getvalue()


# Σgⱼ² in this range has lost nothing to overflow, and at most d·2⁻¹⁰⁷⁵ (under ε relative) to
# squares that underflowed: its square root is the norm to rounding.
_SAFE_SQUARES = (2.0**-1000, float(np.finfo(np.float64).max))


def gradient_norm(grad: np.ndarray) -> np.ndarray:
    """‖∇J‖ over the last axis, with the same arithmetic for a row of a batch as for it alone.

    √Σgⱼ² directly where that sum is safely inside the float range (the common case);
    elsewhere scaled by the largest |gⱼ|, as hypot does, so components above 1e154 or below
    1e-154 neither overflow nor vanish.
    """
    grad = np.asarray(grad, dtype=np.float64)
    with np.errstate(all="ignore"):
        squares = squared_norm(grad)
        norms = np.sqrt(squares)
        if squares.ndim == 0:
            low = high = squares
        else:  # (an empty batch is safe)
            low, high = squares.min(initial=np.inf), squares.max(initial=0.0)
        if _SAFE_SQUARES[0] <= low and high <= _SAFE_SQUARES[1]:  # False for NaN too
            return norms
        largest = np.max(np.abs(grad), axis=-1)
        scaled = largest * np.sqrt(squared_norm(grad / largest[..., None]))
    # 0/0 and ∞/∞ are NaN above: a zero vector has norm 0, one with an infinite entry ∞.
    scaled = np.where(largest == 0.0, 0.0, np.where(largest == np.inf, np.inf, scaled))
    safe = (squares >= _SAFE_SQUARES[0]) & (squares <= _SAFE_SQUARES[1])
    return np.where(safe, norms, scaled)


def within_tolerance(grads: np.ndarray, tolerance: float) -> np.ndarray:
    """‖∇J‖ ≤ tolerance over the last axis: the one convergence test of both descent paths and
    of sweeps, so they stop at the same step. Callers hold np.errstate(all="ignore").

    While tolerance² is safely inside the float range, Σgⱼ² is compared with it directly, the
    cheap test: a sum that overflowed is above it, as the norm is, and one that lost digits to
    underflow is far below it, as the norm is. Otherwise the scaled norm is compared.
    """
    squared_tolerance = tolerance * tolerance
    if _SAFE_SQUARES[0] <= squared_tolerance <= _SAFE_SQUARES[1]:
        return squared_norm(grads) <= squared_tolerance
    return gradient_norm(grads) <= tolerance


def cost_spread(problem: Problem, cost0: float) -> float:
    """How much J varies, for the divergence band: the spread (highest − lowest) of the values
    J is known to take, namely J(θ₀), J* and J over the problem's view.

    The view is `problem.cost_span` when the problem gives it, else J sampled on a grid of
    about a thousand points over `problem.theta_bounds()`. A spread is a difference of values
    of J, so adding a constant to J changes nothing, and it does not vanish when J(θ₀) does.
    A problem with neither says nothing about its scale, and 0 stands in for its view (the
    band is then ±factor·max(|J₀|, |J*|)).
    """
    values = [float(cost0)]
    if hasattr(problem, "min_cost"):
        values.append(float(problem.min_cost))
    span = getattr(problem, "cost_span", None)
    if span is None and hasattr(problem, "theta_bounds"):
        span = _sampled_span(problem, np.asarray(problem.theta_bounds(), dtype=np.float64))
    values.extend(span if span is not None else (0.0,))
    finite = [value for value in values if math.isfinite(value)]
    return max(finite) - min(finite) if finite else 0.0


def _sampled_span(problem: Problem, box: np.ndarray) -> tuple[float, ...]:
    """The lowest and highest finite J on a grid over the box (nothing if none is finite)."""
    per_axis = 1 + max(1, round(_VIEW_POINTS ** (1 / box.shape[0])))
    axes = [np.linspace(low, high, per_axis) for low, high in box]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, box.shape[0])
    with np.errstate(all="ignore"):
        values = np.asarray(problem.cost_value(grid), dtype=np.float64)
    values = values[np.isfinite(values)]
    return (float(values.min()), float(values.max())) if values.size else ()


def stopping_thresholds(
    problem: Problem, cost0: float, grad0: np.ndarray, gtol: float, divergence_factor: float
) -> tuple[float, float, float]:
    """(low, high, tolerance): a run has diverged when J leaves [low, high], and converged when
    ‖∇J‖ ≤ tolerance.

    The band is J₀ ± factor·(the cost's spread, `cost_spread`), so it also catches costs that
    fall without bound (a user's saddle), and it is the same whatever constant is added to J.
    It never reaches past the largest float: for J₀ ≳ 1.8e300 the product overflows, and a band
    of ±inf would let an infinite J through a comparison, which only the step-by-step path
    checks for separately. ‖∇J₀‖ is computed with scaling (`gradient_norm`), so a huge first
    gradient cannot overflow into an infinite tolerance.
    """
    scale = max(cost_spread(problem, cost0), 1e-300)
    low = max(cost0 - divergence_factor * scale, -_LARGEST)
    high = min(cost0 + divergence_factor * scale, _LARGEST)
    norm0 = float(gradient_norm(grad0)) if np.size(grad0) else 0.0
    # A gradient cannot be resolved below its round-off level (problem.gradient_floor).
    floor = float(getattr(problem, "gradient_floor", 0.0))
    tolerance = max(gtol * norm0, floor) if np.isfinite(norm0) else floor
    return low, high, tolerance


def block_stops(
    costs: np.ndarray, grads: np.ndarray, low: float, high: float, tolerance: float
) -> np.ndarray:
    """Which steps of a block stop a run: J outside [low, high] (diverged) or ‖∇J‖ ≤ tolerance
    (converged). J is computed from θ and ∇J, so it is finite only when they are, and a
    comparison with NaN is false: non-finite steps stop too. The one rule of constant-rate runs
    and sweeps, which is why a sweep's rows equal separate runs."""
    stops = ~((costs >= low) & (costs <= high))
    stops |= within_tolerance(grads, tolerance)
    return stops


def _rate_for(lr: LearningRate, step: int) -> float:
    value = lr(step) if callable(lr) else lr
    return check_float("descend", "lr", value, low=MIN_LR, high=MAX_LR, low_open=True)


def descend(
    problem: Problem,
    theta0: np.ndarray | float,
    lr: LearningRate,
    steps: int = 100,
    *,
    optimizer: Optimizer | None = None,
    batch_size: int | None = None,
    seed: int = 0,
    gtol: float = GTOL,
    divergence_factor: float = DIVERGENCE_FACTOR,
) -> Trace:
    """Run θₖ₊₁ = θₖ − αₖ∇J(θₖ) from θ₀ for at most `steps` steps.

    `lr` is a float α in (0, 1e12] or a schedule k ↦ αₖ. The run stops early when converged
    (‖∇J‖ ≤ gtol·‖∇J(θ₀)‖) or diverged; a diverged run ends at its last finite step.

    `optimizer` (see gdlab.running.optimizers) replaces the plain update by its own rule. With
    `batch_size`, each step uses the gradient of a mini-batch of rows, drawn without replacement
    from a permutation reshuffled every epoch (seeded); the recorded cost and gradient stay
    those of the full data, and `batch_costs` holds each batch's own cost.
    """
    theta = check_vector("descend", "theta0", theta0, problem.n_params)
    steps = check_int("descend", "steps", steps, low=1, high=MAX_STEPS)
    gtol = check_float("descend", "gtol", gtol, low=0.0)
    if not callable(lr):
        _rate_for(lr, 0)
    batches = None
    if batch_size is not None:
        n = int(getattr(problem, "n", 0))
        if not n:
            raise ValueError("Mini-batches need a problem made of data rows (LinearRegression).")
        batch_size = check_int("descend", "batch_size", batch_size, low=1, high=n)
        batches = _mini_batches(
            n, batch_size, check_int("descend", "seed", seed, low=0, high=2**63 - 1)
        )
    opt_state = optimizer.init(theta) if optimizer is not None else None
    batch_costs = []

    constant_rate = optimizer is None and batches is None and not callable(lr)
    if constant_rate and hasattr(problem, "affine_step"):
        return _descend_affine(problem, theta, float(lr), steps, gtol, divergence_factor)
    thetas, costs, grads, lrs = [theta], [], [], []
    evaluate = _cost_and_gradient(problem)
    with np.errstate(all="ignore"):  # overflow is detected below, never warned about
        cost, grad = evaluate(theta)
        costs.append(cost)
        grads.append(grad)
        low, high, tolerance = stopping_thresholds(problem, cost, grad, gtol, divergence_factor)
        status, diverged_at = "max_steps", None
        if within_tolerance(grad, tolerance):
            status = "converged"
        for k in range(steps if status == "max_steps" else 0):
            rate = _rate_for(lr, k)
            direction = grad
            if batches is not None:
                rows = next(batches)
                direction = problem.gradient_per_sample(theta, rows)
                batch_cost = problem.cost_per_sample(theta, rows)
            if optimizer is None:
                theta = theta - rate * direction
            else:
                step, opt_state = optimizer.update(direction, opt_state, rate)
                theta = theta + step
            cost, grad = evaluate(theta)
            finite = math.isfinite(cost) and bool(np.all(np.isfinite(theta)))
            finite = finite and bool(np.all(np.isfinite(grad)))
            if not finite:
                status, diverged_at = "diverged", k + 1
                break
            thetas.append(theta)
            costs.append(cost)
            grads.append(grad)
            lrs.append(rate)
            if batches is not None:
                batch_costs.append(batch_cost)
            if not low <= cost <= high:
                status, diverged_at = "diverged", k + 1
                break
            if within_tolerance(grad, tolerance):
                status = "converged"
                break

    run = (thetas, costs, grads, lrs, status, diverged_at)
    return _trace(
        problem, *run, steps, divergence_factor, gtol,
        optimizer=optimizer, batch_costs=batch_costs if batches is not None else None,
    )  # fmt: skip


def _cost_and_gradient(problem: Problem) -> Callable[[np.ndarray], tuple[float, np.ndarray]]:
    """θ ↦ (J(θ), ∇J(θ)) from one call when the problem computes both in one pass (a network's
    backward pass starts from its forward pass; two calls would do the forward pass twice).

    A quadratic's `cost_and_gradient` is the block form of the affine path, whose excess
    k(θ − θ*)·(Gθ − b) loses digits near θ* that its `cost_value` keeps, so a problem with
    `affine_step` is evaluated as before.
    """
    if hasattr(problem, "cost_and_gradient") and not hasattr(problem, "affine_step"):

        def together(theta: np.ndarray) -> tuple[float, np.ndarray]:
            cost, grad = problem.cost_and_gradient(theta)
            return float(cost), grad

        return together
    return lambda theta: (float(problem.cost_value(theta)), problem.gradient(theta))


def _descend_affine(
    problem, theta: np.ndarray, lr: float, steps: int, gtol: float, divergence_factor: float
) -> Trace:
    """The same run as the loop in `descend`, a block of steps at a time (gdlab.running.affine)."""
    with np.errstate(all="ignore"):
        cost0, grad0 = float(problem.cost_value(theta)), problem.gradient(theta)
        low, high, tolerance = stopping_thresholds(problem, cost0, grad0, gtol, divergence_factor)
        thetas, costs, grads = [theta[None, :]], [np.array([cost0])], [grad0[None, :]]
        status, diverged_at, taken = "max_steps", None, 0
        if within_tolerance(grad0, tolerance):
            status, steps = "converged", 0
        m, c = problem.affine_step(lr)
        powers, offsets = block_maps(m, c, min(BLOCK, max(steps, 1)))
        start = theta
        while taken < steps:
            count = min(BLOCK, steps - taken)
            block = advance(powers, offsets, start, count)
            block_costs, block_grads = problem.cost_and_gradient(block)
            stops = block_stops(block_costs, block_grads, low, high, tolerance)
            keep = count
            if stops.any():
                first = int(np.argmax(stops))
                stop_cost = block_costs[first]
                keep = first + 1 if np.isfinite(stop_cost) else first  # ∞ and NaN are not kept
                status = "converged" if low <= stop_cost <= high else "diverged"
                if status == "diverged":
                    diverged_at = taken + first + 1
            thetas.append(block[:keep])
            costs.append(block_costs[:keep])
            grads.append(block_grads[:keep])
            taken += keep
            if keep < count or stops.any():
                break
            start = block[-1]
    run = (np.concatenate(thetas), np.concatenate(costs), np.concatenate(grads),
           np.full(taken, lr), status, diverged_at)  # fmt: skip
    return _trace(problem, *run, steps, divergence_factor, gtol)


def _trace(
    problem,
    thetas,
    costs,
    grads,
    lrs,
    status,
    diverged_at,
    steps,
    divergence_factor,
    gtol,
    *,
    optimizer: Optimizer | None = None,
    batch_costs: list | None = None,
) -> Trace:
    trace_steps = len(lrs)
    messages = {
        "converged": f"Converged after {count_text(trace_steps, 'step')}: ‖∇J‖ fell below "
        f"{gtol:g}× its start.",
        "max_steps": f"Stopped after the maximum of {count_text(steps, 'step')} without "
        "converging.",
        "diverged": f"Diverged at step {diverged_at}: the cost "
        + (
            "became too large to represent"
            if len(costs) <= (diverged_at or 0)
            else f"moved more than {divergence_factor:g}× its spread away from its start"
        )
        + f"; the trace ends at step {trace_steps}, its last finite step.",
    }
    return Trace(
        thetas=readonly(np.array(thetas)),
        costs=readonly(np.array(costs)),
        grads=readonly(np.array(grads)),
        lrs=readonly(np.array(lrs, dtype=np.float64)),
        status=status,
        message=messages[status],
        diverged_at=diverged_at,
        param_names=tuple(getattr(problem, "param_names", ())),
        optimizer=optimizer.name if optimizer is not None else "gradient descent",
        batch_costs=readonly(np.array(batch_costs)) if batch_costs is not None else None,
    )


def _mini_batches(n: int, size: int, seed: int) -> Iterator[np.ndarray]:
    """Rows for each step: a fresh seeded permutation per epoch, cut into batches of `size`
    (the last one of an epoch may be smaller, as with PyTorch's DataLoader)."""
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(n)
        for start in range(0, n, size):
            yield order[start : start + size]
