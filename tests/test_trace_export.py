"""A trace's table and CSV, written out by hand for a two-step run of J = ½‖θ‖²."""

import numpy as np

from gdlab import LinearRegression, descend
from gdlab.running.optimizers import momentum
from gdlab.running.schedules import Constant


class HalfSquare:
    """½‖θ‖², with no parameter names of its own."""

    n_params = 2

    def cost_value(self, theta):
        return 0.5 * float(np.dot(theta, theta))

    def gradient(self, theta):
        return np.array(theta, dtype=np.float64)


def test_a_run_without_parameter_names_numbers_them():
    # α = ½ from (4, −2): θ = (2, −1), then (1, −0.5); J = 10, 2.5, 0.625.
    trace = descend(HalfSquare(), [4.0, -2.0], 0.5, 2, gtol=0.0)
    assert trace.param_names == ()
    assert trace.optimizer == "gradient descent"
    assert trace.to_csv().splitlines() == [
        "k,theta0,theta1,J,dJ/dtheta0,dJ/dtheta1,alpha,step theta0,step theta1",
        "0,4,-2,10,4,-2,0.5,-2,1",
        "1,2,-1,2.5,2,-1,0.5,-1,0.5",
        "2,1,-0.5,0.625,1,-0.5,,,",
    ]


def test_csv_keeps_every_digit():
    trace = descend(HalfSquare(), [0.1, 1 / 3], 0.1, 1, gtol=0.0)
    row = trace.to_csv().splitlines()[1].split(",")
    assert row[1:3] == ["0.10000000000000001", "0.33333333333333331"]
    assert float(row[3]) == trace.costs[0]


def test_a_mini_batch_run_has_its_batch_costs_column():
    problem = LinearRegression([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 2.0, 4.0], intercept=False)
    trace = descend(problem, 0.0, 0.01, 3, batch_size=2)
    frame = trace.to_frame()
    assert list(frame.columns) == ["k", "θ", "J", "dJ/dθ", "alpha", "batch J", "step θ"]
    np.testing.assert_array_equal(frame["batch J"].iloc[:-1], trace.batch_costs)
    assert np.isnan(frame["batch J"].iloc[-1]) and np.isnan(frame["alpha"].iloc[-1])
    assert frame["alpha"].dtype == np.float64


def test_a_trace_names_its_optimizer_in_every_path():
    problem = LinearRegression([1.0, 2.0, 3.0], [1.0, 2.0, 2.0], intercept=False)
    for lr in (0.01, Constant(0.01)):
        assert descend(problem, 0.0, lr, 3).optimizer == "gradient descent"
    assert descend(problem, 0.0, 0.01, 3, optimizer=momentum(0.5)).optimizer == "momentum (μ = 0.5)"
