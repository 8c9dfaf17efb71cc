"""Cost surfaces a class can explore in 'Your own cost', each with what it shows."""

from __future__ import annotations

from typing import NamedTuple


class PresetCost(NamedTuple):
    """A surface: its formula, θ's dimension, the view, what to notice, and a start and a rate
    that show it (the page loads them together when the preset is picked)."""

    text: str
    n_params: int
    bounds: tuple[tuple[float, float], ...]
    description: str
    start: tuple[float, ...]
    rate: float


PRESET_COSTS: dict[str, PresetCost] = {
    "two minima": PresetCost(
        "theta**4 - 3*theta**2 + theta",
        1,
        ((-2.2, 2.2),),
        "A deep minimum on the left and a shallower one on the right: where you start decides "
        "which one descent finds.",
        (2.0,),
        0.02,
    ),
    "narrow valley": PresetCost(
        "theta0**2 + 25*theta1**2",
        2,
        ((-3.0, 3.0), (-3.0, 3.0)),
        "Curvature 25 times larger across the valley than along it, so a rate safe for the "
        "steep direction crawls along the flat one.",
        (2.5, 1.0),
        0.035,
    ),
    "saddle": PresetCost(
        "theta0**2 - theta1**2",
        2,
        ((-2.0, 2.0), (-2.0, 2.0)),
        "Downhill in θ₁ for ever and uphill in θ₀: descent slides off the saddle point unless "
        "it starts exactly on the θ₁ = 0 line.",
        (1.5, 0.05),
        0.1,
    ),
    "Rosenbrock": PresetCost(
        "(1 - theta0)**2 + 100*(theta1 - theta0**2)**2",
        2,
        ((-2.0, 2.0), (-1.0, 3.0)),
        "A curved, flat-bottomed valley leading to the minimum at (1, 1): easy to fall into, "
        "slow to follow.",
        (-1.2, 1.0),
        0.001,
    ),
    "Himmelblau": PresetCost(
        "(theta0**2 + theta1 - 11)**2 + (theta0 + theta1**2 - 7)**2",
        2,
        ((-5.0, 5.0), (-5.0, 5.0)),
        "Four minima of equal depth, zero at each: the start decides which one descent reaches.",
        (0.0, 0.0),
        0.01,
    ),
    "plateau": PresetCost(
        "1 - exp(-(theta0**2 + theta1**2))",
        2,
        ((-3.0, 3.0), (-3.0, 3.0)),
        "A bowl in the middle of a nearly flat plain: far from the centre the gradient almost "
        "vanishes and descent barely moves.",
        (1.2, 1.0),
        0.5,
    ),
}
