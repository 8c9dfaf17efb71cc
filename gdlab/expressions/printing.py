"""Expression trees printed as text that parses back, and as LaTeX."""

from __future__ import annotations

from gdlab.expressions.tree import BinOp, Call, Const, Neg, Node, Num, Pow, Var, _fold

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


def to_text(tree: Node) -> str:
    return _fold((tree,), _text_combine)[0][0]
