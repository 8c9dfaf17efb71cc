"""Each classroom preset really shows the behaviour it names."""

import numpy as np
import pytest

import gdlab
from gdlab.teaching.presets import PRESETS
from gdlab.teaching.verdict import judge


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.key)
def test_preset_behaves_as_named(preset):
    dataset = gdlab.load_dataset(preset.dataset)
    problem = gdlab.LinearRegression(
        dataset.x, dataset.y, intercept=preset.params == 2, scaling=preset.scaling, cost=preset.cost
    )
    theory = gdlab.learning_rate_theory(problem)
    lr = preset.learning_rate(theory)
    trace = gdlab.descend(problem, np.zeros(problem.n_params), lr, preset.steps)
    assert judge(trace, theory, problem.min_cost, lr).kind == preset.expected
    assert preset.notice.count(". ") + preset.notice.count("! ") >= 1  # two sentences at least


def test_the_one_step_rate_lands_in_one_step():
    preset = next(p for p in PRESETS if p.key == "one-step")
    cars = gdlab.load_dataset("cars")
    problem = gdlab.LinearRegression(cars.x, cars.y, intercept=False)
    trace = gdlab.descend(problem, 0.0, preset.learning_rate(gdlab.learning_rate_theory(problem)))
    assert trace.n_steps == 1 and trace.converged


def test_scaling_turns_the_narrow_valley_round():
    unscaled, scaled = (next(p for p in PRESETS if p.key == key) for key in ("unscaled", "scaled"))
    cars = gdlab.load_dataset("cars")
    kappas = [
        gdlab.learning_rate_theory(
            gdlab.LinearRegression(cars.x, cars.y, scaling=p.scaling)
        ).condition_number
        for p in (unscaled, scaled)
    ]
    assert kappas[0] > 1000 and kappas[1] == pytest.approx(1.0)
