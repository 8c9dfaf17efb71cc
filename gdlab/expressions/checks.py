"""The limits of the formula language and the checks on raw characters, made before any parsing."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import numpy as np

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
