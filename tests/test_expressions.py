import ast
import math
import pickle
import re
import time
import warnings
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gdlab import expressions
from gdlab.derivatives import numerical_gradient
from gdlab.expressions import (
    MAX_DEPTH,
    MAX_LENGTH,
    TIME_CAP_SECONDS,
    Expression,
    ExpressionError,
    parse,
    parsing,
)
from gdlab.models.typed import CustomCost
from gdlab.running.descent import descend
from gdlab.teaching.cost_presets import PRESET_COSTS

ONE = ("theta",)
TWO = ("theta0", "theta1")

# -- hostile input -------------------------------------------------------------------------------

HOSTILE = [
    # attribute access, dunders and builtins
    "theta.__class__",
    "().__class__.__bases__",
    "theta.__class__.__mro__[1].__subclasses__()",
    "__import__('os').system('ls')",
    "__import__(os)",
    "__builtins__",
    "__class__",
    "globals()",
    "locals()",
    "vars(theta)",
    "getattr(theta, 'x')",
    "getattr(theta, x)",
    "open('x')",
    "open(x)",
    "eval('1')",
    "eval(theta)",
    "exec",
    "exec(theta)",
    "compile(theta)",
    "breakpoint()",
    "np.sin(theta)",
    "theta.real",
    "1 .real",
    "1..real",
    # lambdas, comprehensions, containers, subscripts
    "lambda: 1",
    "(lambda x: x)(theta)",
    "[x for x in ()]",
    "(x for x in ())",
    "sin(x for x in theta)",
    "{x: 1 for x in ()}",
    "{x for x in ()}",
    "theta[0]",
    "(theta, theta)",
    "theta, theta",
    "[theta]",
    "{theta}",
    # strings, bytes, f-strings, other constants
    "'theta'",
    '"theta"',
    "b'x'",
    "f'{theta}'",
    "True",
    "False + theta",
    "None",
    "...",
    "1j",
    "3 + 2j",
    "1e400",
    "-1e400",
    "10**400",
    "1" * 400,  # above the largest float
    "0x1f",
    "0b101",
    "1_0_",
    # operators and control flow outside the whitelist
    "theta < 1",
    "theta == 1",
    "theta is theta",
    "theta in theta",
    "theta is not None",
    "theta and 1",
    "theta or 1",
    "not theta",
    "~theta",
    "theta // 2",
    "theta % 2",
    "theta @ theta",
    "theta ^ 2",
    "theta & 1",
    "theta | 1",
    "theta << 1",
    "theta if theta else 1",
    "(a:=1)",
    "(theta := 2) * theta",
    "await theta",
    "(yield)",
    "(yield from theta)",
    # calls
    "sin(*theta)",
    "sin(**theta)",
    "sin(x=1)",
    "sin(theta, theta)",
    "sin()",
    "foo(theta)",
    "Sin(theta)",
    "sin(theta)(1)",
    "theta(2)",
    "pi(2)",
    "(sin + 1)(theta)",
    "print(theta)",
    "type(theta)",
    # powers that would be expensive or are not powers of a number
    "9**9**9",
    "2**theta**3",
    "2**theta",
    "theta**theta",
    "theta**(1/0)",
    "(9**99)**99",
    # constants that are not finite
    "1/0",
    "log(0)",
    "sqrt(-1)",
    "theta + 1e100*1e100*1e100*1e100",
    # size limits
    "x" * 10_000,
    "theta+" * 2_000 + "theta",
    "(" * 10_000 + "theta" + ")" * 10_000,
    "(" * 200 + "theta" + ")" * 200,
    "-" * 10_000 + "theta",
    "-" * 300 + "theta",
    "+".join(["1"] * 150),
    "sin(" * 40 + "theta" + ")" * 40,
    # unicode look-alikes and invisible characters
    "cоs(theta)",  # Cyrillic о
    "１ + theta",  # fullwidth digit
    "theta\u037e",  # Greek question mark (NFC turns it into a semicolon)
    "theta\u200b",  # zero-width space
    "theta\u00a0+ 1",  # no-break space
    "θ − 1",  # minus sign U+2212
    "ѕin(theta)",  # Cyrillic ѕ
    "theta\x00",
    "theta\x7f",
    # several statements, comments, line tricks
    "1\nimport os",
    "theta\n",
    "theta\r+1",
    "\ttheta",
    "theta; import os",
    "theta;",
    "import os",
    "theta # comment",
    "theta \\\n + 1",
    "from os import system",
    "del theta",
    "assert theta",
    "pass",
    # malformed
    "",
    "   ",
    "(theta",
    "theta)",
    ")(",
    "theta +",
    "* theta",
    "theta + * 2",
    "2theta",
    "theta2",
    "1 2",
    "sin",
    "x",
    "e e",
    "theta$",
    "theta?",
    "`theta`",
    "theta!",
    "theta:1",
    "theta = 1",
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:40]))
def test_hostile_input_is_rejected_quickly(text):
    start = time.perf_counter()
    with pytest.raises(ExpressionError):
        parse(text, ONE)
    # A guard against hangs (a power tower evaluated, a runaway recursion), not a speed goal:
    # a refusal takes well under a millisecond, so only a blow-up comes near a second, even
    # on a loaded CI machine.
    assert time.perf_counter() - start < 1.0


