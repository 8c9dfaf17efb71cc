"""Figures for the projector: larger type everywhere, the same data, a valid figure."""

import numpy as np
import plotly.graph_objects as go
import pytest

from gdlab import LinearRegression, descend, figures, load_dataset
from gdlab.figures.projector import MIN_FONT_PX, SCALE, projected


def first_screen_figures():
    """The charts presentation mode puts on its first screen, converging and diverging, with one
    and two parameters."""
    cars = load_dataset("cars")
    one = LinearRegression(cars.x, cars.y, intercept=False)
    two = LinearRegression(cars.x, cars.y)
    built = []
    for problem, lr in ((one, 0.001), (one, 0.005), (two, 0.001), (two, 0.02)):
        trace = descend(problem, np.zeros(problem.n_params), lr, 50)
        view = figures.parameter_view(problem, trace)
        landscape = (
            figures.cost_curve_figure(problem, trace, 3, view)
            if problem.n_params == 1
            else figures.contour_figure(problem, trace, 3, view)
        )
        built += [landscape, figures.history_figure(trace, 3, problem.min_cost, log_scale=True)]
    return built


FIGURES = first_screen_figures()


def font_sizes(node, path=""):
    """(where, size) of every font size set anywhere in a plotly JSON tree, walked separately
    from the code under test."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}"
            if key == "size" and path.endswith("font"):
                found.append((here, value))
            else:
                found += font_sizes(value, here)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found += font_sizes(item, f"{path}[{i}]")
    return found


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f.layout.title.text)
def test_no_text_on_a_projected_chart_is_under_18_px(figure):
    shown = projected(figure, 380).to_plotly_json()
    sizes = font_sizes(shown["layout"])
    assert sizes and min(size for _, size in sizes) >= MIN_FONT_PX, sizes
    # Labels with no size of their own (the slope note, tick labels) inherit the base font.
    assert shown["layout"]["font"]["size"] >= MIN_FONT_PX
    for trace in shown["data"]:
        assert all(size >= MIN_FONT_PX for _, size in font_sizes(trace)), trace.get("name")


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f.layout.title.text)
def test_every_font_grows_by_the_scale_and_the_data_stay(figure):
    before = dict(font_sizes(figure.to_plotly_json()["layout"]))
    shown = projected(figure, 380)
    after = dict(font_sizes(shown.to_plotly_json()["layout"]))
    assert set(after) >= set(before)
    for where, size in before.items():
        assert after[where] == max(round(size * SCALE), MIN_FONT_PX), where
    assert shown.layout.height == 380
    assert figure.layout.height != 380  # the original is not changed
    assert len(shown.data) == len(figure.data)
    for old, new in zip(figure.data, shown.data, strict=True):
        assert old.name == new.name
        for axis in ("x", "y", "z"):
            if getattr(old, axis, None) is not None:
                np.testing.assert_array_equal(np.asarray(getattr(new, axis)), getattr(old, axis))
    go.Figure(shown.to_dict())  # validated: raises on any invalid property


def test_a_brief_legend_drops_only_a_bracketed_end():
    curve = FIGURES[0]
    before = [trace.name for trace in curve.data]
    after = [trace.name for trace in projected(curve, 380, brief_legend=True).data]
    assert "tangent at θₖ (slope −160.7)" in before and "cost J(θ)" in before  # at step 3
    assert after == ["tangent at θₖ" if name.startswith("tangent") else name for name in before]


def contrast(hex_colour: str) -> float:
    """WCAG contrast ratio of a colour against white."""
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f.layout.title.text)
def test_axis_text_is_dark_enough_for_a_projector(figure):
    shown = projected(figure, 380).to_plotly_json()
    axes = [v for k, v in shown["layout"].items() if k.startswith(("xaxis", "yaxis"))]
    axes += [trace["colorbar"] for trace in shown["data"] if "colorbar" in trace]
    for axis in axes:
        for font in (axis["tickfont"], axis["title"]["font"]):
            assert contrast(font["color"]) >= 7, axis  # WCAG AAA for text
    assert contrast("#808495") < 4.5  # Streamlit's theme grey, which this replaces
