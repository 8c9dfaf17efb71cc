"""What every optimizer promises besides its update rule: states that count steps and mirror the
parameters, hyper-parameters refused outside [0, 1] with a message naming them, names that carry
the hyper-parameters, and formulas that are well-formed LaTeX in the optimizer's own symbols."""

import math
import re

import numpy as np
import pytest

from gdlab.running.optimizers import OPTIMIZERS, adagrad, adam, gradient_descent, momentum, rmsprop


def _run(optimizer, theta0, count, lr=0.1):
    """count updates on J(θ) = ½‖θ‖² (g = θ), returning the states along the way."""
    theta = np.asarray(theta0, dtype=np.float64)
    states = [optimizer.init(theta)]
    for _ in range(count):
        step, state = optimizer.update(theta.copy(), states[-1], lr)
        theta = theta + step
        states.append(state)
    return states


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_the_state_counts_the_steps_taken(name):
    states = _run(OPTIMIZERS[name](), [1.0, -2.0], 4)
    assert [state.count for state in states] == list(range(5))


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_a_fresh_state_holds_float_zeros_shaped_like_the_parameters(name):
    theta = np.array([3, -1, 2])  # integers: the state must still be float64
    state = OPTIMIZERS[name]().init(theta)
    for array in state[1:]:
        assert isinstance(array, np.ndarray)
        assert array.shape == theta.shape
        assert array.dtype == np.float64
        assert not array.any()


def test_adagrad_adds_eps_after_the_square_root():
    # J = ½θ², g = θ:  s ← s + g²,  θ ← θ − α·g/(√s + ε), with ε = 0.5 large enough to matter.
    theta, s, expected = 1.0, 0.0, []
    for _ in range(3):
        g = theta
        s += g * g
        theta -= 0.1 * g / (math.sqrt(s) + 0.5)
        expected.append(theta)
    optimizer, theta, got = adagrad(eps=0.5), np.array([1.0]), []
    state = optimizer.init(theta)
    for _ in range(3):
        step, state = optimizer.update(theta.copy(), state, 0.1)
        theta = theta + step
        got.append(float(theta[0]))
    assert got == pytest.approx(expected, rel=1e-13)


HYPERPARAMETERS = [
    (momentum, "momentum", "mu"),
    (lambda **kw: momentum(nesterov=True, **kw), "momentum", "mu"),
    (adagrad, "adagrad", "eps"),
    (rmsprop, "rmsprop", "rho"),
    (rmsprop, "rmsprop", "eps"),
    (adam, "adam", "b1"),
    (adam, "adam", "b2"),
    (adam, "adam", "eps"),
]


@pytest.mark.parametrize(("factory", "func", "param"), HYPERPARAMETERS)
@pytest.mark.parametrize("value", [-1e-3, 1.5, 1.0 + 2**-52 * 4, math.inf])
def test_a_hyperparameter_outside_zero_one_is_refused_by_name(factory, func, param, value):
    message = (
        f"^The '{param}' parameter of {func} must be a finite float in the range "
        rf"\[0, 1\]\. Got {re.escape(repr(value))} instead\.$"
    )
    with pytest.raises(ValueError, match=message):
        factory(**{param: value})


@pytest.mark.parametrize(("factory", "func", "param"), HYPERPARAMETERS)
def test_a_hyperparameter_at_zero_is_accepted(factory, func, param):
    factory(**{param: 0.0})


@pytest.mark.parametrize("param", ["b1", "b2"])
def test_adam_refuses_a_beta_of_one(param):
    other = {"b1": 0.9, "b2": 0.999}
    other[param] = 1.0
    message = (
        r"^The 'b1' and 'b2' parameters of adam must be below 1 \(the bias correction "
        rf"divides by 1 − βᵗ\)\. Got {other['b1']!r} and {other['b2']!r} instead\.$"
    )
    with pytest.raises(ValueError, match=message):
        adam(**other)


@pytest.mark.parametrize(
    ("factory", "args", "base", "values"),
    [
        (gradient_descent, (), "gradient descent", []),
        (momentum, (0.25,), "momentum", ["μ = 0.25"]),
        (momentum, (0.25, True), "Nesterov", ["μ = 0.25"]),
        (adagrad, (), "AdaGrad", []),
        (rmsprop, (0.75,), "RMSProp", ["ρ = 0.75"]),
        (adam, (0.5, 0.75), "Adam", ["β₁ = 0.5", "β₂ = 0.75"]),
    ],
)
def test_names_are_the_method_and_its_hyperparameters(factory, args, base, values):
    optimizer = factory(*args)  # built in the test, not at collection
    assert isinstance(optimizer.name, str)
    assert optimizer.name.split(" (")[0] == base
    for value in values:
        assert value in optimizer.name


# KaTeX commands the update rules need; anything else (a misspelt or recased command) fails.
COMMANDS = {
    r"\theta", r"\leftarrow", r"\alpha", r"\mu", r"\rho", r"\beta", r"\varepsilon",
    r"\frac", r"\sqrt", r"\quad", r"\,", r"\;",
}  # fmt: skip
STATE_VARIABLES = {"gd": 0, "momentum": 1, "nesterov": 1, "adagrad": 1, "rmsprop": 1, "adam": 2}
SYMBOLS = {
    "gd": {r"\theta", r"\alpha", r"\leftarrow"},
    "momentum": {r"\mu"},
    "nesterov": {r"\mu"},
    "adagrad": {r"\sqrt", r"\varepsilon", r"\frac"},
    "rmsprop": {r"\rho", r"\sqrt", r"\varepsilon"},
    "adam": {r"\beta", r"\sqrt", r"\varepsilon", r"\frac"},
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_formulas_are_well_formed_latex_in_the_rules_symbols(name):
    formula = OPTIMIZERS[name]().formula
    assert isinstance(formula, str)
    commands = set(re.findall(r"\\[A-Za-z]+|\\[,;]", formula))
    assert commands <= COMMANDS
    assert SYMBOLS[name] | SYMBOLS["gd"] <= commands
    # Outside commands, a variable is one letter (θ, α, g, m, v, s, t): "XX" or "XXm" is not.
    plain = re.sub(r"\\[A-Za-z]+", " ", formula)
    assert all(len(word) == 1 for word in re.findall(r"[A-Za-z]+", plain))
    assert set(re.findall(r"[A-Za-z]", plain)) <= set("gmvst")
    depth = 0
    for char in formula:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0
    # One assignment for θ and one for each state variable the rule keeps (module docstring).
    assert formula.count(r"\leftarrow") == 1 + STATE_VARIABLES[name]
