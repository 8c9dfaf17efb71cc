"""A validated formula: evaluate it, differentiate it, print it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from gdlab.expressions.differentiate import _differentiate
from gdlab.expressions.evaluate import _evaluate_at, _Program
from gdlab.expressions.printing import _latex_combine, to_text
from gdlab.expressions.tree import Node, _fold


@dataclass(frozen=True, eq=False)
class Expression:
    """A validated formula in `variables`: evaluate it, differentiate it, print it.

    `text` is what was typed (for a derivative, its rendering by `to_text`).
    """

    tree: Node = field(repr=False)
    text: str
    variables: tuple[str, ...]

    def evaluate(self, *arrays: object, **named: object) -> np.ndarray:
        """Values at the given points, broadcast like numpy.

        Pass one array per variable, in order, by name, or as a single mapping:
        ``e.evaluate(x)``, ``e.evaluate(theta0=a, theta1=b)``, ``e.evaluate({"theta": x})``.
        Overflow and the like give inf or nan silently: treat non-finite values as divergence.
        """
        return _evaluate_at(self._program, self.variables, arrays, named)[0]

    @cached_property
    def _program(self) -> _Program:
        return _Program.of((self.tree,))

    def derivative(self, variable: str) -> Expression:
        """The exact partial derivative ∂/∂variable, lightly simplified."""
        if variable not in self.variables:
            raise ValueError(
                f"The 'variable' parameter of Expression.derivative must be one of "
                f"{', '.join(map(repr, self.variables))}. Got {variable!r} instead."
            )
        tree = _differentiate((self.tree,), variable)[0]
        return Expression(tree, to_text(tree), self.variables)

    def to_text(self) -> str:
        """A formula that parses back to the same function, e.g. '4*theta**3 - 6*theta + 1'.

        Numbers are written so that they read back as the same floats (repr), and the parser
        accepts every finite float. The one exception is a tree with a constant part that is
        itself infinite (1e308 + 1e308 left unfolded), which no formula can write.
        """
        return to_text(self.tree)

    def to_latex(self) -> str:
        r"""LaTeX for st.latex, e.g. '4 \theta^{3} - 6 \theta + 1'."""
        return _fold((self.tree,), _latex_combine)[0][0]

    def __repr__(self) -> str:
        return f"Expression({self.text!r}, variables={self.variables!r})"
