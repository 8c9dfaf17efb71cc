"""J* from the residuals of θ*, without a second chunk-sized array: exact to round-off (against
rational arithmetic) whether the data are one chunk or many, and no more memory than the
statistics alone need."""

import tracemalloc
from fractions import Fraction

import numpy as np
import pytest

from gdlab.models import linear as problem_module
from gdlab.models.linear import LinearRegression

EPS = float(np.finfo(np.float64).eps)


def noisy_line(n: int, noise: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """y = 3 + 2x + noise·N(0, 1): with a tiny noise the fit explains all but 1e-15 of yᵀy."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 10.0, n)
    return x, 3.0 + 2.0 * x + noise * rng.standard_normal(n)


def exact_min_cost(problem: LinearRegression) -> tuple[Fraction, np.ndarray]:
    """J* and θ* for the problem's own features z (floats, taken as exact): the normal
    equations solved by Gauss–Jordan elimination in rational arithmetic."""
    z = [Fraction(float(v)) for v in problem.scaler.transform(problem.x)]
    y = [Fraction(float(v)) for v in problem.y]
    powers = list(range(0 if problem.intercept else 1, problem.degree + 1))
    columns = [[zi**p for zi in z] for p in powers]
    d = len(columns)
    rows = [
        [sum(a * b for a, b in zip(columns[i], c, strict=True)) for c in columns]
        + [sum(a * b for a, b in zip(columns[i], y, strict=True))]
        for i in range(d)
    ]
    for i in range(d):
        for r in range(d):
            if r != i:
                factor = rows[r][i] / rows[i][i]
                rows[r] = [u - factor * v for u, v in zip(rows[r], rows[i], strict=True)]
    theta = [rows[i][d] / rows[i][i] for i in range(d)]
    squares = sum(
        (sum(t * c[i] for t, c in zip(theta, columns, strict=True)) - y[i]) ** 2
        for i in range(len(z))
    )
    return Fraction(problem.cost_factor) * squares / len(z), np.array([float(t) for t in theta])


def round_off(problem: LinearRegression, theta: np.ndarray) -> float:
    """How far evaluating J(θ) in float64 from the data may be off: each ŷᵢ − yᵢ by
    eᵢ = 2(d + 2)ε(|yᵢ| + Σⱼ|θⱼzᵢ^pⱼ|) (Horner and the subtraction), and nε·J for the sum."""
    z = problem.scaler.transform(problem.x)
    powers = np.arange(0 if problem.intercept else 1, problem.degree + 1)
    terms = z[:, None] ** powers
    residuals = terms @ theta - problem.y
    errors = 2 * (problem.degree + 2) * EPS * (np.abs(problem.y) + np.abs(terms) @ np.abs(theta))
    cost = problem.cost_factor * np.mean(residuals**2)
    return problem.cost_factor * float(np.mean(2 * np.abs(residuals) * errors + errors**2)) + (
        problem.n * EPS * cost
    )


@pytest.mark.parametrize("chunk", [65_536, 64], ids=["one chunk", "five chunks"])
@pytest.mark.parametrize(
    ("scaling", "degree", "noise"),
    [("standardize", 1, 1.0), ("standardize", 1, 1e-7), ("none", 1, 1e-7),
     ("minmax", 1, 1e-7), ("standardize", 2, 1e-7), ("none", 2, 1e-3)],
)  # fmt: skip
def test_min_cost_is_exact_to_round_off_in_one_chunk_or_many(
    monkeypatch, chunk, scaling, degree, noise
):
    monkeypatch.setattr(problem_module, "_CHUNK", chunk)
    x, y = noisy_line(300, noise)
    problem = LinearRegression(x, y, scaling=scaling, degree=degree)
    exact, exact_theta = exact_min_cost(problem)
    if noise < 1:  # the shortcut k(yᵀy/n − bᵀθ*) would be off by far more than round-off
        assert problem.yty > 1e5 * float(exact)
    assert abs(Fraction(problem.min_cost) - exact) <= round_off(problem, exact_theta)


@pytest.mark.parametrize("scaling", ["standardize", "none", "minmax"])
@pytest.mark.parametrize("n", [50_000, 100_000])
def test_a_line_fit_needs_one_chunk_sized_array_beyond_its_copies_of_x_and_y(scaling, n):
    x, y = noisy_line(n, 1.0)
    kept = x.copy(), y.copy()
    tracemalloc.start()
    try:
        problem = LinearRegression(x, y, scaling=scaling)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    chunk = 8 * min(n, problem_module._CHUNK)
    assert peak - 2 * 8 * n <= 1.25 * chunk  # the copies, then one chunk of z or ŷ
    for data, original in zip((x, y, problem.x, problem.y), kept * 2, strict=True):
        np.testing.assert_array_equal(data, original)  # ŷ overwrote a scaled copy, not data