def test_hostile_corpus_is_large():
    assert len(set(HOSTILE)) == len(HOSTILE) >= 50


@pytest.mark.parametrize(
    "text",
    ["theta", "theta0 + theta2", "theta_0", "θ", "x + y", "theta0(theta1)", "theta0**theta1"],
)
def test_two_parameter_costs_reject_other_names(text):
    with pytest.raises(ExpressionError):
        parse(text, TWO)


def test_nothing_reaches_ast_parse_before_the_cheap_checks(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("ast.parse was called")

    monkeypatch.setattr(parsing.ast, "parse", refuse)
    for text in [
        "(" * 10_000 + "theta" + ")" * 10_000,  # too long
        "(" * (MAX_DEPTH + 1) + "theta" + ")" * (MAX_DEPTH + 1),  # too deep
        "cоs(theta)",  # non-ASCII
        "theta; 1",  # forbidden character
        "theta)",  # unbalanced
        "2theta",  # glued number
    ]:
        with pytest.raises(ExpressionError):
            parse(text, ONE)


def test_the_package_never_executes_text():
    modules = sorted(Path(expressions.__file__).parent.glob("*.py"))
    assert len(modules) >= 7  # every module of the language, not only its __init__
    for module in modules:
        tree = ast.parse(module.read_text())
        called = {
            node.func.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }
        assert not called & {"eval", "exec", "compile", "__import__", "globals", "locals"}


@pytest.mark.parametrize(
    ("text", "position", "snippet", "words"),
    [
        ("cos(theta) + os", 13, "os", "Unknown name 'os'"),
        ("os", 0, "os", "Unknown name 'os' at position 0: only theta"),
        ("cоs(theta)", 1, "о", "CYRILLIC SMALL LETTER O"),
        ("θ + os", 4, "os", "Unknown name 'os'"),  # positions count θ as one character
        ("theta**1e400", 7, "1e400", "Number too large"),
        ("2**theta**3", 3, "theta**3", "exponent"),
        ("sin(theta) + open(theta)", 13, "open", "Unknown function 'open'"),
        ("theta + theta.real", 8, "theta.real", "Attribute access"),
        ("theta; import os", 5, ";", "single formula"),
        ("theta^2", 5, "^", "**"),
        ("(theta", 0, "(", "Unclosed"),
        ("(theta))", 7, ")", "Unmatched"),
        ("theta +", 7, "", "incomplete"),
        ("1 + 2theta", 4, "2theta", "2*theta"),
        ("sin(theta, 2)", 0, "sin(theta, 2)", "exactly one argument"),
        ("  log(0) + theta", 2, "log(0)", "-inf"),
        ("theta0", 0, "theta0", "one parameter"),
    ],
)
def test_errors_point_at_the_offending_part(text, position, snippet, words):
    with pytest.raises(ExpressionError) as caught:
        parse(text, ONE)
    error = caught.value
    assert (error.position, error.snippet) == (position, snippet)
    assert text[position : position + len(snippet)] == snippet
    assert f"at position {position}" in str(error)
    assert words in str(error)


def test_error_pointer_draws_a_caret_under_the_snippet():
    with pytest.raises(ExpressionError) as caught:
        parse("theta + thetta", ONE)
    assert caught.value.pointer() == "theta + thetta\n        ^^^^^^"
    assert "did you mean 'theta'?" in str(caught.value)


def test_errors_without_a_position_and_pickling():
    with pytest.raises(ExpressionError) as caught:
        parse("x" * (MAX_LENGTH + 1), ONE)
    assert caught.value.position is None
    assert str(caught.value) == "The formula is too long (501 characters): at most 500 are allowed."
    assert isinstance(caught.value, ValueError)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (str(copy), copy.position) == (str(caught.value), None)


def test_two_parameter_hint_names_both_parameters():
    with pytest.raises(ExpressionError, match="use theta0 and theta1"):
        parse("theta**2", TWO)


def test_programming_errors_are_not_expression_errors():
    with pytest.raises(TypeError, match="'text' parameter of parse"):
        parse(12, ONE)
    with pytest.raises(ValueError, match="'variables' parameter of parse"):
        parse("x", ("sin",))
    with pytest.raises(ValueError, match="'variables' parameter of parse"):
        parse("x", ("x", "x"))
    with pytest.raises(ValueError, match=r"'variable' parameter of Expression\.derivative"):
        parse("theta", ONE).derivative("x")


# -- valid input ---------------------------------------------------------------------------------

X = np.linspace(0.1, 2.0, 7)

VALID = [
    ("theta**4 - 3*theta**2 + theta", lambda x: x**4 - 3 * x**2 + x),
    ("sin(theta) + cos(2*theta)", lambda x: np.sin(x) + np.cos(2 * x)),
    ("tan(theta/4)", lambda x: np.tan(x / 4)),
    ("exp(-theta**2)", lambda x: np.exp(-(x**2))),
    ("log(theta) + sqrt(theta)", lambda x: np.log(x) + np.sqrt(x)),
    ("abs(theta - 1)", lambda x: np.abs(x - 1)),
    ("tanh(theta) * sinh(theta) / cosh(theta)", lambda x: np.tanh(x) * np.sinh(x) / np.cosh(x)),
    ("arctan(theta) + atan(2*theta)", lambda x: np.arctan(x) + np.arctan(2 * x)),
    ("sigmoid(theta)", lambda x: 1 / (1 + np.exp(-x))),
    ("sign(theta - 1)", lambda x: np.sign(x - 1)),
    ("-theta**2", lambda x: -(x**2)),
    ("(-theta)**2", lambda x: x**2),
    ("--+-theta", lambda x: -x),
    ("2**-1 * theta**-2", lambda x: 0.5 * x**-2.0),
    ("theta**(1/3)", lambda x: np.cbrt(x)),
    ("theta**0.5 + theta**7", lambda x: np.sqrt(x) + x**7),
    ("pi*theta + e", lambda x: np.pi * x + np.e),
    ("2*pi*θ", lambda x: 2 * np.pi * x),
    ("  1.5e-1 * theta + 1_000  ", lambda x: 0.15 * x + 1000),
    (".5*theta + 3.", lambda x: 0.5 * x + 3.0),
    ("1/(1 + theta)/2", lambda x: 1 / (1 + x) / 2),
    ("theta - (theta - 1) - 1", lambda x: 0 * x),
    ("7", lambda x: 7 + 0 * x),
]


@pytest.mark.parametrize(("text", "reference"), VALID, ids=[t for t, _ in VALID])
def test_valid_formulas_evaluate_like_numpy(text, reference):
    expr = parse(text, ONE)
    assert isinstance(expr, Expression)
    assert expr.text == text
    np.testing.assert_allclose(expr.evaluate(X), reference(X), rtol=1e-13, atol=1e-13)
    # to_text parses back to the same function.
    again = parse(expr.to_text(), ONE)
    np.testing.assert_allclose(again.evaluate(X), reference(X), rtol=1e-13, atol=1e-13)


def test_evaluate_accepts_positional_named_and_mapping_values():
    expr = parse("theta0 - 2*theta1", TWO)
    a, b = np.arange(3.0), np.array([[1.0], [2.0]])
    expected = a - 2 * b
    for got in [expr.evaluate(a, b), expr.evaluate(theta0=a, theta1=b), expr.evaluate(a, theta1=b)]:
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(expr.evaluate({"theta0": a, "theta1": b}), expected)
    assert parse("3", TWO).evaluate(a, b).shape == (2, 3)  # constants broadcast too
    for bad in [(a,), (a, b, a)]:
        with pytest.raises(ValueError, match=r"Expression\.evaluate"):
            expr.evaluate(*bad)
    with pytest.raises(ValueError, match=r"Expression\.evaluate"):
        expr.evaluate(a, theta0=b)


def test_greek_names_are_spelled_out():
    assert parse("θ₀**2 + θ₁", TWO).to_text() == "theta0**2 + theta1"
    assert parse("θ0*θ1", TWO).evaluate(2.0, 3.0) == 6.0


def test_overflow_and_invalid_values_are_silent():
    expr = parse("exp(theta) + log(theta) + 1/theta + theta**100", ONE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = expr.evaluate(np.array([1e4, -1.0, 0.0]))
    assert values[0] == np.inf
    assert np.isnan(values[1])
    assert not np.isfinite(values[2])


def test_constant_exponents_are_folded():
    assert parse("theta**(2*50)", ONE).evaluate(1.01) == pytest.approx(1.01**100)
    assert parse("theta**-(10*10)", ONE).evaluate(2.0) == pytest.approx(2.0**-100)
    with pytest.raises(ExpressionError, match=r"evaluates to inf"):
        parse("theta**(1e200*1e200)", ONE)


def test_limits_accept_formulas_right_at_them():
    longest = "theta + " * 62 + "theta"  # 501 characters: one over
    assert len(longest) == 501
    with pytest.raises(ExpressionError, match="too long"):
        parse(longest, ONE)
    assert parse(longest[:-8].rstrip(" +"), ONE).evaluate(1.0) == 62
    deepest = "(" * MAX_DEPTH + "theta" + ")" * MAX_DEPTH
    assert parse(deepest, ONE).evaluate(2.0) == 2.0
    # 199 minus signs and theta: 200 nodes, the most allowed, and the deepest tree.
    chain = parse("-" * 199 + "theta", ONE)
    assert chain.evaluate(2.0) == -2.0
    assert chain.derivative("theta").to_text() == "-1"
    with pytest.raises(ExpressionError, match="too complex"):
        parse("-" * 200 + "theta", ONE)


# -- derivatives ---------------------------------------------------------------------------------

DERIVATIVES = [
    ("theta**4 - 3*theta**2 + theta", "4*theta**3 - 6*theta + 1", r"4 \theta^{3} - 6 \theta + 1"),
    ("sin(theta**2)", "2*theta*cos(theta**2)", r"2 \theta \cos\left(\theta^{2}\right)"),
    ("exp(-theta**2)", "-2*theta*exp(-theta**2)", r"-2 \theta \exp\left(-\theta^{2}\right)"),
    ("log(1 + theta**2)", "2*theta/(1 + theta**2)", r"2 \frac{\theta}{1 + \theta^{2}}"),
    ("sqrt(theta)", "0.5/sqrt(theta)", r"\frac{0.5}{\sqrt{\theta}}"),
    ("1/theta", "-1/theta**2", r"-\frac{1}{\theta^{2}}"),
    ("theta*sin(theta)", "sin(theta) + theta*cos(theta)", None),
    ("abs(theta)", "sign(theta)", r"\operatorname{sign}\left(\theta\right)"),
    ("tanh(theta)", "1 - tanh(theta)**2", None),
    ("atan(theta)", "1/(1 + theta**2)", r"\frac{1}{1 + \theta^{2}}"),
    ("pi*theta**2 + e", "2*pi*theta", r"2 \pi \theta"),
    ("3*theta + 0*theta**2", "3", "3"),
]


@pytest.mark.parametrize(("text", "derivative", "latex"), DERIVATIVES)
def test_derivatives_are_exact_and_simplified(text, derivative, latex):
    d = parse(text, ONE).derivative("theta")
    assert d.to_text() == derivative
    assert d.text == derivative
    if latex is not None:
        assert d.to_latex() == latex


def test_latex_uses_theta_and_subscripts():
    assert parse("theta0**2 + 25*theta1**2", TWO).to_latex() == (
        r"\theta_{0}^{2} + 25 \theta_{1}^{2}"
    )
    assert parse("sin(theta)**2 * pi", ONE).to_latex() == (
        r"\left(\sin\left(\theta\right)\right)^{2} \pi"
    )
    assert parse("1.5e-07*theta", ONE).to_latex() == r"1.5 \times 10^{-7} \theta"


LEAVES = st.sampled_from(["theta", "theta", "theta", "pi", "e", "1", "2", "0.5", "1.5", "3"])
SMOOTH = [  # each keeps its function where it is smooth and of moderate size
    "sin({})",
    "cos({})",
    "tanh({})",
    "arctan({})",
    "atan({})",
    "sigmoid({})",
    "exp(sin({}))",
    "log(1 + ({})**2)",
    "sqrt(1 + ({})**2)",
    "sinh(sin({}))",
    "cosh(sin({}))",
    "tan(0.5*sin({}))",
    "abs(2 + sin({}))",
]


def _grow(inner):
    return st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(lambda t: f"({' '.join(t)})"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]})/(1 + ({t[1]})**2)"),
        st.tuples(inner, st.integers(0, 3)).map(lambda t: f"({t[0]})**{t[1]}"),
        st.tuples(inner, st.sampled_from(["0.5", "-1.5", "(1/3)", "-2"])).map(
            lambda t: f"(1 + ({t[0]})**2)**{t[1]}"
        ),
        inner.map(lambda s: f"-({s})"),
        st.tuples(st.sampled_from(SMOOTH), inner).map(lambda t: t[0].format(t[1])),
    )


