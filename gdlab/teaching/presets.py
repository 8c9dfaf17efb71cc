"""Classroom scenarios: every control set in one click, with what to notice.

A preset names its data and model, and its learning rate as a multiple of a rate the theory
gives for that problem (α_crit, 1/λ_max or α*), so it shows the same behaviour whatever the
units. `tests/test_presets.py` checks that each one really does what it says.
"""

from __future__ import annotations

from dataclasses import dataclass

from gdlab.theory import LearningRateTheory


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    notice: str  # two sentences: what to look at, and why it happens
    expected: str  # the verdict kind the run must get
    dataset: str = "cars"
    params: int = 1
    scaling: str = "none"
    cost: str = "mse"
    steps: int = 50
    rate_of: str = "critical"  # "critical" (2/λ_max), "one_step" (1/λ_max) or "optimal" (α*)
    fraction: float = 0.5

    def learning_rate(self, theory: LearningRateTheory) -> float:
        base = {
            "critical": theory.critical_lr,
            "one_step": theory.one_step_lr,
            "optimal": theory.optimal_lr,
        }[self.rate_of]
        return self.fraction * base


PRESETS: tuple[Preset, ...] = (
    Preset(
        "too-small", "Too small", "The tangent is steep but each step is tiny, so after 50 steps "
        "θ has crawled only part of the way. The cost history is still falling steadily: more "
        "steps or a larger α would finish the job.", "slow", fraction=0.01,
    ),
    Preset(
        "just-right", "Just right", "Each step lands closer to the bottom without passing it, and "
        "the steps shrink as the tangent flattens. A few dozen steps reach the minimum.",
        "smooth", rate_of="one_step", fraction=0.5,
    ),
    Preset(
        "one-step", "The one-step rate", "With α = 1/λ_max the tangent's step lands exactly on "
        "the minimum of this parabola. One step, and the slope is zero.", "smooth",
        rate_of="one_step", fraction=1.0,
    ),
    Preset(
        "oscillating", "Oscillating but converging", "Each step jumps over the minimum to the "
        "other side of the valley, a little lower each time. Between 1/λ_max and 2/λ_max the "
        "overshoot shrinks, so it still converges.", "oscillating", fraction=0.85,
    ),
    Preset(
        "diverging", "Diverging", "Each jump lands higher on the other wall than it started, "
        "so the cost grows every step. Above α_crit = 2/λ_max no fixed rate can converge.",
        "diverging", fraction=1.1,
    ),
    Preset(
        "unscaled", "Unscaled features", "The cost of the line fit is a long, narrow valley: the "
        "condition number κ is in the thousands, so any α safe for the steep direction crawls "
        "along the flat one. Compare with the next preset, the same data standardized.",
        "slow", params=2, scaling="none", steps=500, rate_of="optimal", fraction=1.0,
    ),
    Preset(
        "scaled", "Scaled features", "Standardizing x makes the valley round (κ = 1), so the "
        "best rate α* reaches the minimum in one or two steps. Scaling changes the problem's "
        "shape, not its answer: the fitted line is the same.", "smooth", params=2,
        scaling="standardize", steps=500, rate_of="optimal", fraction=1.0,
    ),
)  # fmt: skip

PRESETS_BY_KEY = {preset.key: preset for preset in PRESETS}
