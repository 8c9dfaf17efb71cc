"""A derivative's text parses back, as `to_text` promises, to a tree that evaluates exactly like
the derivative itself: every number the printer writes is one the parser accepts and reads
back as the same float, whatever the coefficients and exponents."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gdlab.expressions import ExpressionError, parse

ONE = ("theta",)
POINTS = np.array([-3.0, -1.0, -0.5, 0.0, 1e-3, 0.25, 1.0, 1.5, 2.0, 10.0])

FINITE = st.floats(allow_nan=False, allow_infinity=False)
EXPONENTS = st.one_of(st.integers(-150, 150).map(float), st.floats(-150, 150), FINITE)
TERMS = st.lists(st.tuples(FINITE, EXPONENTS), min_size=1, max_size=4)


def polynomial(terms) -> str:
    """c₁·θ^p₁ + c₂·θ^p₂ + …, every number written exactly (repr round-trips)."""
    return " + ".join(f"({c!r})*theta**({p!r})" for c, p in terms)


def assert_same_values(a: np.ndarray, b: np.ndarray) -> None:
    np.testing.assert_array_equal(a, b)  # NaN where NaN, ±inf where ±inf, else equal floats


@settings(max_examples=400, deadline=None)
@given(TERMS)
def test_the_text_of_a_derivative_parses_back_to_the_same_values(terms):
    text = polynomial(terms)
    assume(len(text) <= 500)
    derivative = parse(text, ONE).derivative("theta")
    values = derivative.evaluate(POINTS)
    try:
        again = parse(derivative.to_text(), ONE)
    except ExpressionError:
        # Only a derivative whose own constant part overflowed (1e308 + 1e308, from two
        # linear terms) has no finite text; it is then infinite or NaN everywhere.
        assert not np.any(np.isfinite(values)), derivative.to_text()
        return
    assert_same_values(again.evaluate(POINTS), values)
    assert again.to_text() == derivative.to_text()


@pytest.mark.parametrize(
    ("text", "derivative"),
    [
        ("1e100*theta**3", "3.0000000000000002e+100*theta**2"),  # above the old 1e100 limit
        ("1e100*theta**100", "1e+102*theta**99"),
        ("theta**-100", "-100*theta**(-101)"),  # an exponent past the old ±100 limit
        ("theta**-99.5", "-99.5*theta**(-100.5)"),
        ("1e308*theta**2", "1e+308*(2*theta)"),  # 2e308 is not a float: kept as a product
        ("5e-324*theta**2", "1e-323*theta"),
    ],
)
def test_derivatives_past_the_old_limits_parse_back(text, derivative):
    d = parse(text, ONE).derivative("theta")
    assert d.to_text() == derivative
    again = parse(d.to_text(), ONE)
    with np.errstate(all="ignore"):
        assert_same_values(again.evaluate(POINTS), d.evaluate(POINTS))


def test_every_finite_number_is_accepted_and_read_back_exactly():
    largest = float(np.finfo(np.float64).max)
    for value in (largest, -largest, 5e-324, 2.0**-1074, 0.1, 1e300):
        expr = parse(f"{value!r}*theta", ONE)
        assert float(expr.evaluate(1.0)) == value
    for text in ("1.8e308*theta", "1e400", "theta + " + "9" * 400):
        with pytest.raises(ExpressionError, match="Number too large"):
            parse(text, ONE)
    assert math.isinf(float("1.8e308"))


def test_an_exponent_must_be_finite_not_small():
    assert parse("theta**1e6", ONE).evaluate(1.0) == 1.0
    assert parse("theta**(100 + 0.5)", ONE).evaluate(2.0) == 2.0**100.5
    for text in ("theta**(1e200*1e200)", "9**9**9", "theta**(1/0)"):
        with pytest.raises(ExpressionError, match="evaluates to"):
            parse(text, ONE)
