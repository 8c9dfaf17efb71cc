"""What theory says about a fixed learning rate α on a quadratic cost.

Near the minimum θ*, gradient descent gives θₖ₊₁ − θ* = (I − αH)(θₖ − θ*), so along each
eigenvector of the Hessian H (eigenvalue λᵢ) the error is multiplied by 1 − αλᵢ every step:
- 0 < αλᵢ < 1: shrinks without changing sign (smooth);
- 1 < αλᵢ < 2: changes sign every step, still shrinking (oscillates but converges);
- αλᵢ > 2: |1 − αλᵢ| > 1, the error grows (diverges).
Hence α_crit = 2/λ_max, the one-step rate 1/λ_max (lands on the minimum along the steepest
direction), and the best fixed rate α* = 2/(λ_min + λ_max), which balances the slowest and the
fastest directions with contraction (κ − 1)/(κ + 1), κ = λ_max/λ_min.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdlab._validation import readonly

# Eigenvalues below this fraction of λ_max are zero up to round-off (a constant feature).
_FLAT = 1e-12


@dataclass(frozen=True)
class Regime:
    kind: str  # "slow", "smooth", "oscillating", "boundary" or "diverging"
    title: str
    explanation: str


@dataclass(frozen=True)
class LearningRateTheory:
    eigenvalues: np.ndarray  # of the Hessian, ascending

    @classmethod
    def from_hessian(cls, hessian: np.ndarray) -> LearningRateTheory:
        eigenvalues = np.linalg.eigvalsh(np.asarray(hessian, dtype=np.float64))
        return cls(readonly(np.maximum(eigenvalues, 0.0)))

    @property
    def lambda_max(self) -> float:
        return float(self.eigenvalues[-1])

    @property
    def lambda_min(self) -> float:
        return float(self.eigenvalues[0])

    @property
    def curved(self) -> np.ndarray:
        """Eigenvalues of directions the cost actually curves in (flat ones never change J)."""
        return self.eigenvalues[self.eigenvalues > _FLAT * self.lambda_max]

    @property
    def condition_number(self) -> float:
        if self.lambda_min <= _FLAT * self.lambda_max:
            return math.inf
        return self.lambda_max / self.lambda_min

    @property
    def critical_lr(self) -> float:
        return 2.0 / self.lambda_max

    @property
    def one_step_lr(self) -> float:
        return 1.0 / self.lambda_max

    @property
    def optimal_lr(self) -> float:
        return 2.0 / (float(self.curved[0]) + self.lambda_max)

    def contraction(self, lr: float | np.ndarray) -> float | np.ndarray:
        """max |1 − αλᵢ| over curved directions: the error's factor per step, in the worst one."""
        factors = np.abs(1.0 - np.multiply.outer(np.asarray(lr, dtype=np.float64), self.curved))
        worst = factors.max(axis=-1)
        return float(worst) if worst.ndim == 0 else worst

    def steps_to_shrink(self, lr: float, factor: float = 100.0) -> float:
        """Steps for the error to shrink by `factor` (math.inf if it never does)."""
        rho = self.contraction(lr)
        if rho >= 1.0:
            return math.inf
        if rho == 0.0:
            return 1.0
        return math.log(factor) / -math.log(rho)

    def kinds(self, lrs: np.ndarray, steps: int | None = None) -> np.ndarray:
        """`regime(α, steps).kind` for many rates at once (same rules, vectorised)."""
        lrs = np.asarray(lrs, dtype=np.float64)
        rho = np.asarray(self.contraction(lrs))
        kinds = np.where(lrs > self.one_step_lr * (1 + 1e-9), "oscillating", "smooth")
        if steps is not None:
            # steps_to_shrink(α) > steps  ⇔  ρ^steps > 1/100
            kinds = np.where(rho > 100.0 ** (-1.0 / steps), "slow", kinds)
        kinds = np.where(lrs > self.critical_lr, "diverging", kinds)
        return np.where(np.isclose(lrs, self.critical_lr, rtol=1e-9, atol=0), "boundary", kinds)

    def regime(self, lr: float, steps: int | None = None) -> Regime:
        """Name the behaviour of α and say why, in a student's words.

        With `steps`, a converging rate is called slow when the error is predicted to shrink
        less than 100-fold within that many steps.
        """
        crit, one = self.critical_lr, self.one_step_lr
        rho = self.contraction(lr)
        if math.isclose(lr, crit, rel_tol=1e-9):
            return Regime(
                "boundary",
                "on the edge",
                "α = 2/λ_max exactly: along the steepest direction each step jumps to the "
                "mirror point (1 − αλ_max = −1), bouncing forever without converging.",
            )
        if lr > crit:
            return Regime(
                "diverging",
                "diverges",
                f"α = {lr:.4g} > 2/λ_max = {crit:.4g}: each step overshoots the minimum by more "
                f"than it started from it, so the error grows ×{rho:.3g} per step.",
            )
        if steps is not None and self.steps_to_shrink(lr) > steps:
            needed = self.steps_to_shrink(lr)
            return Regime(
                "slow",
                "too slow",
                f"The error shrinks only ×{rho:.6g} per step: about {needed:,.0f} steps to cut "
                f"it 100-fold, more than the {steps:,} allowed.",
            )
        if lr > one * (1 + 1e-9):  # α* = 1/λ_max when κ = 1: that is not an overshoot
            return Regime(
                "oscillating",
                "oscillates but converges",
                f"1/λ_max = {one:.4g} < α < 2/λ_max = {crit:.4g}: each step overshoots the "
                f"minimum along the steepest direction and bounces back, shrinking ×{rho:.3g} "
                f"per step.",
            )
        return Regime(
            "smooth",
            "converges smoothly",
            f"α = {lr:.4g} ≤ 1/λ_max = {one:.4g}: no step overshoots the minimum; the error "
            f"shrinks ×{rho:.3g} per step.",
        )


