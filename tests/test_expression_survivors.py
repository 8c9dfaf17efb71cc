"""What mutation testing of gdlab/expressions found untested: the derivative of a quotient
in each of its cases (a constant over a constant, a scaled term over a number, over a term,
and division by zero left unfolded), and of the functions whose derivatives are quotients.

Each derivative is checked against central differences of the formula itself (an independent
reference), and its text must parse back to the same values.
"""

from __future__ import annotations

import numpy as np
import pytest

from gdlab.expressions import parse

POINTS = np.array([0.3, 0.7, 1.3, 2.9])
QUOTIENTS = [
    "theta/4",
    "3/theta",
    "(2*theta)/(4*theta**2)",
    "(theta**2 + 1)/(2*theta)",
    "(6*theta**3)/(3*theta)",
    "theta/(0*theta + 2)",
    "(0*theta)/theta + theta",
    "5*theta/theta**3",
    "tan(theta)",
    "log(3*theta)",
    "sqrt(5*theta)",
    "arctan(2*theta)",
    "1/(1 + theta**2)",
]


def _central(expression, x, h=1e-6):
    return (expression.evaluate(x + h) - expression.evaluate(x - h)) / (2 * h)


@pytest.mark.parametrize("text", QUOTIENTS)
def test_a_quotients_derivative_is_its_slope_and_reads_back(text):
    expression = parse(text, ("theta",))
    derivative = expression.derivative("theta")
    exact = derivative.evaluate(POINTS)
    np.testing.assert_allclose(exact, _central(expression, POINTS), rtol=1e-6, atol=1e-8)
    again = parse(derivative.to_text(), ("theta",))
    np.testing.assert_allclose(again.evaluate(POINTS), exact, rtol=1e-13)
    assert derivative.to_latex()  # printable too


def test_a_quotient_in_two_variables():
    expression = parse("(theta0 + 2*theta1)/(3*theta1)", ("theta0", "theta1"))
    a, b = np.array([0.5, 1.5]), np.array([1.2, -0.8])
    h = 1e-6
    for name, (da, db) in {"theta0": (h, 0), "theta1": (0, h)}.items():
        derivative = expression.derivative(name).evaluate(a, b)
        numeric = (expression.evaluate(a + da, b + db) - expression.evaluate(a - da, b - db)) / (
            2 * h
        )
        np.testing.assert_allclose(derivative, numeric, rtol=1e-6)


def test_constants_fold_and_a_division_by_zero_stays_a_division():
    assert parse("6/3", ("theta",)).derivative("theta").to_text() == "0"
    assert parse("theta*6/3", ("theta",)).derivative("theta").evaluate(1.0) == 2.0
    # d/dθ (θ/0): 1/0, inf everywhere, written as a division rather than folded to a number.
    derivative = parse("theta/0", ("theta",)).derivative("theta")
    assert "/" in derivative.to_text()
    with np.errstate(all="ignore"):
        assert np.isinf(derivative.evaluate(1.0))
