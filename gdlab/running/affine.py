"""Constant-rate gradient descent on a quadratic cost, a block of steps per numpy call.

With a fixed α the step θ ↦ θ − α∇J(θ) of a quadratic cost is an affine map θ ↦ Mθ + c
(`LinearRegression.affine_step`). Composing it j times gives θₖ₊ⱼ = Mʲθₖ + cⱼ with
cⱼ = (I + M + … + Mʲ⁻¹)c, so B steps cost one product with the precomputed (B, d, d) stack of
powers instead of B rounds of Python: the same descent, step for step (to rounding), without
the interpreter's per-step overhead. `descend` and `sweep` both take their constant-rate steps
here, which is why a sweep's rows equal separate runs bit for bit.

Products are written as elementwise multiplies and short sums rather than matmul, so a row of a
batch is computed exactly as it would be alone.
"""

from __future__ import annotations

import numpy as np

from gdlab.linalg import matmul, matvec

BLOCK = 64  # steps per product: long enough to amortise numpy's call cost, short enough to stop


def block_maps(m: np.ndarray, c: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Mʲ and cⱼ for j = 1…size, stacked on a new axis before the last two (or one)."""
    powers = np.empty((*m.shape[:-2], size, *m.shape[-2:]))
    offsets = np.empty((*c.shape[:-1], size, c.shape[-1]))
    powers[..., 0, :, :], offsets[..., 0, :] = m, c
    with np.errstate(all="ignore"):  # a diverging map overflows; callers stop before it
        for j in range(1, size):
            powers[..., j, :, :] = matmul(m, powers[..., j - 1, :, :])
            offsets[..., j, :] = matvec(m, offsets[..., j - 1, :]) + c
    return powers, offsets


def advance(powers: np.ndarray, offsets: np.ndarray, start: np.ndarray, count: int):
    """θₖ₊₁ … θₖ₊count from θₖ = start: shape (..., count, d)."""
    with np.errstate(all="ignore"):
        return matvec(powers[..., :count, :, :], start[..., None, :]) + offsets[..., :count, :]
