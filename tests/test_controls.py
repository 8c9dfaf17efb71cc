import itertools
import math

import pytest

from page.controls import LR_GRID, fmt, format_rate, nearest_rate, slider_range


def test_rate_grid_is_log_scaled_from_1e_6_to_10():
    assert LR_GRID[0] == 1e-6 and LR_GRID[-1] == 10.0
    ratios = [b / a for a, b in itertools.pairwise(LR_GRID)]
    assert max(ratios) <= 1.1 + 1e-9 and min(ratios) > 1.0
    assert 0.001 in LR_GRID and 0.0039 in LR_GRID


@pytest.mark.parametrize(
    ("lr", "expected"),
    [(0.00378, 0.0038), (1e-9, 1e-6), (50.0, 10.0), (-1.0, 1e-6), (math.nan, 1e-6)],
)
def test_nearest_rate(lr, expected):
    assert nearest_rate(lr) == expected


@pytest.mark.parametrize(("low", "high"), [(-1.45, 7.27), (-43.9, 8.79), (1e-5, 3e-5), (0.0, 0.0)])
def test_slider_range_covers_with_round_steps(low, high):
    lo, hi, step = slider_range(low, high)
    assert lo <= low and hi >= high
    assert (hi - lo) / step <= 201
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 9) in (1.0, 2.0, 5.0)


def test_numbers_on_screen_are_never_nan_or_inf():
    assert fmt(math.nan) == fmt(math.inf) == "—"
    assert fmt(1234.5678) == "1235"
    assert format_rate(0.001) == "0.001" and format_rate(1.5e-5) == "1.5×10⁻⁵"
