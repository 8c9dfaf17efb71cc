"""gdlab: experiment with learning rates in gradient descent.

A plain numpy library: regression problems with exact derivatives, gradient-descent runs
recorded step by step, and what theory says about a learning rate. It never imports streamlit.
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
from gdlab.descent import MAX_STEPS, Trace, descend
from gdlab.problem import COSTS, SCALINGS, FeatureScaling, LinearRegression
from gdlab.sweep import RangeTest, Sweep, range_test
from gdlab.theory import LearningRateTheory, Regime, critical_lr, learning_rate_theory

__all__ = [
    "COSTS",
    "MAX_STEPS",
    "SCALINGS",
    "CostSlice",
    "DataError",
    "Dataset",
    "DatasetInfo",
    "FeatureScaling",
    "GradientCheck",
    "LearningRateTheory",
    "LinearRegression",
    "RangeTest",
    "Regime",
    "Sweep",
    "Tangent",
    "Trace",
    "check_gradient",
    "critical_lr",
    "descend",
    "descent_slice",
    "learning_rate_theory",
    "list_datasets",
    "load_dataset",
    "make_linear",
    "numerical_derivative",
    "numerical_gradient",
    "range_test",
    "read_csv",
    "tangent",
]
