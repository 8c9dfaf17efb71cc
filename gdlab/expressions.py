"""Cost functions typed by users, parsed safely and differentiated exactly.

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
"""

from __future__ import annotations

import ast
import difflib
import keyword
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple, TypeVar

import numpy as np

from gdlab._validation import check_int, readonly

MAX_LENGTH = 500
MAX_DEPTH = 30
MAX_NODES = 200
MAX_CONSTANT = float(np.finfo(np.float64).max)  # any finite float: what to_text may print
TIME_CAP_SECONDS = 0.5
MAX_QUOTE = 40  # characters of the formula a message quotes (a name may be 500 long)

# Written out before the ASCII check, so the names the page prints can be typed back.
_SPELLED_OUT = {"θ": "theta", "₀": "0", "₁": "1"}
_ALLOWED_PUNCTUATION = frozenset(" +-*/().,_")
_CHARACTER_HINTS = {
    "'": "strings are not allowed",
    '"': "strings are not allowed",
    "#": "comments are not allowed",
    ";": "only a single formula is allowed",
    "\\": "backslashes are not allowed",
    "[": "use round parentheses ( ) for grouping",
    "]": "use round parentheses ( ) for grouping",
    "{": "use round parentheses ( ) for grouping",
    "}": "use round parentheses ( ) for grouping",
    "^": "write powers as **, for example theta**2",
    "=": "assignments, comparisons and keyword arguments are not allowed",
    "<": "comparisons are not allowed",
    ">": "comparisons are not allowed",
    "!": "comparisons are not allowed",
    ":": "slices, lambdas and ':=' are not allowed",
    "%": "the modulo operator is not allowed",
    "@": "matrix multiplication is not allowed",
    "&": "bitwise operators are not allowed",
    "|": "bitwise operators are not allowed",
    "~": "bitwise operators are not allowed",
}
# Tokens, to find a number glued to a name. Names come first so the digits in 'theta0' are
# never read as a number; the pattern cannot backtrack badly (each part is a simple run).
_TOKEN = re.compile(
    r"[A-Za-z_][A-Za-z0-9_]*|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?"
)


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


class ExpressionError(ValueError):
    """A formula that cannot be accepted: what is wrong, where, and what is allowed.

    `position` is the character offset of the offending part in the text as typed (None when
    the problem is the text as a whole) and `snippet` that part itself.
    """

    def __init__(
        self,
        message: str,
        position: int | None = None,
        snippet: str | None = None,
        hint: str = "",
        text: str | None = None,
    ) -> None:
        self.message = message
        self.position = position
        self.snippet = snippet
        self.hint = hint
        self.text = text
        where = "" if position is None else f" at position {position}"
        super().__init__(f"{message}{where}" + (f": {hint}." if hint else "."))

    def __reduce__(self):
        return type(self), (self.message, self.position, self.snippet, self.hint, self.text)

    def pointer(self) -> str:
        """The text with a caret line under the offending part, for a monospaced display."""
        if self.text is None or self.position is None:
            return self.text or ""
        width = max(len(self.snippet or ""), 1)
        return f"{self.text}\n{' ' * self.position}{'^' * width}"


# -- the tree ---------------------------------------------------------------------------------
# eq=False: nodes are compared by identity. Derivatives share subtrees, so a structural
# comparison or repr could walk the same subtree many times over.


@dataclass(frozen=True, eq=False)
class Num:
    value: float


@dataclass(frozen=True, eq=False)
class Var:
    name: str


@dataclass(frozen=True, eq=False)
class Const:
    name: str  # "pi" or "e": kept symbolic so formulas read as typed


@dataclass(frozen=True, eq=False)
class Neg:
    operand: Node


@dataclass(frozen=True, eq=False)
class BinOp:
    op: str  # "+", "-", "*" or "/"
    left: Node
    right: Node


@dataclass(frozen=True, eq=False)
class Pow:
    base: Node
    exponent: float  # a number: the rules forbid exponents that depend on the variables


@dataclass(frozen=True, eq=False)
class Call:
    func: str
    arg: Node


