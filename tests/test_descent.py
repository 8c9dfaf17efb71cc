import dataclasses

import numpy as np
import pytest

from gdlab import MAX_STEPS, LinearRegression, descend, learning_rate_theory
from gdlab.models.typed import CustomCost
from gdlab.teaching.cost_presets import PRESET_COSTS

STANDARD_MODELS = [
    pytest.param({"intercept": False, "scaling": "none"}, id="theta*x"),
    pytest.param({"intercept": True, "scaling": "standardize"}, id="line-standardized"),
    pytest.param({"intercept": True, "scaling": "minmax"}, id="line-minmax"),
]


def test_first_steps_by_hand(three_points):
    x, y = three_points
    problem = LinearRegression(x, y, intercept=False)
    trace = descend(problem, 0.0, lr=0.1, steps=2)
    # dJ/dθ at 0 = (2/3)Σ(0 − yᵢ)xᵢ = −22/3, so θ₁ = 0 − 0.1·(−22/3) = 11/15.
    assert trace.grads[0] == pytest.approx([-22 / 3])
    assert trace.thetas[1] == pytest.approx([11 / 15])
    # dJ/dθ at 11/15 = (2/3)(14·11/15 − 11) = −22/45; θ₂ = 11/15 + 0.1·22/45.
    assert trace.thetas[2] == pytest.approx([11 / 15 + 2.2 / 45])
    assert trace.updates == pytest.approx(np.diff(trace.thetas, axis=0))
    assert trace.costs[1] == pytest.approx(problem.cost_per_sample(trace.thetas[1]))


def test_error_shrinks_by_exactly_one_minus_alpha_lambda(three_points):
    problem = LinearRegression(*three_points, intercept=False)
    lam = problem.hessian()[0, 0]
    lr = 1.5 / lam  # oscillating: 1 − αλ = −0.5
    trace = descend(problem, 4.0, lr=lr, steps=20)
    errors = trace.thetas[:, 0] - problem.theta_star[0]
    np.testing.assert_allclose(errors[1:] / errors[:-1], 1 - lr * lam, rtol=1e-6)


@pytest.mark.parametrize("model", STANDARD_MODELS)
def test_converges_to_least_squares_on_every_dataset(dataset, model):
    problem = LinearRegression(dataset.x, dataset.y, **model)
    theory = learning_rate_theory(problem)
    trace = descend(problem, np.zeros(problem.n_params), theory.optimal_lr, steps=20_000)
    assert trace.status == "converged"
    design = np.column_stack([np.ones(dataset.n), dataset.x])
    if not model["intercept"]:
        design = design[:, 1:]
    reference = np.linalg.lstsq(design, dataset.y, rcond=None)[0]
    got = problem.raw_coefficients(trace.theta)[-design.shape[1] :]
    # ‖∇J‖ ≤ 1e-8·‖∇J(θ₀)‖ bounds the error in θ by κ·1e-8 relative: 1e-6 is ample.
    np.testing.assert_allclose(got, reference, rtol=1e-6, atol=1e-9 * np.abs(reference).max())


@pytest.mark.parametrize("model", STANDARD_MODELS)
def test_critical_rate_separates_convergence_from_divergence(dataset, model):
    problem = LinearRegression(dataset.x, dataset.y, **model)
    crit = learning_rate_theory(problem).critical_lr
    theta0 = np.zeros(problem.n_params)
    below = descend(problem, theta0, 0.99 * crit, steps=20_000)
    above = descend(problem, theta0, 1.01 * crit, steps=20_000)
    assert below.status == "converged"
    assert above.status == "diverged"
    assert above.costs[-1] > 1e6 * above.costs[0]
    assert np.all(np.diff(above.costs[-50:]) > 0)  # growing without bound


@pytest.mark.parametrize("lr", [1e3, 1e8, 1e12])
def test_a_wild_divergence_ends_at_its_last_finite_step(lr):
    problem = LinearRegression(np.arange(1.0, 51.0), np.arange(50.0) * 3, scaling="none")
    trace = descend(problem, [0.0, 0.0], lr=lr, steps=5000)
    assert trace.status == "diverged"
    assert trace.diverged_at is not None and trace.diverged_at <= 60
    for array in (trace.thetas, trace.costs, trace.grads, trace.lrs):
        assert np.all(np.isfinite(array))
    assert "Diverged at step" in trace.message


