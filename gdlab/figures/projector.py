"""A figure made for the back of a classroom: every text larger, the chart a given height.

Presentation mode shows the page's own figures, built by the same functions, with their type
scaled up so that nothing on the chart is smaller than MIN_FONT_PX (the smallest type a back row
reads on a projector), and with a height chosen so that the charts that matter share one
1024×768 screen with the controls and the verdict.
"""

from __future__ import annotations

import plotly.graph_objects as go

from gdlab.figures.common import FONT_SIZE

SCALE = 1.25  # the page's 16 px charts become 20 px; its 15 px ticks and legends 19 px
MIN_FONT_PX = 18
# Streamlit's chart theme greys axis text (#808495, 3.8:1 on white), which a projector washes
# out further: on a projector it is the page's near-black text colour instead (15:1).
INK = "#262730"


def _scaled(size: float, scale: float) -> int:
    return max(round(size * scale), MIN_FONT_PX)


def _scale_fonts(node: object, scale: float) -> None:
    """Scale every explicit font size found under node (titles, ticks, legends, labels)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict) and "size" in value:
                value["size"] = _scaled(value["size"], scale)
            _scale_fonts(value, scale)
    elif isinstance(node, list):
        for item in node:
            _scale_fonts(item, scale)


def _brief(name: str) -> str:
    """A legend entry without a detail in brackets at its end: "tangent at θₖ (slope −1539)"
    becomes "tangent at θₖ"."""
    if name.endswith(")") and " (" in name:
        return name[: name.rindex(" (")]
    return name


def _inked(axis: dict) -> dict:
    """An axis (or colour bar) whose title and tick labels are INK unless a colour is set."""
    title = axis.get("title", {})
    title = {**title, "font": {"color": INK, **title.get("font", {})}}
    return {**axis, "title": title, "tickfont": {"color": INK, **axis.get("tickfont", {})}}


def projected(
    figure: go.Figure, height: int, scale: float = SCALE, brief_legend: bool = False
) -> go.Figure:
    """A copy of figure with every font scaled by `scale` (none under MIN_FONT_PX) and the
    given height. Axes grow their margins to fit the larger tick labels; the data are not
    touched. brief_legend drops the bracketed details at the end of legend entries, for a
    figure that writes them on the chart already: plotly lines a wrapping legend up in columns
    as wide as its longest entry, so one long entry makes a one-column legend taller than the
    plot."""
    layout = figure.layout.to_plotly_json()
    layout.setdefault("font", {}).setdefault("size", FONT_SIZE)  # what unsized labels inherit
    _scale_fonts(layout, scale)
    layout["height"] = height
    for name in [key for key in layout if key.startswith(("xaxis", "yaxis"))]:
        layout[name] = _inked({**layout[name], "automargin": True})
    if "legend" in layout:  # at the figure's foot, below the x-axis title whatever the height
        layout["legend"] |= {"yref": "container", "y": 0, "yanchor": "bottom"}
    traces = [trace.to_plotly_json() for trace in figure.data]
    traces = [{**t, "colorbar": _inked(t["colorbar"])} if "colorbar" in t else t for t in traces]
    if brief_legend:
        traces = [{**trace, "name": _brief(trace.get("name", ""))} for trace in traces]
    return go.Figure({"data": traces, "layout": layout}, _validate=False)
