"""The α slider shows as many significant digits as the thresholds printed under it (issue 10,
item 9): the unscaled preset's α = 0.003766 read "0.0038" beside "α_crit = 0.003767"."""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_app import open_page
from test_number_format import read_back

from page.controls import LR_GRID, fmt, format_rate


def significant(value: float, digits: int) -> float:
    return float(f"{value:.{digits}e}")


@pytest.mark.parametrize("lr", [0.003766, 0.0037664, 1.2345e-5, 0.5, 7.5597e-05, 2.0])
def test_an_off_grid_rate_keeps_four_significant_digits(lr):
    assert read_back(format_rate(lr)) == pytest.approx(significant(lr, 3), rel=1e-12)


def test_grid_rates_read_as_their_two_digits():
    for lr in LR_GRID:
        assert read_back(format_rate(lr)) == pytest.approx(lr, rel=1e-12)
        assert len(re.sub(r"[^0-9]", "", format_rate(lr).split("×")[0]).lstrip("0")) <= 2


def test_a_rate_just_below_the_threshold_never_reads_as_it_or_above():
    crit = 0.0037670886
    lr = 0.003766
    assert read_back(format_rate(lr)) < read_back(fmt(crit))


def test_the_unscaled_preset_shows_alpha_with_the_threshold_s_digits():
    at = open_page()
    at.button(key="preset_unscaled").click().run()
    slider = at.select_slider(key="lr")
    # The text the page sends for the chosen stop (the grid with the preset's α added).
    shown = slider.options[sorted({*LR_GRID, slider.value}).index(slider.value)]
    sidebar = "\n".join(m.value for m in at.sidebar.markdown)
    crit_text = re.search(r"α_crit = 2/λ_max = \*\*([^*]+)\*\*", sidebar).group(1)
    best_text = re.search(r"best fixed rate α\* = (\S+)", sidebar).group(1)
    # The preset's α is α*: the slider and the line under it must read the same number,
    # and it must read below α_crit, as it is.
    assert shown == best_text
    assert read_back(shown) < read_back(crit_text)
    assert read_back(shown) == pytest.approx(slider.value, rel=5e-4)
    assert np.isclose(read_back(shown), significant(slider.value, 3))