FORMULAS = st.recursive(LEAVES, _grow, max_leaves=10)


def _within_limits(text: str) -> bool:
    depth = max(np.cumsum([{"(": 1, ")": -1}.get(c, 0) for c in text]), default=0)
    return len(text) <= MAX_LENGTH and depth <= MAX_DEPTH


def _five_point(f, x: float, h: float) -> tuple[float, float]:
    """f′(x) by the O(h⁴) central stencil, and the largest |f| it used."""
    values = [float(f(x + k * h)) for k in (-2, -1, 1, 2)]
    slope = (values[0] - 8 * values[1] + 8 * values[2] - values[3]) / (12 * h)
    return slope, max(map(abs, values))


def _assert_slope(analytic: float, f, x: float, usable=assume) -> None:
    """analytic ≈ f′(x), skipping (by default) points where f is huge or not finite."""
    numeric, scale = _five_point(f, x, 1e-3)
    usable(math.isfinite(numeric) and scale < 1e6 and abs(analytic) < 1e6)
    assert analytic == pytest.approx(numeric, rel=1e-5, abs=1e-8 * (1 + scale))


def _must(condition: bool) -> None:
    assert condition


@settings(max_examples=300, deadline=None)
@given(FORMULAS, st.floats(-2, 2))
def test_exact_derivatives_match_finite_differences(text, x):
    assume(_within_limits(text))
    expr = parse(text, ONE)  # the grammar only builds valid formulas
    first = expr.derivative("theta")
    second = first.derivative("theta")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, slope, curvature = (float(e.evaluate(x)) for e in (expr, first, second))
    assume(all(math.isfinite(v) for v in (value, slope, curvature)))
    _assert_slope(slope, expr.evaluate, x)
    _assert_slope(curvature, first.evaluate, x)
    # Both the formula and its derivative print as text that parses back to the same function.
    for e in (expr, first):
        rendered = e.to_text()
        if _within_limits(rendered):
            try:
                again = parse(rendered, ONE)
            except ExpressionError as error:
                assert "too complex" in str(error)
            else:
                assert float(again.evaluate(x)) == pytest.approx(float(e.evaluate(x)), rel=1e-9)
        assert e.to_latex()


