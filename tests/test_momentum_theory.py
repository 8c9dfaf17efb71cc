"""Heavy-ball theory away from its optimum, against a separately written reference: the
spectral radius of each direction's 2×2 companion matrix, by numpy.linalg.eigvals.

Along an eigenvector with eigenvalue λ the error obeys eₖ₊₁ = (1 + μ − αλ)eₖ − μeₖ₋₁, i.e.
(eₖ₊₁, eₖ) = [[1 + μ − αλ, −μ], [1, 0]]·(eₖ, eₖ₋₁).
"""

import numpy as np
import pytest

from gdlab.theory import LearningRateTheory, momentum_rate, momentum_stable, optimal_momentum


def companion_rate(lr: float, mu: float, eigenvalues) -> float:
    radii = [
        max(abs(np.linalg.eigvals(np.array([[1 + mu - lr * lam, -mu], [1.0, 0.0]]))))
        for lam in eigenvalues
    ]
    return max(radii)


def test_real_roots_by_hand():
    # α = 0.1, μ = 0.25, λ = 1: z² − 1.15z + 0.25 = 0 has roots (1.15 ± √0.3225)/2.
    larger = (1.15 + np.sqrt(1.15**2 - 1.0)) / 2
    assert float(momentum_rate(0.1, 0.25, [1.0])) == pytest.approx(larger, rel=1e-14)
    assert larger == pytest.approx(0.858945, abs=1e-6)


def test_real_negative_roots_by_hand():
    # α = 3.5, μ = 0.1, λ = 1: b = −2.4, roots (−2.4 ± √5.36)/2; the larger |root| is 2.3576.
    larger = (2.4 + np.sqrt(2.4**2 - 0.4)) / 2
    assert float(momentum_rate(3.5, 0.1, [1.0])) == pytest.approx(larger, rel=1e-14)


def test_complex_roots_have_modulus_root_mu():
    # b² < 4μ: the roots are conjugates with |z|² = μ.
    assert float(momentum_rate(1.0, 0.64, [1.0])) == pytest.approx(0.8, rel=1e-14)


def test_without_momentum_it_is_plain_gradient_descent():
    rates = np.array([0.05, 0.2, 0.45, 0.6])
    expected = [max(abs(1 - lr * 1.0), abs(1 - lr * 4.0)) for lr in rates]
    np.testing.assert_allclose(momentum_rate(rates, 0.0, [1.0, 4.0]), expected, rtol=1e-14)


def test_on_a_grid_it_matches_the_companion_matrix():
    eigenvalues = [0.3, 1.0, 4.0]
    lrs = np.geomspace(1e-3, 1.0, 9)[:, None]
    mus = np.array([0.0, 0.1, 0.5, 0.81, 0.95, 1.2])[None, :]
    rates = momentum_rate(lrs, mus, eigenvalues)
    assert rates.shape == (9, 6)
    expected = [
        [companion_rate(float(lr), float(mu), eigenvalues) for mu in mus[0]] for lr in lrs[:, 0]
    ]
    np.testing.assert_allclose(rates, expected, rtol=1e-7)


def test_the_worst_direction_sets_the_rate():
    # Each λ alone, then together: the maximum.
    alone = [float(momentum_rate(0.3, 0.2, [lam])) for lam in (0.5, 2.0, 7.0)]
    assert float(momentum_rate(0.3, 0.2, [0.5, 2.0, 7.0])) == max(alone)
    assert len(set(alone)) == 3


def test_stable_exactly_inside_its_bounds():
    # 0 ≤ μ < 1 and 0 < αλ_max < 2(1 + μ).
    assert momentum_stable(1e-300, 0.0, 1.0)  # however small the rate
    assert momentum_stable(0.5, 0.0, 1.0)
    assert momentum_stable(1.9, 0.0, 1.0)
    assert not momentum_stable(2.0, 0.0, 1.0)
    assert momentum_stable(2.9, 0.5, 1.0)
    assert not momentum_stable(3.0, 0.5, 1.0)
    assert not momentum_stable(3.1, 0.5, 1.0)
    assert momentum_stable(0.1, 0.999, 1.0)
    assert not momentum_stable(0.1, 1.0, 1.0)
    assert not momentum_stable(0.1, -0.01, 1.0)
    assert not momentum_stable(0.0, 0.5, 1.0)
    assert not momentum_stable(-0.1, 0.5, 1.0)
    assert momentum_stable(0.9, 0.0, 2.0) and not momentum_stable(1.1, 0.0, 2.0)


def test_stable_agrees_with_the_companion_matrix():
    lam = 3.0
    for lr in np.geomspace(1e-4, 1.5, 25):
        for mu in (0.0, 0.05, 0.3, 0.7, 0.99):
            if abs(lr * lam - 2 * (1 + mu)) < 1e-6:
                continue  # on the edge the radius is 1 up to round-off
            expected = companion_rate(float(lr), mu, [lam]) < 1
            assert momentum_stable(float(lr), mu, lam) == expected, (lr, mu)


def test_optimal_momentum_by_hand():
    # λ = 1, 4: √κ = 2, so μ = (1/3)², α = (2/(2 + 1))² = 4/9, rate √μ = 1/3.
    lr, mu, rate = optimal_momentum(LearningRateTheory(np.array([1.0, 4.0])))
    assert lr == pytest.approx(4 / 9, rel=1e-15)
    assert mu == pytest.approx(1 / 9, rel=1e-15)
    assert rate == pytest.approx(1 / 3, rel=1e-15)
    assert companion_rate(lr, mu, [1.0, 4.0]) == pytest.approx(1 / 3, rel=1e-6)