def learning_rate_theory(problem) -> LearningRateTheory:
    """The theory for a quadratic problem (anything with a constant `hessian()`)."""
    return LearningRateTheory.from_hessian(problem.hessian())


def critical_lr(problem) -> float:
    """α_crit = 2/λ_max: gradient descent diverges for any larger fixed learning rate."""
    return learning_rate_theory(problem).critical_lr


# -- momentum (heavy ball) on a quadratic ------------------------------------------------------
# PyTorch's v ← μv + g, θ ← θ − αv is the heavy ball θₖ₊₁ = θₖ − α∇J(θₖ) + μ(θₖ − θₖ₋₁).
# Along an eigenvector (eigenvalue λ) the error obeys eₖ₊₁ = (1 + μ − αλ)eₖ − μeₖ₋₁, whose
# characteristic roots z² − (1 + μ − αλ)z + μ = 0 set the rate (Goh, "Why Momentum Really
# Works", Distill 2017).


def momentum_rate(lr, mu, eigenvalues) -> np.ndarray:
    """max over λ of the larger |root|: the error's factor per step (≥ 1: no convergence).

    `lr` and `mu` broadcast against each other (a grid of (α, μ) gives a grid of rates).
    """
    lr = np.asarray(lr, dtype=np.float64)[..., None]
    mu = np.asarray(mu, dtype=np.float64)[..., None]
    b = 1 + mu - lr * np.asarray(eigenvalues, dtype=np.float64)
    root = np.sqrt((b * b - 4 * mu).astype(np.complex128))
    return np.maximum(np.abs((b + root) / 2), np.abs((b - root) / 2)).max(axis=-1)


def momentum_stable(lr: float, mu: float, lambda_max: float) -> bool:
    """Converges on every curved direction iff 0 ≤ μ < 1 and 0 < αλ_max < 2(1 + μ)."""
    return 0 <= mu < 1 and 0 < lr * lambda_max < 2 * (1 + mu)


def optimal_momentum(theory: LearningRateTheory) -> tuple[float, float, float]:
    """(α, μ, rate) with α = (2/(√λ_max + √λ_min))², μ = ((√κ − 1)/(√κ + 1))², rate = √μ."""
    lo, hi = float(theory.curved[0]), theory.lambda_max
    lr = (2 / (np.sqrt(hi) + np.sqrt(lo))) ** 2
    root_kappa = np.sqrt(hi / lo)
    mu = ((root_kappa - 1) / (root_kappa + 1)) ** 2
    return float(lr), float(mu), float(np.sqrt(mu))