@settings(max_examples=100, deadline=None)
@given(FORMULAS, FORMULAS, st.floats(-2, 2), st.floats(-2, 2))
def test_custom_cost_gradient_and_hessian_match_finite_differences(left, right, x, y):
    text = f"({left.replace('theta', 'theta0')})*({right.replace('theta', 'theta1')})"
    assume(_within_limits(text))
    cost = CustomCost.from_text(text, n_params=2)
    theta = np.array([x, y])
    gradient, hessian = cost.gradient(theta), cost.hessian_at(theta)
    assume(np.all(np.isfinite(gradient)) and np.all(np.isfinite(hessian)))
    for j in range(2):
        unit = np.eye(2)[j]
        _assert_slope(gradient[j], lambda t, u=unit: cost.cost_value(theta + t * u), 0.0)
        for k in range(2):
            _assert_slope(
                hessian[k, j], lambda t, u=unit, k=k: cost.gradient(theta + t * u)[k], 0.0
            )
    np.testing.assert_array_equal(hessian, hessian.T)


# -- fuzzing the parser --------------------------------------------------------------------------

TOKENS = [
    *["theta", "theta0", "theta1", "θ", "₀", "₁", "pi", "e", "x", "_", "__class__", "os"],
    *["sin", "cos", "log", "sqrt", "atan", "sigmoid", "abs", "exp", "tan", "sign"],
    *["(", ")", "(", ")", "+", "-", "*", "/", "**", ".", ",", " ", " ", "=", ":", ";", "'"],
    *["1", "2.5", "0", "1e3", "1e400", "1e-400", "0x", "j", "9", "**9**9", "100", "...", "1_0"],
    *["import", "lambda", "if", "else", "for", "in", "not", "and", "or", "None", "True"],
    *["\n", "\t", "\x00", "о", "１", "^", "#", "\\", "[", "]", "{", "}", "@", "!", "~", "%"],
    *["\u200b", "−", "'", '"', "f", "b", "<", ">", "&", "|", "`", "$", "?"],
]
TOKEN_SOUP = st.lists(st.sampled_from(TOKENS), max_size=60).map("".join)
GRAMMAR_SOUP = st.lists(st.one_of(FORMULAS, st.sampled_from(TOKENS)), max_size=8).map("".join)
# Only tokens that pass the character checks, so the syntax-tree whitelist does the work.
PLAIN_TOKENS = [
    t for t in TOKENS if all(c.isascii() and (c.isalnum() or c in " +-*/()._,") for c in t)
]
PLAIN_SOUP = st.lists(st.sampled_from(PLAIN_TOKENS), max_size=40).map(" ".join)


