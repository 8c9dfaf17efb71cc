"""The experiment sections, presets and shareable links, driven through AppTest."""

from __future__ import annotations

import numpy as np
import pytest
from test_app import assert_clean, chart, charts, decode, open_page, series, verdict
from test_plain import read_back

import gdlab
from gdlab.running.sweep import range_test, sweep
from gdlab.teaching.presets import PRESETS

KIND_BOX = {"smooth": "success", "oscillating": "info", "slow": "warning", "diverging": "error"}


def cars(params=1, scaling="none"):
    data = gdlab.load_dataset("cars")
    return gdlab.LinearRegression(data.x, data.y, intercept=params == 2, scaling=scaling)


@pytest.mark.parametrize("params", [1, 2])
@pytest.mark.parametrize("section", ["compare", "sweep", "range", "regimes"])
def test_every_section_opens_cleanly(section, params):
    at = open_page()
    at.radio(key="params").set_value(params).run()
    at.segmented_control(key="section").set_value(section).run()
    assert_clean(at)
    assert len(charts(at)) >= 2


def test_sweep_chart_is_the_core_sweep():
    at = open_page(section="sweep")
    assert_clean(at)
    problem = cars()
    crit = gdlab.critical_lr(problem)
    expected = sweep(problem, [0.0], np.geomspace(1e-3 * crit, 1.5 * crit, 100), 1000)
    spec = chart(at, "Sweep: 100 rates")
    final = series(spec, "final J − J*")
    np.testing.assert_allclose(decode(final["x"]), expected.lrs)
    excess = np.maximum(expected.final_costs - problem.min_cost, expected.final_costs[0] * 1e-16)
    np.testing.assert_allclose(decode(final["y"]), excess)
    reached = series(spec, "steps to")
    np.testing.assert_array_equal(
        decode(reached["y"]), expected.steps_to_reach[expected.steps_to_reach >= 0]
    )


def test_range_test_compares_its_suggestions_with_the_exact_rates():
    at = open_page(section="range")
    assert_clean(at)
    problem = cars()
    expected = range_test(problem, [0.0], 1e-7, 10.0, 100)
    table = at.dataframe[0].value
    assert table["α"].iloc[0] == f"{expected.steepest_lr:.4g}"
    assert table["α"].iloc[3] == f"{gdlab.critical_lr(problem):.4g}"


def test_compare_typed_rates_and_a_bad_list():
    at = open_page(section="compare")
    at.text_input(key="compare_rates").set_value("0.001, 0.003, 0.0039").run()
    assert_clean(at)
    names = [s["name"] for s in chart(at, "Cost histories")["data"]]
    assert names == ["α = 0.001: smooth", "α = 0.003: oscillating", "α = 0.0039: diverging"]
    at.text_input(key="compare_rates").set_value("0.001, fast").run()
    assert not at.exception
    assert any("Could not read the rates" in e.value for e in at.error)
    assert len(chart(at, "Cost histories")["data"]) == 5  # the multiples of α_crit


def test_compare_multiples_button():
    at = open_page(section="compare")
    at.button(key="compare_multiples").click().run()
    crit = gdlab.critical_lr(cars())
    assert at.text_input(key="compare_rates").value == ", ".join(
        f"{m * crit:.4g}" for m in (0.02, 0.25, 0.5, 0.85, 1.05)
    )
    assert_clean(at)


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.key)
def test_each_preset_button_shows_its_behaviour(preset):
    at = open_page()
    at.button(key=f"preset_{preset.key}").click().run()
    assert_clean(at)
    boxes = {k: [b.value for b in getattr(at.main, k)] for k in KIND_BOX.values()}
    assert f"**Preset: {preset.title}.** {preset.notice}" in boxes["info"]
    box = KIND_BOX[preset.expected]
    assert any(not b.startswith("**Preset") for b in boxes[box]), boxes


# -- shareable links -------------------------------------------------------------------------


def test_a_link_reproduces_the_page():
    at = open_page(
        dataset="women",
        params="2",
        scaling="standardize",
        lr="0.3",
        steps="80",
        theta0="10,-5",
        k="3",
        section="step",
    )
    assert_clean(at)
    data = gdlab.load_dataset("women")
    problem = gdlab.LinearRegression(data.x, data.y, scaling="standardize")
    trace = gdlab.descend(problem, [10.0, -5.0], 0.3, 80)
    path = series(chart(at, "Cost contours and the path to step 3"), "path so far")
    np.testing.assert_allclose(decode(path["x"]), trace.thetas[:4, 0])
    assert at.select_slider(key="lr").value == 0.3


