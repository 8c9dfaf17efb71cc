"""The maths the page teaches is the maths of the model in use, and its factors are right."""

import re
from fractions import Fraction

import numpy as np
import pytest

from gdlab import LinearRegression, load_dataset
from gdlab.derivatives import numerical_gradient
from gdlab.models.typed import CustomCost
from gdlab.running.descent import descend
from gdlab.teaching import lessons
from gdlab.teaching.cost_presets import PRESET_COSTS
from gdlab.teaching.lessons import least_squares_maths


def _fraction(latex: str) -> Fraction:
    """The first \\frac{a}{bn} of a formula, as a/b."""
    a, b = re.search(r"\\frac\{(\d+)\}\{(\d*)n\}", latex).groups()
    return Fraction(int(a), int(b or 1))


@pytest.mark.parametrize("cost", ["mse", "half_mse"])
@pytest.mark.parametrize("n_params", [1, 2])
def test_the_gradient_written_is_the_derivative_of_the_cost(cost, n_params):
    cost_line, gradient_line, update_line = least_squares_maths(cost, n_params).formulas
    data = load_dataset("women")
    problem = LinearRegression(data.x, data.y, intercept=n_params == 2, cost=cost)
    theta = np.linspace(0.3, -0.2, n_params)
    factor = float(_fraction(gradient_line))
    design = np.column_stack([np.ones_like(data.x), data.x])[:, 2 - n_params :]
    written = factor * design.T @ (design @ theta - data.y) / data.x.size
    assert np.allclose(written, numerical_gradient(problem.cost_value, theta), rtol=1e-6)
    # and the cost's own factor is the one the model uses: J = factor·Σ(ŷ − y)²/n
    residual = design @ theta - data.y
    assert float(_fraction(cost_line)) * residual @ residual / data.x.size == pytest.approx(
        float(problem.cost_value(theta)), rel=1e-12
    )
    assert r"\alpha" in update_line


def test_one_parameter_shows_the_one_parameter_model():
    formulas = least_squares_maths("mse", 1).formulas
    assert r"\hat y_i = \theta x_i" in formulas[0]
    assert not any(r"\theta_0" in f or r"\theta_1" in f for f in formulas)
    two = least_squares_maths("mse", 2).formulas
    assert r"\hat y_i = \theta_0 + \theta_1 x_i" in two[0]


@pytest.mark.parametrize("name", list(PRESET_COSTS))
def test_every_cost_preset_starts_inside_its_view_and_its_rate_goes_downhill(name):
    preset = PRESET_COSTS[name]
    assert len(preset.start) == preset.n_params == len(preset.bounds)
    for value, (low, high) in zip(preset.start, preset.bounds, strict=True):
        assert low <= value <= high
    cost = CustomCost.from_text(preset.text, preset.n_params, bounds=preset.bounds)
    trace = descend(cost, np.array(preset.start), preset.rate, 200)
    # Downhill at first (the saddle then leaves the view on purpose: it has no minimum).
    assert trace.costs[min(10, trace.n_steps)] < trace.costs[0]


def test_the_error_factors_name_one_curvature_for_one_parameter_and_two_for_two():
    one = lessons.error_factors(0.3, 5.0, 5.0, 1)
    assert "1 − αλ = **−0.5**" in one and "flattest" not in one  # 1 − 0.3·5, by hand
    two = lessons.error_factors(0.1, 5.0, 2.0, 2)
    assert "1 − αλ_max = **0.5**" in two and "1 − αλ_min = **0.8**" in two


def test_the_condition_note_and_the_derivative_lab_reading_print_their_numbers():
    kappa = 9.0  # (κ − 1)/(κ + 1) = 0.8
    note = lessons.condition_note(kappa, 0.2, (kappa - 1) / (kappa + 1))
    assert "κ = λ_max/λ_min = **9**" in note and "= 0.8 per step" in note
    reading = lessons.difference_errors(3, "θ", 1234.5, 2e-9, 3e-5)
    assert "k = 3" in reading and "**1234.5**" in reading and "2×10⁻⁹" in reading


def test_the_plane_note_gives_each_share_and_their_sum():
    note = lessons.plane_note(49, (0.958, 0.030))
    assert "49 dimensions" in note and "96% and 3%" in note and "99% together" in note
    assert "Li et al." in note


def test_the_curved_sweep_note_counts_the_rates_above_the_starts_limit():
    note = lessons.curved_sweep_note(
        [0.1, 0.3, 0.5, 0.9], ["max_steps", "converged", "max_steps", "diverged"], 5.0
    )
    assert "2 of these rates are above 2/λ_max(θ₀) = 0.4" in note
    assert "here 1 of them did not" in note
    assert "Every rate here is below" in lessons.curved_sweep_note([0.1], ["converged"], 5.0)
