"""Presentation mode driven through AppTest: a link opens it, α and the presets move to the main
area and still steer the run (checked against the core), and leaving it puts them back."""

from __future__ import annotations

import numpy as np
import pytest
from test_app import (
    assert_clean,
    cars_problem,
    chart,
    charts,
    decode,
    link,
    open_page,
    series,
    verdict,
)

import gdlab
from gdlab.figures.projector import MIN_FONT_PX
from gdlab.teaching.presets import PRESETS, PRESETS_BY_KEY
from page import presentation

PRESET_KEYS = {f"preset_{preset.key}" for preset in PRESETS}
FIRST_SCREEN = ("Cost J(θ) and its tangent at step", "Cost history")


def smallest_font(spec: dict) -> float:
    """The smallest font size set anywhere in a chart's layout."""
    sizes = []

    def walk(node, parent=""):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "size" and parent.endswith("font"):
                    sizes.append(value)
                walk(value, key)
        elif isinstance(node, list):
            for item in node:
                walk(item, parent)

    walk(spec["layout"])
    return min(sizes)


def test_a_present_link_opens_presentation_mode():
    at = open_page(present="1")
    assert_clean(at)
    assert at.toggle(key="present").value is True
    # The switch, α and the presets are in the main area; the sidebar (hidden) has none of them.
    assert "present" in [t.key for t in at.main.toggle]
    assert "present" not in [t.key for t in at.sidebar.toggle]
    assert [s.key for s in at.main.select_slider] == ["lr"]
    assert not at.sidebar.select_slider
    assert {b.key for b in at.main.button} >= PRESET_KEYS
    assert not PRESET_KEYS & {b.key for b in at.sidebar.button}
    assert not at.title  # the first screen is for the controls, the verdict and the charts
    assert "[data-testid=stSidebar]" in at.get("html")[0].proto.body  # hidden by style.py
    assert link(at)["present"] == "1"  # the address bar still opens it this way
    # The first screen's two charts are drawn in projector type and height.
    for title in FIRST_SCREEN:
        spec = chart(at, title)
        assert spec["layout"]["height"] == presentation.CHART_HEIGHT
        assert smallest_font(spec) >= MIN_FONT_PX
        assert spec["layout"]["font"]["size"] >= MIN_FONT_PX


def test_without_the_link_the_switch_is_at_the_top_of_the_sidebar():
    at = open_page()
    assert at.toggle(key="present").value is False
    assert at.sidebar.toggle[0].key == "present"
    assert [s.key for s in at.sidebar.select_slider] == ["lr"]
    assert "present" not in at.query_params
    assert all(smallest_font(spec) < MIN_FONT_PX for spec in charts(at).values())


@pytest.mark.parametrize(("lr", "kind", "words"), [(0.003, "info", "oscillates but converges"),
                                                   (0.0039, "error", "is diverging")])  # fmt: skip
def test_alpha_in_the_main_area_changes_the_run(lr, kind, words):
    at = open_page(present="1")
    at.main.select_slider(key="lr").set_value(lr).run()
    assert_clean(at)
    shown_kind, text = verdict(at)
    assert shown_kind == kind and f"α = {lr:g}" in text and words in text
    problem = cars_problem()
    trace = gdlab.descend(problem, 0.0, lr, 50)
    history = series(chart(at, "Cost history"), "J(θₖ) − J*")
    np.testing.assert_allclose(decode(history["x"]), np.arange(trace.n_steps + 1))
    # Round-off of J itself, about 1e-16·J, is all a converged end can show.
    np.testing.assert_allclose(
        decode(history["y"]), trace.costs - problem.min_cost, rtol=1e-9, atol=1e-12 * trace.costs[0]
    )
    assert link(at)["lr"] == f"{lr:g}" and link(at)["present"] == "1"


def test_leaving_presentation_mode_keeps_alpha_and_puts_it_back_in_the_sidebar():
    at = open_page(present="1")
    at.main.select_slider(key="lr").set_value(0.0039).run()
    at.toggle(key="present").set_value(False).run()
    assert_clean(at)
    assert at.sidebar.select_slider(key="lr").value == 0.0039
    assert {b.key for b in at.sidebar.button} >= PRESET_KEYS
    assert at.title
    assert "present" not in at.query_params
    at.toggle(key="present").set_value(True).run()
    assert at.main.select_slider(key="lr").value == 0.0039
    assert link(at)["present"] == "1"


def test_a_preset_in_the_main_area_sets_every_control():
    at = open_page(present="1")
    at.button(key="preset_unscaled").click().run()
    assert_clean(at)
    preset = PRESETS_BY_KEY["unscaled"]
    problem = cars_problem(params=2)
    expected = preset.learning_rate(gdlab.learning_rate_theory(problem))
    assert at.main.select_slider(key="lr").value == pytest.approx(expected, rel=1e-12)
    assert at.radio(key="params").value == 2 and at.slider(key="steps").value == preset.steps
    assert f"**Preset: {preset.title}.** {preset.notice}" in [b.value for b in at.main.info]
    # Two parameters: the contours and the history on the first screen, in projector type.
    for title in ("Cost contours and the path to step", "Cost history"):
        assert chart(at, title)["layout"]["height"] == presentation.CHART_HEIGHT
    assert chart(at, "Cost along the descent direction")["layout"]["height"] != (
        presentation.CHART_HEIGHT
    )


def test_a_link_with_a_preset_opens_it_in_presentation_mode():
    at = open_page(present="1", preset="diverging")
    assert_clean(at)
    assert "is diverging because" in at.main.error[0].value  # the preset's note is an info box
    assert at.main.select_slider(key="lr").value > gdlab.critical_lr(cars_problem())


def test_steps_and_sections_still_work_while_presenting():
    at = open_page(present="1")
    at.button(key="next").click().run()
    assert "Cost J(θ) and its tangent at step 1" in charts(at)
    at.segmented_control(key="section").set_value("sweep").run()
    assert_clean(at)
    assert any(title.startswith("Sweep:") for title in charts(at))
    assert [s.key for s in at.main.select_slider] == ["lr"]  # α stays at the top
    assert link(at)["section"] == "sweep" and link(at)["present"] == "1"


@pytest.mark.parametrize("section", ["beyond", "custom"])
def test_presenting_a_section_with_its_own_rate_shows_only_that_rate(section):
    """Beyond quadratics and Your own cost set their own α: the regression's α and presets
    would be a second, unrelated rate on the projected screen. They stay in the hidden
    sidebar, with their values, until the teacher goes back to a section that uses them."""
    at = open_page(present="1", section=section, lr="0.002")
    assert_clean(at)
    assert "lr" not in [s.key for s in at.main.select_slider]
    assert not PRESET_KEYS & {b.key for b in at.main.button}
    assert at.toggle(key="present").value is True
    at.session_state["section"] = "step"
    at.run()
    assert at.main.select_slider(key="lr").value == 0.002
    assert {b.key for b in at.main.button} >= PRESET_KEYS
