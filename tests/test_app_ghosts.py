"""Ghosts and the four regimes on the page."""

from test_app import chart, open_page


def _ghost_names(at, prefix: str) -> list[str]:
    """The α each ghost names on hover; all of them share one legend entry."""
    ghosts = [t for t in chart(at, prefix)["data"] if t.get("legendgroup") == "ghosts"]
    assert sum(t.get("showlegend", True) for t in ghosts) == min(len(ghosts), 1)
    return [t["hovertemplate"].removesuffix("<extra></extra>") for t in ghosts]


def test_ghosts_keep_earlier_rates_until_cleared():
    at = open_page()
    assert _ghost_names(at, "Cost J(θ)") == []
    at.toggle(key="ghosts_on").set_value(True).run()
    for lr in (0.0001, 0.003):
        at.select_slider(key="lr").set_value(lr).run()
    assert not at.exception
    assert _ghost_names(at, "Cost J(θ)") == ["earlier α = 0.001", "earlier α = 0.0001"]
    assert _ghost_names(at, "Cost history") == ["earlier α = 0.001", "earlier α = 0.0001"]
    at.button(key="clear_ghosts").click().run()
    assert _ghost_names(at, "Cost J(θ)") == []
    at.select_slider(key="lr").set_value(0.0001).run()
    assert _ghost_names(at, "Cost J(θ)") == ["earlier α = 0.003"]


def test_other_data_or_model_start_afresh_and_switching_off_forgets():
    at = open_page()
    at.toggle(key="ghosts_on").set_value(True).run()
    at.select_slider(key="lr").set_value(0.0001).run()
    at.radio(key="params").set_value(2).run()
    assert _ghost_names(at, "Cost contours") == []  # another model: old runs would mislead
    at.select_slider(key="lr").set_value(0.001).run()
    assert _ghost_names(at, "Cost contours") == ["earlier α = 0.0001"]
    at.toggle(key="ghosts_on").set_value(False).run()
    at.toggle(key="ghosts_on").set_value(True).run()
    assert _ghost_names(at, "Cost contours") == []


def test_the_regimes_section_shows_all_four_regimes_in_one_click():
    at = open_page(section="regimes")
    figure = chart(at, "Four rates from the same start")
    names = [t["name"] for t in figure["data"]]
    for regime in ("too slow", "smooth", "oscillat", "diverg"):
        assert any(regime in name.lower() for name in names), (regime, names)