Node = Num | Var | Const | Neg | BinOp | Pow | Call
T = TypeVar("T")


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, BinOp):
        return (node.left, node.right)
    if isinstance(node, Neg):
        return (node.operand,)
    if isinstance(node, Pow):
        return (node.base,)
    if isinstance(node, Call):
        return (node.arg,)
    return ()


def _fold(roots: tuple[Node, ...], combine: Callable[[Node, list], T]) -> list[T]:
    """combine(node, results of its children) for every node, bottom up, once per node.

    Iterative, so deep trees cannot hit the recursion limit, and memoised by identity, so a
    subtree shared by several parents (as derivatives share them) is handled only once.
    """
    done: dict[int, T] = {}
    stack = list(roots)
    while stack:
        node = stack[-1]
        if id(node) in done:
            stack.pop()
            continue
        waiting = [child for child in _children(node) if id(child) not in done]
        if waiting:
            stack.extend(waiting)
            continue
        stack.pop()
        done[id(node)] = combine(node, [done[id(child)] for child in _children(node)])
    return [done[id(root)] for root in roots]


# -- evaluation -------------------------------------------------------------------------------

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


# -- simplifying constructors, used by the derivative -----------------------------------------

ZERO, ONE = Num(0.0), Num(1.0)


def _is(node: Node, value: float) -> bool:
    return isinstance(node, Num) and node.value == value


def _folded(value: float) -> Num | None:
    """A constant, or None when folding would overflow (the node is then kept unfolded)."""
    return Num(float(value)) if np.isfinite(value) else None


def _split(node: Node) -> tuple[float, Node | None]:
    """node = c·rest with c a number: pulls signs and leading constants out of products."""
    sign = 1.0
    while isinstance(node, Neg):
        sign, node = -sign, node.operand
    if isinstance(node, Num):
        return sign * node.value, None
    if isinstance(node, BinOp) and isinstance(node.left, Num):
        if node.op == "*":
            return sign * node.left.value, node.right
        if node.op == "/" and node.left.value != 0:
            return sign * node.left.value, BinOp("/", ONE, node.right)
    return sign, node


def _negative(node: Node) -> bool:
    return _split(node)[0] < 0


def add(a: Node, b: Node) -> Node:
    if _is(a, 0):
        return b
    if _is(b, 0):
        return a
    if isinstance(a, Num) and isinstance(b, Num):
        return _folded(a.value + b.value) or BinOp("+", a, b)
    if _negative(b):
        return sub(a, neg(b))
    return BinOp("+", a, b)


def sub(a: Node, b: Node) -> Node:
    if _is(b, 0):
        return a
    if _is(a, 0):
        return neg(b)
    if isinstance(a, Num) and isinstance(b, Num):
        return _folded(a.value - b.value) or BinOp("-", a, b)
    if _negative(b):
        return add(a, neg(b))
    return BinOp("-", a, b)


def neg(a: Node) -> Node:
    c, rest = _split(a)
    return _scaled(-c, rest)


def _scaled(c: float, core: Node | None) -> Node:
    """c·core, written the simple way: -x rather than -1*x, c/x rather than c*(1/x)."""
    if core is None:
        return Num(c)
    if _is_reciprocal(core):
        quotient = BinOp("/", Num(abs(c)), core.right)  # type: ignore[union-attr]
        return Neg(quotient) if c < 0 else quotient
    if c == 1:
        return core
    if c == -1:
        return Neg(core)
    return BinOp("*", Num(c), core)


def _is_reciprocal(node: Node | None) -> bool:
    return isinstance(node, BinOp) and node.op == "/" and _is(node.left, 1)


def mul(a: Node, b: Node) -> Node:
    ca, ra = _split(a)
    cb, rb = _split(b)
    with np.errstate(all="ignore"):
        c = ca * cb
    if c == 0:
        return ZERO  # 0·x → 0, the usual symbolic convention (even where x is infinite)
    if not np.isfinite(c):
        return BinOp("*", a, b)
    if ra is None or rb is None:
        core = ra if rb is None else rb
    elif _is_reciprocal(rb):  # x·(1/y) → x/y
        core = BinOp("/", ra, rb.right)  # type: ignore[union-attr]
    elif _is_reciprocal(ra):
        core = BinOp("/", rb, ra.right)  # type: ignore[union-attr]
    else:
        core = BinOp("*", ra, rb)
    return _scaled(c, core)


