"""Optimizers as pairs of pure functions, after optax: `init(θ₀) -> state` and
`update(g, state, α) -> (step, state)`, with θ ← θ + step. States are immutable NamedTuples and
the step count lives in the state.

Update rules and defaults follow PyTorch's `torch.optim` documentation (weight decay 0,
maximize False), in float64:
- SGD with momentum μ (dampening 0):  v ← μv + g;  step = −αv;  Nesterov: step = −α(g + μv).
  On the first step v = g, as PyTorch initialises its buffer with the gradient.
- AdaGrad (eps 1e-10, lr_decay 0):  s ← s + g²;  step = −α·g / (√s + ε).
- RMSProp (alpha 0.99, eps 1e-8):  v ← ρv + (1 − ρ)g²;  step = −α·g / (√v + ε).
- Adam (betas 0.9, 0.999, eps 1e-8):  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
  step = −(α/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + ε), PyTorch's arrangement of the bias
  correction, with ε added after it.
Deliberate difference: none in these rules; PyTorch's optional extras (weight decay, AMSGrad,
dampening, centered RMSProp) are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from gdlab._validation import check_float


class GDState(NamedTuple):
    count: int


class MomentumState(NamedTuple):
    count: int
    velocity: np.ndarray


class AdaGradState(NamedTuple):
    count: int
    sum_sq: np.ndarray


class RMSPropState(NamedTuple):
    count: int
    mean_sq: np.ndarray


class AdamState(NamedTuple):
    count: int
    mu: np.ndarray
    nu: np.ndarray


class Optimizer(NamedTuple):
    name: str
    formula: str  # LaTeX of the update rule, for the page
    init: Callable[[np.ndarray], tuple]
    update: Callable[[np.ndarray, tuple, float], tuple[np.ndarray, tuple]]


def gradient_descent() -> Optimizer:
    def init(theta):
        return GDState(0)

    def update(g, state, lr):
        return -lr * g, GDState(state.count + 1)

    return Optimizer("gradient descent", r"\theta \leftarrow \theta - \alpha g", init, update)


def momentum(mu: float = 0.9, nesterov: bool = False) -> Optimizer:
    mu = check_float("momentum", "mu", mu, low=0.0, high=1.0)

    def init(theta):
        return MomentumState(0, np.zeros_like(theta, dtype=np.float64))

    def update(g, state, lr):
        # PyTorch starts the buffer at g (not μ·0 + g, which is the same number).
        v = g.copy() if state.count == 0 else mu * state.velocity + g
        step = -lr * (g + mu * v) if nesterov else -lr * v
        return step, MomentumState(state.count + 1, v)

    if nesterov:
        formula = r"v \leftarrow \mu v + g,\quad \theta \leftarrow \theta - \alpha\,(g + \mu v)"
        return Optimizer(f"Nesterov (μ = {mu:g})", formula, init, update)
    formula = r"v \leftarrow \mu v + g,\quad \theta \leftarrow \theta - \alpha v"
    return Optimizer(f"momentum (μ = {mu:g})", formula, init, update)


def adagrad(eps: float = 1e-10) -> Optimizer:
    eps = check_float("adagrad", "eps", eps, low=0.0, high=1.0)

    def init(theta):
        return AdaGradState(0, np.zeros_like(theta, dtype=np.float64))

    def update(g, state, lr):
        s = state.sum_sq + g * g
        return -lr * g / (np.sqrt(s) + eps), AdaGradState(state.count + 1, s)

    formula = (r"s \leftarrow s + g^2,\quad \theta \leftarrow \theta - "
               r"\alpha\,\frac{g}{\sqrt{s} + \varepsilon}")  # fmt: skip
    return Optimizer("AdaGrad", formula, init, update)


def rmsprop(rho: float = 0.99, eps: float = 1e-8) -> Optimizer:
    rho = check_float("rmsprop", "rho", rho, low=0.0, high=1.0)
    eps = check_float("rmsprop", "eps", eps, low=0.0, high=1.0)

    def init(theta):
        return RMSPropState(0, np.zeros_like(theta, dtype=np.float64))

    def update(g, state, lr):
        v = rho * state.mean_sq + (1 - rho) * g * g
        return -lr * g / (np.sqrt(v) + eps), RMSPropState(state.count + 1, v)

    formula = (r"v \leftarrow \rho v + (1-\rho) g^2,\quad \theta \leftarrow \theta - "
               r"\alpha\,\frac{g}{\sqrt{v} + \varepsilon}")  # fmt: skip
    return Optimizer(f"RMSProp (ρ = {rho:g})", formula, init, update)


def adam(b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> Optimizer:
    b1 = check_float("adam", "b1", b1, low=0.0, high=1.0)
    b2 = check_float("adam", "b2", b2, low=0.0, high=1.0)
    eps = check_float("adam", "eps", eps, low=0.0, high=1.0)
    if b1 == 1.0 or b2 == 1.0:
        raise ValueError(
            "The 'b1' and 'b2' parameters of adam must be below 1 (the bias "
            f"correction divides by 1 − βᵗ). Got {b1!r} and {b2!r} instead."
        )

    def init(theta):
        zeros = np.zeros_like(theta, dtype=np.float64)
        return AdamState(0, zeros, zeros.copy())

    def update(g, state, lr):
        t = state.count + 1
        m = b1 * state.mu + (1 - b1) * g
        v = b2 * state.nu + (1 - b2) * g * g
        correction1, correction2 = 1 - b1**t, 1 - b2**t
        step = -(lr / correction1) * m / (np.sqrt(v) / np.sqrt(correction2) + eps)
        return step, AdamState(t, m, v)

    formula = (r"m \leftarrow \beta_1 m + (1-\beta_1) g,\;"
               r" v \leftarrow \beta_2 v + (1-\beta_2) g^2,\;"
               r" \theta \leftarrow \theta - \alpha\,\frac{m/(1-\beta_1^t)}"
               r"{\sqrt{v/(1-\beta_2^t)} + \varepsilon}")  # fmt: skip
    return Optimizer(f"Adam (β₁ = {b1:g}, β₂ = {b2:g})", formula, init, update)


OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {
    "gd": gradient_descent,
    "momentum": momentum,
    "nesterov": lambda mu=0.9: momentum(mu, nesterov=True),
    "adagrad": adagrad,
    "rmsprop": rmsprop,
    "adam": adam,
}
# PyTorch's default learning rates, for the page's starting values (SGD has none of its own).
DEFAULT_LRS = {"adagrad": 1e-2, "rmsprop": 1e-2, "adam": 1e-3}
