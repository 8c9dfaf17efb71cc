"""The expression tree, and constructors that simplify as they build (used by the derivative)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np


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