def div(a: Node, b: Node) -> Node:
    if _is(a, 0):
        return ZERO
    ca, ra = _split(a)
    cb, rb = _split(b)
    if cb == 0 or (rb is None and ra is None):
        with np.errstate(all="ignore"):
            folded = _folded(ca / cb) if cb != 0 else None
        return folded or BinOp("/", a, b)
    with np.errstate(all="ignore"):
        c = ca / cb
    if not np.isfinite(c):
        return BinOp("/", a, b)
    if rb is None:
        return _scaled(c, ra)
    return _scaled(c, BinOp("/", ONE if ra is None else ra, rb))


def power(base: Node, exponent: float) -> Node:
    if exponent == 0:
        return ONE
    if exponent == 1:
        return base
    if isinstance(base, Num):
        with np.errstate(all="ignore"):
            folded = _folded(np.float64(base.value) ** exponent)
        return folded or Pow(base, exponent)
    return Pow(base, exponent)


def _outer_derivative(call: Call) -> Node:
    """f′(u) for call = f(u), reusing the call node itself where f′ is written with f."""
    u, name = call.arg, call.func
    rules: dict[str, Callable[[], Node]] = {
        "sin": lambda: Call("cos", u),
        "cos": lambda: neg(Call("sin", u)),
        "tan": lambda: div(ONE, power(Call("cos", u), 2.0)),
        "exp": lambda: call,
        "log": lambda: div(ONE, u),
        "sqrt": lambda: div(Num(0.5), call),
        "abs": lambda: Call("sign", u),
        "tanh": lambda: sub(ONE, power(call, 2.0)),
        "sinh": lambda: Call("cosh", u),
        "cosh": lambda: Call("sinh", u),
        "arctan": lambda: div(ONE, add(ONE, power(u, 2.0))),
        "sigmoid": lambda: mul(call, sub(ONE, call)),
        "sign": lambda: ZERO,  # zero wherever it is differentiable
    }
    return rules[name]()


def _differentiator(variable: str) -> Callable[[Node, list], Node]:
    def combine(node: Node, d: list[Node]) -> Node:
        if isinstance(node, Var):
            return ONE if node.name == variable else ZERO
        if isinstance(node, (Num, Const)):
            return ZERO
        if isinstance(node, Neg):
            return neg(d[0])
        if isinstance(node, Pow):
            if _is(d[0], 0):
                return ZERO
            slope = mul(Num(node.exponent), power(node.base, node.exponent - 1.0))
            return mul(d[0], slope)
        if isinstance(node, Call):
            return ZERO if _is(d[0], 0) else mul(d[0], _outer_derivative(node))
        u, v = node.left, node.right
        du, dv = d
        if node.op == "+":
            return add(du, dv)
        if node.op == "-":
            return sub(du, dv)
        if node.op == "*":
            return add(mul(du, v), mul(u, dv))
        if _is(dv, 0):  # u/v with v free of the variable
            return div(du, v)
        return div(sub(mul(du, v), mul(u, dv)), power(v, 2.0))

    return combine


def _differentiate(roots: tuple[Node, ...], variable: str) -> list[Node]:
    return _fold(roots, _differentiator(variable))


