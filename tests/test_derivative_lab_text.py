"""The derivative lab says what its chart shows (issue 10, item 12): on a parabola the central
difference's error keeps falling as h grows (round-off ε·J/h, no truncation); it said the right
arm "stays flat"."""

from __future__ import annotations

import numpy as np
from test_app import assert_clean, chart, decode, open_page, series

import gdlab


def slope(h: np.ndarray, error: np.ndarray) -> float:
    """The least-squares slope of log error against log h."""
    return float(np.polyfit(np.log10(h), np.log10(error), 1)[0])


def test_the_text_says_what_the_central_differences_do_on_the_right():
    at = open_page(section="derivatives")
    assert_clean(at)
    spec = chart(at, "Error of the numerical derivative")
    central = series(spec, "central")
    h, error = decode(central["x"]), decode(central["y"])
    right = h > np.finfo(float).eps ** (1 / 3)  # past the best step of a curve with truncation
    # Round-off alone: ε·|J|/h, a slope of −1 on log-log axes, at the size of ε·J(θ)/h.
    assert slope(h[right], error[right]) < -0.5
    cars = gdlab.load_dataset("cars")
    cost = gdlab.LinearRegression(cars.x, cars.y, intercept=False).cost_value(np.zeros(1))
    model = np.finfo(float).eps * float(cost) / h[right]
    assert np.median(error[right] / model) < 10
    text = " ".join(m.value for m in at.markdown)
    assert "flat" not in text
    assert "keeps falling as h grows" in text and "no right arm" in text
