"""The "Beyond quadratics" section through AppTest: every model runs cleanly, the classroom
preset shows the edge of stability, bad values are clamped, and links round-trip."""

from __future__ import annotations

import numpy as np
import pytest
from test_app import assert_clean, chart, charts, decode, link, open_page, screen_text, series
from test_plain import read_back

from gdlab.curvature import sharpness_along
from gdlab.running.descent import descend
from gdlab.teaching.curved_models import MODELS, initial_theta, model_choice, sharpness_every

TITLES = ("Sharpness along the run", "Cost history", "Cost along the descent direction")


def boxes(at) -> str:
    return "\n".join(b.value for kind in ("success", "info", "warning", "error")
                     for b in getattr(at.main, kind))  # fmt: skip


@pytest.mark.parametrize("key", MODELS)
def test_every_model_runs_and_draws_five_clean_charts(key):
    at = open_page(section="beyond", beyond_steps="150")
    at.selectbox(key="beyond_model").set_value(key).run()
    at.slider(key="beyond_k").set_value(75).run()
    assert_clean(at)
    titles = list(charts(at))
    assert len(titles) == 5
    for prefix in TITLES:
        assert any(t.startswith(prefix) for t in titles), titles
    fit = "Predicted probability" if MODELS[key].task == "classification" else "Data and the model"
    if key == "logistic_separable":
        fit = "Decision boundary"
    assert any(t.startswith(f"{fit} at step 75") for t in titles), titles
    assert "The landscape around the path, to step 75" in titles
    # The sidebar's straight-line verdict is not shown: this section has its own run.
    assert "α_crit" not in boxes(at)


def test_the_charts_hold_the_core_run():
    at = open_page(section="beyond", beyond_steps="200", beyond_lr="0.1")
    choice = model_choice("network_pressure")
    problem = choice.build(16, "tanh")
    trace = descend(problem, initial_theta(problem, 0), 0.1, 200)
    record = sharpness_along(problem, trace, every=sharpness_every(200))
    sharp = series(chart(at, "Sharpness along the run"), "sharpness")
    np.testing.assert_allclose(decode(sharp["y"]), record.sharpness, rtol=1e-12)
    edge = series(chart(at, "Sharpness along the run"), "2/α")
    assert np.all(decode(edge["y"]) == 20.0)
    history = series(chart(at, "Cost history"), "cost J")
    np.testing.assert_allclose(decode(history["y"]), trace.costs, rtol=1e-12)


def test_the_preset_shows_the_edge_of_stability_verdict():
    at = open_page(section="beyond")
    at.button(key="beyond_edge").click().run()
    assert_clean(at)
    text = boxes(at)
    assert "Preset: Edge of stability" in text
    assert (
        "The sharpness rose to 2/α = 10 and hovers there: the edge of stability. "
        "The cost still falls, not monotonically."
    ) in text
    assert at.slider(key="beyond_k").value == 2000
    assert link(at)["beyond_lr"] == "0.2"


def test_logistic_shows_the_global_bound_and_separable_data_are_not_divergence():
    at = open_page(section="beyond", beyond_model="logistic_separable", beyond_lr="1",
                   beyond_steps="200")  # fmt: skip
    assert_clean(at)
    assert "The data are separable: θ grows without bound while the cost falls" in boxes(at)
    bound = series(chart(at, "Sharpness along the run"), "global bound L")
    problem = model_choice("logistic_separable").build()
    design = problem.design
    expected = np.linalg.eigvalsh(design.T @ design)[-1] / (4 * problem.n)
    assert decode(bound["y"])[0] == pytest.approx(expected, rel=1e-12)
    assert "2/L is conservative" in screen_text(at)


def test_a_diverging_network_is_said_plainly():
    at = open_page(section="beyond", beyond_lr="5", beyond_steps="100")
    assert_clean(at)
    assert "α = 5 diverged: at step" in at.main.error[0].value


def test_values_outside_the_run_are_clamped_and_the_page_runs():
    at = open_page(section="beyond", beyond_steps="100", beyond_k="4000")
    assert_clean(at)
    assert at.slider(key="beyond_k").value == 100  # the last step of a 100-step run
    at.slider(key="beyond_k").set_value(80).run()
    at.slider(key="beyond_steps").set_value(30).run()
    assert_clean(at)
    assert at.slider(key="beyond_k").value == 30
    at.select_slider(key="beyond_lr").set_value(5.0).run()  # diverges after a few steps
    assert_clean(at)
    diverged = at.slider(key="beyond_k").value
    assert 0 < diverged < 30
    assert any(t.startswith(f"Cost along the descent direction at step {diverged}")
               for t in charts(at))  # fmt: skip


