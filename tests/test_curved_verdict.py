"""The verdict on runs over costs that are not quadratic: what each case says, checked against
facts the test establishes itself (eigenvalues by numpy, norms and cost differences of the
trace), and never the quadratic rule where it is false."""

import numpy as np
import pytest

from gdlab.curvature import SharpnessRecord, sharpness_along
from gdlab.running.descent import Trace, descend
from gdlab.teaching.curved_models import (
    EDGE_OF_STABILITY,
    MODELS,
    initial_theta,
    model_choice,
    sharpness_every,
)
from gdlab.teaching.curved_verdict import at_edge, cost_words, judge_curved

QUADRATIC_RULE = "because α > 2/λ_max"


def run(key, lr, steps, width=16, activation="tanh", seed=0):
    choice = model_choice(key)
    problem = choice.build(width, activation)
    trace = descend(problem, initial_theta(problem, seed), lr, steps)
    record = sharpness_along(problem, trace, every=sharpness_every(steps))
    logistic = choice.family == "logistic"
    verdict = judge_curved(
        trace,
        record,
        lr,
        bound=problem.curvature_bound() if logistic else None,
        separable=logistic and problem.separable,
    )
    return problem, trace, record, verdict


def test_the_preset_is_at_the_edge_of_stability_and_says_so():
    preset = EDGE_OF_STABILITY
    _, trace, record, verdict = run(
        preset.model, preset.lr, preset.steps, preset.width, preset.activation, preset.seed
    )
    # The facts, measured here: the late sharpness within ±20% of 2/α, a lower cost at the
    # end, and some steps where the cost went up.
    late = record.steps >= 0.75 * trace.n_steps
    assert np.all(np.abs(record.sharpness[late] * preset.lr / 2 - 1) <= 0.2)
    assert trace.cost < trace.costs[0] and np.any(np.diff(trace.costs) > 0)
    assert verdict.kind == "edge"
    assert verdict.headline == (
        "The sharpness rose to 2/α = 10 and hovers there: the edge of stability. "
        "The cost still falls, not monotonically."
    )
    rises = int(np.sum(np.diff(trace.costs) > 0))
    assert f"going up in {rises:,} of its 2,000 steps" in verdict.detail


def test_a_small_rate_is_locally_stable_throughout():
    _, trace, record, verdict = run("network_pressure", 0.02, 300)
    assert np.all(0.02 * record.sharpness < 2)
    assert verdict.kind == "stable"
    assert "at every step" in verdict.detail  # the cost fell at every step:
    assert np.all(np.diff(trace.costs) < 0)


def test_separable_data_are_not_called_divergence():
    problem, trace, _, verdict = run("logistic_separable", 1.0, 300)
    assert problem.separable
    norms = np.linalg.norm(trace.thetas, axis=1)
    assert np.all(np.diff(norms) > 0) and np.all(np.diff(trace.costs) < 0)
    assert verdict.kind == "separable"
    assert verdict.headline == (
        "The data are separable: θ grows without bound while the cost falls — not divergence."
    )
    assert "diverged" not in verdict.detail


def test_a_run_that_blows_up_is_said_plainly_without_the_quadratic_rule():
    _, trace, _, verdict = run("network_pressure", 5.0, 200)
    assert trace.diverged
    assert verdict.kind == "diverging"
    assert verdict.headline.startswith(f"α = 5 diverged: at step {trace.diverged_at} the cost")
    assert QUADRATIC_RULE not in verdict.headline + verdict.detail


def test_logistic_above_two_over_alpha_names_the_sharpness_and_the_global_bound():
    problem, trace, _, verdict = run("logistic_penguins", 30.0, 200)
    # At θ = 0 every σ(sᵢ)(1 − σ(sᵢ)) = ¼ and the features are standardized, so
    # ∇²J = XᵀX/(4n) there, and the global bound L is the same matrix's largest eigenvalue.
    design = problem.design
    start = np.linalg.eigvalsh(design.T @ design / (4 * problem.n))[-1]
    assert start == pytest.approx(0.25)
    assert not trace.diverged
    assert verdict.kind == "above_edge"
    assert verdict.headline == (
        "At step 0 the sharpness λ_max = 0.25 was above 2/α = 0.06667, yet the run did not diverge."
    )
    assert f"α is {30 / (2 / start):.3g}× the global safe rate 2/L = 8" in verdict.detail


def test_a_rate_below_the_global_bound_is_called_safe():
    _, _, _, verdict = run("logistic_faithful", 1.0, 100)
    assert verdict.kind == "stable"
    assert "below the global safe rate 2/L = 8" in verdict.detail


@pytest.mark.parametrize("key", MODELS)
def test_no_verdict_applies_the_quadratic_rule(key):
    for lr in (0.01, 0.3, 3.0, 30.0):
        *_, verdict = run(key, lr, 60, width=4)
        assert QUADRATIC_RULE not in verdict.headline + verdict.detail
        assert "nan" not in (verdict.headline + verdict.detail).lower()


def hand_trace(costs):
    costs = np.asarray(costs, dtype=float)
    thetas = np.zeros((costs.size, 1))
    return Trace(thetas, costs, thetas, np.full(costs.size - 1, 0.1), "max_steps", "")


def test_cost_words_count_the_steps_that_went_up():
    words = cost_words(hand_trace([3.0, 2.0, 2.5, 1.0]))
    assert (words.start, words.end, words.rises, words.steps) == (3.0, 1.0, 1, 3)
    assert words.phrase == "the cost fell from 3 to 1, going up in 1 of its 3 steps"
    assert cost_words(hand_trace([3.0, 2.0, 1.0])).phrase == (
        "the cost fell from 3 to 1, at every step"
    )


def record(steps, values):
    steps, values = np.asarray(steps), np.asarray(values, dtype=float)
    return SharpnessRecord(steps, values, 2 / values, np.full(steps.size, 0.1), steps, True)


def test_the_edge_needs_a_rise_then_a_late_quarter_inside_the_band():
    steps = np.arange(0, 101, 10)
    rising = np.array([2, 6, 10, 14, 17, 19, 20, 21, 19, 20, 22.0])  # α = 0.1: 2/α = 20
    assert at_edge(record(steps, rising), 0.1, 100)
    assert not at_edge(record(steps, np.full(11, 20.0)), 0.1, 100)  # no rise: it started there
    late_spike = rising.copy()
    late_spike[-1] = 25.0  # αλ = 2.5, outside ±20%
    assert not at_edge(record(steps, late_spike), 0.1, 100)