def _parse_or_reject(text: str, variables: tuple[str, ...]) -> None:
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            expr = parse(text, variables)
        except ExpressionError as error:
            assert str(error)
            if error.position is not None:
                assert 0 <= error.position <= len(text)
                assert text[error.position :].startswith(error.snippet)
            return
        point = np.linspace(-1.5, 1.5, len(variables))
        expr.evaluate(*point)
        for v in variables:
            expr.derivative(v).evaluate(*point)
        expr.to_latex()
    assert time.perf_counter() - start < 5.0  # a hang guard: typically a few milliseconds


@settings(max_examples=500, deadline=timedelta(seconds=1))
@given(
    st.one_of(st.text(max_size=600), TOKEN_SOUP, GRAMMAR_SOUP, PLAIN_SOUP),
    st.sampled_from([ONE, TWO]),
)
def test_parse_returns_an_expression_or_raises_expression_error(text, variables):
    _parse_or_reject(text, variables)


@settings(max_examples=200, deadline=timedelta(seconds=1))
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80))
def test_printable_ascii_never_breaks_the_parser(text):
    _parse_or_reject(text, ONE)


# -- CustomCost ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PRESET_COSTS))
def test_presets_parse_and_have_exact_gradients(name):
    preset = PRESET_COSTS[name]
    cost = CustomCost.from_text(preset.text, preset.n_params, preset.bounds)
    assert cost.n_params == preset.n_params
    assert len(cost.param_names) == preset.n_params
    assert preset.description.endswith(".")
    assert cost.theta_bounds().shape == (preset.n_params, 2)
    low, high = cost.theta_bounds().T
    for theta in np.random.default_rng(0).uniform(low, high, (5, preset.n_params)):
        numerical = numerical_gradient(lambda t: float(cost.cost_value(t)), theta)
        np.testing.assert_allclose(cost.gradient(theta), numerical, rtol=1e-6, atol=1e-6)
        jacobian = np.array(
            [
                numerical_gradient(lambda t, k=k: cost.gradient(t)[k], theta)
                for k in range(preset.n_params)
            ]
        )
        np.testing.assert_allclose(cost.hessian_at(theta), jacobian, rtol=1e-5, atol=1e-5)


