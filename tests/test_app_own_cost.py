"""'Your own cost' on the page: the local curvature beside α, the verdict, and its own steps."""

from __future__ import annotations

import numpy as np
import pytest
from test_app import assert_clean, open_page

import gdlab
from gdlab.models.typed import CustomCost
from gdlab.number_format import number_text
from gdlab.teaching.cost_presets import PRESET_COSTS


def preset_page(name: str):
    at = open_page(section="custom")
    at.selectbox(key="custom_preset").set_value(name).run()
    assert_clean(at)
    return at


def curvature_lines(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("At ")]


def boxes(at) -> dict[str, list[str]]:
    return {kind: [b.value for b in getattr(at.main, kind)]
            for kind in ("success", "info", "warning", "error")}  # fmt: skip


def hand_hessian(name: str, theta: np.ndarray) -> np.ndarray:
    """The two presets' Hessians, written out by hand."""
    if name == "two minima":  # θ⁴ − 3θ² + θ
        return np.array([[12 * theta[0] ** 2 - 6]])
    return np.array([[2.0, 0.0], [0.0, 50.0]])  # θ₀² + 25θ₁²


@pytest.mark.parametrize("name", ["two minima", "narrow valley"])
def test_the_local_limit_and_the_verdict_are_shown(name):
    at = preset_page(name)
    preset = PRESET_COSTS[name]
    limit = 2 / np.linalg.eigvalsh(hand_hessian(name, np.array(preset.start)))[-1]
    start, here = curvature_lines(at)
    assert start.startswith("At the start")
    assert f"is below the local limit 2/λ_max = {number_text(limit)}" in start
    assert here.startswith("At step 0")
    # The verdict is what the run did, descended here with the preset's start and rate.
    cost = CustomCost.from_text(preset.text, preset.n_params, bounds=preset.bounds)
    trace = gdlab.descend(cost, list(preset.start), preset.rate, 200)
    head = f"**Gradient descent with α = {number_text(preset.rate)} "
    if trace.converged:
        (verdict,) = boxes(at)["success"]
        assert verdict.startswith(head + f"converged in {trace.n_steps} steps")
        assert "a minimum" in verdict
    else:  # the narrow valley crawls along its flat direction
        assert trace.status == "max_steps"
        (verdict,) = boxes(at)["info"]
        assert verdict.startswith(head + "is still moving after 200 steps")
        assert f"to {number_text(trace.cost)}" in verdict


def test_prev_next_end_move_this_sections_own_step():
    at = preset_page("narrow valley")
    at.button(key="custom_next").click().run()
    at.button(key="custom_next").click().run()
    assert at.session_state["custom_k"] == 2
    assert curvature_lines(at)[1].startswith("At step 2, θ = (")
    at.button(key="custom_prev").click().run()
    assert at.session_state["custom_k"] == 1
    assert "k" not in at.session_state or at.session_state["k"] == 0  # Step by step's own
    at.button(key="custom_to_end").click().run()
    cost = CustomCost.from_text("theta0**2 + 25*theta1**2", 2)
    last = gdlab.descend(cost, [2.5, 1.0], 0.035, 200).n_steps
    assert at.session_state["custom_k"] == last
    assert curvature_lines(at)[1].startswith(f"At step {last}, θ")
    assert_clean(at)


def test_play_advances_the_step():
    at = preset_page("two minima")
    at.button(key="custom_play").click().run()
    assert at.session_state["custom_playing"]
    assert not at.session_state["playing"] if "playing" in at.session_state else True
    at.run()  # a tick of the timer
    assert at.session_state["custom_k"] >= 1
    at.button(key="custom_play").click().run()  # pause
    assert not at.session_state["custom_playing"]


def test_a_diverging_rate_gets_a_diverging_verdict():
    at = preset_page("narrow valley")
    at.number_input(key="custom_lr").set_value(0.05).run()  # above 2/50
    assert_clean(at)
    (verdict,) = boxes(at)["error"]
    assert "diverged at step" in verdict and "J grew" in verdict
    assert "From step 0, α = 0.05 was above the local limit" in verdict
    assert (
        "is above the local limit 2/λ_max = 0.04: near here a step overshoots"
        in (curvature_lines(at)[0])
    )


def test_a_saddle_and_a_concave_start_say_there_is_no_local_limit():
    at = preset_page("saddle")
    start = curvature_lines(at)[0]
    assert "J curves down (λ = −2), curvature sets no local limit" in start
    at = preset_page("two minima")
    at.number_input(key="custom_theta0_0").set_value(0.0).run()  # J'' = −6 there
    assert_clean(at)
    start = curvature_lines(at)[0]
    assert "curves down or is flat in every direction (λ = J'' = −6)" in start
    assert "no local limit on α" in start


def test_the_caption_says_whose_alpha_this_is():
    at = preset_page("two minima")
    assert any("typed cost's own" in c.value for c in at.caption)
