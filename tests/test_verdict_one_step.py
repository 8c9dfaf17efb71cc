"""At α = 1/λ_max the verdict says "at", not "below" (issue 10, item 8): the one-step and the
scaled-features presets land exactly there."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_app import open_page

from gdlab import LinearRegression, descend, learning_rate_theory, load_dataset
from gdlab.teaching.verdict import judge

CARS = load_dataset("cars")


def lambda_max(intercept: bool, scaling: str = "none") -> float:
    """λ_max of the MSE Hessian (2/n)XᵀX, from numpy alone."""
    x = np.asarray(CARS.x, dtype=float)
    if scaling == "standardize":
        x = (x - x.mean()) / x.std()
    design = np.column_stack([np.ones_like(x), x]) if intercept else x[:, None]
    return float(np.linalg.eigvalsh(2 / x.size * design.T @ design)[-1])


def detail(lr: float, intercept: bool = False, scaling: str = "none", steps: int = 50) -> str:
    problem = LinearRegression(CARS.x, CARS.y, intercept=intercept, scaling=scaling)
    theory = learning_rate_theory(problem)
    start = np.zeros(problem.n_params)
    verdict = judge(descend(problem, start, lr, steps), theory, problem.min_cost, lr)
    assert verdict.kind == "smooth"
    return verdict.detail


@pytest.mark.parametrize("ulps", [-1, 0, 1])
def test_at_the_one_step_rate_to_rounding_it_says_at(ulps):
    lr = 1 / lambda_max(intercept=False)
    for _ in range(abs(ulps)):
        lr = math.nextafter(lr, math.copysign(math.inf, ulps))
    text = detail(lr)
    assert text.startswith(f"It is at 1/λ_max = {1 / lambda_max(False):.4g}, the one-step rate")
    assert "below" not in text
    assert "one step reaches the minimum" in text  # one parameter: the only direction


def test_below_the_one_step_rate_it_still_says_below():
    text = detail(0.999 / lambda_max(intercept=False))
    assert text.startswith("It is below 1/λ_max")


def test_with_two_parameters_the_flat_direction_is_named():
    lam = lambda_max(intercept=True)
    text = detail(1 / lam, intercept=True, steps=5000)
    assert text.startswith("It is at 1/λ_max") and "the flatter directions still shrink" in text


def test_the_scaled_preset_is_at_the_one_step_rate():
    """Standardized x: H = 2·I, so α* = 2/(λ_min + λ_max) = 1/λ_max = 0.5."""
    assert lambda_max(intercept=True, scaling="standardize") == pytest.approx(2.0)
    text = detail(0.5, intercept=True, scaling="standardize")
    assert text.startswith("It is at 1/λ_max = 0.5") and "one step reaches" in text


@pytest.mark.parametrize("preset", ["one-step", "scaled"])
def test_the_presets_page_says_at(preset):
    at = open_page()
    at.button(key=f"preset_{preset}").click().run()
    # The verdict of a smooth run is the page's one success box (the preset's note is info).
    (text,) = [box.value for box in at.main.success]
    assert "at 1/λ_max" in text and "below 1/λ_max" not in text, text
