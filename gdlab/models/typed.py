"""A cost J(θ) typed by the user, with its exact gradient and Hessian."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gdlab._validation import check_int, readonly
from gdlab.expressions.differentiate import _differentiate
from gdlab.expressions.evaluate import _evaluate_at, _Program
from gdlab.expressions.expression import Expression
from gdlab.expressions.parsing import parse

VARIABLES = {1: ("theta",), 2: ("theta0", "theta1")}


PARAM_NAMES = {1: ("θ",), 2: ("θ₀", "θ₁")}


DEFAULT_HALF_WIDTH = 3.0


def _check_bounds(bounds: object, n_params: int) -> np.ndarray:
    try:
        box = np.array(bounds, dtype=np.float64)
    except (TypeError, ValueError):
        box = np.empty(0)
    if box.shape != (n_params, 2) or not np.all(np.isfinite(box)) or np.any(box[:, 0] >= box[:, 1]):
        raise ValueError(
            f"The 'bounds' parameter of CustomCost must be {n_params} finite (low, high) pairs "
            f"with low < high. Got {bounds!r} instead."
        )
    return readonly(box)


@dataclass(frozen=True, eq=False)
class CustomCost:
    """A cost J(θ) typed by the user, with exact gradient and Hessian (the `Problem` protocol).

    θ is ``theta`` for one parameter and ``theta0, theta1`` for two. Values that overflow come
    out as inf or nan, which `descend` reports as divergence.
    """

    expression: Expression
    bounds: np.ndarray | None = None  # (d, 2) box for plots; None means ±3 per parameter
    gradient_formulas: tuple[Expression, ...] = field(init=False, repr=False)
    _gradient_program: _Program = field(init=False, repr=False)
    _hessian_program: _Program = field(init=False, repr=False)  # upper triangle, row by row

    def __post_init__(self) -> None:
        variables = self.expression.variables
        if variables not in VARIABLES.values():
            raise ValueError(
                "The 'expression' parameter of CustomCost must be parsed with the variables "
                f"('theta',) or ('theta0', 'theta1'). Got {variables!r} instead."
            )
        set_ = object.__setattr__  # frozen: derived fields are set once, here
        if self.bounds is not None:
            set_(self, "bounds", _check_bounds(self.bounds, len(variables)))
        gradient = tuple(self.expression.derivative(v) for v in variables)
        set_(self, "gradient_formulas", gradient)
        # One program for all components, so the subexpressions they share are computed once.
        set_(self, "_gradient_program", _Program.of(tuple(g.tree for g in gradient)))
        hessian = [
            _differentiate((gradient[i].tree,), variables[j])[0]
            for i in range(len(variables))
            for j in range(i, len(variables))
        ]
        set_(self, "_hessian_program", _Program.of(tuple(hessian)))

    @classmethod
    def from_text(cls, text: str, n_params: int = 1, bounds: object = None) -> CustomCost:
        """Parse `text` in theta (n_params=1) or theta0, theta1 (n_params=2)."""
        n_params = check_int("CustomCost.from_text", "n_params", n_params, low=1, high=2)
        return cls(parse(text, VARIABLES[n_params]), bounds)

    @property
    def n_params(self) -> int:
        return len(self.expression.variables)

    @property
    def param_names(self) -> tuple[str, ...]:
        return PARAM_NAMES[self.n_params]

    @property
    def text(self) -> str:
        return self.expression.text

    def _columns(self, theta: np.ndarray, func: str) -> dict[str, np.ndarray]:
        theta = np.asarray(theta, dtype=np.float64)
        if theta.ndim == 0 or theta.shape[-1] != self.n_params:
            raise ValueError(
                f"The 'theta' parameter of CustomCost.{func} must have shape (..., "
                f"{self.n_params}). Got shape {theta.shape} instead."
            )
        return {name: theta[..., j] for j, name in enumerate(self.expression.variables)}

    def cost_value(self, theta: np.ndarray) -> np.ndarray:
        """J(θ) for θ of shape (..., d): shape (...)."""
        return self.expression.evaluate(self._columns(theta, "cost_value"))

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        """∇J(θ) for θ of shape (..., d), from the exact derivatives: shape (..., d)."""
        columns = self._columns(theta, "gradient")
        components = _evaluate_at(self._gradient_program, self.expression.variables, (), columns)
        return np.stack(components, axis=-1)

    def hessian_at(self, theta: np.ndarray) -> np.ndarray:
        """∇²J(θ) for θ of shape (..., d), from exact second derivatives: shape (..., d, d)."""
        columns = self._columns(theta, "hessian_at")
        upper = _evaluate_at(self._hessian_program, self.expression.variables, (), columns)
        d = self.n_params
        rows, cols = np.triu_indices(d)
        hessian = np.empty((*upper[0].shape, d, d))
        hessian[..., rows, cols] = np.stack(upper, axis=-1)
        hessian[..., cols, rows] = np.stack(upper, axis=-1)
        return hessian

    def theta_bounds(self) -> np.ndarray:
        """A (d, 2) box for plots and starting points: `bounds`, or ±3 per parameter."""
        if self.bounds is not None:
            return np.array(self.bounds)
        return np.tile([-DEFAULT_HALF_WIDTH, DEFAULT_HALF_WIDTH], (self.n_params, 1))
