"""The costs gradient descent runs on, one family a module, each with its exact derivatives.

Every model obeys the protocol `gdlab.running.descent.Problem`: `n_params`, `cost_value(θ)` and
`gradient(θ)`, with optional extras that sharpen the stopping rules and the theory.
"""

from gdlab.models.linear import COSTS, SCALINGS, FeatureScaling, LinearRegression
from gdlab.models.logistic import LogisticRegression
from gdlab.models.mistaken import GradientWithoutX
from gdlab.models.network import OneHiddenLayer
from gdlab.models.typed import CustomCost

__all__ = [
    "COSTS",
    "SCALINGS",
    "CustomCost",
    "FeatureScaling",
    "GradientWithoutX",
    "LinearRegression",
    "LogisticRegression",
    "OneHiddenLayer",
]
