"""Counts of steps are written "1 step", "2 steps": in verdicts, run messages, chart titles and
the page's status lines, for runs of exactly one step."""

import re

import numpy as np
import pytest

from gdlab import LinearRegression, descend, figures
from gdlab.number_format import count_text
from gdlab.running.descent import Trace
from gdlab.running.sweep import sweep
from gdlab.teaching.verdict import judge
from gdlab.theory import LearningRateTheory

# A count of one followed by a plural noun, e.g. "1 steps" (but not "11 steps" or "0.1 steps").
ONE_PLURAL = re.compile(r"(?<![\d.,])1 steps\b")

HALF = LinearRegression([1.0, 1.0], [0.0, 0.0], intercept=False, cost="half_mse")  # J = ½θ²


def run(costs, lr, status="max_steps") -> Trace:
    costs = np.asarray(costs, dtype=np.float64)
    return Trace(
        thetas=np.zeros((costs.size, 2)), costs=costs, grads=np.zeros((costs.size, 2)),
        lrs=np.full(costs.size - 1, lr), status=status, message="",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("count", "text"),
    [(0, "0 steps"), (1, "1 step"), (2, "2 steps"), (1000, "1,000 steps"), (1.4, "1 step"),
     (0.6, "1 step"), (1.5, "2 steps"), (21_000.2, "21,000 steps")],
)  # fmt: skip
def test_count_text(count, text):
    assert count_text(count, "step") == text


def test_verdicts_of_one_step_runs():
    theory = LearningRateTheory(np.array([1.0, 4.0]))  # α_crit = 0.5, α* = 0.4, κ = 4
    round_theory = LearningRateTheory(np.array([1.0, 1.0]))  # α = 0.99 shrinks ×0.01: 1 step
    verdicts = [
        judge(run([1.0, 4.0], 0.6), theory, 0.5, 0.6),  # diverging, not yet diverged
        judge(run([200.0, 150.0], 0.4), theory, 100.0, 0.4),  # slow even at α*
        judge(run([200.0, 150.0], 0.99), round_theory, 100.0, 0.99),  # too small
        judge(run([200.0, 101.0], 0.1), theory, 100.0, 0.1),  # arrived
        judge(run([200.0, 150.0], 0.1, "converged"), theory, 100.0, 0.1),
    ]
    for verdict in verdicts:
        for text in (verdict.headline, verdict.detail):
            assert not ONE_PLURAL.search(text), text
    assert "in 1 step the cost grew ×4" in verdicts[0].headline
    assert "after 1 step the cost is still 50% above its minimum" in verdicts[1].headline
    assert (
        verdicts[2].headline == "Too small: after 1 step the cost is still 50% above its minimum."
    )
    assert "about 1 step would cut it 100-fold" in verdicts[2].detail
    assert "(after 1 step the cost is 1% above its minimum)" in verdicts[3].headline
    assert "(converged in 1 step)" in verdicts[4].headline


def test_a_slow_regime_that_needs_about_one_step():
    # ρ = 0.0373: ln 100 / −ln ρ ≈ 1.4 steps, more than the 1 allowed.
    explanation = LearningRateTheory(np.array([1.0, 1.0])).regime(1 - 0.0373, steps=1).explanation
    assert "about 1 step to cut it 100-fold" in explanation
    assert not ONE_PLURAL.search(explanation)


def test_run_messages_of_one_step():
    converged = descend(HALF, 3.0, 0.5, 10, gtol=0.5)  # ∇J halves: 1.5 ≤ 0.5·3 at step 1
    assert converged.message.startswith("Converged after 1 step:")
    stopped = descend(HALF, 3.0, 0.1, 1)
    assert stopped.message == "Stopped after the maximum of 1 step without converging."


def test_chart_titles_for_one_step():
    theory = LearningRateTheory(np.array([1.0]))
    bar = figures.regime_bar_figure(theory, 0.5, 1)
    assert "(for 1 step)" in bar.layout.title.text
    result = sweep(HALF, 3.0, [0.1, 0.2], 1)
    figure = figures.sweep_figure(result, theory, HALF.min_cost)
    assert "up to 1 step" in figure.layout.title.text


def test_the_page_status_lines_of_one_step():
    from page.own_cost import run_status
    from page.race import _status

    converged = descend(HALF, 3.0, 0.5, 10, gtol=0.5)
    stopped = descend(HALF, 3.0, 0.1, 1)
    assert run_status(converged) == "converged in 1 step"
    assert run_status(stopped) == "stopped after 1 step"
    assert _status(converged) == "converged in 1 step"
    assert _status(stopped).endswith("after 1 step")
