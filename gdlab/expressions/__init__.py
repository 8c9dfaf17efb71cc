"""The formula language of typed costs: parsed safely, differentiated exactly, printed back.

The text comes from a public web page, so it is never given to eval, exec or compile. It goes
through cheap checks on the raw characters first, then `ast.parse(..., mode="eval")` (which
only builds a syntax tree and runs nothing), then a whitelist walk that turns the few allowed
constructs into this module's own small node classes. Everything else is rejected with an
`ExpressionError` that says what was wrong and where.

The rules, in the order they are checked:

- at most `MAX_LENGTH` = 500 characters;
- 'θ', '₀' and '₁' are written out as 'theta', '0' and '1' (so 'θ₀' means theta0), as a
  convenience; every other non-ASCII character is rejected, with its position, so look-alikes
  (a Cyrillic 'о' in 'cos', a fullwidth '１', a zero-width space) never pass for ASCII;
- only letters, digits, spaces and ``+ - * / ( ) . , _`` are allowed: no quotes, brackets,
  ';', '#', '=', '^', control characters or line breaks;
- parentheses balanced and nested at most `MAX_DEPTH` = 30 deep, checked by scanning before
  `ast.parse`, which could be slow or crash on deeply nested input;
- no number directly followed by a letter ('2theta', '1j', '0x1f');
- at most `MAX_NODES` = 200 syntax-tree nodes (each number, name, operator and function name
  counts one), counted before the tree is walked;
- only numbers (any finite float64, |value| ≤ `MAX_CONSTANT` ≈ 1.8e308), the variables, the
  constants pi and e, unary + and -, binary + - * / **, and calls of one positional argument to
  the functions in `FUNCTIONS`;
- the exponent of ** must not depend on the variables: it is folded to a number p (write 2^θ
  as exp(theta*log(2)));
- every part without variables must evaluate to a finite number (so 1/0, log(0), 1e100**100 or
  a tower such as 9**9**9, computed in floats, are reported at parse time rather than making
  every point non-finite).

Numbers and exponents have no limit narrower than float64's, because a derivative's text must
parse back (`to_text`): 1e100·θ³ differentiates to 3.0000000000000002e+100·θ², θ**-100 to
-100·θ**(-101), and any finite float the printer writes is read back as the same float.

Parsing plus one evaluation of the largest allowed formula over a 200×200 grid stays well
below `TIME_CAP_SECONDS`; tests/test_expressions.py measures it.

The jobs, one module each: `checks` (limits and raw characters), `parsing` (ast whitelist to a
tree), `tree` (nodes and simplifying constructors), `differentiate`, `printing` (text and
LaTeX), `evaluate` (numpy), and `expression` (the `Expression` that ties them together).
"""

from gdlab.expressions.checks import (
    MAX_CONSTANT,
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NODES,
    MAX_QUOTE,
    TIME_CAP_SECONDS,
    ExpressionError,
)
from gdlab.expressions.evaluate import CONSTANTS, FUNCTION_ALIASES, FUNCTIONS
from gdlab.expressions.expression import Expression
from gdlab.expressions.parsing import parse
from gdlab.expressions.printing import to_text

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "FUNCTION_ALIASES",
    "MAX_CONSTANT",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NODES",
    "MAX_QUOTE",
    "TIME_CAP_SECONDS",
    "Expression",
    "ExpressionError",
    "parse",
    "to_text",
]
