"""Numeric evaluation of expression trees: the allowed functions and a flat program run over numpy
arrays."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from gdlab.expressions.tree import BinOp, Const, Neg, Node, Num, Pow, Var, _fold


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # 1/(1 + e^−x) written so that no intermediate overflows, whatever the sign of x.
    return np.exp(-np.logaddexp(0.0, -x))


FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin": np.sin,
    "cos": np.cos,
    "tan": np.tan,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "tanh": np.tanh,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "arctan": np.arctan,
    "sigmoid": _sigmoid,
    "sign": np.sign,  # the derivative of abs; allowed so every derivative can be typed back
}


FUNCTION_ALIASES = {"atan": "arctan"}


CONSTANTS = {"pi": float(np.pi), "e": float(np.e)}


_ARITHMETIC = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
}


def _power(x: np.ndarray, p: float) -> np.ndarray:
    # The ** operator has fast paths for 2, 0.5 and -1, but a general pow is ~50 times slower
    # than a product: other whole powers go by repeated squaring (a few ulps, not one).
    if not p.is_integer() or p in (0.0, 1.0, 2.0, -1.0):
        return np.asarray(x) ** p
    n, result, factor = int(abs(p)), None, x
    while n:
        if n & 1:
            result = factor if result is None else result * factor
        n >>= 1
        if n:
            factor = factor * factor
    return 1.0 / result if p < 0 else result


def _operation(node: Node) -> tuple[str, object]:
    """What computing `node` does, as plain picklable data (no lambdas): a kind and a payload."""
    if isinstance(node, Num):
        return "value", np.float64(node.value)
    if isinstance(node, Const):
        return "value", np.float64(CONSTANTS[node.name])
    if isinstance(node, Var):
        return "variable", node.name
    if isinstance(node, Pow):
        return "power", node.exponent
    if isinstance(node, Neg):
        return "apply", np.negative
    if isinstance(node, BinOp):
        return "apply", _ARITHMETIC[node.op]
    return "apply", FUNCTIONS[node.func]


def _step(kind: str, payload, args: list, env: Mapping[str, np.ndarray]) -> np.ndarray:
    if kind == "apply":
        return payload(*args)
    if kind == "power":
        return _power(args[0], payload)
    if kind == "variable":
        return env[payload]
    return payload


def _apply(node: Node, args: list[np.float64]) -> float:
    """The value of one node without variables from its children's values."""
    with np.errstate(all="ignore"):
        return float(_step(*_operation(node), args, {}))


@dataclass(frozen=True)
class _Program:
    """The nodes of some trees in evaluation order, each shared node once, ready to run."""

    steps: tuple[tuple[str, object, tuple[int, ...]], ...]
    outputs: tuple[int, ...]

    @classmethod
    def of(cls, roots: tuple[Node, ...]) -> _Program:
        steps: list = []

        def add_step(node: Node, args: list[int]) -> int:
            steps.append((*_operation(node), tuple(args)))
            return len(steps) - 1

        outputs = tuple(_fold(roots, add_step))
        return cls(tuple(steps), outputs)

    def run(self, env: Mapping[str, np.ndarray]) -> list[np.ndarray]:
        values: list[np.ndarray] = []
        # Overflow, 0/0 and log of negatives give inf or nan: callers treat those as divergence.
        with np.errstate(all="ignore"):
            for kind, payload, args in self.steps:
                values.append(_step(kind, payload, [values[i] for i in args], env))
        return [values[i] for i in self.outputs]


def _evaluate_at(
    program: _Program,
    variables: tuple[str, ...],
    arrays: tuple[object, ...],
    named: Mapping[str, object],
) -> np.ndarray:
    if len(arrays) == 1 and isinstance(arrays[0], Mapping) and not named:
        named, arrays = arrays[0], ()
    if len(arrays) > len(variables):
        raise ValueError(
            f"Expression.evaluate takes {len(variables)} arrays, one for each of "
            f"{', '.join(variables)}. Got {len(arrays)} instead."
        )
    values = dict(zip(variables, arrays, strict=False))  # the rest by name
    duplicated = set(values) & set(named)
    values.update(named)
    if duplicated or set(values) != set(variables):
        raise ValueError(
            f"Expression.evaluate needs exactly one array for each of {', '.join(variables)}. "
            f"Got values for {', '.join(sorted(values)) or 'nothing'} instead."
        )
    env = {name: np.asarray(value, dtype=np.float64) for name, value in values.items()}
    shape = np.broadcast_shapes(*(v.shape for v in env.values()))
    return [np.array(np.broadcast_to(r, shape), dtype=np.float64) for r in program.run(env)]
