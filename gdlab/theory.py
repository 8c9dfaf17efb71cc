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
from gdlab.number_format import count_text

_EPS = float(np.finfo(np.float64).eps)
# An eigenvalue computed from a d×d Hessian is uncertain by a few ε·λ_max per dimension (the
# rounding of H's entries and the eigensolver's backward error): at or below this many ε·d·λ_max
# it cannot be told from zero, and the direction counts as flat (a constant feature, say).
# Anything above is real curvature float64 resolves (κ up to ~1e14 for d = 3).
_FLAT_ULPS = 4.0
# α·λ_max lands within this relative distance of 2 (or 1) when α is 2/λ_max (or 1/λ_max) as
# computed: the rounding of a quotient and a product. Every other rate is farther off, α* too
# (its distance is 1/(κ + 1), and a curved κ is below 1/(4dε)).
_ROUNDING = 2.0 * _EPS


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
    def flat_tolerance(self) -> float:
        """Eigenvalues at or below this are zero up to round-off: _FLAT_ULPS·d·ε·λ_max."""
        return _FLAT_ULPS * self.eigenvalues.size * _EPS * self.lambda_max

    @property
    def curved(self) -> np.ndarray:
        """Eigenvalues of directions the cost actually curves in (flat ones never change J)."""
        return self.eigenvalues[self.eigenvalues > self.flat_tolerance]

    @property
    def condition_number(self) -> float:
        if self.lambda_min <= self.flat_tolerance:
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
        return float(self._steps_to_shrink(np.asarray(lr, dtype=np.float64), factor))

    def _steps_to_shrink(self, lrs: np.ndarray, factor: float) -> np.ndarray:
        """log(factor) / −log ρ, with log ρᵢ = log1p(−αλᵢ) or log1p(αλᵢ − 2): exact when ρ is
        near 1, where ρ itself (1 − αλ, rounded) has lost the digits that matter. Near αλ = 2
        (α* of an ill-conditioned cost) the product's own rounding would, so αλ − 2 is formed
        from the product's exact parts."""
        products, errors = _two_product(*np.broadcast_arrays(lrs[..., None], self.curved))
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.where(
                products <= 1.0, np.log1p(-products), np.log1p((products - 2.0) + errors)
            )
            slowest = logs.max(axis=-1)  # log of the largest factor ρ
            steps = math.log(factor) / -slowest
        rho = np.abs(1.0 - products).max(axis=-1)
        steps = np.where(rho == 0.0, 1.0, steps)  # every curved direction lands in one step
        return np.where((rho >= 1.0) | ~(slowest < 0.0), math.inf, steps)

    def _at_boundary(self, lrs: np.ndarray) -> np.ndarray:
        """α·λ_max = 2 up to rounding: the steepest direction neither grows nor shrinks."""
        return np.abs(lrs * self.lambda_max / 2.0 - 1.0) <= _ROUNDING

    def at_one_step_rate(self, lr: float) -> bool:
        """α·λ_max = 1 up to rounding: the step lands on the minimum along the steepest direction
        (a preset's α = 1/λ_max, or α* when κ = 1)."""
        return bool(abs(lr * self.lambda_max - 1.0) <= _ROUNDING)

    def _overshoots(self, lrs: np.ndarray) -> np.ndarray:
        """α·λ_max > 1 beyond rounding (α* = 1/λ_max when κ = 1: that is not an overshoot)."""
        return lrs * self.lambda_max > 1.0 + _ROUNDING

    def kinds(self, lrs: np.ndarray, steps: int | None = None) -> np.ndarray:
        """`regime(α, steps).kind` for many rates at once (same rules, vectorised)."""
        lrs = np.asarray(lrs, dtype=np.float64)
        kinds = np.where(self._overshoots(lrs), "oscillating", "smooth")
        if steps is not None:
            kinds = np.where(self._steps_to_shrink(lrs, 100.0) > steps, "slow", kinds)
        kinds = np.where(lrs > self.critical_lr, "diverging", kinds)
        return np.where(self._at_boundary(lrs), "boundary", kinds)

    def regime(self, lr: float, steps: int | None = None) -> Regime:
        """Name the behaviour of α and say why, in a student's words.

        With `steps`, a converging rate is called slow when the error is predicted to shrink
        less than 100-fold within that many steps.
        """
        crit, one = self.critical_lr, self.one_step_lr
        rho = self.contraction(lr)
        if self._at_boundary(np.float64(lr)):
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
                f"The error shrinks only ×{rho:.6g} per step: about "
                f"{count_text(needed, 'step')} to cut it 100-fold, more than the {steps:,} "
                "allowed.",
            )
        if self._overshoots(np.float64(lr)):
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


def _two_product(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(p, e) with p = fl(a·b) and p + e = a·b exactly (Dekker's product, by Veltkamp's split;
    e = 0 where the split would overflow)."""
    with np.errstate(all="ignore"):
        product = a * b
        a_high, a_low = _split(a)
        b_high, b_low = _split(b)
        error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low
    return product, np.where(np.isfinite(error), error, 0.0)


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    scaled = 134217729.0 * a  # 2²⁷ + 1: the high part keeps 26 bits, so products are exact
    high = scaled - (scaled - a)
    return high, a - high


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
