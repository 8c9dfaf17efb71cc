"""Exact symbolic differentiation of expression trees, rule by rule."""

from __future__ import annotations

from collections.abc import Callable

from gdlab.expressions.tree import (
    ONE,
    ZERO,
    Call,
    Const,
    Neg,
    Node,
    Num,
    Pow,
    Var,
    _fold,
    _is,
    add,
    div,
    mul,
    neg,
    power,
    sub,
)


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