def test_custom_cost_shapes_and_names():
    one = CustomCost.from_text("theta**2", 1)
    two = CustomCost.from_text("theta0*theta1 + 5", 2)
    assert (one.param_names, two.param_names) == (("θ",), ("θ₀", "θ₁"))
    assert one.cost_value(np.array([3.0])).shape == ()
    assert float(one.cost_value(np.array([3.0]))) == 9.0
    batch = np.arange(24.0).reshape(4, 3, 2)
    assert two.cost_value(batch).shape == (4, 3)
    assert two.gradient(batch).shape == (4, 3, 2)
    assert two.hessian_at(batch).shape == (4, 3, 2, 2)
    np.testing.assert_array_equal(two.gradient(batch)[..., 0], batch[..., 1])
    np.testing.assert_array_equal(two.hessian_at(np.zeros(2)), [[0, 1], [1, 0]])
    flat = CustomCost.from_text("5", 2)
    np.testing.assert_array_equal(flat.gradient(batch), np.zeros((4, 3, 2)))
    assert [g.text for g in two.gradient_formulas] == ["theta1", "theta0"]
    np.testing.assert_array_equal(two.theta_bounds(), [[-3, 3], [-3, 3]])
    boxed = CustomCost.from_text("theta", 1, bounds=[(-1, 2)])
    np.testing.assert_array_equal(boxed.theta_bounds(), [[-1, 2]])
    assert pickle.loads(pickle.dumps(two)).cost_value(np.ones(2)) == 6.0


