"""Lesson texts the page shows beside the numbers, as data: the maths of the model in use and
the mistakes a widely read derivation makes. Formulas are LaTeX, notes are markdown (they are
written here, never taken from a visitor)."""

from __future__ import annotations

from dataclasses import dataclass

from gdlab.number_format import number_text

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


# -- the sections' explanations ------------------------------------------------------------------

FOUR_REGIMES = (
    "Too small creeps down one side; a good rate walks straight in; above 1/λ_max each "
    "step jumps across the minimum; above α_crit = 2/λ_max every jump lands further out."
)
COBWEB = (
    "A map slope between −1 and 1 pulls the path into the fixed point θ*; "
    "a negative slope makes it spiral, a slope below −1 throws it out."
)
SWEEP_CONTRACTION = (
    "Predicted contraction: max|1 − αλᵢ| over the Hessian's eigenvalues. Measured: "
    "the geometric mean of ‖θₖ − θ*‖/‖θₖ₋₁ − θ*‖ over each run's last 10 steps."
)
RANGE_TEST = (
    "The **learning-rate range test** of deep-learning practice: start tiny, multiply α "
    "each step, watch the loss, stop when it blows up, and pick a rate from the curve. "
    "Here the right answer is known exactly, so you can see how well the rule of thumb does."
)
CENTRAL_ON_A_PARABOLA = (
    "Here J is a parabola in each parameter, so the central difference has no truncation "
    "error at all (its Taylor series stops before the h² term): it has no right arm. Its "
    "error is round-off alone, about ε·J/h, and keeps falling as h grows, while the forward "
    "difference pays h/2·J″ and rises again. Try your own cost to see both arms."
)


def error_factors(lr: float, lambda_max: float, lambda_min: float, n_params: int) -> str:
    """What one step does to the error, along each direction of the Hessian (markdown)."""
    if n_params == 1:  # one curvature λ = J″: steepest and flattest are one
        factors = (
            f"Each step multiplies the error by 1 − αλ = **{number_text(1 - lr * lambda_max, 3)}**"
        )
    else:
        factors = (
            f"Each step multiplies the error along the steepest direction by 1 − αλ_max = "
            f"**{number_text(1 - lr * lambda_max, 3)}** and along the flattest by 1 − αλ_min = "
            f"**{number_text(1 - lr * lambda_min, 3)}**"
        )
    return (
        f"{factors}. A factor between 0 and 1 shrinks smoothly, between −1 and 0 flips sides "
        "while shrinking, below −1 grows."
    )


def condition_note(condition_number: float, optimal_lr: float, contraction: float) -> str:
    return (
        f"Condition number κ = λ_max/λ_min = **{number_text(condition_number)}**. "
        f"At the best fixed rate α* = {number_text(optimal_lr)} both directions shrink "
        f"×(κ − 1)/(κ + 1) = {number_text(contraction)} per step. "
        "Switch to one parameter for the cobweb view."
    )


def mini_batch_note(batch_size: int, n: int) -> str:
    return (
        f"Each step uses {batch_size} of the {n} rows (reshuffled every "
        "epoch): the full-data cost is drawn, so the noise of the batches shows."
    )


def difference_errors(k: int, name: str, exact: float, central: float, forward: float) -> str:
    """The derivative lab's reading of its chart at step k (markdown)."""
    return (
        f"At step k = {k}, the exact derivative ∂J/∂{name} = **{number_text(exact, 10)}** "
        f"(from the formula with the factor x). Central differences get within "
        f"{number_text(central, 2)} at their best step, forward differences within "
        f"{number_text(forward, 2)}. Too large an h and the difference quotient measures "
        "the curve, not the tangent (truncation); too small and the two costs agree in almost "
        "every digit, so their difference is mostly rounding (round-off)."
    )


BEYOND_QUADRATICS = (
    "On a least-squares fit the curvature is the same everywhere and α_crit = 2/λ_max is one "
    "number. Here it is not: the **sharpness** λ_max(∇²J(θₖ)) changes along the run, and "
    "so does the rate 2/λ_max that is stable where the run is."
)


def plane_note(n_params: int, explained: tuple[float, float]) -> str:
    """What the landscape plane of Beyond quadratics shows, with its two shares of the path."""
    first, second = (f"{100 * share:.0f}%" for share in explained)
    together = f"{100 * (explained[0] + explained[1]):.0f}%"
    return (
        f"θ moves in {n_params:,} dimensions, but most of a run's motion lies in a few: "
        f"δ₁ and δ₂ are the path's two leading principal directions ({first} and {second} of "
        f"its spread, {together} together; Li et al., NeurIPS 2018). The contours are J "
        "itself on that plane through the run's last point; the path is drawn as its shadow "
        "on the plane, so where it holds less than all of the spread the true path lies off it."
    )


def curved_sweep_note(lrs, statuses, start_sharpness: float) -> str:
    """What a sweep on a curved cost shows about 2/λ_max(θ₀), the start's local limit."""
    edge = 2.0 / start_sharpness if start_sharpness > 0 else float("inf")
    above = [status for lr, status in zip(lrs, statuses, strict=True) if lr > edge]
    survived = sum(status != "diverged" for status in above)
    if not above:
        return (
            f"Every rate here is below 2/λ_max(θ₀) = {number_text(edge)}, the limit a "
            "quadratic with the start's curvature would set."
        )
    return (
        f"{len(above)} of these rates are above 2/λ_max(θ₀) = {number_text(edge)}, where a "
        f"quadratic with the start's curvature diverges at every one; here {survived} of them "
        "did not. A step that overshoots along the sharpest direction moves θ to where the "
        "cost curves less, and the run carries on there, at the edge of stability: the local "
        "limit at the start is not the limit of the run."
    )


TWO_MISTAKES = (
    "A widely read derivation of gradient descent for least squares makes two mistakes. "
    "Each runs here beside the correct update, from the sidebar's data, start, α and steps."
)
GRADIENT_WITHOUT_X_CHECK = (
    "The rule's “gradient” is not the slope of J anywhere it matters: it vanishes on its "
    "fixed points, where J still slopes, so the run stops short of the minimum."
)
