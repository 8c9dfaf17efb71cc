"""Running gradient descent: step by step (`descent`), a block of constant-rate steps per numpy
call (`affine`), many rates at once and the range test (`sweep`), other update rules
(`optimizers`) and learning-rate schedules (`schedules`)."""

from gdlab.running.descent import MAX_STEPS, Trace, descend
from gdlab.running.optimizers import OPTIMIZERS, Optimizer
from gdlab.running.sweep import RangeTest, Sweep, range_test, sweep

__all__ = [
    "MAX_STEPS",
    "OPTIMIZERS",
    "Optimizer",
    "RangeTest",
    "Sweep",
    "Trace",
    "descend",
    "range_test",
    "sweep",
]