# -- rendering --------------------------------------------------------------------------------
# Precedence: + - 1, * / 2, unary minus 3, ** 4, atoms 5. Operands are put in parentheses only
# where the maths needs them: a + (b - c) prints as a + b - c, which means the same.

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def _number_text(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _wrap(text: str, yes: bool, left: str = "(", right: str = ")") -> str:
    return f"{left}{text}{right}" if yes else text


def _needs_parens_right(op: str, child: Node, child_prec: int) -> bool:
    if child_prec == 3:  # a leading minus reads badly after an operator: a*(-b)
        return True
    if op in "+*":
        return child_prec < _PRECEDENCE[op]
    return child_prec <= _PRECEDENCE[op]


def _starts_with_number(node: Node) -> bool:
    """A product or quotient led by a number, as in c·(p·θᵏ) when c·p overflowed and was kept
    unfolded: written c*p*theta**k it would parse as (c·p)·θᵏ, a constant part that is not
    finite, so it keeps its brackets."""
    if not (isinstance(node, BinOp) and node.op in "*/"):
        return False
    while isinstance(node, Neg) or (isinstance(node, BinOp) and node.op in "*/"):
        node = node.operand if isinstance(node, Neg) else node.left  # -p·θ parses as (-p)·θ
    return isinstance(node, Num)


def _neg_needs_parens(prec: int) -> bool:
    # -(a*b) = (-a)*b exactly, so only sums and a second minus need brackets.
    return prec < 2 or prec == 3


def _text_combine(node: Node, parts: list[tuple[str, int]]) -> tuple[str, int]:
    if isinstance(node, Num):
        return _number_text(node.value), 3 if node.value < 0 else 5
    if isinstance(node, (Var, Const)):
        return node.name, 5
    if isinstance(node, Call):
        return f"{node.func}({parts[0][0]})", 5
    if isinstance(node, Neg):
        text, prec = parts[0]
        return "-" + _wrap(text, _neg_needs_parens(prec)), 3
    if isinstance(node, Pow):
        text, prec = parts[0]
        exponent = _number_text(node.exponent)
        return f"{_wrap(text, prec <= 4)}**{_wrap(exponent, node.exponent < 0)}", 4
    (left, lp), (right, rp) = parts
    prec = _PRECEDENCE[node.op]
    left = _wrap(left, lp < prec)
    product = node.op == "*" and _starts_with_number(node.right)
    right = _wrap(right, _needs_parens_right(node.op, node.right, rp) or product)
    sep = f" {node.op} " if prec == 1 else node.op
    return f"{left}{sep}{right}", prec


_LATEX_FUNCTIONS = {
    "sin": r"\sin",
    "cos": r"\cos",
    "tan": r"\tan",
    "exp": r"\exp",
    "log": r"\ln",
    "tanh": r"\tanh",
    "sinh": r"\sinh",
    "cosh": r"\cosh",
    "arctan": r"\arctan",
    "sigmoid": r"\sigma",
    "sign": r"\operatorname{sign}",
}


def _latex_number(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    mantissa, _, power10 = f"{value:.6g}".partition("e")
    return mantissa if not power10 else rf"{mantissa} \times 10^{{{int(power10)}}}"


def _latex_name(name: str) -> str:
    if name == "pi":
        return r"\pi"
    if name.startswith("theta"):
        index = name[len("theta") :]
        return r"\theta" + (f"_{{{index}}}" if index else "")
    return rf"\mathrm{{{name}}}".replace("_", r"\_")


def _paren(text: str) -> str:
    return rf"\left({text}\right)"


def _latex_combine(node: Node, parts: list[tuple[str, int]]) -> tuple[str, int]:
    if isinstance(node, Num):
        return _latex_number(node.value), 3 if node.value < 0 else 5
    if isinstance(node, (Var, Const)):
        return _latex_name(node.name), 5
    if isinstance(node, Call):
        inner = parts[0][0]
        if node.func == "sqrt":
            return rf"\sqrt{{{inner}}}", 5
        if node.func == "abs":
            return rf"\left|{inner}\right|", 5
        return _LATEX_FUNCTIONS[node.func] + _paren(inner), 5
    if isinstance(node, Neg):
        text, prec = parts[0]
        return "-" + (_paren(text) if _neg_needs_parens(prec) else text), 3
    if isinstance(node, Pow):
        text, prec = parts[0]
        # sin(θ)^2 would be ambiguous: only atoms, √ and |·| take an exponent unbracketed.
        call = isinstance(node.base, Call) and node.base.func not in ("sqrt", "abs")
        base = _paren(text) if prec < 5 or call else text
        return f"{base}^{{{_latex_number(node.exponent)}}}", 4
    (left, lp), (right, rp) = parts
    if node.op == "/":
        return rf"\frac{{{left}}}{{{right}}}", 5
    prec = _PRECEDENCE[node.op]
    left = _paren(left) if lp < prec else left
    right = _paren(right) if _needs_parens_right(node.op, node.right, rp) else right
    if node.op == "*":
        # Juxtaposition reads as a product unless the right factor starts with a digit.
        dot = right[:1].isdigit() or isinstance(node.right, Num)
        return f"{left} \\cdot {right}" if dot else f"{left} {right}", prec
    return f"{left} {node.op} {right}", prec


# -- the expression ---------------------------------------------------------------------------


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


def to_text(tree: Node) -> str:
    return _fold((tree,), _text_combine)[0][0]


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


# -- parsing ----------------------------------------------------------------------------------

_CONSTRUCTS: dict[type, str] = {
    ast.Attribute: "Attribute access",
    ast.Subscript: "Indexing",
    ast.Slice: "A slice",
    ast.Lambda: "A lambda",
    ast.ListComp: "A list comprehension",
    ast.SetComp: "A set comprehension",
    ast.DictComp: "A dict comprehension",
    ast.GeneratorExp: "A generator expression",
    ast.Compare: "A comparison",
    ast.BoolOp: "'and'/'or'",
    ast.IfExp: "A conditional expression",
    ast.JoinedStr: "An f-string",
    ast.FormattedValue: "An f-string",
    ast.NamedExpr: "An assignment expression ':='",
    ast.Starred: "Unpacking with '*'",
    ast.Tuple: "A tuple (a comma outside a function call)",
    ast.List: "A list",
    ast.Set: "A set",
    ast.Dict: "A dict",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield from'",
}
_REJECTED_OPERATORS: dict[type, str] = {
    ast.FloorDiv: "'//'",
    ast.Mod: "'%'",
    ast.MatMult: "'@'",
    ast.BitXor: "'^'",
    ast.BitAnd: "'&'",
    ast.BitOr: "'|'",
    ast.LShift: "'<<'",
    ast.RShift: "'>>'",
}
_OPERATORS: dict[type, str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
}


def _allowed_hint(variables: tuple[str, ...]) -> str:
    functions = ", ".join(FUNCTIONS)
    return (
        f"only {', '.join(variables)}, numbers, the constants pi and e, + - * / ** and the "
        f"functions {functions} (atan for arctan) are allowed"
    )


def _normalise(text: str) -> tuple[str, list[int]]:
    """Spell out θ, ₀ and ₁; offsets[i] is where character i of the result was typed."""
    pieces, offsets = [], []
    for i, char in enumerate(text):
        spelled = _SPELLED_OUT.get(char, char)
        pieces.append(spelled)
        offsets.extend([i] * len(spelled))
    offsets.append(len(text))
    return "".join(pieces), offsets


def _check_characters(norm: str, fail: Callable[..., ExpressionError]) -> None:
    for i, char in enumerate(norm):
        if char.isascii() and (char.isalnum() or char in _ALLOWED_PUNCTUATION):
            continue
        if not char.isascii():
            name = unicodedata.name(char, f"U+{ord(char):04X}")
            raise fail(
                f"Non-ASCII character {char!r} ({name})",
                i,
                i + 1,
                "type the formula in plain ASCII letters and digits (theta for θ)",
            )
        if not char.isprintable():
            raise fail(
                f"Control character {char!r}",
                i,
                i + 1,
                "write the formula on a single line, without tabs or control characters",
            )
        hint = _CHARACTER_HINTS.get(char, "it has no meaning in a formula")
        raise fail(f"Character {char!r}", i, i + 1, hint)


def _check_parentheses(norm: str, fail: Callable[..., ExpressionError]) -> None:
    opened: list[int] = []
    for i, char in enumerate(norm):
        if char == "(":
            opened.append(i)
            if len(opened) > MAX_DEPTH:
                raise fail(
                    "Parentheses nested too deeply",
                    i,
                    i + 1,
                    f"at most {MAX_DEPTH} levels are allowed",
                )
        elif char == ")":
            if not opened:
                raise fail("Unmatched ')'", i, i + 1, "it closes no '('")
            opened.pop()
    if opened:
        raise fail("Unclosed '('", opened[-1], opened[-1] + 1, "add the matching ')'")


def _check_numbers(norm: str, fail: Callable[..., ExpressionError]) -> None:
    for match in _TOKEN.finditer(norm):
        end = match.end()
        if match.group()[0] in "0123456789." and end < len(norm):
            following = norm[end]
            if following.isalnum() or following in "_.":
                word = _TOKEN.match(norm, end)
                glued = norm[match.start() : word.end() if word else end + 1]
                raise fail(
                    f"Malformed number {_quoted(glued)}",
                    match.start(),
                    match.start() + len(glued),
                    "put '*' between a number and a name (2*theta, not 2theta); numbers must "
                    "be plain decimals (no hex, no 1j)",
                )


def _quoted(part: str) -> str:
    """A part of the formula in quotes, cut to MAX_QUOTE characters (the formula is shown whole
    beside the message, with the part underlined)."""
    return f"'{part}'" if len(part) <= MAX_QUOTE else f"'{part[: MAX_QUOTE - 1]}…'"


def _describe(node: ast.AST) -> str:
    if isinstance(node, ast.Constant):
        kind = type(node.value).__name__
        return {"str": "A string", "bytes": "Bytes", "bool": "A boolean", "NoneType": "None"}.get(
            kind, f"A constant of type {kind}"
        )
    if isinstance(node, ast.UnaryOp):
        return {ast.Not: "'not'", ast.Invert: "The bitwise operator '~'"}.get(
            type(node.op), "This unary operator"
        )
    if isinstance(node, ast.BinOp):
        symbol = _REJECTED_OPERATORS.get(type(node.op), type(node.op).__name__)
        return f"The operator {symbol}"
    return _CONSTRUCTS.get(type(node), f"The construct {type(node).__name__}")


class _Converter:
    """Walks a syntax tree, accepting only the whitelist, into this module's nodes."""

    def __init__(self, variables: tuple[str, ...], fail: Callable[..., ExpressionError]):
        self.variables = variables
        self.fail = fail
        # id(node) → (node, value) for parts without variables; the node is kept so that its
        # id cannot be reused by another node (an exponent's Num is dropped once folded).
        self.constant: dict[int, tuple[Node, float]] = {}

    def error(self, node: ast.AST, message: str, hint: str = "") -> ExpressionError:
        end = getattr(node, "end_col_offset", None)
        return self.fail(message, node.col_offset, end, hint)  # type: ignore[attr-defined]

    def convert(self, node: ast.AST) -> Node:
        return self._register(self._convert(node), node)

    def _register(self, result: Node, node: ast.AST) -> Node:
        """Record the value of a part without variables, which must be finite."""
        children = _children(result)
        if all(id(child) in self.constant for child in children) and not isinstance(result, Var):
            # From the children's values: re-evaluating each subtree would cost O(n²).
            args = [np.float64(self.constant[id(child)][1]) for child in children]
            value = _apply(result, args)
            if not np.isfinite(value):
                raise self.error(
                    node,
                    f"This constant part evaluates to {value}",
                    "every part without a variable must be a finite number",
                )
            self.constant[id(result)] = (result, value)
        return result

    def _convert(self, node: ast.AST) -> Node:
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self.error(node, f"{_describe(node)} is not allowed", "only numbers are")
            if not abs(value) <= MAX_CONSTANT:  # also catches inf and nan
                raise self.error(
                    node,
                    "Number too large",
                    f"numbers must be finite in float64, at most ±{MAX_CONSTANT:.2g}",
                )
            return Num(float(value))
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.UnaryOp):
            # A loop rather than a call per sign: a chain like ---theta is the deepest
            # tree the rules allow, and must not come near the recursion limit.
            minus_signs = []
            while isinstance(node, ast.UnaryOp):
                if isinstance(node.op, ast.USub):
                    minus_signs.append(node)
                elif not isinstance(node.op, ast.UAdd):
                    raise self.error(node, f"{_describe(node)} is not allowed", "use - or +")
                node = node.operand
            result = self.convert(node)
            for sign in reversed(minus_signs):
                result = self._register(Neg(result), sign)
            return result
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Pow):
                return self._power(node)
            op = _OPERATORS.get(type(node.op))
            if op is None:
                raise self.error(node, f"{_describe(node)} is not allowed", "use + - * / and **")
            return BinOp(op, self.convert(node.left), self.convert(node.right))
        if isinstance(node, ast.Call):
            return self._call(node)
        raise self.error(node, f"{_describe(node)} is not allowed", _allowed_hint(self.variables))

    def _name(self, node: ast.Name) -> Node:
        name = node.id
        if name in self.variables:
            return Var(name)
        if name in CONSTANTS:
            return Const(name)
        if name in FUNCTIONS or name in FUNCTION_ALIASES:
            raise self.error(node, f"'{name}' is a function", f"call it, as in {name}(theta)")
        others = [v for v in ("theta", "theta0", "theta1") if v not in self.variables]
        if name in others:
            count = len(self.variables)
            params = "one parameter" if count == 1 else f"{count} parameters"
            raise self.error(
                node,
                f"Unknown name '{name}'",
                f"this cost has {params}: use {' and '.join(self.variables)}",
            )
        known = [*self.variables, *CONSTANTS, *FUNCTIONS]
        close = difflib.get_close_matches(name, known, n=1)
        hint = _allowed_hint(self.variables)
        if close and len(name) >= 3 and not name.startswith("_"):
            hint = f"did you mean '{close[0]}'? {hint[0].upper()}{hint[1:]}"
        raise self.error(node, f"Unknown name {_quoted(name)}", hint)

    def _power(self, node: ast.BinOp) -> Node:
        base = self.convert(node.left)
        exponent = self.convert(node.right)
        if id(exponent) not in self.constant:
            raise self.error(
                node.right,
                "The exponent of ** depends on a variable",
                "exponents must be numbers; write 2**theta as exp(theta*log(2))",
            )
        # Finite, as every constant part is; no tighter bound, since differentiating θ**p
        # gives θ**(p − 1), whose text must parse back too.
        return Pow(base, self.constant[id(exponent)][1])

    def _call(self, node: ast.Call) -> Node:
        func = node.func
        if not isinstance(func, ast.Name):
            raise self.error(
                node,
                "Calling the result of an expression is not allowed",
                f"only the functions {', '.join(FUNCTIONS)} can be called",
            )
        name = FUNCTION_ALIASES.get(func.id, func.id)
        if name not in FUNCTIONS:
            what = "a variable" if name in self.variables else "a constant"
            known = name in self.variables or name in CONSTANTS
            raise self.error(
                func,
                f"'{func.id}' is {what}, not a function"
                if known
                else f"Unknown function {_quoted(name)}",
                f"only the functions {', '.join(FUNCTIONS)} can be called"
                + ("; write a product with '*'" if known else ""),
            )
        if node.keywords:
            raise self.error(
                node.keywords[0],
                "Keyword arguments are not allowed",
                f"write {name}(theta), with one argument",
            )
        starred = [arg for arg in node.args if isinstance(arg, ast.Starred)]
        if starred:
            raise self.error(starred[0], f"{_describe(starred[0])} is not allowed")
        if len(node.args) != 1:
            raise self.error(
                node,
                f"'{func.id}' takes exactly one argument; got {len(node.args)}",
                f"write {name}(theta)",
            )
        return Call(name, self.convert(node.args[0]))


