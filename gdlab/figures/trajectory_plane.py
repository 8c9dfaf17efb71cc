"""The landscape around the path: J on the plane of the trajectory's two leading principal
directions, with the path drawn on it (Li, Xu, Taylor, Studer and Goldstein, "Visualizing the
Loss Landscape of Neural Nets", NeurIPS 2018, section 7).

A network has dozens of parameters, so no contour of J over θ can be drawn; but a run of
gradient descent mostly moves in very few directions. The plane goes through the run's last
point θ_K along the two right singular vectors of the matrix whose rows are θₖ − θ_K: those
directions hold the largest share of the path's spread (the "explained variance"). On it, the
path is drawn as its projection (exact where that share is 100%), and J is computed exactly at
every grid point θ_K + a·δ₁ + b·δ₂: the picture is a slice of the real cost, not a model of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from gdlab._validation import readonly
from gdlab.figures.common import (
    BLACK,
    VERMILLION,
    _figure,
    _scatter,
    diamond_marker,
    thin_indices,
)
from gdlab.running.descent import Trace

GRID_POINTS = 35  # a side of the grid: 1,225 exact costs, about 30 ms for the 16-unit network
MARGIN = 0.25  # beyond the path's extent on each axis, as a share of that extent


@dataclass(frozen=True)
class TrajectoryPlane:
    origin: np.ndarray  # (d,) θ_K, the run's last finite point
    directions: np.ndarray  # (2, d) orthonormal δ₁, δ₂
    explained: np.ndarray  # (2,) share of the path's spread along each, in [0, 1]
    path: np.ndarray  # (K + 1, 2) each θₖ's coordinates (a, b) on the plane
    a: np.ndarray  # (G,) grid coordinates along δ₁
    b: np.ndarray  # (G,) along δ₂
    costs: np.ndarray  # (G, G) J(origin + a·δ₁ + b·δ₂), rows along b

    @property
    def in_plane(self) -> float:
        """How much of the path's spread the plane holds, in [0, 1]."""
        return float(self.explained.sum())


def trajectory_plane(problem, trace: Trace, points: int = GRID_POINTS) -> TrajectoryPlane:
    """The plane of the run's two leading principal directions, and J over it."""
    thetas = np.asarray(trace.thetas, dtype=np.float64)
    if thetas.shape[1] < 2:
        raise ValueError("A plane needs at least two parameters; with one, draw J over θ.")
    finite = thetas[np.all(np.isfinite(thetas), axis=1)]
    origin = finite[-1]
    offsets = finite - origin
    if np.any(offsets):
        # At least two rows (θ_K itself is one) and two columns: vt has two directions or more.
        _, singular, vt = np.linalg.svd(offsets, full_matrices=False)
        spread = singular**2
        explained = np.zeros(2)
        explained[: min(2, spread.size)] = (spread / spread.sum())[:2]
        directions = vt[:2].copy()
    else:  # the run never moved: any plane, and nothing of a path to explain
        directions, explained = np.eye(origin.size)[:2], np.zeros(2)
    # A sign convention, so the same run always gives the same picture: the start at a > 0.
    path = offsets @ directions.T
    if path[0, 0] < 0:
        directions[0], path[:, 0] = -directions[0], -path[:, 0]
    if path[0, 1] < 0:
        directions[1], path[:, 1] = -directions[1], -path[:, 1]
    axes = [_axis(path[:, j], points) for j in range(2)]
    grid = origin + axes[0][None, :, None] * directions[0] + axes[1][:, None, None] * directions[1]
    with np.errstate(all="ignore"):
        costs = np.array([[float(problem.cost_value(theta)) for theta in row] for row in grid])
    return TrajectoryPlane(
        origin=readonly(origin),
        directions=readonly(directions),
        explained=readonly(explained),
        path=readonly(path),
        a=readonly(axes[0]),
        b=readonly(axes[1]),
        costs=readonly(costs),
    )


def _axis(values: np.ndarray, points: int) -> np.ndarray:
    """Grid coordinates over the path's extent on one axis and a margin (or ±1 if it has none)."""
    low, high = float(values.min()), float(values.max())
    span = high - low
    if span <= 1e-12 * max(abs(low), abs(high), 1.0):
        return np.linspace(low - 1.0, high + 1.0, points)
    return np.linspace(low - MARGIN * span, high + MARGIN * span, points)


def trajectory_plane_figure(plane: TrajectoryPlane, k: int) -> go.Figure:
    """Contours of J on the plane (log₁₀ J where J > 0 everywhere), the projected path up to
    step k, its start and step k marked."""
    k = min(max(int(k), 0), plane.path.shape[0] - 1)
    costs = plane.costs
    finite = np.isfinite(costs)
    positive = bool(finite.all() and np.all(costs > 0))
    z = np.log10(costs) if positive else np.where(finite, costs, np.nan)
    shares = [f"{100 * share:.0f}%" for share in plane.explained]
    path = plane.path[thin_indices(k + 1, keep=(k,))]  # at most a few hundred points drawn
    traces = [
        {
            "type": "contour",
            "x": plane.a,
            "y": plane.b,
            "z": z,
            "colorscale": "Viridis",
            "reversescale": True,
            "ncontours": 18,
            "name": "cost",
            "colorbar": {"title": {"text": "log₁₀ J" if positive else "J", "side": "right"}},
            "hovertemplate": "a=%{x:.3g}<br>b=%{y:.3g}<extra></extra>",
        },
        _scatter(
            path[:, 0],
            path[:, 1],
            "path so far (projected)",
            mode="lines+markers",
            line={"color": VERMILLION, "width": 2},
            marker={"size": 5, "color": VERMILLION},
        ),
        _scatter(
            [plane.path[0, 0]],
            [plane.path[0, 1]],
            "start θ₀",
            mode="markers",
            marker={
                "color": "white",
                "size": 12,
                "symbol": "circle",
                "line": {"color": BLACK, "width": 2},
            },
        ),
        _scatter(
            [path[-1, 0]],
            [path[-1, 1]],
            f"θₖ at step {k}",
            mode="markers",
            marker=diamond_marker(),
        ),
    ]
    return _figure(
        traces,
        f"The landscape around the path, to step {k}",
        f"a along δ₁ ({shares[0]} of the path's spread)",
        f"b along δ₂ ({shares[1]})",
        xaxis={"range": [float(plane.a[0]), float(plane.a[-1])]},
        yaxis={"range": [float(plane.b[0]), float(plane.b[-1])]},
    )
