"""Schedules at their defaults, at the ends of their parameters' ranges, and their formulas."""

import math

import pytest

from gdlab.running.schedules import (
    SCHEDULES,
    Constant,
    Cosine,
    Exponential,
    InverseTime,
    StepDecay,
    Warmup,
)


def test_defaults_give_the_documented_sequences():
    assert (StepDecay(0.8).gamma, StepDecay(0.8).every) == (0.5, 100)
    assert [StepDecay(0.8)(k) for k in (0, 99, 100, 199, 200)] == [0.8, 0.8, 0.4, 0.4, 0.2]
    assert Exponential(1.0).gamma == 0.99
    assert Exponential(2.0)(3) == pytest.approx(2.0 * 0.99**3, rel=1e-15)
    assert InverseTime(1.0).decay == 0.01
    assert InverseTime(1.0)(100) == pytest.approx(0.5, rel=1e-15)  # 1/(1 + 0.01·100)
    assert (Cosine(1.0).total, Cosine(1.0).lr_min) == (1000, 0.0)
    assert Cosine(1.0)(500) == pytest.approx(0.5, rel=1e-15)
    assert Cosine(1.0)(1000) == 0.0
    assert Warmup(1.0).warmup == 10
    assert [Warmup(1.0)(k) for k in (0, 4, 9, 10)] == pytest.approx([0.1, 0.5, 1.0, 1.0])


def test_cosine_decays_to_its_floor_and_stays_there():
    # α_min + ½(α − α_min)(1 + cos(πk/T)) with α = 1, α_min = 0.2, T = 4.
    schedule = Cosine(1.0, total=4, lr_min=0.2)
    expected = [
        1.0,
        0.2 + 0.4 * (1 + math.sqrt(0.5)),
        0.6,
        0.2 + 0.4 * (1 - math.sqrt(0.5)),
        0.2,
        0.2,
        0.2,
    ]
    assert [schedule(k) for k in range(7)] == pytest.approx(expected, rel=1e-15)
    assert schedule(10**6) == 0.2


def test_cosine_with_its_floor_at_the_rate_is_constant():
    assert [Cosine(0.3, total=3, lr_min=0.3)(k) for k in range(5)] == pytest.approx([0.3] * 5)


def test_step_decay_waits_every_steps_between_drops():
    schedule = StepDecay(1.0, gamma=0.1, every=1)
    assert [schedule(k) for k in range(4)] == pytest.approx([1.0, 0.1, 0.01, 0.001], rel=1e-15)


def test_warmup_of_one_step_is_constant():
    assert [Warmup(0.5, warmup=1)(k) for k in range(3)] == [0.5, 0.5, 0.5]


def test_inverse_time_without_decay_is_constant():
    assert [InverseTime(0.5, decay=0.0)(k) for k in range(3)] == [0.5, 0.5, 0.5]


@pytest.mark.parametrize("factory", [StepDecay, Exponential, InverseTime, Cosine, Warmup])
def test_rates_are_positive_and_at_most_a_trillion(factory):
    name = factory.__name__
    assert factory(1e12).lr == 1e12
    assert factory(5e-324).lr == 5e-324  # any positive rate
    for bad in (0.0, -1.0, 1e12 + 1, math.inf, math.nan):
        with pytest.raises(ValueError, match=rf"'lr' parameter of {name} must be a finite float "
                           r"in the range \(0, 1e\+12\]"):  # fmt: skip
            factory(bad)


@pytest.mark.parametrize("factory", [StepDecay, Exponential])
def test_decay_factors_lie_in_zero_to_one(factory):
    name = factory.__name__
    assert factory(1.0, gamma=1.0)(5) == 1.0
    assert factory(1.0, gamma=5e-324).gamma == 5e-324
    for bad in (0.0, -0.5, 1.0000000000000002, 2.0):
        with pytest.raises(ValueError, match=rf"'gamma' parameter of {name} must be a finite "
                           r"float in the range \(0, 1\]"):  # fmt: skip
            factory(1.0, gamma=bad)


@pytest.mark.parametrize(
    ("factory", "name"), [(StepDecay, "every"), (Cosine, "total"), (Warmup, "warmup")]
)
def test_step_counts_lie_in_one_to_a_billion(factory, name):
    assert getattr(factory(1.0, **{name: 1}), name) == 1
    assert getattr(factory(1.0, **{name: 10**9}), name) == 10**9
    for bad in (0, -1, 10**9 + 1):
        message = rf"'{name}' parameter of {factory.__name__} must be an int in the range \[1, "
        with pytest.raises(ValueError, match=message + r"1000000000\]"):
            factory(1.0, **{name: bad})


def test_inverse_time_decay_is_non_negative():
    with pytest.raises(ValueError, match=r"'decay' parameter of InverseTime must be a finite"):
        InverseTime(1.0, decay=-1e-9)
    assert InverseTime(1.0, decay=1e300).decay == 1e300


def test_cosine_floor_lies_between_zero_and_the_rate():
    assert Cosine(0.5, lr_min=0.5).lr_min == 0.5
    for bad in (-1e-9, 0.5000000000000001):
        with pytest.raises(ValueError, match=r"'lr_min' parameter of Cosine must be a finite "
                           r"float in the range \[0, 0.5\]"):  # fmt: skip
            Cosine(0.5, lr_min=bad)


def test_formulas():
    assert Constant(0.25).formula == r"\alpha_k = 0.25"
    assert StepDecay(0.8, 0.5, 10).formula == r"\alpha_k = 0.8\cdot 0.5^{\lfloor k/10 \rfloor}"
    assert Exponential(0.8, 0.9).formula == r"\alpha_k = 0.8\cdot 0.9^k"
    assert InverseTime(0.8, 0.5).formula == r"\alpha_k = \frac{0.8}{1 + 0.5\,k}"
    assert Cosine(0.8, 50, 0.1).formula == (
        r"\alpha_k = 0.1 + \tfrac12(0.8 - 0.1)\,(1 + \cos(\pi k/50))"
    )
    assert Warmup(0.8, 5).formula == r"\alpha_k = 0.8\cdot\min(1, (k+1)/5)"


def test_every_schedule_is_listed_under_its_name():
    assert {
        "constant": Constant,
        "step": StepDecay,
        "exponential": Exponential,
        "inverse_time": InverseTime,
        "cosine": Cosine,
        "warmup": Warmup,
    } == SCHEDULES