def _check_variables(variables: tuple[str, ...]) -> tuple[str, ...]:
    reserved = set(FUNCTIONS) | set(FUNCTION_ALIASES) | set(CONSTANTS)
    ok = (
        isinstance(variables, tuple)
        and len(set(variables)) == len(variables) >= 1
        and all(
            isinstance(v, str)
            and v.isascii()
            and v.isidentifier()
            and not keyword.iskeyword(v)
            and not v.startswith("_")
            and v not in reserved
            for v in variables
        )
    )
    if not ok:
        raise ValueError(
            "The 'variables' parameter of parse must be a non-empty tuple of distinct ASCII "
            "identifiers, none a keyword, a function or pi or e, for example ('theta',). "
            f"Got {variables!r} instead."
        )
    return variables


def parse(text: str, variables: tuple[str, ...] = ("theta",)) -> Expression:
    """Check `text` against the rules in the module docstring and return its Expression.

    Raises ExpressionError for anything else; the text is never executed.
    """
    if not isinstance(text, str):
        raise TypeError(f"The 'text' parameter of parse must be a str. Got {text!r} instead.")
    variables = _check_variables(variables)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"The formula is too long ({len(text)} characters)",
            hint=f"at most {MAX_LENGTH} are allowed",
        )
    norm, offsets = _normalise(text)

    def fail(message: str, start: int, end: int | None = None, hint: str = "") -> ExpressionError:
        # Positions found in the normalised text, reported in the text as typed.
        start = min(max(start, 0), len(norm))
        end = start if end is None else min(max(end, start), len(norm))
        position, stop = offsets[start], offsets[end]
        return ExpressionError(message, position, text[position:stop], hint, text)

    _check_characters(norm, fail)
    body = norm.lstrip(" ")  # ast.parse reads leading spaces as an indent
    if not body.strip():
        raise ExpressionError("The formula is empty", hint="type a cost such as theta**2")
    _check_parentheses(norm, fail)
    _check_numbers(norm, fail)
    shift = len(norm) - len(body)
    try:
        tree = ast.parse(body, mode="eval")
    except (ValueError, MemoryError, RecursionError, OverflowError, Warning):
        # Not expected after the checks above (Warning: when warnings are raised as errors).
        raise ExpressionError("The formula could not be parsed", hint="simplify it") from None
    except SyntaxError as error:
        offset = error.offset
        if not offset or offset > len(body):  # Python reports a missing ending at offset 0
            raise fail(
                "The formula is incomplete",
                len(norm),
                hint="something is missing at the end",
            ) from None
        end_offset = error.end_offset or offset
        raise fail(
            "Invalid syntax",
            shift + offset - 1,
            shift + max(end_offset, offset + 1) - 1,
            "write the formula as in Python, e.g. 3*theta**2 + sin(theta)",
        ) from None
    count = 0
    for node in ast.walk(tree.body):
        count += isinstance(node, ast.expr)
        if count > MAX_NODES:
            raise ExpressionError(
                "The formula is too complex",
                hint=f"at most {MAX_NODES} numbers, names and operations are allowed",
            )

    def fail_shifted(message: str, start: int, end: int | None = None, hint: str = ""):
        return fail(message, start + shift, None if end is None else end + shift, hint)

    root = _Converter(variables, fail_shifted).convert(tree.body)
    return Expression(root, text, variables)


