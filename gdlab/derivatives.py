"""Numerical derivatives, gradient checks, tangents and 1-D slices of a cost.

Central differences f′(x) ≈ (f(x+h) − f(x−h)) / 2h have truncation error O(h²) and round-off
error O(ε/h); the total is smallest near h = ε^(1/3)·max(1, |x|) ≈ 6e-6·max(1, |x|)
(Numerical Recipes §5.7; scipy.optimize._numdiff uses the same rule). Forward differences
balance O(h) against O(ε/h): h = √ε·max(1, |x|).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gdlab._validation import readonly

EPS = float(np.finfo(np.float64).eps)

ScalarFunction = Callable[[float], float]
VectorFunction = Callable[[np.ndarray], float]


def central_step(x: float) -> float:
    return EPS ** (1 / 3) * max(1.0, abs(x))


def forward_step(x: float) -> float:
    return EPS**0.5 * max(1.0, abs(x))


def numerical_derivative(f: ScalarFunction, x: float, h: float | None = None) -> float:
    """f′(x) by central differences."""
    h = central_step(x) if h is None else h
    # Divide by the spacing actually representable, not the nominal 2h.
    upper, lower = x + h, x - h
    return (float(f(upper)) - float(f(lower))) / (upper - lower)


def forward_derivative(f: ScalarFunction, x: float, h: float | None = None) -> float:
    """f′(x) by forward differences (less accurate; shown next to central ones)."""
    h = forward_step(x) if h is None else h
    upper = x + h
    return (float(f(upper)) - float(f(x))) / (upper - x)


def numerical_gradient(f: VectorFunction, theta: np.ndarray) -> np.ndarray:
    """∇f(θ) by central differences, one coordinate at a time."""
    theta = np.asarray(theta, dtype=np.float64)
    gradient = np.empty_like(theta)
    for j in range(theta.size):
        unit = np.zeros_like(theta)
        unit[j] = 1.0
        gradient[j] = numerical_derivative(
            lambda t, u=unit: f(theta + t * u), 0.0, h=central_step(theta[j])
        )
    return gradient


@dataclass(frozen=True)
class GradientCheck:
    analytic: np.ndarray
    numerical: np.ndarray
    relative_error: float

    def passed(self, tolerance: float = 1e-6) -> bool:
        return self.relative_error <= tolerance


def check_gradient(
    f: VectorFunction, gradient: Callable[[np.ndarray], np.ndarray], theta: np.ndarray
) -> GradientCheck:
    """Compare an analytic gradient with central differences: ‖a − n‖ / (‖a‖ + ‖n‖)."""
    theta = np.asarray(theta, dtype=np.float64)
    analytic = np.asarray(gradient(theta), dtype=np.float64)
    numerical = numerical_gradient(f, theta)
    scale = np.linalg.norm(analytic) + np.linalg.norm(numerical)
    error = 0.0 if scale == 0 else float(np.linalg.norm(analytic - numerical) / scale)
    return GradientCheck(readonly(analytic), readonly(numerical), error)


@dataclass(frozen=True)
class Tangent:
    """The tangent line of a 1-D cost at θ: J(θ) + J′(θ)·(t − θ), drawn as a segment."""

    theta: float
    value: float
    slope: float
    segment_theta: tuple[float, float]
    segment_cost: tuple[float, float]


def tangent(theta: float, value: float, slope: float, half_width: float) -> Tangent:
    """The segment of the tangent over [θ − w, θ + w]."""
    lo, hi = theta - half_width, theta + half_width
    return Tangent(
        theta, value, slope, (lo, hi), (value - slope * half_width, value + slope * half_width)
    )


@dataclass(frozen=True)
class CostSlice:
    """φ(t) = J(θ + t·u) for a unit direction u: a 1-D view of a cost of several parameters.

    Along u = −∇J/‖∇J‖ a gradient step of rate α lands at t = α‖∇J(θ)‖, and φ′(0) = −‖∇J(θ)‖,
    so the 1-D picture (tangent, step, overshoot) applies unchanged.
    """

    origin: np.ndarray
    direction: np.ndarray
    cost: Callable[[np.ndarray], np.ndarray]
    gradient: Callable[[np.ndarray], np.ndarray]

    def points(self, t: np.ndarray) -> np.ndarray:
        return self.origin + np.multiply.outer(np.asarray(t, dtype=np.float64), self.direction)

    def value(self, t: np.ndarray) -> np.ndarray:
        return self.cost(self.points(t))

    def slope(self, t: np.ndarray) -> np.ndarray:
        return self.gradient(self.points(t)) @ self.direction


def descent_slice(
    cost: Callable[[np.ndarray], np.ndarray],
    gradient: Callable[[np.ndarray], np.ndarray],
    theta: np.ndarray,
) -> CostSlice:
    """The slice through θ along the steepest-descent direction (any unit vector if ∇J = 0)."""
    theta = np.asarray(theta, dtype=np.float64)
    g = np.asarray(gradient(theta), dtype=np.float64)
    norm = float(np.linalg.norm(g))
    direction = -g / norm if norm > 0 else np.eye(theta.size)[-1]
    return CostSlice(readonly(theta.copy()), readonly(direction), cost, gradient)


@dataclass(frozen=True)
class DerivativeErrors:
    """|numerical − exact| for a range of steps h: the V of truncation against round-off."""

    steps: np.ndarray
    central: np.ndarray
    forward: np.ndarray
    exact: float

    @property
    def best_central_step(self) -> float:
        return float(self.steps[int(np.argmin(self.central))])

    @property
    def best_forward_step(self) -> float:
        return float(self.steps[int(np.argmin(self.forward))])


def derivative_errors(
    f: ScalarFunction, exact: float, x: float, steps: np.ndarray | None = None
) -> DerivativeErrors:
    """Errors of forward and central differences of f at x against the exact derivative.

    Truncation shrinks as h (forward) or h² (central) while round-off grows as ε/h, so each
    error curve is a V on log-log axes with its bottom near √ε or ε^(1/3) (times max(1, |x|)).
    """
    hs = np.geomspace(1e-14, 1e-1, 66) if steps is None else np.asarray(steps, dtype=float)
    hs = hs * max(1.0, abs(x))
    with np.errstate(all="ignore"):
        central = np.array([abs(numerical_derivative(f, x, h) - exact) for h in hs])
        forward = np.array([abs(forward_derivative(f, x, h) - exact) for h in hs])
    return DerivativeErrors(readonly(hs), readonly(central), readonly(forward), float(exact))
