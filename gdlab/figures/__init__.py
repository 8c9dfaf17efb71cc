"""Pure figure builders for the page: data in, plotly Figure out (no streamlit here).

One module per view the page shows: `step` (the data and the cost history), `landscape` (the
cost over θ with the run on it), `compare`, `sweep`, `range_test`, `regimes`, `race`,
`derivative_lab` and `four_regimes`; `common`, `thresholds` and `ghosts` (earlier runs drawn
faintly) hold what they share.

Colours are the Okabe–Ito palette, safe for the common colour-vision deficiencies, and every
series also differs by marker or dash so nothing relies on colour alone. Fonts are large enough
to read on a projector. Long histories are thinned for display only; the run is never touched.
"""

from gdlab.figures.common import FONT_SIZE, MAX_HISTORY_POINTS, PALETTE, log_ticks, thin_indices
from gdlab.figures.compare import (
    compare_history_figure,
    paths_figure,
    signed_error_figure,
    steepest_direction,
)
from gdlab.figures.derivative_lab import derivative_error_figure
from gdlab.figures.four_regimes import four_regimes_figure
from gdlab.figures.ghosts import Ghost, ghost_of
from gdlab.figures.landscape import (
    View,
    contour_figure,
    cost_curve_figure,
    parameter_view,
    slice_figure,
)
from gdlab.figures.race import (
    momentum_region_figure,
    race_history_figure,
    race_paths_figure,
    trace_costs_at,
)
from gdlab.figures.range_test import range_test_figure
from gdlab.figures.regimes import (
    COBWEB_STEPS,
    cobweb_figure,
    cost_ratio_figure,
    regime_bar_figure,
    regime_zones,
)
from gdlab.figures.step import MAX_DATA_POINTS, data_sample, excess_cost, fit_figure, history_figure
from gdlab.figures.sweep import contraction_figure, sweep_figure

__all__ = [
    "COBWEB_STEPS",
    "FONT_SIZE",
    "MAX_DATA_POINTS",
    "MAX_HISTORY_POINTS",
    "PALETTE",
    "Ghost",
    "View",
    "cobweb_figure",
    "compare_history_figure",
    "contour_figure",
    "contraction_figure",
    "cost_curve_figure",
    "cost_ratio_figure",
    "data_sample",
    "derivative_error_figure",
    "excess_cost",
    "fit_figure",
    "four_regimes_figure",
    "ghost_of",
    "history_figure",
    "log_ticks",
    "momentum_region_figure",
    "parameter_view",
    "paths_figure",
    "race_history_figure",
    "race_paths_figure",
    "range_test_figure",
    "regime_bar_figure",
    "regime_zones",
    "signed_error_figure",
    "slice_figure",
    "steepest_direction",
    "sweep_figure",
    "thin_indices",
    "trace_costs_at",
]
