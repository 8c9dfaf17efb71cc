"""Least squares with the gradient a widely read derivation writes: the factor x dropped.

That derivation writes ∂J/∂θⱼ = (2k/n)Σ(ŷᵢ − yᵢ) for every j, where the chain rule gives
(2k/n)Σ(ŷᵢ − yᵢ)·xᵢⱼ. The cost is still J; only its "gradient" is wrong, and it is
g(θ) = 2k·r̄(θ)·𝟙, with r̄(θ) = m̄ᵀθ − ȳ the mean residual (m̄ⱼ = mean of column j of X).

Where that rule leads, in closed form (`WithoutXLimit`): every step moves θ along 𝟙 = (1, …, 1),
and the mean residual obeys r̄ₖ₊₁ = (1 − 2kα·s)·r̄ₖ with s = Σⱼm̄ⱼ, since m̄ᵀ𝟙 = s. So it stops
wherever Σ(ŷᵢ − yᵢ) = 0 and nowhere else: for ŷ = θx at θ = ȳ/x̄ (least squares gives
Σxy/Σx²); for a line, at any line through the mean point (x̄, ȳ), the one its start points to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gdlab._validation import check_float, check_vector, readonly
from gdlab.models.linear import LinearRegression

_EPS = float(np.finfo(np.float64).eps)
_ZERO_ULPS = 4.0  # a mean of n values is exact to about n·ε·mean|x| (recursive summation)


@dataclass(frozen=True)
class WithoutXLimit:
    """Where the x-less rule goes from θ₀ at rate α.

    `factor` multiplies the mean residual every step (ρ = 1 − 2kα·s); `limit` is the fixed
    point reached, θ₀ − (r̄₀/s)·𝟙, or None when the run does not settle: |ρ| ≥ 1 (it bounces
    or runs away), or s = 0 (the steps never change r̄, so θ drifts by 2kα·r̄₀ a step for ever).
    """

    factor: float
    limit: np.ndarray | None
    mean_residual0: float  # r̄ at the start

    @property
    def settles(self) -> bool:
        return self.limit is not None


@dataclass(frozen=True, eq=False)
class GradientWithoutX:
    """The least-squares problem with the derivation's gradient; a Problem `descend` can run.

    Cost, J*, the view and the spread are the problem's own, so a run is judged on the true
    cost. The rule is affine in θ, so constant-rate runs use the block steps too.
    """

    problem: LinearRegression
    mean_row: np.ndarray = field(init=False, repr=False)  # m̄ⱼ = (1/n)Σᵢ xᵢⱼ
    mean_y: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.problem, LinearRegression):
            raise ValueError(
                "The 'problem' parameter of GradientWithoutX must be a LinearRegression. "
                f"Got {type(self.problem).__name__} instead."
            )
        set_ = object.__setattr__
        columns = self.problem.features(self.problem.x)
        mean_row = columns.mean(axis=0)
        # A mean within the round-off of summing n values is zero (standardized z has z̄ ≈
        # 1e-17, not 0): otherwise the fixed point ȳ/z̄ would be a number like 5e17.
        noise = _ZERO_ULPS * columns.shape[0] * _EPS * np.abs(columns).mean(axis=0)
        mean_row[np.abs(mean_row) <= noise] = 0.0
        set_(self, "mean_row", readonly(mean_row))
        set_(self, "mean_y", float(np.mean(self.problem.y)))

    # -- what descend reads, passed through --------------------------------------------------

    @property
    def n_params(self) -> int:
        return self.problem.n_params

    @property
    def param_names(self) -> tuple[str, ...]:
        return self.problem.param_names

    @property
    def min_cost(self) -> float:
        return self.problem.min_cost

    @property
    def cost_span(self) -> tuple[float, float]:
        return self.problem.cost_span

    def theta_bounds(self) -> np.ndarray:
        return self.problem.theta_bounds()

    def cost_value(self, theta: np.ndarray) -> np.ndarray:
        return self.problem.cost_value(theta)

    # -- the derivation's gradient -----------------------------------------------------------

    @property
    def _slope(self) -> float:
        return 2.0 * self.problem.cost_factor

    def mean_residual(self, theta: np.ndarray) -> np.ndarray:
        """r̄(θ) = (1/n)Σ(ŷᵢ − yᵢ) = m̄ᵀθ − ȳ (batch-capable)."""
        theta = np.asarray(theta, dtype=np.float64)
        return (theta * self.mean_row).sum(axis=-1) - self.mean_y

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        """(2k/n)Σ(ŷᵢ − yᵢ) in every component: the chain rule's factor xᵢⱼ left out."""
        residual = self.mean_residual(theta)
        return self._slope * residual[..., None] * np.ones(self.n_params)

    def cost_and_gradient(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.problem.cost_value(theta), self.gradient(theta)

    def affine_step(self, lr: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """θ − α·2k(m̄ᵀθ − ȳ)𝟙 = (I − 2kα·𝟙m̄ᵀ)θ + 2kαȳ·𝟙."""
        rate = np.asarray(lr, dtype=np.float64)[..., None, None]
        ones = np.ones(self.n_params)
        scaled = self._slope * rate
        m = np.eye(self.n_params) - scaled * np.outer(ones, self.mean_row)
        return m, scaled[..., 0] * self.mean_y * ones

    # -- where it leads ----------------------------------------------------------------------

    @property
    def direction_sum(self) -> float:
        """s = m̄ᵀ𝟙 = Σⱼm̄ⱼ: how much one unit step along 𝟙 changes the mean residual."""
        return float(self.mean_row.sum())

    def fixed_point_one_parameter(self) -> float | None:
        """ŷ = θx: the rule stops at θ = ȳ/x̄ (None when x̄ = 0: it never stops)."""
        if self.n_params != 1 or self.mean_row[0] == 0:
            return None
        return self.mean_y / float(self.mean_row[0])

    def limit(self, theta0: np.ndarray | float, lr: float) -> WithoutXLimit:
        """Where a run of the x-less rule from θ₀ at rate α ends (see `WithoutXLimit`)."""
        theta0 = check_vector("GradientWithoutX.limit", "theta0", theta0, self.n_params)
        lr = check_float("GradientWithoutX.limit", "lr", lr, low=0.0, low_open=True)
        s = self.direction_sum
        factor = 1.0 - self._slope * lr * s
        residual0 = float(self.mean_residual(theta0))
        if residual0 == 0.0:  # already a fixed point
            return WithoutXLimit(factor, readonly(theta0.copy()), residual0)
        if s == 0.0 or not abs(factor) < 1.0:
            return WithoutXLimit(factor, None, residual0)
        limit = theta0 - (residual0 / s) * np.ones(self.n_params)
        return WithoutXLimit(factor, readonly(limit), residual0)
