"""A dataset as every reader returns it: two read-only float64 columns with their names, units and
notes, and the error every reader raises."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_ECHO = 40  # characters of the file's own text (a name, a cell) quoted back in a message


MAX_LISTED = 8  # column names listed in one message; the rest are counted


class DataError(ValueError):
    """A dataset cannot be used; the message says what is wrong and how to fix it."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """Paired observations (x, y) ready for fitting ŷ = θ₀ + θ₁x.

    ``x`` and ``y`` are read-only float64 copies, so a cached dataset cannot be changed by
    accident. Equality is identity (arrays have no single truth value): compare the arrays with
    ``np.array_equal``.
    """

    name: str
    x: np.ndarray
    y: np.ndarray
    x_name: str
    y_name: str
    x_unit: str = ""
    y_unit: str = ""
    description: str = ""
    source: str = ""
    columns: tuple[str, ...] = ()
    dropped_rows: int = 0
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Enforce the invariants here so every Dataset, however built, is safe to share.
        x, y = _frozen_column(self.x, "x"), _frozen_column(self.y, "y")
        if x.shape != y.shape:
            raise DataError(
                f"x has {x.size} values but y has {y.size}; give one y value for every x value."
            )
        if self.x_name == self.y_name:
            raise DataError(
                f"x and y are both {_quoted(self.x_name)}; choose two different columns."
            )
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "notes", tuple(self.notes))

    def __setstate__(self, state: dict[str, object]) -> None:
        # pickle and deepcopy (e.g. st.cache_data) skip __post_init__ and unfreeze the arrays.
        self.__dict__.update(state)
        self.__post_init__()

    @property
    def n(self) -> int:
        return int(self.x.size)

    @property
    def x_label(self) -> str:
        return _label(self.x_name, self.x_unit)

    @property
    def y_label(self) -> str:
        return _label(self.y_name, self.y_unit)

    @property
    def x_is_constant(self) -> bool:
        # Zero variance in x makes the slope unidentifiable (a singular Hessian).
        return self.n < 2 or bool(self.x.min() == self.x.max())

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({self.x_name: self.x.copy(), self.y_name: self.y.copy()})


def _frozen_column(values: object, axis: str) -> np.ndarray:
    """A read-only, finite, 1-D float64 copy, so no caller can change a shared dataset."""
    try:
        array = np.array(values, dtype=np.float64, copy=True)
    except (TypeError, ValueError):
        raise DataError(f"{axis} must contain only numbers; convert it first.") from None
    if array.ndim != 1:
        raise DataError(f"{axis} must be one-dimensional, got shape {array.shape}; flatten it.")
    if not np.isfinite(array).all():
        raise DataError(f"{axis} contains NaN or infinite values; drop those rows first.")
    array.flags.writeable = False
    return array


def _cut(text: object, limit: int = MAX_ECHO) -> str:
    """At most `limit` characters of the file's text, on one line, "…" where it was cut."""
    flat = "".join(c if c.isprintable() else " " for c in str(text)[: limit + 1])
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _quoted(text: object) -> str:
    return repr(_cut(text))


def _quoted_list(names: object) -> str:
    names = list(names)  # type: ignore[call-overload]
    shown = ", ".join(_quoted(n) for n in names[:MAX_LISTED])
    more = len(names) - MAX_LISTED
    return f"{shown} and {more:,} more" if more > 0 else shown


def _label(name: str, unit: str) -> str:
    return f"{name} ({unit})" if unit else name


def _bad_param(param: str, expected: str, value: object) -> str:
    return f"The {param!r} parameter of make_linear must be {expected}. Got {value!r} instead."


def _check_finite(param: str, value: object, expected: str) -> None:
    try:
        finite = not isinstance(value, bool) and math.isfinite(value)  # type: ignore[arg-type]
    except (TypeError, OverflowError):
        finite = False
    if not finite:
        raise ValueError(_bad_param(param, expected, value))
