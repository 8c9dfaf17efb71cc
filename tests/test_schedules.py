import math

import numpy as np
import pytest

from gdlab import LinearRegression, descend
from gdlab.running.schedules import Constant, Cosine, Exponential, InverseTime, StepDecay, Warmup


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        (Constant(0.1), [0.1, 0.1, 0.1, 0.1, 0.1, 0.1]),
        (StepDecay(0.8, gamma=0.5, every=2), [0.8, 0.8, 0.4, 0.4, 0.2, 0.2]),
        (Exponential(1.0, gamma=0.5), [1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125]),
        (InverseTime(1.0, decay=1.0), [1.0, 0.5, 1 / 3, 0.25, 0.2, 1 / 6]),
        (
            Cosine(1.0, total=4, lr_min=0.0),
            [
                1.0,
                0.5 + 0.5 * math.cos(math.pi / 4),
                0.5,
                0.5 + 0.5 * math.cos(3 * math.pi / 4),
                0.0,
                0.0,
            ],
        ),
        (Warmup(0.3, warmup=3), [0.1, 0.2, 0.3, 0.3, 0.3, 0.3]),
    ],
)
def test_schedules_give_the_exact_sequence(schedule, expected):
    assert [schedule(k) for k in range(6)] == pytest.approx(expected, rel=1e-15)


def test_a_schedule_drives_a_run_and_is_recorded():
    x = np.arange(1.0, 6.0)
    problem = LinearRegression(x, 2 * x, intercept=False)
    schedule = StepDecay(0.02, gamma=0.5, every=3)
    trace = descend(problem, 0.0, schedule, 7)
    np.testing.assert_allclose(trace.lrs, [schedule(k) for k in range(trace.n_steps)])


def test_schedules_are_hashable_and_show_a_formula():
    assert hash(Cosine(0.1, 100)) == hash(Cosine(0.1, 100))
    assert r"\cos" in Cosine(0.1, 100).formula


@pytest.mark.parametrize(
    ("factory", "kwargs", "match"),
    [
        (StepDecay, {"lr": 0.1, "every": 0}, "'every'"),
        (Exponential, {"lr": -1}, "'lr'"),
        (Cosine, {"lr": 0.1, "lr_min": 0.5}, "'lr_min'"),
        (Warmup, {"lr": 0.1, "warmup": 0}, "'warmup'"),
    ],
)
def test_bad_schedule_arguments(factory, kwargs, match):
    with pytest.raises(ValueError, match=match):
        factory(**kwargs)
