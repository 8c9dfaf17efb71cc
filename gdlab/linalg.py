"""Products over the last axes of small stacked arrays, unrolled for the tiny d of these models.

A reduction over a short last axis costs numpy far more than a few elementwise passes, and an
unrolled product computes each row of a batch exactly as it would be computed alone, so batched
and single runs agree bit for bit.
"""

from __future__ import annotations

import numpy as np


def matvec(matrices: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Σⱼ Aᵢⱼvⱼ as d multiply-adds on whole arrays: d is tiny, and a reduction over a short last
    axis costs numpy far more than a few elementwise passes."""
    out = matrices[..., 0] * vectors[..., None, 0]
    for j in range(1, matrices.shape[-1]):
        out = out + matrices[..., j] * vectors[..., None, j]
    return out


# Longer last axes (a network's parameters, never a batched run's) take one reduction: unrolled,
# its 49 passes would cost more than the network's whole gradient.
UNROLL_MAX = 8


def dot_last(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Σⱼ aⱼbⱼ over the last axis, unrolled like matvec up to UNROLL_MAX terms."""
    if a.shape[-1] > UNROLL_MAX:
        return np.einsum("...j,...j->...", a, b)
    out = a[..., 0] * b[..., 0]
    for j in range(1, a.shape[-1]):
        out = out + a[..., j] * b[..., j]
    return out


def squared_norm(vectors: np.ndarray) -> np.ndarray:
    return dot_last(vectors, vectors)


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = a[..., :, 0, None] * b[..., None, 0, :]
    for j in range(1, a.shape[-1]):
        out = out + a[..., :, j, None] * b[..., None, j, :]
    return out
