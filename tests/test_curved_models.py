"""The section's model choices: each builds on its data, with a label per input."""

import numpy as np
import pytest

from gdlab.data import load_dataset
from gdlab.models.logistic import LogisticRegression
from gdlab.models.network import OneHiddenLayer
from gdlab.teaching.curved_models import (
    EDGE_OF_STABILITY,
    MODELS,
    initial_theta,
    model_choice,
    sharpness_every,
)


@pytest.mark.parametrize("key", MODELS)
def test_every_choice_builds_its_model_on_its_data(key):
    choice = model_choice(key)
    problem = choice.build(width=3, activation="relu")
    kind = LogisticRegression if choice.family == "logistic" else OneHiddenLayer
    assert isinstance(problem, kind)
    assert problem.x.shape[1] == len(choice.x_labels)
    if choice.uses_network:
        assert (problem.width, problem.activation, problem.task) == (3, "relu", choice.task)
    if choice.task == "classification":
        assert set(np.unique(problem.y)) == {0.0, 1.0} and all(choice.class_names)
    theta = initial_theta(problem, seed=1)
    assert theta.shape == (problem.n_params,) and np.isfinite(problem.cost_value(theta))


def test_only_the_separable_choice_is_separable():
    separable = {key for key, m in MODELS.items() if m.family == "logistic"
                 and m.build().separable}  # fmt: skip
    assert separable == {"logistic_separable"}


def test_the_edge_preset_is_the_pressure_network_of_the_curvature_tests():
    preset = EDGE_OF_STABILITY
    problem = model_choice(preset.model).build(preset.width, preset.activation)
    pressure = load_dataset("pressure")
    np.testing.assert_array_equal(problem.x[:, 0], pressure.x)
    assert (preset.width, preset.activation, preset.lr, preset.steps, preset.seed) == (
        16, "tanh", 0.2, 2000, 0,
    )  # fmt: skip
    assert sharpness_every(preset.steps) == 10


def test_an_unknown_choice_is_refused_by_name():
    with pytest.raises(ValueError, match="key"):
        model_choice("svm")