def test_custom_cost_argument_errors():
    with pytest.raises(ValueError, match=r"'n_params' parameter of CustomCost\.from_text"):
        CustomCost.from_text("theta", 3)
    with pytest.raises(ValueError, match="'bounds' parameter of CustomCost"):
        CustomCost.from_text("theta", 1, bounds=[(2, 1)])
    with pytest.raises(ValueError, match=r"'theta' parameter of CustomCost\.gradient"):
        CustomCost.from_text("theta", 1).gradient(np.zeros(2))
    with pytest.raises(ValueError, match="'expression' parameter of CustomCost"):
        CustomCost(parse("x", ("x",)))
    with pytest.raises(ExpressionError):
        CustomCost.from_text("theta0", 1)


MINIMA = np.sort(np.roots([4, 0, -6, 1]).real)  # where 4θ³ − 6θ + 1 = 0: left, hump, right


@pytest.mark.parametrize(
    ("start", "minimum"), [(2.0, MINIMA[2]), (-2.0, MINIMA[0]), (0.5, MINIMA[2])]
)
def test_descent_on_two_minima_reaches_the_nearest_one(start, minimum):
    cost = CustomCost.from_text(PRESET_COSTS["two minima"].text, 1)
    trace = descend(cost, start, lr=0.05, steps=1000)
    assert trace.status == "converged"
    assert trace.theta[0] == pytest.approx(minimum, abs=1e-7)
    assert trace.param_names == ("θ",)


def test_descent_on_rosenbrock_heads_for_one_one():
    cost = CustomCost.from_text(PRESET_COSTS["Rosenbrock"].text, 2)
    trace = descend(cost, [-1.2, 1.0], lr=1e-3, steps=20_000)
    assert trace.status in {"converged", "max_steps"}
    assert trace.cost < 1e-6 * trace.costs[0]
    np.testing.assert_allclose(trace.theta, [1.0, 1.0], atol=1e-3)


