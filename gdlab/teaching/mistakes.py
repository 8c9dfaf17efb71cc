"""The derivation's two mistakes, run beside the correct update on the same data and start.

A widely read derivation writes the MSE gradient without the factor x, ∂J/∂θⱼ = (2/n)Σ(ŷᵢ − yᵢ)
for every j, and the update without α, θ ← θ − ∇J. `without_x` runs the first
(gdlab.models.mistaken) and says where it leads and how wrong its gradient is; `without_rate`
runs the second, which is gradient descent at α = 1: it converges only when λ_max < 2, and
λ_max depends on the units of x, so the same data diverge in one unit and converge in another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdlab._validation import readonly
from gdlab.derivatives import GradientCheck, check_gradient
from gdlab.models.linear import LinearRegression
from gdlab.models.mistaken import GradientWithoutX, WithoutXLimit
from gdlab.running.descent import Trace, descend
from gdlab.theory import Regime, learning_rate_theory

RATE_ONE = 1.0  # the update without α is the update with α = 1
# x measured in units this many times larger (x/c): a tenth of the unit up to a thousand units.
UNIT_FACTORS = (0.1, 1.0, 10.0, 100.0, 1000.0)


@dataclass(frozen=True)
class CheckAt:
    """The x-less gradient against central differences of J, at one θ."""

    where: str
    theta: np.ndarray
    check: GradientCheck


@dataclass(frozen=True)
class WithoutX:
    correct: Trace  # θ ← θ − α∇J, the chain rule's gradient
    mistaken: Trace  # the same α and start, the gradient without x
    limit: WithoutXLimit  # where the mistaken rule goes, in closed form
    least_squares: np.ndarray  # θ*
    fixed_point: float | None  # one parameter: θ = ȳ/x̄ (ȳ/z̄ for scaled x), None if x̄ = 0
    mean_row: np.ndarray  # m̄: the fixed points are the θ with m̄ᵀθ = ȳ
    mean_point: tuple[float, float]  # (x̄, ȳ) in the data's units: every fixed line passes here
    checks: tuple[CheckAt, ...]  # the mistaken gradient checked at the start and at its end
    correct_check: GradientCheck  # the chain rule's gradient at the start, for scale


def without_x(problem: LinearRegression, theta0: np.ndarray, lr: float, steps: int) -> WithoutX:
    mistaken_problem = GradientWithoutX(problem)
    theta0 = np.asarray(theta0, dtype=np.float64)
    correct = descend(problem, theta0, lr, steps)
    mistaken = descend(mistaken_problem, theta0, lr, steps)

    def cost(theta: np.ndarray) -> float:
        return float(problem.cost_value(theta))

    def check_at(where: str, theta: np.ndarray) -> CheckAt:
        return CheckAt(
            where, readonly(np.array(theta)), check_gradient(cost, mistaken_problem.gradient, theta)
        )

    checks = [check_at("at the start θ₀", theta0)]
    if not np.array_equal(mistaken.theta, theta0):
        checks.append(check_at("where the run without x ended", mistaken.theta))
    return WithoutX(
        correct=correct,
        mistaken=mistaken,
        limit=mistaken_problem.limit(theta0, lr),
        least_squares=problem.theta_star,
        fixed_point=mistaken_problem.fixed_point_one_parameter(),
        mean_row=mistaken_problem.mean_row,
        mean_point=(float(np.mean(problem.x)), mistaken_problem.mean_y),
        checks=tuple(checks),
        correct_check=check_gradient(cost, problem.gradient, theta0),
    )


# -- the update without α ----------------------------------------------------------------------


def in_units(problem: LinearRegression, unit: float) -> LinearRegression:
    """The same data and model with x measured in units `unit` times larger (x/unit)."""
    return LinearRegression(
        problem.x / unit,
        problem.y,
        intercept=problem.intercept,
        degree=problem.degree,
        scaling=problem.scaling,
        cost=problem.cost,
    )


def start_in_units(problem: LinearRegression, theta0: np.ndarray, unit: float) -> np.ndarray:
    """θ₀ for x/unit drawing the same line: θⱼ·x^p = (θⱼ·unit^p)(x/unit)^p (unscaled x)."""
    powers = np.arange(0 if problem.intercept else 1, problem.degree + 1)
    return np.asarray(theta0, dtype=np.float64) * float(unit) ** powers


def rate_one_unit(problem: LinearRegression) -> float | None:
    """The factor c such that α = 1 converges exactly when x is measured in units more than c
    times larger; None when no unit makes it converge.

    α = 1 converges iff every curvature is below 2, i.e. 2kG(c) ≺ 2I, with G(c) = XᵀX/n for
    x/c. One parameter: 2k·mean(x²)/c² < 2, so c² > k·mean(x²). A line: G(c) = [[1, x̄/c],
    [x̄/c, mean(x²)/c²]], and I/k − G(c) ≻ 0 needs a = 1/k − 1 > 0 (the column of ones alone
    has curvature 2k: never below 2 for MSE, k = 1) and a positive determinant,
    a/k − (a·mean(x²) + x̄²)/c² > 0, so c² > k(a·mean(x²) + x̄²)/a. Scaled features do not
    depend on x's units at all: then None too (see `units_matter`).
    """
    _check_line(problem)
    if not units_matter(problem):
        return None
    k = problem.cost_factor
    mean_x, mean_x2 = float(np.mean(problem.x)), float(np.mean(problem.x * problem.x))
    if not problem.intercept:
        return math.sqrt(k * mean_x2)
    a = 1.0 / k - 1.0
    if a <= 0.0:
        return None
    return math.sqrt(k * (a * mean_x2 + mean_x * mean_x) / a)


def units_matter(problem: LinearRegression) -> bool:
    """Standardized or min-max scaled x is the same in every unit (z is a ratio)."""
    return problem.scaling == "none"


@dataclass(frozen=True)
class UnitChoice:
    unit: float  # x measured in units this many times larger
    lambda_max: float
    regime: Regime  # what α = 1 does there


@dataclass(frozen=True)
class WithoutRate:
    correct: Trace  # at the page's α
    mistaken: Trace  # α = 1 on the data as they are
    lambda_max: float
    regime: Regime  # of α = 1 on the data as they are
    units: tuple[UnitChoice, ...]  # the same data in other units (empty for scaled x)
    threshold_unit: float | None  # see rate_one_unit
    rescaled_unit: float | None  # the first power of ten past the threshold
    rescaled: Trace | None  # α = 1 with x in those units, from the same line


def without_rate(
    problem: LinearRegression, theta0: np.ndarray, lr: float, steps: int
) -> WithoutRate:
    _check_line(problem)
    theta0 = np.asarray(theta0, dtype=np.float64)
    theory = learning_rate_theory(problem)
    units = ()
    if units_matter(problem):
        units = tuple(_unit_choice(problem, unit, steps) for unit in UNIT_FACTORS)
    threshold = rate_one_unit(problem)
    rescaled_unit = rescaled = None
    if threshold is not None:
        # Strictly past the threshold: at c itself α = 1 is on the edge.
        rescaled_unit = 10.0 ** (math.floor(math.log10(threshold)) + 1)
        if rescaled_unit < 1.0:
            rescaled_unit = None  # α = 1 already converges: no other unit is needed
        else:
            rescaled = descend(
                in_units(problem, rescaled_unit),
                start_in_units(problem, theta0, rescaled_unit),
                RATE_ONE,
                steps,
            )
    return WithoutRate(
        correct=descend(problem, theta0, lr, steps),
        mistaken=descend(problem, theta0, RATE_ONE, steps),
        lambda_max=theory.lambda_max,
        regime=theory.regime(RATE_ONE, steps),
        units=units,
        threshold_unit=threshold,
        rescaled_unit=rescaled_unit,
        rescaled=rescaled,
    )


def _unit_choice(problem: LinearRegression, unit: float, steps: int) -> UnitChoice:
    theory = learning_rate_theory(in_units(problem, unit))
    return UnitChoice(unit, theory.lambda_max, theory.regime(RATE_ONE, steps))


def _check_line(problem: LinearRegression) -> None:
    if problem.degree != 1:
        raise ValueError(
            "The derivation's mistakes are worked out for a straight line: the 'problem' "
            f"must have degree 1. Got degree {problem.degree} instead."
        )


# -- the formulas, as the page shows them --------------------------------------------------------


@dataclass(frozen=True)
class MistakeFormulas:
    wrong: str  # LaTeX
    right: str  # LaTeX


def gradient_formulas(cost: str, n_params: int) -> MistakeFormulas:
    factor = r"\frac{1}{n}" if cost == "half_mse" else r"\frac{2}{n}"
    name, x = (
        (r"J'(\theta)", "x_i")
        if n_params == 1
        else (r"\frac{\partial J}{\partial \theta_j}", "x_{ij}")
    )
    total = r"\sum_{i=1}^{n} (\hat y_i - y_i)"
    return MistakeFormulas(rf"{name} = {factor}{total}", rf"{name} = {factor}{total}\,{x}")


def update_formulas(n_params: int) -> MistakeFormulas:
    grad = r"J'(\theta)" if n_params == 1 else r"\nabla J(\theta)"
    return MistakeFormulas(
        rf"\theta \leftarrow \theta - {grad}", rf"\theta \leftarrow \theta - \alpha\,{grad}"
    )
