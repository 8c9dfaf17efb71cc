"""Ghosts: earlier runs drawn faintly under the current one, so rates can be compared while α is
dragged (too small, just right and too big on the same curve). A ghost is a run reduced to what
the charts draw of it: its θ path and its costs, thinned like every history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gdlab._validation import readonly
from gdlab.figures.common import _scatter, thin_indices
from gdlab.running.descent import Trace

GHOST_COLOUR = "#7a7a7a"  # grey that still reads on white at the opacity below
GHOST_OPACITY = 0.55
_GHOST_POINTS = 400  # per ghost: enough for the shape, small for the page's figure JSON


@dataclass(frozen=True)
class Ghost:
    label: str
    steps: np.ndarray  # the step numbers kept, ascending
    thetas: np.ndarray  # (len(steps), d)
    costs: np.ndarray  # (len(steps),)


def ghost_of(trace: Trace, label: str) -> Ghost:
    index = thin_indices(trace.costs.size, _GHOST_POINTS)
    return Ghost(
        label,
        readonly(index.astype(np.int64)),
        readonly(np.array(trace.thetas[index], dtype=np.float64)),
        readonly(np.array(trace.costs[index], dtype=np.float64)),
    )


LEGEND_NAME = "earlier rates (faint)"


def _style(ghost: Ghost, j: int) -> dict:
    """One legend entry for all ghosts (five would crowd the legend onto the axis title); each
    ghost names its α on hover."""
    dashes = ("dot", "dash", "dashdot", "longdash", "longdashdot")
    return {
        "opacity": GHOST_OPACITY,
        "line": {"color": GHOST_COLOUR, "width": 2, "dash": dashes[j % len(dashes)]},
        "marker": {"color": GHOST_COLOUR, "size": 6},
        "legendgroup": "ghosts",
        "showlegend": j == 0,
        "hovertemplate": f"{ghost.label}<extra></extra>",
    }


def path_traces(ghosts: Sequence[Ghost], inside, one_parameter: bool) -> list[dict]:
    """Each ghost's path: (θ, J(θ)) on a cost curve, or (θ₀, θ₁) on a contour map, only the
    points `inside` the view (a diverging ghost leaves it, as its own run did)."""
    traces = []
    for j, ghost in enumerate(ghosts):
        keep = inside(ghost.thetas)
        x = ghost.thetas[keep, 0]
        y = ghost.costs[keep] if one_parameter else ghost.thetas[keep, 1]
        traces.append(_scatter(x, y, LEGEND_NAME, mode="lines+markers", **_style(ghost, j)))
    return traces


def history_traces(ghosts: Sequence[Ghost], shown_cost) -> list[dict]:
    """Each ghost's cost history, through the same transform as the current run's."""
    return [
        _scatter(g.steps, shown_cost(g.costs), LEGEND_NAME, mode="lines", **_style(g, j))
        for j, g in enumerate(ghosts)
    ]