def test_the_page_writes_its_state_into_the_url():
    at = open_page()
    at.select_slider(key="lr").set_value(0.003).run()
    at.radio(key="params").set_value(2).run()
    assert at.query_params["lr"] == ["0.003"] or at.query_params["lr"] == "0.003"
    query = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert query["params"] == "2"
    again = open_page(**query)
    assert verdict(again) == verdict(at)


def test_bad_link_values_fall_back_with_a_visible_notice():
    at = open_page(lr="banana", steps="-4", dataset="iris", theta0="1e9", zzz="1")
    assert_clean(at)
    notice = read_back(" ".join(w.value for w in at.main.warning))  # shown as plain text
    for fragment in (
        "lr='banana'",
        "steps='-4'",
        "dataset='iris'",
        "outside this chart's range",
        "unknown link parameter 'zzz'",
    ):
        assert fragment in notice, notice
    assert "converges smoothly" in " ".join(b.value for b in at.main.success)


def test_a_preset_link_applies_the_preset():
    at = open_page(preset="diverging")
    assert_clean(at)
    assert any("Preset: Diverging" in b.value for b in at.main.info)
    assert any("diverg" in b.value for b in at.main.error)


# -- optimizers, schedules, mini-batches, derivative lab ----------------------------------------


@pytest.mark.parametrize("params", [1, 2])
def test_the_optimizer_race_matches_the_core(params):
    from gdlab.running.optimizers import OPTIMIZERS

    at = open_page(section="optimizers")
    at.radio(key="params").set_value(params).run()
    everyone = list(OPTIMIZERS)
    at.multiselect(key="race_optimizers").set_value(everyone).run()
    assert_clean(at)
    history = chart(at, "Cost histories, and the rate")
    names = [s["name"] for s in history["data"] if not s["name"].startswith("αₖ")]
    assert len(names) == len(everyone)
    problem = cars(params)
    adam_lr = at.number_input(key="race_lr_adam").value
    expected = gdlab.descend(problem, [0.0] * params, adam_lr, 50, optimizer=OPTIMIZERS["adam"]())
    paths = chart(at, "The race up to step 0")
    adam = next(s for s in paths["data"] if s.get("name", "").startswith("Adam"))
    assert decode(adam["x"])[0] == expected.thetas[0, 0]
    adam_line = next(s for s in history["data"] if s["name"].startswith("Adam"))
    assert decode(adam_line["x"]).size == expected.costs.size


@pytest.mark.parametrize(
    "kind", ["constant", "step", "exponential", "inverse_time", "cosine", "warmup"]
)
def test_every_schedule_runs_and_is_plotted(kind):
    at = open_page(section="optimizers")
    at.selectbox(key="race_schedule").set_value(kind).run()
    assert_clean(at)
    rates = [
        s for s in chart(at, "Cost histories, and the rate")["data"] if s["name"].startswith("αₖ")
    ]
    values = decode(rates[0]["y"])
    assert (np.ptp(values) == 0) == (kind == "constant")


def test_mini_batches_are_reproducible_on_the_page():
    at = open_page(section="optimizers")
    at.slider(key="race_batch").set_value(5).run()
    assert_clean(at)
    first = decode(series(chart(at, "Cost histories"), "Gradient descent")["y"])
    at.number_input(key="race_seed").set_value(1).run()
    other = decode(series(chart(at, "Cost histories"), "Gradient descent")["y"])
    at.number_input(key="race_seed").set_value(0).run()
    again = decode(series(chart(at, "Cost histories"), "Gradient descent")["y"])
    assert np.array_equal(first, again) and not np.array_equal(first, other)


def test_momentum_theory_is_shown_with_the_momentum_optimizer():
    at = open_page(section="optimizers")
    assert_clean(at)
    assert chart(at, "Momentum: where (α, μ) converges")
    assert any("The best pair is" in m.value for m in at.markdown)


def test_derivative_lab_shows_the_v():
    at = open_page(section="derivatives")
    assert_clean(at)
    spec = chart(at, "Error of the numerical derivative")
    central = decode(series(spec, "central")["y"])
    assert central.min() < 1e-6 * np.abs(gdlab.descend(cars(), 0.0, 0.001, 50).grads[0, 0])
    forward = decode(series(spec, "forward")["y"])
    # Forward differences: a V (round-off on the left, truncation ∝ h on the right). The cost is
    # a parabola in θ, so central differences have no truncation error: only the left arm.
    assert forward[0] > forward.min() * 100 and forward[-1] > forward.min() * 100
    assert central[0] > central.min() * 100 and central[-1] < forward[-1] * 1e-6
    assert any("parabola" in m.value for m in at.markdown)


