"""The landscape plane of a run (Li et al. 2018): its directions against an eigen-decomposition
done here, a path that lies in a plane given back exactly, and every drawn cost against the
model's own J at that point."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from gdlab.figures.trajectory_plane import trajectory_plane, trajectory_plane_figure
from gdlab.running.descent import descend
from gdlab.teaching.curved_models import initial_theta, model_choice


class Bowl:
    """J(θ) = Σ cⱼθⱼ² in five dimensions."""

    n_params = 5
    weights = np.array([1.0, 2.0, 3.0, 4.0, 5.0])

    def cost_value(self, theta):
        return float(self.weights @ (np.asarray(theta) ** 2))


def _flat_path():
    """A spiral in the plane of two orthonormal vectors of R⁵, about a point c."""
    rng = np.random.default_rng(0)
    basis, _ = np.linalg.qr(rng.normal(size=(5, 2)))
    k = np.arange(60)
    coords = np.column_stack(
        [np.exp(-k / 20) * np.cos(k / 5), 0.3 * np.exp(-k / 20) * np.sin(k / 5)]
    )
    centre = np.array([0.5, -1.0, 2.0, 0.0, 1.0])
    return centre + coords @ basis.T, basis


def test_a_path_in_a_plane_is_given_back_exactly():
    thetas, basis = _flat_path()
    plane = trajectory_plane(Bowl(), SimpleNamespace(thetas=thetas), points=9)
    np.testing.assert_allclose(plane.directions @ plane.directions.T, np.eye(2), atol=1e-12)
    assert plane.in_plane == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(plane.origin + plane.path @ plane.directions, thetas, atol=1e-12)
    # The plane is the one the path was drawn in: each direction lies in span(basis).
    np.testing.assert_allclose(plane.directions @ basis @ basis.T, plane.directions, atol=1e-12)
    assert np.all(plane.path[0] >= 0)  # the sign convention: the start at a, b ≥ 0


def test_the_directions_are_the_leading_eigenvectors_of_the_paths_scatter():
    problem = model_choice("network_pressure").build(6, "tanh")
    trace = descend(problem, initial_theta(problem, 1), 0.1, 300)
    plane = trajectory_plane(problem, trace, points=7)
    offsets = trace.thetas - trace.thetas[-1]
    values, vectors = np.linalg.eigh(offsets.T @ offsets)  # ascending
    for j in range(2):
        leading = vectors[:, -1 - j]
        assert abs(abs(leading @ plane.directions[j]) - 1.0) < 1e-8
        assert plane.explained[j] == pytest.approx(values[-1 - j] / values.sum(), rel=1e-8)
    assert 0.5 < plane.explained[0] <= 1.0 and plane.in_plane <= 1.0 + 1e-12


def test_every_drawn_cost_is_the_models_own_cost_there():
    problem = model_choice("logistic_penguins").build(1, "tanh")
    trace = descend(problem, initial_theta(problem, 0), 1.0, 200)
    plane = trajectory_plane(problem, trace, points=11)
    for row, col in [(0, 0), (3, 7), (10, 10), (5, 2)]:
        theta = (
            plane.origin + plane.a[col] * plane.directions[0] + plane.b[row] * plane.directions[1]
        )
        assert plane.costs[row, col] == pytest.approx(problem.cost_value(theta), rel=1e-12)
    # The grid holds the whole projected path, with room around it.
    assert plane.a[0] < plane.path[:, 0].min() and plane.path[:, 0].max() < plane.a[-1]
    assert plane.b[0] < plane.path[:, 1].min() and plane.path[:, 1].max() < plane.b[-1]


def test_a_diverging_run_is_drawn_up_to_its_last_finite_point():
    problem = model_choice("network_pressure").build(4, "tanh")
    thetas = descend(problem, initial_theta(problem, 0), 0.05, 20).thetas.copy()
    thetas = np.vstack([thetas, np.full((2, thetas.shape[1]), np.inf)])
    plane = trajectory_plane(problem, SimpleNamespace(thetas=thetas), points=5)
    np.testing.assert_array_equal(plane.origin, thetas[20])
    assert plane.path.shape == (21, 2) and np.all(np.isfinite(plane.costs))


def test_a_run_that_never_moved_and_a_single_parameter():
    still = trajectory_plane(Bowl(), SimpleNamespace(thetas=np.zeros((3, 5))), points=5)
    assert still.in_plane == 0.0 and np.all(np.isfinite(still.costs))
    with pytest.raises(ValueError, match="at least two parameters"):
        trajectory_plane(Bowl(), SimpleNamespace(thetas=np.zeros((3, 1))))


def test_the_figure_draws_the_path_to_step_k_on_log_contours():
    problem = model_choice("network_pressure").build(6, "tanh")
    trace = descend(problem, initial_theta(problem, 1), 0.1, 300)
    plane = trajectory_plane(problem, trace, points=9)
    figure = trajectory_plane_figure(plane, 120)
    contour = figure.data[0]
    np.testing.assert_allclose(contour.z, np.log10(plane.costs))
    assert contour.colorbar.title.text == "log₁₀ J"
    marker = next(t for t in figure.data if (t.name or "").startswith("θₖ at step 120"))
    np.testing.assert_array_equal([marker.x[0], marker.y[0]], plane.path[120])
    path = next(t for t in figure.data if t.name == "path so far (projected)")
    assert path.x[-1] == plane.path[120, 0] and len(path.x) <= 121
    share = f"{100 * plane.explained[0]:.0f}%"
    assert share in figure.layout.xaxis.title.text
    assert figure.layout.xaxis.range[0] == plane.a[0]
