"""Predict, then reveal: the answer comes from the run, and a guess is marked against it."""

import numpy as np
import pytest

from gdlab import LinearRegression, descend, judge, learning_rate_theory, load_dataset
from gdlab.teaching.predictions import (
    REGIMES,
    STEP_BANDS,
    arrival_step,
    band_of,
    mark,
    outcome,
    score,
)
from gdlab.teaching.presets import PRESETS


def _cars_run(fraction: float, steps: int = 50):
    data = load_dataset("cars")
    problem = LinearRegression(data.x, data.y, intercept=False)
    theory = learning_rate_theory(problem)
    lr = fraction * theory.critical_lr
    trace = descend(problem, np.array([0.0]), lr, steps)
    return problem, trace, judge(trace, theory, problem.min_cost, lr)


def test_arrival_is_the_first_step_within_one_percent_of_the_starting_excess():
    problem, trace, _ = _cars_run(0.25)
    # One parameter: the excess shrinks by (1 − αλ)² per step, here (1 − 0.5)² = 1/4 exactly,
    # so it first falls to 1% of the start at the step k with 4⁻ᵏ ≤ 0.01: k = 4.
    assert arrival_step(trace, problem.min_cost) == 4
    excess = trace.costs - problem.min_cost
    assert excess[4] <= 0.01 * excess[0] < excess[3]


@pytest.mark.parametrize(
    ("steps", "band"),
    [(0, "under 10"), (9, "under 10"), (10, "10 to 100"), (999, "100 to 1,000"),
     (1000, "more, or never"), (None, "more, or never")],
)  # fmt: skip
def test_bands_have_their_edges_where_their_names_say(steps, band):
    assert band_of(steps) == band


@pytest.mark.parametrize(
    ("fraction", "regime"),
    [(0.005, "too slow"), (0.25, "smooth"), (0.9, "oscillating"), (1.05, "diverging")],
)
def test_the_regime_is_the_verdicts_in_the_students_words(fraction, regime):
    problem, trace, verdict = _cars_run(fraction)
    answer = outcome(trace, problem.min_cost, verdict.kind)
    assert answer.regime == regime
    if regime == "diverging":
        assert answer.arrived_at is None and answer.band == STEP_BANDS[-1]


def test_every_preset_has_an_answer_among_the_choices():
    for preset in PRESETS:
        data = load_dataset(preset.dataset)
        problem = LinearRegression(
            data.x, data.y, intercept=preset.params == 2, scaling=preset.scaling, cost=preset.cost
        )
        theory = learning_rate_theory(problem)
        lr = preset.learning_rate(theory)
        trace = descend(problem, np.zeros(preset.params), lr, preset.steps)
        answer = outcome(trace, problem.min_cost, judge(trace, theory, problem.min_cost, lr).kind)
        assert answer.regime in REGIMES and answer.band in STEP_BANDS


def test_marks_and_score():
    problem, trace, verdict = _cars_run(0.25)
    answer = outcome(trace, problem.min_cost, verdict.kind)
    both = mark("smooth", "under 10", answer)
    assert both.regime_right and both.band_right and "step 4" in both.text
    steps_wrong = mark("smooth", "10 to 100", answer)
    assert steps_wrong.regime_right and not steps_wrong.band_right
    wrong = mark("diverging", "under 10", answer)
    assert not wrong.regime_right and "you said diverging" in wrong.text
    assert score([both, steps_wrong, wrong]) == (2, 3)
    with pytest.raises(ValueError, match="Got 'fast'"):
        mark("fast", "under 10", answer)