def test_a_rate_between_grid_points_from_a_link_is_kept():
    at = open_page(section="beyond", beyond_lr="0.123", beyond_steps="50")
    assert_clean(at)
    assert at.select_slider(key="beyond_lr").value == 0.123
    assert "2/α = 16.26" in screen_text(at)


def test_a_bad_link_value_falls_back_with_a_notice():
    at = open_page(section="beyond", beyond_width="99", beyond_model="svm")
    assert_clean(at)
    text = read_back(" ".join(w.value for w in at.main.warning))  # shown as plain text
    assert "beyond_width='99' is not a whole number from 1 to 32" in text
    assert "beyond_model='svm'" in text
    assert at.slider(key="beyond_width").value == 16


def test_a_link_reproduces_the_section():
    at = open_page(section="beyond", beyond_model="network_penguins", beyond_act="relu",
                   beyond_width="5", beyond_steps="300", beyond_k="120")  # fmt: skip
    assert_clean(at)
    assert at.selectbox(key="beyond_model").value == "network_penguins"
    assert at.radio(key="beyond_act").value == "relu"
    assert at.slider(key="beyond_width").value == 5
    assert any(t.startswith("Predicted probability at step 120") for t in charts(at))
    query = link(at)
    assert query["beyond_model"] == "network_penguins" and query["beyond_width"] == "5"


@pytest.mark.parametrize("section", ["beyond", "custom"])
def test_the_sidebar_says_its_controls_are_not_this_sections(section):
    at = open_page(section=section, lr="0.002")
    notes = [box.value for box in at.sidebar.info]
    assert any("sets its own cost, start and α" in note for note in notes), notes
    at.session_state["section"] = "step"
    at.run()
    assert not any("sets its own cost" in box.value for box in at.sidebar.info)
    assert at.session_state["lr"] == 0.002  # the sidebar kept its α meanwhile


def test_the_landscape_plane_is_the_runs_and_costs_are_j_on_it():
    from gdlab.figures.trajectory_plane import trajectory_plane

    at = open_page(section="beyond", beyond_steps="200", beyond_lr="0.1", beyond_k="50")
    problem = model_choice("network_pressure").build(16, "tanh")
    trace = descend(problem, initial_theta(problem, 0), 0.1, 200)
    plane = trajectory_plane(problem, trace)
    spec = chart(at, "The landscape around the path, to step 50")
    contour = spec["data"][0]
    np.testing.assert_allclose(decode(contour["z"]), np.log10(plane.costs), rtol=1e-6)
    marker = series(spec, "θₖ at step 50")
    np.testing.assert_allclose([decode(marker["x"])[0], decode(marker["y"])[0]], plane.path[50])
    share = f"{100 * plane.explained[0]:.0f}%"
    assert share in spec["layout"]["xaxis"]["title"]["text"]
    assert any("principal directions" in m.value and share in m.value for m in at.markdown)


@pytest.mark.parametrize("key", ["network_pressure", "logistic_penguins"])
def test_the_rate_sweep_is_separate_runs_and_says_what_2_over_lambda_missed(key):
    at = open_page(section="beyond", beyond_model=key, beyond_steps="200")
    assert not [c for c in charts(at) if c.startswith("Sweep:")]  # off until asked for
    at.toggle(key="beyond_sweep").set_value(True).run()
    assert_clean(at)
    spec = chart(at, "Sweep: ")
    problem = model_choice(key).build(16, "tanh")
    theta0 = initial_theta(problem, 0)
    start = sharpness_along(problem, descend(problem, theta0, 0.05, 200), every=1000).sharpness[0]
    edge = series(spec, "2/λ_max(θ₀)")
    assert decode(edge["x"])[0] == pytest.approx(2 / start, rel=1e-9)
    lowest = series(spec, "lowest J the run reached")
    rates, costs = decode(lowest["x"]), decode(lowest["y"])
    for rate, cost in list(zip(rates, costs, strict=True))[::7]:
        assert cost == pytest.approx(descend(problem, theta0, rate, 200).costs.min(), rel=1e-9)
    grid = np.unique(np.clip(np.geomspace(2 / start / 100, 2 / start * 20, 30), 1e-6, 10.0))
    statuses = [descend(problem, theta0, float(rate), 200).status for rate in grid]
    diverged = statuses.count("diverged")
    names = [trace["name"] for trace in spec["data"]]
    assert (f"diverged ({diverged} of {grid.size} rates)" in names) == (diverged > 0)
    assert rates.size == grid.size - diverged
    above = [status for rate, status in zip(grid, statuses, strict=True) if rate > 2 / start]
    note = next(m.value for m in at.markdown if "2/λ_max(θ₀)" in m.value)
    assert f"{len(above)} of these rates are above" in note
    assert f"here {sum(s != 'diverged' for s in above)} of them did not" in note
