"""gdlab: experiment with learning rates in gradient descent.

A plain numpy library (it never imports streamlit), in groups named for what they hold:
`data` (datasets and CSV reading), `models` (costs with exact derivatives), `expressions` (the
formula language of typed costs), `running` (descent, sweeps, optimizers, schedules), `theory`
(what λ_max says about a rate), `derivatives` (numerical derivatives), `teaching` (verdicts and
presets) and `figures` (one plotly builder module per view). The names below are the public API.
"""

from gdlab.data import (
    DataError,
    Dataset,
    DatasetInfo,
    list_datasets,
    load_dataset,
    make_linear,
    read_csv,
)
from gdlab.derivatives import (
    CostSlice,
    GradientCheck,
    Tangent,
    check_gradient,
    descent_slice,
    numerical_derivative,
    numerical_gradient,
    tangent,
)
from gdlab.expressions import Expression, ExpressionError, parse
from gdlab.models import COSTS, SCALINGS, CustomCost, FeatureScaling, LinearRegression
from gdlab.running import MAX_STEPS, OPTIMIZERS, Trace, descend, sweep
from gdlab.running.sweep import RangeTest, Sweep, range_test
from gdlab.teaching import Verdict, judge
from gdlab.theory import LearningRateTheory, Regime, critical_lr, learning_rate_theory

__all__ = [
    "COSTS",
    "MAX_STEPS",
    "OPTIMIZERS",
    "SCALINGS",
    "CostSlice",
    "CustomCost",
    "DataError",
    "Dataset",
    "DatasetInfo",
    "Expression",
    "ExpressionError",
    "FeatureScaling",
    "GradientCheck",
    "LearningRateTheory",
    "LinearRegression",
    "RangeTest",
    "Regime",
    "Sweep",
    "Tangent",
    "Trace",
    "Verdict",
    "check_gradient",
    "critical_lr",
    "descend",
    "descent_slice",
    "judge",
    "learning_rate_theory",
    "list_datasets",
    "load_dataset",
    "make_linear",
    "numerical_derivative",
    "numerical_gradient",
    "parse",
    "range_test",
    "read_csv",
    "sweep",
    "tangent",
]