def test_a_start_at_the_minimum_has_converged_already(three_points):
    problem = LinearRegression(*three_points)
    trace = descend(problem, problem.theta_star, lr=0.1, steps=10)
    assert trace.status == "converged"
    assert trace.n_steps == 0


def test_too_few_steps_reports_max_steps(three_points):
    problem = LinearRegression(*three_points, intercept=False)
    trace = descend(problem, 0.0, lr=1e-4, steps=30)
    assert trace.status == "max_steps"
    assert trace.n_steps == 30
    assert trace.thetas.shape == (31, 1) and trace.grads.shape == (31, 1)


def test_a_schedule_is_accepted_where_a_rate_is(three_points):
    problem = LinearRegression(*three_points, intercept=False)
    trace = descend(problem, 0.0, lr=lambda k: 0.1 / (k + 1), steps=5)
    np.testing.assert_allclose(trace.lrs, [0.1, 0.05, 0.1 / 3, 0.025, 0.02])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"lr": 0.0},
            r"'lr' parameter of descend must be a finite float in the range \(0, 1e\+12\]. Got 0.0",
        ),
        ({"lr": -0.1}, "'lr' .* Got -0.1 instead"),
        ({"lr": float("nan")}, "'lr'"),
        ({"lr": float("inf")}, "'lr'"),
        ({"lr": "fast"}, "'lr'"),
        ({"lr": lambda k: -1.0}, "'lr'"),
        (
            {"steps": 0},
            r"'steps' parameter of descend must be an int in the range \[1, 100000\]. Got 0",
        ),
        ({"steps": MAX_STEPS + 1}, "'steps'"),
        ({"steps": 2.5}, "'steps'"),
        (
            {"theta0": [1.0, 2.0, 3.0]},
            "'theta0' parameter of descend must be a finite vector of length 2",
        ),
        ({"theta0": [1.0, np.inf]}, "'theta0'"),
        ({"theta0": "zero"}, "'theta0'"),
    ],
)
def test_invalid_arguments_name_the_parameter(three_points, kwargs, match):
    arguments = {"theta0": [0.0, 0.0], "lr": 0.1, "steps": 10, **kwargs}
    with pytest.raises(ValueError, match=match):
        descend(LinearRegression(*three_points), **arguments)


