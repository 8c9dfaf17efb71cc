"""Learning-rate schedules: pure functions of the step k = 0, 1, 2, … returning αₖ.

Anywhere a learning rate is accepted, a float or one of these works. Each is a frozen
dataclass, so it is hashable (cacheable) and prints as its formula.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gdlab._validation import check_float, check_int


def _rate(func: str, lr: float) -> float:
    return check_float(func, "lr", lr, low=0.0, high=1e12, low_open=True)


@dataclass(frozen=True)
class Constant:
    lr: float

    def __call__(self, k: int) -> float:
        return self.lr

    @property
    def formula(self) -> str:
        return rf"\alpha_k = {self.lr:g}"


@dataclass(frozen=True)
class StepDecay:
    """αₖ = α·γ^⌊k/every⌋."""

    lr: float
    gamma: float = 0.5
    every: int = 100

    def __post_init__(self) -> None:
        _rate("StepDecay", self.lr)
        check_float("StepDecay", "gamma", self.gamma, low=0.0, high=1.0, low_open=True)
        check_int("StepDecay", "every", self.every, low=1, high=10**9)

    def __call__(self, k: int) -> float:
        return self.lr * self.gamma ** (k // self.every)

    @property
    def formula(self) -> str:
        return rf"\alpha_k = {self.lr:g}\cdot {self.gamma:g}^{{\lfloor k/{self.every} \rfloor}}"


@dataclass(frozen=True)
class Exponential:
    """αₖ = α·γᵏ."""

    lr: float
    gamma: float = 0.99

    def __post_init__(self) -> None:
        _rate("Exponential", self.lr)
        check_float("Exponential", "gamma", self.gamma, low=0.0, high=1.0, low_open=True)

    def __call__(self, k: int) -> float:
        return self.lr * self.gamma**k

    @property
    def formula(self) -> str:
        return rf"\alpha_k = {self.lr:g}\cdot {self.gamma:g}^k"


@dataclass(frozen=True)
class InverseTime:
    """αₖ = α/(1 + decay·k)."""

    lr: float
    decay: float = 0.01

    def __post_init__(self) -> None:
        _rate("InverseTime", self.lr)
        check_float("InverseTime", "decay", self.decay, low=0.0)

    def __call__(self, k: int) -> float:
        return self.lr / (1 + self.decay * k)

    @property
    def formula(self) -> str:
        return rf"\alpha_k = \frac{{{self.lr:g}}}{{1 + {self.decay:g}\,k}}"


@dataclass(frozen=True)
class Cosine:
    """αₖ = α_min + ½(α − α_min)(1 + cos(πk/T)) for k ≤ T, then α_min."""

    lr: float
    total: int = 1000
    lr_min: float = 0.0

    def __post_init__(self) -> None:
        _rate("Cosine", self.lr)
        check_int("Cosine", "total", self.total, low=1, high=10**9)
        check_float("Cosine", "lr_min", self.lr_min, low=0.0, high=self.lr)

    def __call__(self, k: int) -> float:
        if k >= self.total:
            return self.lr_min
        return self.lr_min + 0.5 * (self.lr - self.lr_min) * (
            1 + math.cos(math.pi * k / self.total)
        )

    @property
    def formula(self) -> str:
        return (rf"\alpha_k = {self.lr_min:g} + \tfrac12({self.lr:g} - {self.lr_min:g})"
                rf"\,(1 + \cos(\pi k/{self.total}))")  # fmt: skip


@dataclass(frozen=True)
class Warmup:
    """Linear warm-up: αₖ = α·(k + 1)/W for k < W, then α (constant)."""

    lr: float
    warmup: int = 10

    def __post_init__(self) -> None:
        _rate("Warmup", self.lr)
        check_int("Warmup", "warmup", self.warmup, low=1, high=10**9)

    def __call__(self, k: int) -> float:
        return self.lr * min(1.0, (k + 1) / self.warmup)

    @property
    def formula(self) -> str:
        return rf"\alpha_k = {self.lr:g}\cdot\min(1, (k+1)/{self.warmup})"


SCHEDULES = {
    "constant": Constant,
    "step": StepDecay,
    "exponential": Exponential,
    "inverse_time": InverseTime,
    "cosine": Cosine,
    "warmup": Warmup,
}
