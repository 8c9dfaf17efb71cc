"""The unrolled products of gdlab.linalg against numpy's own, on shapes where rows ≠ columns,
and the block maps of gdlab.running.affine on a map that overflows (they must stay quiet:
callers stop before it)."""

import numpy as np

from gdlab.linalg import dot_last, matmul, matvec, squared_norm
from gdlab.running.affine import advance, block_maps

RNG = np.random.default_rng(12)


def test_matvec_matches_einsum_on_batched_rectangular_matrices():
    matrices = RNG.normal(size=(4, 2, 3))
    vectors = RNG.normal(size=(4, 3))
    np.testing.assert_allclose(
        matvec(matrices, vectors), np.einsum("bij,bj->bi", matrices, vectors), rtol=1e-13
    )


def test_dot_last_and_squared_norm_match_numpy():
    a, b = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 3))
    np.testing.assert_allclose(dot_last(a, b), np.einsum("bj,bj->b", a, b), rtol=1e-13)
    np.testing.assert_allclose(squared_norm(a), np.linalg.norm(a, axis=-1) ** 2, rtol=1e-13)


def test_matmul_matches_numpy_on_batched_rectangular_matrices():
    a = RNG.normal(size=(3, 2, 4))  # a.shape[1] = 2 rows, a.shape[-1] = 4 columns
    b = RNG.normal(size=(3, 4, 5))
    np.testing.assert_allclose(matmul(a, b), np.matmul(a, b), rtol=1e-13)


def _powers_by_hand(m, c, size):
    powers, offsets = [m], [c]
    for _ in range(1, size):
        powers.append(m @ powers[-1])
        offsets.append(m @ offsets[-1] + c)
    return np.array(powers), np.array(offsets)


def test_block_maps_and_advance_are_quiet_on_an_overflowing_map():
    # M = 1e100·I: M³ = 1e300 and M⁴ overflows, and M³θ overflows for θ₀ = (1e10, 2). Under
    # errstate(all="raise") a single unguarded operation would raise FloatingPointError; the finite
    # powers and steps must still be right.
    m = np.eye(2) * 1e100
    c = np.array([1.0, -1.0])
    with np.errstate(all="raise"):
        powers, offsets = block_maps(m, c, 4)
        thetas = advance(powers, offsets, np.array([1e10, 2.0]), 4)
    with np.errstate(all="ignore"):
        want_powers, want_offsets = _powers_by_hand(m, c, 4)
        want_thetas = np.array(
            [p @ np.array([1e10, 2.0]) + o for p, o in zip(want_powers, want_offsets, strict=True)]
        )
    np.testing.assert_allclose(powers[:3], want_powers[:3], rtol=1e-13)
    np.testing.assert_allclose(offsets[:3], want_offsets[:3], rtol=1e-13)
    np.testing.assert_allclose(thetas[:2], want_thetas[:2], rtol=1e-13)
    assert not np.isfinite(powers[3]).all()
    assert not np.isfinite(thetas[2]).all()


def test_a_long_dot_product_is_one_reduction_with_the_same_value():
    # A network's 49 parameters: past UNROLL_MAX terms, Σaⱼbⱼ is one einsum, still exact to
    # rounding against math.fsum, row by row of a batch and for one vector.
    import math

    from gdlab.linalg import UNROLL_MAX

    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(4, 49)), rng.normal(size=(4, 49))
    assert a.shape[-1] > UNROLL_MAX
    exact = [math.fsum(row_a * row_b) for row_a, row_b in zip(a, b, strict=True)]
    np.testing.assert_allclose(dot_last(a, b), exact, rtol=1e-13)
    np.testing.assert_allclose(dot_last(a[0], b[0]), exact[0], rtol=1e-13)
    np.testing.assert_allclose(squared_norm(a[1]), math.fsum(a[1] ** 2), rtol=1e-13)
