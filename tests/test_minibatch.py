import numpy as np
import pytest

from gdlab import LinearRegression, descend, make_linear


@pytest.fixture(scope="module")
def problem():
    data = make_linear(n=100, slope=2.0, intercept=1.0, noise=1.0, seed=3)
    return LinearRegression(data.x, data.y, scaling="standardize")


def test_the_same_seed_gives_the_same_run(problem):
    a = descend(problem, [0.0, 0.0], 0.05, 200, batch_size=8, seed=4)
    b = descend(problem, [0.0, 0.0], 0.05, 200, batch_size=8, seed=4)
    c = descend(problem, [0.0, 0.0], 0.05, 200, batch_size=8, seed=5)
    assert np.array_equal(a.thetas, b.thetas) and np.array_equal(a.batch_costs, b.batch_costs)
    assert not np.array_equal(a.thetas, c.thetas)


def test_a_whole_data_batch_is_full_batch_descent(problem):
    full = descend(problem, [0.0, 0.0], 0.1, 100)
    batch = descend(problem, [0.0, 0.0], 0.1, 100, batch_size=problem.n)
    np.testing.assert_allclose(batch.thetas, full.thetas, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(batch.batch_costs, full.costs[:-1], rtol=1e-12)


def test_batch_costs_are_noisy_but_the_full_cost_is_recorded(problem):
    trace = descend(problem, [0.0, 0.0], 0.05, 300, batch_size=1, seed=0)
    assert trace.batch_costs.shape == (trace.n_steps,)
    np.testing.assert_allclose(trace.costs, problem.cost_value(trace.thetas))
    # Noise: single-sample costs scatter far more than the full cost moves.
    assert np.std(trace.batch_costs[-100:]) > 10 * np.std(trace.costs[-100:])
    assert trace.cost < 0.1 * trace.costs[0]  # and yet it descends


def test_each_epoch_visits_every_row_once(problem, monkeypatch):
    seen = []
    original = problem.gradient_per_sample

    class Spy:
        def __getattr__(self, name):
            return getattr(problem, name)

        def gradient_per_sample(self, theta, rows=None):
            seen.append(np.array(rows))
            return original(theta, rows)

    descend(Spy(), [0.0, 0.0], 0.01, 13, batch_size=8, seed=1)  # 100 rows: 13 batches per epoch
    epoch = np.concatenate(seen)
    assert sorted(epoch.tolist()) == list(range(100))
    assert [len(rows) for rows in seen] == [8] * 12 + [4]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"batch_size": 0}, "'batch_size'"),
        ({"batch_size": 101}, "'batch_size'"),
        ({"batch_size": 5, "seed": -1}, "'seed'"),
    ],
)
def test_bad_batch_arguments(problem, kwargs, match):
    with pytest.raises(ValueError, match=match):
        descend(problem, [0.0, 0.0], 0.1, 10, **kwargs)
