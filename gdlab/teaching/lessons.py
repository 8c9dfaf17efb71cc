"""Lesson texts the page shows beside the numbers, as data: the maths of the model in use and
the mistakes a widely read derivation makes. Formulas are LaTeX, notes are markdown (they are
written here, never taken from a visitor)."""

from __future__ import annotations

from dataclasses import dataclass

MISTAKES = (
    "**Watch out for a common mistake.** Some widely read derivations drop the factor "
    "$x_{ij}$ from the gradient or the learning rate α from the update. Both are wrong: "
    "without $x_{ij}$ every parameter gets the intercept's gradient, so the slope moves "
    "by the wrong amount and often in the wrong direction; without α the step is the "
    "raw gradient, whose size depends on the units of the data, and the descent "
    "diverges whenever the curvature exceeds 2. The chain rule gives "
    r"$\partial(\hat y_i - y_i)^2/\partial\theta_j = 2(\hat y_i - y_i)\,x_{ij}$."
)
WHY_TWO_OVER_LAMBDA = (
    "**Why α_crit = 2/λ_max.** Near the minimum each step multiplies the error along "
    "each eigenvector of the Hessian by 1 − αλ: it shrinks smoothly when αλ < 1, "
    "overshoots but shrinks when 1 < αλ < 2, and grows when αλ > 2."
)


@dataclass(frozen=True)
class Lesson:
    formulas: tuple[str, ...]  # LaTeX, one display line each
    notes: tuple[str, ...]  # markdown paragraphs


def least_squares_maths(cost: str, n_params: int) -> Lesson:
    """Cost, gradient and update of the least-squares model on the page: `cost` is "mse" or
    "half_mse", `n_params` 1 (ŷ = θx) or 2 (ŷ = θ₀ + θ₁x)."""
    half = cost == "half_mse"
    j_factor = r"\frac{1}{2n}" if half else r"\frac{1}{n}"
    g_factor = r"\frac{1}{n}" if half else r"\frac{2}{n}"
    cost_line = rf"J(\theta) = {j_factor}\sum_{{i=1}}^{{n}} (\hat y_i - y_i)^2,"
    if n_params == 1:
        formulas = (
            cost_line + r"\qquad \hat y_i = \theta x_i",
            rf"J'(\theta) = {g_factor}\sum_{{i=1}}^{{n}} (\hat y_i - y_i)\,x_i",
            r"\theta \leftarrow \theta - \alpha\,J'(\theta)",
        )
    else:
        formulas = (
            cost_line + r"\qquad \hat y_i = \theta_0 + \theta_1 x_i",
            rf"\frac{{\partial J}}{{\partial \theta_j}} = {g_factor}\sum_{{i=1}}^{{n}}"
            r" (\hat y_i - y_i)\,x_{ij} \qquad (x_{i0} = 1,\; x_{i1} = x_i)",
            r"\theta \leftarrow \theta - \alpha\,\nabla J(\theta)",
        )
    return Lesson(formulas, (MISTAKES, WHY_TWO_OVER_LAMBDA))