# -- a cost typed by the user -----------------------------------------------------------------

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


class PresetCost(NamedTuple):
    text: str
    n_params: int
    bounds: tuple[tuple[float, float], ...]
    description: str


PRESET_COSTS: dict[str, PresetCost] = {
    "two minima": PresetCost(
        "theta**4 - 3*theta**2 + theta",
        1,
        ((-2.2, 2.2),),
        "A deep minimum on the left and a shallower one on the right: where you start decides "
        "which one descent finds.",
    ),
    "narrow valley": PresetCost(
        "theta0**2 + 25*theta1**2",
        2,
        ((-3.0, 3.0), (-3.0, 3.0)),
        "Curvature 25 times larger across the valley than along it, so a rate safe for the "
        "steep direction crawls along the flat one.",
    ),
    "saddle": PresetCost(
        "theta0**2 - theta1**2",
        2,
        ((-2.0, 2.0), (-2.0, 2.0)),
        "Downhill in θ₁ for ever and uphill in θ₀: descent slides off the saddle point unless "
        "it starts exactly on the θ₁ = 0 line.",
    ),
    "Rosenbrock": PresetCost(
        "(1 - theta0)**2 + 100*(theta1 - theta0**2)**2",
        2,
        ((-2.0, 2.0), (-1.0, 3.0)),
        "A curved, flat-bottomed valley leading to the minimum at (1, 1): easy to fall into, "
        "slow to follow.",
    ),
    "Himmelblau": PresetCost(
        "(theta0**2 + theta1 - 11)**2 + (theta0 + theta1**2 - 7)**2",
        2,
        ((-5.0, 5.0), (-5.0, 5.0)),
        "Four minima of equal depth, zero at each: the start decides which one descent reaches.",
    ),
    "plateau": PresetCost(
        "1 - exp(-(theta0**2 + theta1**2))",
        2,
        ((-3.0, 3.0), (-3.0, 3.0)),
        "A bowl in the middle of a nearly flat plain: far from the centre the gradient almost "
        "vanishes and descent barely moves.",
    ),
}
