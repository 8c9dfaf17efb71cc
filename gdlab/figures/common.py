"""What every figure shares: the colour-blind-safe palette, projector-sized fonts, log ticks
written 10⁻³, and the small builders of traces and labels.

Figures are written as plain dicts and wrapped without plotly's per-property validation, which
costs about 10 ms a figure, a fifth of the page's rerun budget; the tests validate every figure
by building it again with validation on.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

BLACK, ORANGE, SKY, GREEN, BLUE, VERMILLION, PURPLE = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7",
)  # fmt: skip


PALETTE = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, BLACK)


FONT_SIZE = 16


MAX_HISTORY_POINTS = 1_000


CURVE_POINTS = 300


CONTOUR_POINTS = 60


def thin_indices(count: int, max_points: int = MAX_HISTORY_POINTS, keep: tuple[int, ...] = ()):
    """At most about max_points indices of range(count), spread evenly, always with 0, the last
    index and any in `keep` (the current step must stay exactly where it is)."""
    if count <= max_points:
        return np.arange(count)
    spread = np.linspace(0, count - 1, max_points).round().astype(int)
    extra = [k for k in keep if 0 <= k < count]
    return np.unique(np.concatenate([spread, extra]).astype(int))


def _figure(
    traces: list[dict],
    title: str,
    x_title: str,
    y_title: str,
    *,
    annotations: tuple[dict, ...] = (),
    shapes: tuple[dict, ...] = (),
    xaxis: dict | None = None,
    yaxis: dict | None = None,
    layout: dict | None = None,
) -> go.Figure:
    """The house style around `traces`; `layout` is merged in last, key by key (what
    Figure.update_layout does, without its validation: a tenth of a rerun for small multiples)."""
    base = {
        "title": {"text": title, "x": 0.0, "xanchor": "left", "font": {"size": FONT_SIZE + 2}},
        "font": {"size": FONT_SIZE},
        "margin": {"l": 70, "r": 20, "t": 60, "b": 60},
        # Explicit sizes: Streamlit's chart theme would otherwise shrink ticks and legend. The
        # legend sits at the figure's foot and pushes the plot up, so a legend that wraps onto
        # more rows never climbs onto the x-axis title.
        "legend": {
            "orientation": "h",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "x": 0.0,
            "font": {"size": FONT_SIZE - 1},
        },
        "height": 440,
        "xaxis": _axis(x_title, xaxis),
        "yaxis": _axis(y_title, yaxis),
        "annotations": list(annotations),
        "shapes": list(shapes),
    }
    return go.Figure({"data": traces, "layout": merged(base, layout or {})}, _validate=False)


def merged(base: dict, extra: dict) -> dict:
    """base with extra's values, nested dictionaries merged rather than replaced."""
    out = dict(base)
    for key, value in extra.items():
        both = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = merged(out[key], value) if both else value
    return out


def _axis(title: str, extra: dict | None) -> dict:
    # automargin: the margins grow to fit the tick labels and title, whatever template is in
    # force (Streamlit's, plotly's or a notebook's own), so neither is drawn over the legend.
    axis = {"title": {"text": title, "font": {"size": FONT_SIZE}}, "automargin": True,
            "tickfont": {"size": FONT_SIZE - 1}, **(extra or {})}  # fmt: skip
    if axis.get("type") == "log":
        axis.setdefault("exponentformat", "power")  # 10⁻³, not the SI prefix "1m"
    return axis


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def log_ticks(low: float, high: float, mantissas: tuple[int, ...] = (1, 2, 5)) -> dict:
    """Tick values and labels for a log axis over [low, high]: m·10ᵉ for each mantissa m.

    Over a decade or two plotly labels the ticks between powers of ten by their first digit
    alone ("2", "5", and "4" for 400), which reads as nonsense on a projector; these are written
    in full (0.2, 500, 2×10⁻⁵). Empty (plotly's own ticks) for a range that is not positive and
    finite, or wider than four decades.
    """
    if not (np.isfinite(low) and np.isfinite(high) and 0 < low <= high <= 1e4 * low):
        return {}
    exponents = range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
    ticks = [m * 10.0**e for e in exponents for m in mantissas if low <= m * 10.0**e <= high]
    if len(ticks) < 2 and mantissas != (1, 2, 5):
        return log_ticks(low, high)
    if not ticks:
        return {}
    return {"tickvals": ticks, "ticktext": [_tick_text(tick) for tick in ticks]}


def _tick_text(value: float) -> str:
    if 1e-3 <= value < 1e6:
        return f"{value:,.6g}"
    exponent = int(np.floor(np.log10(value) + 1e-9))
    mantissa = round(value / 10.0**exponent)
    power = "10" + str(exponent).translate(_SUPERSCRIPTS)
    return power if mantissa == 1 else f"{mantissa}×{power}"


def _scatter(x, y, name: str, **style) -> dict:
    return {
        "type": "scatter",
        "x": np.asarray(x, dtype=float),
        "y": np.asarray(y, dtype=float),
        "name": name,
        **style,
    }


def star_point(x: float, y: float, name: str) -> dict:
    """A point marked on a map (contours or a region) as a white star outlined in black, which
    reads on every colour of the map beneath it."""
    marker = {"color": "white", "size": 18, "symbol": "star", "line": {"color": BLACK, "width": 2}}
    return _scatter([x], [y], name, mode="markers", marker=marker)


def diamond_marker() -> dict:
    """The marker of the point that matters now (θₖ, your (α, μ), where a run stops): an
    orange diamond outlined in black, which reads on a map's colours and on white."""
    return {
        "color": ORANGE,
        "size": 16,
        "symbol": "diamond",
        "line": {"color": BLACK, "width": 1.5},
    }


def _arrow(start, end, color: str = BLACK) -> dict:
    return {
        "x": float(end[0]),
        "y": float(end[1]),
        "ax": float(start[0]),
        "ay": float(start[1]),
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "showarrow": True,
        "arrowhead": 3,
        "arrowsize": 1.6,
        "arrowwidth": 2.5,
        "arrowcolor": color,
        "text": "",
    }


def _label(x, y, text: str, color: str = BLACK, yshift: int = 0, **extra) -> dict:
    return {
        "x": float(x),
        "y": float(y),
        "text": text,
        "showarrow": False,
        "yshift": yshift,
        "font": {"color": color},
        "bgcolor": "rgba(255,255,255,0.75)",
        **extra,
    }
