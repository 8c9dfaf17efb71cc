"""The derivation's mistakes section and the animation download, driven through AppTest."""

from __future__ import annotations

import pytest
from test_app import assert_clean, chart, charts, open_page, screen_text

import gdlab
from gdlab.number_format import number_text

TITLES = {
    "Where α sits",
    "Where each rule ended, on the data",
    "Cost history with α and without",
}


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"params": "2"},
        {"params": "2", "cost": "half_mse"},
        {"scaling": "standardize", "lr": "0.3"},
        {"params": "2", "scaling": "minmax", "lr": "2"},
        {"lr": "0.0039", "steps": "300"},  # the correct run diverges too
        {"dataset": "penguins", "params": "2", "theta0": "100,5"},
    ],
)
def test_the_section_shows_both_mistakes_run_beside_the_correct_update(query):
    at = open_page(section="mistakes", **query)
    assert_clean(at)
    titles = set(charts(at))
    parameter_chart = "θ at each step" if query.get("params") != "2" else "Paths with x"
    assert any(title.startswith(parameter_chart) for title in titles), titles
    for prefix in TITLES:
        assert any(title.startswith(prefix) for title in titles), (prefix, titles)
    assert len(titles) == 4, titles
    text = screen_text(at)
    assert "The derivation writes" in text and "The chain rule gives" in text
    assert "λ_max < 2" in text and "gradient check" in text.lower()


def test_choosing_the_section_puts_it_in_the_link():
    at = open_page()
    at.segmented_control(key="section").set_value("mistakes").run()
    assert_clean(at)
    assert at.query_params["section"] in ("mistakes", ["mistakes"])
    assert any(title.startswith("Cost history with α and without") for title in charts(at))


def test_the_fixed_point_and_the_units_are_the_cars_data_own():
    at = open_page(section="mistakes")
    cars = gdlab.load_dataset("cars")
    text = screen_text(at)
    assert f"**{number_text(cars.y.mean() / cars.x.mean())}**" in text  # ȳ/x̄ = 2.791
    assert f"**{number_text((cars.x * cars.y).sum() / (cars.x**2).sum())}**" in text  # 2.909
    assert "in units of 100 mph it does" in text
    history = chart(at, "Cost history with α and without")
    names = [trace["name"] for trace in history["data"]]
    assert any(name.startswith("without α (α = 1), x in mph (diverged at step") for name in names)


def test_with_an_intercept_and_mse_no_unit_helps():
    at = open_page(section="mistakes", params="2")
    assert "α = 1 never converges, however x is measured" in screen_text(at)
    paths = chart(at, "Paths with x and without, over the cost")
    assert any(trace.get("name") == "fixed points without x" for trace in paths["data"])


def test_step_by_step_offers_the_run_as_an_html_animation():
    at = open_page()
    label = "Download this run as an HTML animation"
    buttons = [b for b in at.get("download_button") if b.proto.label == label]
    assert len(buttons) == 1
    # Deferred: the 5 MB file is built when the button is pressed, never on a rerun.
    assert buttons[0].proto.deferred_file_id and not buttons[0].proto.url
    at = open_page(section="mistakes")
    assert not [b for b in at.get("download_button") if "animation" in b.proto.label]