# -- your own cost -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["two minima", "narrow valley", "saddle", "Rosenbrock", "Himmelblau", "plateau"]
)
def test_every_classic_surface_runs_on_the_page(name):
    from gdlab.models.typed import CustomCost
    from gdlab.teaching.cost_presets import PRESET_COSTS

    at = open_page(section="custom")
    at.selectbox(key="custom_preset").set_value(name).run()
    assert_clean(at)
    preset = PRESET_COSTS[name]
    cost = CustomCost.from_text(preset.text, preset.n_params, bounds=preset.bounds)
    theta0 = [at.number_input(key=f"custom_theta0_{j}").value for j in range(preset.n_params)]
    lr = at.number_input(key="custom_lr").value
    trace = gdlab.descend(cost, theta0, lr, 200)
    history = series(chart(at, "Cost history"), "cost J")
    np.testing.assert_allclose(decode(history["y"]), trace.costs[: decode(history["y"]).size])
    latex = " ".join(e.value for e in at.latex)
    assert r"\frac{\partial J}" in latex


@pytest.mark.parametrize("name", ["Rosenbrock", "saddle"])
def test_a_link_to_a_classic_surface_opens_that_surface(name):
    from gdlab.teaching.cost_presets import PRESET_COSTS

    at = open_page(section="custom", formula_preset=name)
    assert_clean(at)
    preset = PRESET_COSTS[name]
    assert at.text_input(key="custom_text").value == preset.text
    assert at.radio(key="custom_params").value == preset.n_params
    starts = [at.number_input(key=f"custom_theta0_{j}").value for j in range(preset.n_params)]
    assert tuple(starts) == tuple(preset.start)
    assert at.number_input(key="custom_lr").value == preset.rate
    # What the link gives besides the name wins over the surface's own values.
    at = open_page(section="custom", formula_preset=name, formula_lr="0.0001")
    assert at.number_input(key="custom_lr").value == 0.0001
    assert at.text_input(key="custom_text").value == preset.text


def test_the_own_cost_history_is_on_a_log_axis_when_the_cost_stays_positive():
    at = open_page(section="custom", formula_preset="Rosenbrock")
    spec = chart(at, "Cost history")
    costs = decode(series(spec, "cost J")["y"])
    assert costs.min() > 0 and costs.max() / costs.min() > 5  # the slow crawl along the valley
    assert spec["layout"]["yaxis"]["type"] == "log"
    at = open_page(section="custom", formula_preset="two minima")
    spec = chart(at, "Cost history")
    assert decode(series(spec, "cost J")["y"]).min() < 0
    assert spec["layout"]["yaxis"].get("type", "linear") == "linear"


def test_a_hostile_formula_is_refused_and_pointed_at():
    at = open_page(section="custom")
    at.text_input(key="custom_text").set_value("__import__('os').system('ls')").run()
    assert_clean(at)
    assert any("cannot be used" in e.value and "position 11" in e.value for e in at.main.error)
    assert at.code[0].value.endswith("^")
    at.text_input(key="custom_text").set_value("theta**2").run()  # and the page recovers
    assert_clean(at)
    boxes = [b.value for b in [*at.main.success, *at.main.info]]
    assert any(b.startswith("**Gradient descent with α = 0.02") for b in boxes), boxes


def test_a_typed_cost_shows_its_exact_derivative_and_the_check():
    at = open_page(section="custom")
    at.selectbox(key="custom_preset").set_value("your own").run()
    at.text_input(key="custom_text").set_value("sin(theta) + theta**2").run()
    assert_clean(at)
    latex = [e.value for e in at.latex]
    assert any(r"\cos" in value for value in latex)
    assert any("relative difference" in c.value for c in at.caption)


def test_a_diverging_typed_cost_is_a_divergence_not_a_crash():
    at = open_page(section="custom")
    at.number_input(key="custom_lr").set_value(100.0).run()
    assert_clean(at)
    assert any("diverged at step" in e.value for e in at.main.error)


def test_a_link_to_synthetic_data_reproduces_it():
    at = open_page(source="synthetic", n="120", slope="-1.5", noise="0", seed="7")
    assert_clean(at)
    data = series(chart(at, "Data and the model"), "data")
    expected = gdlab.make_linear(n=120, slope=-1.5, intercept=1.0, noise=0.0, seed=7)
    np.testing.assert_allclose(decode(data["y"]), expected.y)
    assert not any("This link had" in w.value for w in at.main.warning)  # all understood