@pytest.mark.parametrize("lr", [10.0, 1e12])
def test_a_huge_rate_on_the_quartic_diverges_quietly(lr):
    cost = CustomCost.from_text(PRESET_COSTS["two minima"].text, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = descend(cost, 2.0, lr=lr, steps=100)
    assert trace.status == "diverged"
    assert np.all(np.isfinite(trace.costs))


def test_a_step_past_overflow_is_divergence():
    cost = CustomCost.from_text("theta**4", 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = descend(cost, 1e50, lr=1.0, steps=10)  # θ⁴ of the next θ overflows to inf
    assert trace.status == "diverged"
    assert trace.diverged_at == 1
    assert "too large to represent" in trace.message


# -- the time cap --------------------------------------------------------------------------------


def _fill(unit: str, separator: str = " + ") -> str:
    """As many copies of `unit` as fit in MAX_LENGTH characters."""
    count = (MAX_LENGTH + len(separator)) // (len(unit) + len(separator))
    return separator.join([unit] * count)


LARGEST = [
    (_fill("theta0**3/theta1**1.5", "+"), 2),
    (_fill("sigmoid(theta0*theta1)", "+"), 2),
    (_fill("tan(theta0)", "+"), 2),
    (_fill("theta0", "*"), 2),
    ("sigmoid(" * MAX_DEPTH + "theta0*theta1" + ")" * MAX_DEPTH, 2),
    ("tan(" * MAX_DEPTH + "theta0*theta1" + ")" * MAX_DEPTH, 2),
    (_fill("theta**7"), 1),
    (_fill("theta", "*"), 1),
]


@pytest.mark.parametrize(("text", "n_params"), LARGEST, ids=lambda v: str(v)[:24])
def test_largest_formulas_parse_and_evaluate_without_blowing_up(text, n_params):
    """A guard against blow-ups, not a speed goal (benchmarks/bench_expressions.py measures the
    time against TIME_CAP_SECONDS): the page parses and plots whatever is typed."""
    grid = np.linspace(-3, 3, 400 if n_params == 1 else 200)
    points = grid[:, None] if n_params == 1 else np.stack(np.meshgrid(grid, grid), axis=-1)
    timings = []
    for _ in range(3):  # the best of three, so a busy machine does not fail the test
        start = time.perf_counter()
        cost = CustomCost.from_text(text, n_params)
        cost.cost_value(points)
        cost.gradient(points)
        timings.append(time.perf_counter() - start)
    assert len(text) <= MAX_LENGTH
    assert min(timings) < 10 * TIME_CAP_SECONDS  # a loaded CI machine is slower, not 10× slower


@pytest.mark.parametrize(("text", "n_params"), LARGEST, ids=lambda v: str(v)[:24])
def test_derivatives_of_the_largest_formulas_are_exact(text, n_params):
    cost = CustomCost.from_text(text, n_params)
    theta = np.array([0.6, 0.3][:n_params])
    gradient, hessian = cost.gradient(theta), cost.hessian_at(theta)
    for j in range(n_params):
        unit = np.eye(n_params)[j]
        _assert_slope(gradient[j], lambda t, u=unit: cost.cost_value(theta + t * u), 0.0, _must)
        for k in range(n_params):
            _assert_slope(
                hessian[k, j], lambda t, u=unit, k=k: cost.gradient(theta + t * u)[k], 0.0, _must
            )


# -- what the page shows of a formula --------------------------------------------------------

# The LaTeX printer writes only these commands: st.latex of a parsed formula cannot draw a
# \rule, fetch an \href or \includegraphics, or define a macro, whatever was typed.
LATEX_COMMANDS = {
    r"\theta", r"\pi", r"\mathrm", r"\sin", r"\cos", r"\tan", r"\exp", r"\ln", r"\tanh",
    r"\sinh", r"\cosh", r"\arctan", r"\sigma", r"\operatorname", r"\sqrt", r"\left", r"\right",
    r"\frac", r"\cdot", r"\times",
}  # fmt: skip
NUMBERS = st.floats(-1e100, 1e100, allow_nan=False).map(lambda v: f"({v!r})")


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.one_of(LEAVES, NUMBERS), _grow, max_leaves=10))
def test_the_latex_of_a_formula_uses_only_the_printers_own_commands(text):
    assume(_within_limits(text))
    try:
        expr = parse(text, ONE)
    except ExpressionError:  # refused with a message (e.g. a constant that overflows): fine
        assume(False)
    for e in (expr, expr.derivative("theta")):
        latex = e.to_latex()
        assert set(re.findall(r"\\[A-Za-z]+", latex)) <= LATEX_COMMANDS, latex
        assert re.fullmatch(r"[A-Za-z0-9\\{}^_ +\-.|()]*", latex), latex
        assert "$" not in latex and "\\\\" not in latex


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("a" * 450, "Unknown name '" + "a" * 39 + "…'"),
        ("f" * 300 + "(theta)", "Unknown function '" + "f" * 39 + "…'"),
        ("2" + "x" * 400, "Malformed number '2" + "x" * 38 + "…'"),
        ("os", "Unknown name 'os'"),
    ],
)
def test_a_message_quotes_at_most_a_short_part_of_the_formula(text, quoted):
    with pytest.raises(ExpressionError) as caught:
        parse(text, ONE)
    assert str(caught.value).startswith(quoted + " at position 0")
    assert len(caught.value.message) <= len("Unknown function ''") + expressions.MAX_QUOTE
    assert caught.value.text == text  # the pointer still shows the whole formula
