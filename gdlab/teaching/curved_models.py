"""The models of "Beyond quadratics": costs whose curvature changes along the run.

Each choice is data from `data/` and a model on it: logistic regression (p̂ = σ(θ₀ + θ₁z…)) or
a network with one hidden layer, for regression or classification. The data are the ones
gdlab.models.logistic documents; `EDGE_OF_STABILITY` is the classroom preset whose sharpness
rises to 2/α and hovers there (the run of tests/test_curvature.py::edge_run).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gdlab._validation import check_choice
from gdlab.data import load_dataset
from gdlab.models.logistic import (
    LabelledData,
    LogisticRegression,
    faithful_eruptions,
    penguin_species,
)
from gdlab.models.network import OneHiddenLayer

# The sharpness is computed at about this many steps of a run (every max(1, steps // this)
# steps, and at the last): every 10th step of the 2,000 of the preset.
SHARPNESS_POINTS = 200


@dataclass(frozen=True)
class CurvedModel:
    """One choice of the section: what it is called, what it fits and how to build it."""

    key: str
    label: str
    family: str  # "logistic" or "network"
    task: str  # "regression" or "classification"
    load: Callable[[], tuple[np.ndarray, np.ndarray]]  # the raw (x, y) from data/
    x_labels: tuple[str, ...]  # one per input, with units
    y_label: str  # the target (regression) or the label 1 (classification)
    class_names: tuple[str, str] = ("", "")
    source: str = ""

    @property
    def uses_network(self) -> bool:
        return self.family == "network"

    def build(self, width: int = 16, activation: str = "tanh"):
        """The problem: a LogisticRegression (standardized features) or a OneHiddenLayer."""
        x, y = self.load()
        if self.family == "logistic":
            return LogisticRegression(x, y, scaling="standardize")
        return OneHiddenLayer(x, y, width=width, activation=activation, task=self.task)


def _labelled(make: Callable[[], LabelledData]) -> Callable[[], tuple[np.ndarray, np.ndarray]]:
    def load() -> tuple[np.ndarray, np.ndarray]:
        data = make()
        return data.x, data.y

    return load


def _pairs(name: str) -> Callable[[], tuple[np.ndarray, np.ndarray]]:
    def load() -> tuple[np.ndarray, np.ndarray]:
        data = load_dataset(name)
        return data.x, data.y

    return load


_PENGUINS = "Adelie (0) and Gentoo (1) penguins; Gorman, Williams & Fraser (2014)"
_FLIPPER = penguin_species  # Adelie against Gentoo by flipper length: nearly separable, not quite
_TWO = ("bill_dep", "flipper_len")  # the same two species by bill depth and flipper: separable

MODELS: dict[str, CurvedModel] = {
    model.key: model
    for model in (
        CurvedModel(
            key="logistic_penguins",
            label="Logistic regression: penguins by flipper length",
            family="logistic",
            task="classification",
            load=_labelled(_FLIPPER),
            x_labels=("flipper length (mm)",),
            y_label="P(Gentoo)",
            class_names=("Adelie", "Gentoo"),
            source=_PENGUINS,
        ),
        CurvedModel(
            key="logistic_faithful",
            label="Logistic regression: Old Faithful, long eruptions by waiting",
            family="logistic",
            task="classification",
            load=_labelled(faithful_eruptions),
            x_labels=("waiting time (min)",),
            y_label="P(eruption > 3 min)",
            class_names=("eruption ≤ 3 min", "eruption > 3 min"),
            source="Old Faithful geyser, R's datasets",
        ),
        CurvedModel(
            key="logistic_separable",
            label="Logistic regression: penguins by bill depth and flipper (separable)",
            family="logistic",
            task="classification",
            load=_labelled(lambda: penguin_species("Adelie", "Gentoo", _TWO)),
            x_labels=("bill depth (mm)", "flipper length (mm)"),
            y_label="P(Gentoo)",
            class_names=("Adelie", "Gentoo"),
            source=_PENGUINS,
        ),
        CurvedModel(
            key="network_pressure",
            label="Network regression: vapour pressure of mercury",
            family="network",
            task="regression",
            load=_pairs("pressure"),
            x_labels=("temperature (°C)",),
            y_label="pressure (mm Hg)",
            source="R's datasets",
        ),
        CurvedModel(
            key="network_faithful",
            label="Network regression: Old Faithful, eruption by waiting",
            family="network",
            task="regression",
            load=_pairs("faithful"),
            x_labels=("waiting time (min)",),
            y_label="eruption (min)",
            source="R's datasets",
        ),
        CurvedModel(
            key="network_penguins",
            label="Network classification: penguins by flipper length",
            family="network",
            task="classification",
            load=_labelled(_FLIPPER),
            x_labels=("flipper length (mm)",),
            y_label="P(Gentoo)",
            class_names=("Adelie", "Gentoo"),
            source=_PENGUINS,
        ),
    )
}


def model_choice(key: str) -> CurvedModel:
    return MODELS[check_choice("model_choice", "key", key, tuple(MODELS))]


def initial_theta(problem, seed: int) -> np.ndarray:
    """A network's seeded start (gdlab.models.network); θ = 0 for logistic regression, whose
    cost is convex, so the start changes the path but not where it leads."""
    if isinstance(problem, OneHiddenLayer):
        return problem.initial_theta(seed)
    return np.zeros(problem.n_params)


def sharpness_every(steps: int) -> int:
    return max(1, int(steps) // SHARPNESS_POINTS)


@dataclass(frozen=True)
class CurvedPreset:
    key: str
    title: str
    model: str
    width: int
    activation: str
    lr: float
    steps: int
    seed: int
    notice: str


EDGE_OF_STABILITY = CurvedPreset(
    key="edge",
    title="Edge of stability",
    model="network_pressure",
    width=16,
    activation="tanh",
    lr=0.2,
    steps=2000,
    seed=0,
    notice=(
        "Full-batch gradient descent on a 16-unit network. Watch the sharpness climb to the "
        "line 2/α = 10 and stay there, while the cost keeps falling, with small jumps up "
        "(Cohen et al., ICLR 2021)."
    ),
)