def test_a_link_reproduces_a_race_and_a_typed_cost():
    at = open_page(
        section="optimizers",
        race="adam,nesterov",
        race_lr_adam="0.05",
        schedule="cosine",
        race_mu="0.5",
    )
    assert_clean(at)
    assert at.multiselect(key="race_optimizers").value == ["adam", "nesterov"]
    assert at.number_input(key="race_lr_adam").value == 0.05
    assert at.selectbox(key="race_schedule").value == "cosine"
    at = open_page(
        section="custom", formula="sin(theta) + theta**2", formula_theta0="1.5", formula_lr="0.1"
    )
    assert_clean(at)
    assert at.text_input(key="custom_text").value == "sin(theta) + theta**2"
    assert at.selectbox(key="custom_preset").value == "your own"
    assert at.number_input(key="custom_theta0_0").value == 1.5
    query = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert query["formula"] == "sin(theta) + theta**2" and query["formula_lr"] == "0.1"


def test_a_sweep_link_round_trips():
    at = open_page(section="sweep", sweep_count="40", sweep_high="1.2")
    assert_clean(at)
    assert chart(at, "Sweep: 40 rates")
    query = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert query["sweep_count"] == "40" and query["sweep_high"] == "1.2"


@pytest.mark.parametrize(
    ("formula", "params", "good"),
    [
        ("sqrt(theta-5)", 1, "theta**2"),
        ("log(theta-4)", 1, "theta**2"),
        ("log(-theta**2-1)", 1, "theta**2"),
        ("1/(theta-theta)", 1, "theta**2"),
        ("sqrt(-1-theta0**2-theta1**2)", 2, "theta0**2 + theta1**2"),
    ],
)
def test_a_cost_undefined_over_the_whole_view_says_so_and_the_page_recovers(formula, params, good):
    at = open_page(section="custom")
    at.selectbox(key="custom_preset").set_value("your own").run()
    at.radio(key="custom_params").set_value(params).run()
    at.text_input(key="custom_text").set_value(formula).run()
    assert_clean(at)
    [error] = [e.value for e in at.main.error]
    assert "is undefined at the start" in error and "over the whole view" in error, error
    assert not any("converged" in b.value for b in [*at.main.success, *at.main.info])
    assert not charts(at).get("Cost history")  # nothing was run
    assert at.segmented_control(key="section").value == "custom"  # the rest of the page is there
    at.text_input(key="custom_text").set_value(good).run()
    assert_clean(at)
    assert not at.main.error
    boxes = [b.value for b in [*at.main.success, *at.main.info]]
    assert any(b.startswith("**Gradient descent with α = 0.02") for b in boxes), boxes
    assert chart(at, "Cost history")


@pytest.mark.parametrize(
    ("formula", "start", "what"),
    [
        ("log(theta) + 1/theta", -1.0, "J"),
        ("theta**2 + sqrt(abs(theta))", 0.0, "The gradient of J"),
    ],
)
def test_a_start_outside_the_domain_asks_for_another_start(formula, start, what):
    at = open_page(section="custom", formula=formula, formula_theta0=str(start))
    assert_clean(at)
    [error] = [e.value for e in at.main.error]
    shown = f"{start:g}".replace("-", "−")  # the page writes a true minus sign
    assert f"**{what} is undefined at the start θ = {shown}**" in error
    assert "choose a start where J and its slope are numbers" in error
    at.number_input(key="custom_theta0_0").set_value(1.0).run()
    assert_clean(at)
    assert not at.main.error and chart(at, "Cost history")


@pytest.mark.parametrize(
    ("formula", "params", "start"),
    [
        ("theta + 0*sqrt(-(theta-2)**2)", 1, "2"),
        ("theta0 + 0*sqrt(-(theta0-2)**2 - (theta1-1)**2)", 2, "2,1"),
    ],
)
def test_a_cost_defined_only_at_the_start_still_draws(formula, params, start):
    at = open_page(
        section="custom", formula=formula, formula_params=str(params), formula_theta0=start
    )
    assert not at.exception, at.exception
    assert any("diverged at step 1" in e.value for e in at.main.error)
    assert chart(at, "Cost history") and len(charts(at)) == 2


def test_a_two_parameter_formula_typed_over_a_one_parameter_preset_runs():
    at = open_page(section="custom")  # the "two minima" preset, one parameter, is chosen
    at.radio(key="custom_params").set_value(2).run()
    at.text_input(key="custom_text").set_value("theta0**2 + theta1**2").run()
    assert_clean(at)
    assert not at.main.error, [e.value for e in at.main.error]
    assert chart(at, "The race up to step 0")
