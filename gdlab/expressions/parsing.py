"""Text to expression tree through ast.parse and a whitelist walk; nothing is ever executed."""

from __future__ import annotations

import ast
import difflib
import keyword
from collections.abc import Callable

import numpy as np

from gdlab.expressions.checks import (
    MAX_CONSTANT,
    MAX_LENGTH,
    MAX_NODES,
    ExpressionError,
    _check_characters,
    _check_numbers,
    _check_parentheses,
    _normalise,
    _quoted,
)
from gdlab.expressions.evaluate import CONSTANTS, FUNCTION_ALIASES, FUNCTIONS, _apply
from gdlab.expressions.expression import Expression
from gdlab.expressions.tree import BinOp, Call, Const, Neg, Node, Num, Pow, Var, _children

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