def test_trace_is_immutable(three_points):
    trace = descend(LinearRegression(*three_points), [0.0, 0.0], lr=0.1, steps=5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        trace.status = "converged"
    for array in (trace.thetas, trace.costs, trace.grads, trace.lrs):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0.0


def test_trace_converts_to_a_frame_and_csv(three_points):
    trace = descend(LinearRegression(*three_points), [0.0, 0.0], lr=0.1, steps=5)
    frame = trace.to_frame()
    assert list(frame.columns) == [
        "k",
        "θ₀",
        "θ₁",
        "J",
        "dJ/dθ₀",
        "dJ/dθ₁",
        "alpha",
        "step θ₀",
        "step θ₁",
    ]
    assert len(frame) == trace.n_steps + 1
    np.testing.assert_array_equal(frame["J"], trace.costs)
    np.testing.assert_array_equal(frame["step θ₁"].iloc[:-1], trace.updates[:, 1])
    assert frame["step θ₁"].isna().iloc[-1]  # no step is taken from the last θ
    lines = trace.to_csv().splitlines()
    assert lines[0].startswith("k,θ₀,θ₁,J")
    assert len(lines) == trace.n_steps + 2
    assert float(lines[1].split(",")[3]) == trace.costs[0]  # full precision


class Quartic:
    """J(θ) = θ⁴ − c: a cost that may start at or below zero."""

    n_params = 1
    param_names = ("θ",)

    def __init__(self, shift: float = 0.0):
        self.shift = shift

    def cost_value(self, theta):
        return theta[..., 0] ** 4 - self.shift

    def gradient(self, theta):
        return 4 * theta**3


class Saddle:
    """J(a, b) = a² − b²: unbounded below along b."""

    n_params = 2
    param_names = ("a", "b")

    def cost_value(self, theta):
        return theta[..., 0] ** 2 - theta[..., 1] ** 2

    def gradient(self, theta):
        return np.stack([2 * theta[..., 0], -2 * theta[..., 1]], axis=-1)


def test_a_cost_that_starts_below_zero_can_still_converge():
    trace = descend(Quartic(shift=5.0), 1.0, 0.01, 20_000, gtol=1e-4)
    assert trace.status == "converged" and abs(trace.theta[0]) < 0.1


def test_a_cost_falling_without_bound_is_a_divergence():
    trace = descend(Saddle(), [1.0, 1e-3], 0.1, 5000)
    assert trace.status == "diverged"
    assert trace.diverged_at < 200  # caught by the band, long before −inf
    assert np.all(np.isfinite(trace.costs))


def test_a_huge_first_gradient_is_not_mistaken_for_convergence():
    trace = descend(Quartic(), 1e70, 1e-3, 100)
    assert trace.status == "diverged" and trace.n_steps < 5


# A converging run on a typed cost, whatever the cost's offset: J(θ₀) = 0 or tiny gave a band
# of ±1e8·|J(θ₀)| that the first step left.
CONVERGING_TYPED_RUNS = [
    pytest.param("theta0**2 + 25*theta1**2 - 1", 2, [1.0, 0.0], 0.01, None, id="J0=0-valley"),
    pytest.param("theta**4 - 3*theta**2 + theta", 1, [0.0], 0.01, None, id="J0=0-two-minima"),
    pytest.param("theta**2 - 1", 1, [1.0], 0.1, None, id="J0=0-parabola"),
    pytest.param(
        PRESET_COSTS["two minima"].text, 1, [1e-9], 0.01, PRESET_COSTS["two minima"].bounds,
        id="J0-tiny-preset",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "n_params", "theta0", "lr", "bounds"), CONVERGING_TYPED_RUNS)
def test_a_converging_typed_cost_is_never_called_diverged(text, n_params, theta0, lr, bounds):
    cost = CustomCost.from_text(text, n_params, bounds=bounds)
    trace = descend(cost, theta0, lr, 5000)
    assert trace.status == "converged"
    assert np.linalg.norm(trace.grads[-1]) <= 1e-8 * np.linalg.norm(trace.grads[0])


@pytest.mark.parametrize("offset", [0.0, 1.0, -1.0, 1e-300, 1e6, -1e6])
@pytest.mark.parametrize(("text", "n_params", "theta0", "lr", "bounds"), CONVERGING_TYPED_RUNS)
def test_the_verdict_on_a_typed_cost_does_not_depend_on_its_offset(
    text, n_params, theta0, lr, bounds, offset
):
    """J and J + c have the same gradient, so the same path: it must get the same verdict, also
    with c = −J(θ₀), which puts J(θ₀) at exactly 0."""
    reference = descend(CustomCost.from_text(text, n_params, bounds=bounds), theta0, lr, 5000)
    for shift in (offset, -float(reference.costs[0])):
        shifted = CustomCost.from_text(f"({text}) + ({shift!r})", n_params, bounds=bounds)
        trace = descend(shifted, theta0, lr, 5000)
        assert (trace.status, trace.n_steps) == (reference.status, reference.n_steps)
        np.testing.assert_array_equal(trace.thetas, reference.thetas)


@pytest.mark.parametrize("theta0", [[0.0, 1e-3], [1.0, 1e-3], [0.0, 1e-9]])
def test_a_typed_cost_falling_without_bound_still_diverges(theta0):
    saddle = PRESET_COSTS["saddle"]
    cost = CustomCost.from_text(saddle.text, 2, bounds=saddle.bounds)
    trace = descend(cost, theta0, 0.1, 5000)
    assert trace.status == "diverged"
    assert trace.diverged_at < 300  # long before the cost overflows
    assert np.all(np.isfinite(trace.costs))
