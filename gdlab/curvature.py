"""Sharpness λ_max(∇²J(θ)) and the local stable rate 2/λ_max, along a run.

On a quadratic cost the Hessian is one matrix and α_crit = 2/λ_max one number. Elsewhere the
Hessian changes with θ, and so does the rate that is locally stable: a network trained by
full-batch gradient descent at rate α typically sharpens until λ_max ≈ 2/α and then hovers
there while J keeps falling, not monotonically (Cohen et al., ICLR 2021, "Gradient Descent on
Neural Networks Typically Occurs at the Edge of Stability").

λ_max comes from the Lanczos iteration on Hessian-vector products (Golub & Van Loan §10.1),
with full reorthogonalisation, so it needs only ∇²J·v — never the Hessian itself for a model
that gives `hvp`. The largest Ritz value θ with Ritz vector s has residual
‖∇²J·s − θs‖ = β_k|e_kᵀu|, and an eigenvalue lies within that of θ; the iteration stops when the
residual is at most TOL times the largest Ritz value in size, or after MAX_ITER (or d)
iterations, when the Krylov space is the whole space and the answer is exact up to rounding.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gdlab._validation import check_float, check_int, readonly

TOL = 1e-6
MAX_ITER = 200  # more than the largest network's parameter count (32·4 + 2·32 + 1 = 193)
# A warm start (the previous step's top eigenvector) gets this much of a seeded random vector
# mixed in, so a direction that has just become the sharpest is never missing from it.
_WARM_NOISE = 0.1


@dataclass(frozen=True)
class Sharpness:
    """λ_max(∇²J(θ)) at one θ, its unit eigenvector, and how the iteration ended."""

    value: float
    vector: np.ndarray
    iterations: int
    residual: float  # ‖∇²J·v − λv‖ for the returned pair
    converged: bool

    @property
    def stable_lr(self) -> float:
        """2/λ_max: the largest rate at which a gradient step is stable near θ (∞ if λ ≤ 0)."""
        return 2.0 / self.value if self.value > 0 else float("inf")


def hessian_operator(problem, theta: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """v ↦ ∇²J(θ)·v from what the problem gives: its own `hessian_operator(θ)` (which shares
    the work that depends on θ alone), else `hvp(θ, v)`, else `hessian_at(θ)`, else a
    quadratic's constant `hessian()`."""
    if hasattr(problem, "hessian_operator"):
        own = problem.hessian_operator(theta)
        return lambda vector: np.asarray(own(vector), dtype=np.float64)
    if hasattr(problem, "hvp"):
        return lambda vector: np.asarray(problem.hvp(theta, vector), dtype=np.float64)
    if hasattr(problem, "hessian_at"):
        matrix = np.asarray(problem.hessian_at(theta), dtype=np.float64)
    elif hasattr(problem, "hessian") and not inspect.signature(problem.hessian).parameters:
        matrix = np.asarray(problem.hessian(), dtype=np.float64)
    else:
        raise TypeError(
            f"{type(problem).__name__} gives no Hessian: it needs hvp(theta, v), "
            "hessian_at(theta) or a constant hessian()."
        )
    return lambda vector: matrix @ vector


