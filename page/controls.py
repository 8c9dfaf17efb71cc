"""Pure helpers behind the page's controls: the learning-rate grid, slider ranges, number text."""

from __future__ import annotations

import functools
import math

import numpy as np

from gdlab.number_format import number_text

LR_MIN, LR_MAX = 1e-6, 10.0
MAX_PAGE_STEPS = 5_000  # keeps a run under ~50 ms and its table readable; the core allows 100,000


def learning_rate_grid(low: float = LR_MIN, high: float = LR_MAX) -> tuple[float, ...]:
    """Rates with two significant digits (1.0, 1.1, …, 9.9 per decade): a log-scaled control.

    One arrow-key press moves α by 1–10 %, fine enough to land between 1/λ_max and 2/λ_max.
    """
    values = []
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for mantissa in range(10, 100):
            value = float(f"{mantissa / 10}e{exponent}")
            if low <= value <= high:
                values.append(value)
    return tuple(values)


LR_GRID = learning_rate_grid()


def nearest_rate(lr: float, grid: tuple[float, ...] = LR_GRID) -> float:
    """The grid value closest to lr on a log scale (clamped to the grid's ends)."""
    if not math.isfinite(lr) or lr <= 0:
        return grid[0]
    logs = np.log10(grid)
    return grid[int(np.argmin(np.abs(logs - math.log10(lr))))]


@functools.lru_cache(maxsize=4096)  # the slider formats all its ~1,300 stops on every rerun
def format_rate(lr: float) -> str:
    """α as the slider shows it, with as many significant digits as the thresholds printed
    under it (fmt's 4): a preset's α = 0.003766 must not read "0.0038" beside "diverges above
    α_crit = 0.003767". Grid rates have two digits and show two (0.0038, 1.5×10⁻⁵)."""
    return fmt(lr)


def slider_range(low: float, high: float, steps: int = 200) -> tuple[float, float, float]:
    """A round (min, max, step) covering [low, high], with about `steps` positions."""
    span = max(high - low, 1e-12)
    step = 10 ** math.floor(math.log10(span / steps))
    for factor in (1, 2, 5):
        if span / (factor * step) <= steps:
            step *= factor
            break
    lo = math.floor(low / step) * step
    hi = math.ceil(high / step) * step
    return round(lo, 12), round(hi, 12), step


def fmt(value: float, digits: int = 4) -> str:
    """A number for the screen (3.78×10⁻⁵, −1539): never 'nan' or 'inf'."""
    return number_text(value, digits)
