"""Numbers written for people: on the page, in charts and in typeset equations.

Python's "3.78e-05" is read aloud "e minus 05", and KaTeX typesets it as "3.78e − 05"; a
hyphen is not a minus sign. Numbers are written 3.78×10⁻⁵ in text and 3.78\\times10^{-5} in
LaTeX, with a true minus sign, and never as "nan" or "inf", which the page must not show.
"""

from __future__ import annotations

import math

MINUS = "−"
_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _parts(value: float, digits: int) -> tuple[str, str, int | None]:
    """(sign, mantissa, exponent or None) of `value` rounded to `digits` significant digits."""
    text = f"{value:.{digits}g}"
    sign = ""
    if text.startswith("-"):
        sign, text = MINUS, text[1:]
    if "e" not in text:
        return sign, text, None
    mantissa, exponent = text.split("e")
    return sign, mantissa, int(exponent)


def number_text(value: float, digits: int = 4) -> str:
    """`value` with `digits` significant digits, as plain Unicode text (−1539, 3.78×10⁻⁵)."""
    if not math.isfinite(value):
        return "—"
    sign, mantissa, exponent = _parts(value, digits)
    if exponent is None:
        return sign + mantissa
    power = "10" + str(exponent).translate(_SUPERSCRIPTS)
    return sign + (power if mantissa == "1" else f"{mantissa}×{power}")


def number_latex(value: float, digits: int = 4) -> str:
    """`value` for a LaTeX formula (-1539, 3.78\\times10^{-5}); "—" if it is not finite."""
    if not math.isfinite(value):
        return r"\text{—}"
    sign, mantissa, exponent = _parts(value, digits)
    sign = "-" if sign else ""  # LaTeX typesets its own minus sign
    if exponent is None:
        return sign + mantissa
    power = f"10^{{{exponent}}}"
    return sign + (power if mantissa == "1" else rf"{mantissa}\times{power}")


def signed_text(value: float, digits: int = 4) -> str:
    """`number_text` with an explicit "+" on positive values (a step's direction)."""
    text = number_text(value, digits)
    return text if text.startswith((MINUS, "—")) or value == 0 else "+" + text


def count_text(count: float, noun: str) -> str:
    """A count rounded to a whole number, with its noun: "1 step", "0 steps", "1,234 steps".
    The noun is singular exactly when the printed number is 1."""
    number = f"{count:,.0f}"
    return f"{number} {noun if number == '1' else noun + 's'}"