def sharpness(
    problem,
    theta: np.ndarray,
    *,
    tol: float = TOL,
    max_iter: int = MAX_ITER,
    seed: int = 0,
    start: np.ndarray | None = None,
) -> Sharpness:
    """λ_max(∇²J(θ)) by Lanczos from `start` (a warm start) or a seeded random vector."""
    tol = check_float("sharpness", "tol", tol, low=0.0)
    max_iter = check_int("sharpness", "max_iter", max_iter, low=1, high=10_000)
    theta = np.asarray(theta, dtype=np.float64)
    d = int(problem.n_params)
    apply = hessian_operator(problem, theta)
    rng = np.random.default_rng(seed)
    q = rng.standard_normal(d)
    start = None if start is None else np.asarray(start, dtype=np.float64)
    if start is not None and np.all(np.isfinite(start)) and np.any(start):
        q = start / np.linalg.norm(start) + _WARM_NOISE * q / np.linalg.norm(q)
    q /= np.linalg.norm(q)
    basis = np.empty((min(max_iter, d), d))
    alphas, betas = [], []
    beta, previous = 0.0, np.zeros(d)
    with np.errstate(all="ignore"):
        for k in range(basis.shape[0]):
            basis[k] = q
            w = apply(q)
            if not np.all(np.isfinite(w)):
                return Sharpness(float("nan"), readonly(np.full(d, np.nan)), k + 1, np.nan, False)
            alpha = float(q @ w)
            w = w - alpha * q - beta * previous
            # Full reorthogonalisation, twice ("twice is enough", Parlett): without it the
            # basis loses orthogonality as Ritz values converge and ghost copies appear.
            for _ in range(2):
                w -= basis[: k + 1].T @ (basis[: k + 1] @ w)
            alphas.append(alpha)
            beta = float(np.linalg.norm(w))
            tridiagonal = np.diag(alphas) + np.diag(betas, 1) + np.diag(betas, -1)
            ritz, vectors = np.linalg.eigh(tridiagonal)
            residual = beta * abs(vectors[-1, -1])
            scale = float(np.max(np.abs(ritz)))
            exhausted = k + 1 == d or beta <= 1e-14 * max(scale, 1e-300)
            if residual <= tol * scale or exhausted or k + 1 == basis.shape[0]:
                vector = vectors[:, -1] @ basis[: k + 1]
                converged = residual <= tol * scale or exhausted
                return Sharpness(
                    float(ritz[-1]), readonly(vector / np.linalg.norm(vector)), k + 1,
                    float(residual), bool(converged),
                )  # fmt: skip
            betas.append(beta)
            previous, q = q, w / beta
    raise AssertionError("unreachable: the loop returns at its last iteration")


@dataclass(frozen=True)
class SharpnessRecord:
    """λ_max(∇²J(θₖ)) at the recorded steps k of a run, with 2/λ_max and the rate αₖ."""

    steps: np.ndarray  # (R,) step numbers k, from 0; the last step of the run is always one
    sharpness: np.ndarray  # (R,) λ_max(∇²J(θₖ))
    stable_lrs: np.ndarray  # (R,) 2/λ_max (inf where λ_max ≤ 0)
    lrs: np.ndarray  # (R,) the rate αₖ of the step from θₖ (NaN at the last θ: no step)
    iterations: np.ndarray  # (R,) Lanczos iterations each took
    converged: bool  # every one met the tolerance

    @property
    def edge_ratio(self) -> np.ndarray:
        """αₖλ_max(θₖ): 2 is the edge of stability, where a quadratic's step would diverge."""
        return self.lrs * self.sharpness


def sharpness_along(
    problem, trace, every: int = 1, *, tol: float = TOL, max_iter: int = MAX_ITER, seed: int = 0
) -> SharpnessRecord:
    """The sharpness at steps 0, every, 2·every, … and at the last step of `trace`, each
    Lanczos run warm-started from the previous top eigenvector."""
    every = check_int("sharpness_along", "every", every, low=1, high=10**9)
    last = int(trace.costs.size) - 1
    steps = np.unique(np.append(np.arange(0, last + 1, every), last))
    values, iterations, start, converged = [], [], None, True
    for k in steps:
        result = sharpness(
            problem, trace.thetas[k], tol=tol, max_iter=max_iter, seed=seed, start=start
        )
        values.append(result.value)
        iterations.append(result.iterations)
        converged &= result.converged
        start = result.vector if np.all(np.isfinite(result.vector)) else None
    values = np.array(values)
    with np.errstate(divide="ignore"):
        stable = np.where(values > 0, 2.0 / np.where(values > 0, values, 1.0), np.inf)
    lrs = np.append(np.asarray(trace.lrs, dtype=np.float64), np.nan)[steps]
    return SharpnessRecord(
        steps=readonly(steps),
        sharpness=readonly(values),
        stable_lrs=readonly(stable),
        lrs=readonly(lrs),
        iterations=readonly(np.array(iterations)),
        converged=bool(converged),
    )
