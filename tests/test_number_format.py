"""Numbers as people read them, checked against the value they must parse back to."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdlab.number_format import number_latex, number_text, signed_text


def read_back(text: str) -> float:
    """The value a reader takes from number_text's output, parsed independently of it."""
    digits = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
    sign = -1.0 if text.startswith("−") else 1.0
    body = text.removeprefix("−")
    if "×10" in body:
        mantissa, power = body.split("×10")
        return sign * float(mantissa) * 10.0 ** int(power.translate(digits))
    if body.startswith("10") and len(body) > 2 and body[2] in "⁻⁰¹²³⁴⁵⁶⁷⁸⁹":
        return sign * 10.0 ** int(body[2:].translate(digits))
    return sign * float(body)


@pytest.mark.parametrize(
    ("value", "text", "latex"),
    [
        (3.78e-05, "3.78×10⁻⁵", r"3.78\times10^{-5}"),
        (-1539.0, "−1539", "-1539"),
        (3.719e11, "3.719×10¹¹", r"3.719\times10^{11}"),
        (1e-7, "10⁻⁷", "10^{-7}"),
        (0.00189, "0.00189", "0.00189"),
        (0.0, "0", "0"),
    ],
)
def test_e_notation_is_written_as_a_power_of_ten_with_a_true_minus(value, text, latex):
    assert number_text(value) == text
    assert number_latex(value) == latex


def test_never_nan_or_inf_and_steps_carry_their_sign():
    assert number_text(math.nan) == number_text(math.inf) == "—"
    assert signed_text(1.539) == "+1.539" and signed_text(-2.0) == "−2"


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
def test_the_text_reads_back_as_the_rounded_value(value):
    assert read_back(number_text(value)) == pytest.approx(float(f"{value:.4g}"), rel=1e-12)
