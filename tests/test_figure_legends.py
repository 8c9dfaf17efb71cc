"""The figures keep their labels apart by themselves, at every size the page draws them.

Each figure is drawn by plotly.js alone in headless Chromium, with no template, at the widths
a chart takes in one or two columns on a projector and a laptop, and checked with the same
label measurements as the page's screen tests. Without margins that grow to fit the tick
labels (plotly's own template sets them, Streamlit's does not), the ticks land on the legend;
a y-axis range that starts exactly at 0 puts its "0" on the x-axis "0".
"""

from __future__ import annotations

import json
from pathlib import Path

import plotly
import plotly.graph_objects as go
import pytest
import screens  # tests/screens.py

from gdlab.curvature import sharpness_along
from gdlab.figures.descent_line import descent_line_figure
from gdlab.figures.model_fit import model_fit_figure
from gdlab.figures.sharpness import sharpness_figure
from gdlab.running.descent import descend
from gdlab.teaching.curved_models import initial_theta, model_choice

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
pytestmark = pytest.mark.browser

# From a little under the narrowest column the page gives a chart (two columns at 1280×800,
# about 446 px) to one column at 1024×768 (about 654 px).
WIDTHS = (420, 500, 580, 660)
# The page's two chart heights: presentation mode's and the figures' own.
HEIGHTS = (380, 440)


def _figures() -> dict:
    choice = model_choice("network_pressure")
    problem = choice.build(6, "tanh")
    trace = descend(problem, initial_theta(problem, 0), 0.2, 300)
    record = sharpness_along(problem, trace, every=5)
    return {
        "sharpness": sharpness_figure(record, 0.2, 300),
        "descent line": descent_line_figure(problem, trace, 300),
        "model fit": model_fit_figure(problem, trace, 300, ("temperature (°C)",), "pressure"),
    }


FIGURES = _figures()


@pytest.fixture(scope="module")
def blank(chromium):
    page = chromium.new_page(viewport={"width": 1024, "height": 900})
    page.set_content("<div data-testid='stPlotlyChart'><div id='chart'></div></div>")
    page.add_script_tag(path=str(PLOTLY_JS))
    yield page
    page.close()


@pytest.mark.parametrize("height", HEIGHTS)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(FIGURES))
def test_no_label_lands_on_another_at_any_size(blank, name: str, width: int, height: int) -> None:
    figure = go.Figure(FIGURES[name]).update_layout(template="none", height=height)  # a copy
    blank.evaluate(
        """([figure, width]) => {
            const chart = document.getElementById('chart');
            chart.style.width = width + 'px';
            Plotly.purge(chart);
            return Plotly.newPlot(chart, figure.data, figure.layout, {staticPlot: true});
        }""",
        # No template: what keeps the labels apart must be in the figure itself, whichever
        # template draws it (importing streamlit makes its own the default).
        [json.loads(plotly.io.to_json(figure)), width],
    )
    problems = screens.chart_text_problems(blank)
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
