"""Argument checks whose messages name the parameter, what is allowed and what was given."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def _fail(func: str, name: str, allowed: str, got: object) -> ValueError:
    return ValueError(f"The '{name}' parameter of {func} must be {allowed}. Got {got!r} instead.")


def check_choice(func: str, name: str, value: object, choices: Sequence[str]) -> str:
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise _fail(func, name, f"one of {options}", value)
    return str(value)


def check_float(
    func: str,
    name: str,
    value: object,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = False,
) -> float:
    """A finite float in [low, high] (or (low, high] when low_open)."""
    bracket = "(" if low_open else "["
    allowed = f"a finite float in the range {bracket}{low:g}, {high:g}]"
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise _fail(func, name, allowed, value) from None
    below = number <= low if low_open else number < low
    if not math.isfinite(number) or below or number > high:
        raise _fail(func, name, allowed, value)
    return number


def check_int(func: str, name: str, value: object, *, low: int, high: int) -> int:
    allowed = f"an int in the range [{low}, {high}]"
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise _fail(func, name, allowed, value)
    if not low <= int(value) <= high:
        raise _fail(func, name, allowed, value)
    return int(value)


def check_vector(func: str, name: str, value: object, size: int) -> np.ndarray:
    """A finite float64 vector of the given length (a scalar is accepted when size is 1)."""
    allowed = f"a finite vector of length {size}"
    try:
        vector = np.atleast_1d(np.asarray(value, dtype=np.float64))
    except (TypeError, ValueError):
        raise _fail(func, name, allowed, value) from None
    if vector.shape != (size,) or not np.all(np.isfinite(vector)):
        raise _fail(func, name, allowed, value)
    return vector


def readonly(array: np.ndarray) -> np.ndarray:
    """Freeze an array so a cached result can be shared without being changed."""
    array.flags.writeable = False
    return array


def check_rows(func: str, x: object, y: object, rows: str, values: str) -> tuple:
    """x as a float64 (n, m) array of `rows` (a 1-D x is one column) and y as n `values`, at
    least 2 of them: the shape check every model fitted to data rows makes."""
    xs = np.array(x, dtype=np.float64)
    xs = xs[:, None] if xs.ndim == 1 else xs
    ys = np.array(y, dtype=np.float64).ravel()
    if xs.ndim != 2 or xs.shape[0] != ys.size or ys.size < 2:
        raise ValueError(
            f"The 'x' and 'y' parameters of {func} must give one row of {rows} for each of at "
            f"least 2 {values}. Got x of shape {np.shape(x)} and {ys.size} {values}."
        )
    return xs, ys
