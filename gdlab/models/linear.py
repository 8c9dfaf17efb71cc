"""Least-squares regression as a gradient-descent problem, with exact derivatives.

The model is linear in θ: ŷ = Xθ, where the columns of X are powers of the (optionally scaled)
feature z: [1, z, …, z^degree], or [z, …, z^degree] without an intercept. One parameter
(ŷ = θz) gives the U-shaped cost curve of the classic explanation; two give a line.

Costs are quadratic in θ, so everything follows from the sufficient statistics
G = XᵀX/n, b = Xᵀy/n and yᵀy/n, computed once: each cost, gradient or Hessian is then O(d²)
whatever n is. A per-sample path (residuals over chosen rows) is kept for mini-batches and as
a check on the fast one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
from numpy.polynomial import polynomial as P

from gdlab._validation import check_choice, check_int, readonly
from gdlab.linalg import dot_last, matvec

Scaling = Literal["none", "standardize", "minmax"]
CostName = Literal["mse", "half_mse"]
SCALINGS: tuple[str, ...] = ("none", "standardize", "minmax")
COSTS: tuple[str, ...] = ("mse", "half_mse")
MAX_DEGREE = 5
# Points per pass when summing the statistics: 512 kB per array, small enough for the cache.
_CHUNK = 65_536

# J = k·(1/n)Σ(ŷᵢ − yᵢ)²: k = 1 for MSE, k = ½ for the "½·MSE" convention of many courses.
_COST_FACTOR = {"mse": 1.0, "half_mse": 0.5}


@dataclass(frozen=True)
class FeatureScaling:
    """z = (x − shift) / scale, fitted on the training x."""

    method: str
    shift: float
    scale: float

    @classmethod
    def fit(cls, x: np.ndarray, method: str) -> FeatureScaling:
        check_choice("FeatureScaling.fit", "method", method, SCALINGS)
        if method == "standardize":
            # One pass over d = x − c, about the mean c of the first chunk: c is close to the
            # mean, so Σd² − (Σd)²/n loses nothing that matters, and no squared copy is made.
            centre, n = float(np.mean(x[:_CHUNK])), x.size
            sums = np.zeros(2)
            for _, part in _chunks(x, lambda part, out: np.subtract(part, centre, out=out)):
                sums += (np.sum(part), part @ part)
            shift = centre + sums[0] / n
            scale = float(np.sqrt(max(sums[1] - sums[0] * sums[0] / n, 0.0) / n))
            if scale <= 64 * np.finfo(np.float64).eps * abs(shift):
                # Constant x: the mean's rounding error is all the spread there is. Centre on
                # a data value so z is exactly 0, not noise that would fake a slope.
                shift, scale = float(x[0]), 0.0
        elif method == "minmax":
            shift = float(np.min(x))
            scale = float(np.max(x)) - shift
        else:
            shift, scale = 0.0, 1.0
        # A constant x has no spread to divide by; leave it unscaled rather than make inf.
        return cls(method, shift, scale if scale > 0 else 1.0)

    def transform(self, x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        if self.shift == 0.0 and self.scale == 1.0:  # unscaled: z is x, with no pass over it
            return np.asarray(x, dtype=np.float64)
        z = np.subtract(np.asarray(x, dtype=np.float64), self.shift, out=out)
        z /= self.scale  # in place: one array for a million points, not two
        return z


def _chunks(x: np.ndarray, compute) -> Iterator[tuple[slice, np.ndarray]]:
    """(where, compute(x[where], out)) for each chunk of x in turn, into one reused buffer: a
    million points are read in cache-sized pieces, with no million-point temporary (nor its
    page faults)."""
    buffer = np.empty(min(x.size, _CHUNK))
    for start in range(0, x.size, _CHUNK):
        where = slice(start, min(start + _CHUNK, x.size))
        yield where, compute(x[where], buffer[: where.stop - start])


@dataclass(frozen=True, eq=False)
class LinearRegression:
    """Fit ŷ = Xθ to (x, y) by minimising the mean squared error J(θ).

    Parameters
    ----------
    x, y : the raw data (1-D, finite, same length, at least 2 points).
    intercept : include the constant column (ŷ = θ₀ + θ₁z) or not (ŷ = θz).
    degree : highest power of z (1 for a straight line).
    scaling : "none", "standardize" (z = (x − mean)/std) or "minmax" (z = (x − min)/range).
    cost : "mse", J = (1/n)Σ(ŷᵢ − yᵢ)², or "half_mse", J = (1/2n)Σ(ŷᵢ − yᵢ)².

    All arrays taking θ accept a batch: θ of shape (..., d) gives results of shape (...) or
    (..., d), row by row with the same arithmetic as a single θ.
    """

    x: np.ndarray
    y: np.ndarray
    intercept: bool = True
    degree: int = 1
    scaling: str = "none"
    cost: str = "mse"
    scaler: FeatureScaling = field(init=False, repr=False)
    gram: np.ndarray = field(init=False, repr=False)
    xty: np.ndarray = field(init=False, repr=False)
    yty: float = field(init=False, repr=False)
    theta_star: np.ndarray = field(init=False, repr=False)
    min_cost: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        func = "LinearRegression"
        x = np.array(self.x, dtype=np.float64).ravel()
        y = np.array(self.y, dtype=np.float64).ravel()
        if x.shape != y.shape or x.size < 2:
            raise ValueError(
                f"The 'x' and 'y' parameters of {func} must be 1-D arrays of the same length, "
                f"at least 2. Got lengths {x.size} and {y.size} instead."
            )
        check_int(func, "degree", self.degree, low=1, high=MAX_DEGREE)
        check_choice(func, "scaling", self.scaling, SCALINGS)
        check_choice(func, "cost", self.cost, COSTS)
        set_ = object.__setattr__  # frozen: derived fields are set once, here
        set_(self, "x", readonly(x))
        set_(self, "y", readonly(y))
        set_(self, "intercept", bool(self.intercept))
        with np.errstate(all="ignore"):  # extreme magnitudes are reported below instead
            set_(self, "scaler", FeatureScaling.fit(x, self.scaling))
            gram, xty, yty, chunk = self._sufficient_statistics(x, y)
            # A NaN or inf anywhere in the data makes these sums non-finite too, so the data
            # are searched for one (two more passes) only when the sums say so.
            finite = all(np.all(np.isfinite(a)) for a in (gram, xty, yty))
            theta_star, min_cost = self._minimum(gram, xty, yty, chunk) if finite else (None, None)
        if not finite and not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            raise ValueError(f"The 'x' and 'y' parameters of {func} must be finite.")
        if not (finite and np.all(np.isfinite(theta_star)) and np.isfinite(min_cost)):
            raise ValueError(
                "The data's magnitudes are too extreme to fit in floating point (values like "
                f"{np.max(np.abs(x)):.3g} in x and {np.max(np.abs(y)):.3g} in y). "
                "Rescale them, for example by choosing other units, or standardize x."
            )
        set_(self, "gram", readonly(gram))
        set_(self, "xty", readonly(xty))
        set_(self, "yty", yty)
        set_(self, "theta_star", readonly(theta_star))
        set_(self, "min_cost", min_cost)

    def _sufficient_statistics(self, x: np.ndarray, y: np.ndarray):
        """G = XᵀX/n, b = Xᵀy/n, yᵀy/n from power sums of z, without building X, and the
        data's one chunk when they fit in one (else None).

        Column j of X is z^pⱼ, so Gᵢⱼ = mean(z^(pᵢ+pⱼ)) and bᵢ = mean(z^pᵢ·y): a few passes
        over the data (dot products), however many parameters there are. The one chunk is
        (z, an array free for ŷ or None), for `_squared_residuals`: z need not be computed
        again, and nothing more is allocated.
        """
        n, degree = x.size, self.degree
        moments, moment_y, yty = np.zeros(2 * degree + 1), np.zeros(degree + 1), 0.0
        # Chunk by chunk: z and its powers are never million-point arrays.
        for where, z in _chunks(x, self.scaler.transform):
            part = y[where]
            # Powers z¹…z^degree are kept; every moment up to z^(2·degree) is then a dot
            # product of two of them (zᵖ·z^q), which numpy does without a temporary array.
            powers = [z]
            for _ in range(1, degree):
                powers.append(powers[-1] * z)
            moments[0] += z.size
            moments[1] += np.sum(z)
            for q in range(2, 2 * degree + 1):
                low = min(q // 2, degree)
                moments[q] += powers[low - 1] @ powers[q - low - 1]
            moment_y += [np.sum(part), *(p @ part for p in powers)]
            yty += float(part @ part)
        moments, moment_y = moments / n, moment_y / n
        exponents = np.arange(0 if self.intercept else 1, degree + 1)
        gram = moments[exponents[:, None] + exponents[None, :]]
        # z^degree's array is free once its moments are summed (for degree 1 it is z itself).
        chunk = (z, powers[-1] if degree > 1 else None) if n <= _CHUNK else None
        return gram, moment_y[exponents], yty / n, chunk

    def _minimum(
        self, gram: np.ndarray, xty: np.ndarray, yty: float, chunk: tuple | None = None
    ) -> tuple[np.ndarray, float]:
        """θ* and J* = J(θ*).

        The normal equations Gθ = b lose digits as κ(G)²; past κ = 1e8 θ* comes from least
        squares on X itself (QR-based, κ). J* = k(yᵀy/n − bᵀθ*) is a difference of large terms
        whenever the fit explains most of y, and monomial columns make bᵀθ* itself a sum of
        terms that cancel: it is kept only when no term exceeds half of yᵀy/n (then at most a
        bit is lost). Otherwise J* = J(θ*) is summed from the residuals ŷᵢ − yᵢ, accurate to
        the round-off of evaluating ŷ: over the statistics pass's own z when the data are one
        chunk (`chunk`), else in one more pass over the data.
        """
        well_conditioned = np.linalg.cond(gram) < 1e8
        if well_conditioned:
            theta_star = np.linalg.solve(gram, xty)
        else:
            theta_star = np.linalg.lstsq(self.design, self.y, rcond=None)[0]
        explained = xty * theta_star
        if well_conditioned and 2.0 * float(np.abs(explained).sum()) <= yty:
            return theta_star, self.cost_factor * (yty - float(explained.sum()))
        if not well_conditioned and np.all(np.isfinite(theta_star)):
            # Least squares leaves θ* off the minimum by ~κ(X)ε, which raises J to first order
            # in ε when the columns cancel: a step of iterative refinement, from residuals
            # computed by Horner's rule, puts it back on the minimum.
            residuals = self._fitted(theta_star, self.scaler.transform(self.x)) - self.y
            if np.all(np.isfinite(residuals)):
                theta_star = theta_star - np.linalg.lstsq(self.design, residuals, rcond=None)[0]
        squares = self._squared_residuals(theta_star, chunk)
        return theta_star, self.cost_factor * squares / self.n

    def _fitted(self, theta: np.ndarray, z: np.ndarray, out: np.ndarray | None = None):
        """ŷ = Σⱼ θⱼz^pⱼ by Horner's rule, which rounds less than summing the powers."""
        coefficients = np.zeros(self.degree + 1)
        coefficients[0 if self.intercept else 1 :] = theta
        fitted = np.multiply(z, coefficients[-1], out=out)
        for c in coefficients[-2:0:-1]:
            fitted += c
            fitted *= z
        fitted += coefficients[0]
        return fitted

    def _squared_residuals(self, theta: np.ndarray, chunk: tuple | None = None) -> float:
        """Σ(ŷᵢ − yᵢ)² at θ, a chunk at a time, or over `chunk` = (z, a free array or None)
        of data that are one chunk (from `_sufficient_statistics`; z may be overwritten).

        Writing arrays, not reading them, is what costs here, so ŷ goes where an array is
        already written: over z itself for a line where z is a scaled copy (ŷ = θ₁z + θ₀ needs
        z only once), into the chunk buffer where z is x itself. Only a scaled z of a higher
        degree, needed throughout Horner's rule, takes a second array.
        """
        line = self.degree == 1
        if chunk is not None:
            z, free = chunk
            in_place = z if line and self._copied(z) else None
            residuals = self._fitted(theta, z, free if free is not None else in_place)
            residuals -= self.y
            return float(residuals @ residuals)
        total, buffer, spare = 0.0, np.empty(min(self.n, _CHUNK)), None
        for start in range(0, self.n, _CHUNK):
            where = slice(start, min(start + _CHUNK, self.n))
            size = where.stop - start
            z = self.scaler.transform(self.x[where], out=buffer[:size])
            if not self._copied(z):  # z is x itself: the buffer is free for ŷ
                out = buffer[:size]
            elif line:
                out = z
            else:
                spare = np.empty_like(buffer) if spare is None else spare
                out = spare[:size]
            residuals = self._fitted(theta, z, out)
            residuals -= self.y[where]
            total += float(residuals @ residuals)
        return total

    def _copied(self, z: np.ndarray) -> bool:
        """z is a scaled copy, which may be overwritten, not a view of the data x."""
        return not np.may_share_memory(z, self.x)

    @cached_property
    def design(self) -> np.ndarray:
        """X (n, d), built only when a per-sample computation needs it."""
        return readonly(self.features(self.x))

    # -- the model ---------------------------------------------------------------------------

    @property
    def n(self) -> int:
        return int(self.x.size)

    @property
    def n_params(self) -> int:
        return self.degree + int(self.intercept)

    @property
    def cost_factor(self) -> float:
        return _COST_FACTOR[self.cost]

    @property
    def param_names(self) -> tuple[str, ...]:
        if self.n_params == 1:
            return ("θ",)
        first = 0 if self.intercept else 1
        subscripts = "₀₁₂₃₄₅"
        return tuple(f"θ{subscripts[j]}" for j in range(first, first + self.n_params))

    @property
    def formula(self) -> str:
        """The model in words a page can print, e.g. 'ŷ = θ₀ + θ₁z'."""
        var = "x" if self.scaling == "none" else "z"
        powers = range(0 if self.intercept else 1, self.degree + 1)
        terms = [
            name + ("" if p == 0 else var if p == 1 else f"{var}^{p}")
            for name, p in zip(self.param_names, powers, strict=True)
        ]
        return "ŷ = " + " + ".join(terms)

    def features(self, x: np.ndarray) -> np.ndarray:
        """Columns of X for raw x: powers of the scaled feature z."""
        z = self.scaler.transform(np.atleast_1d(x))
        powers = np.vander(z, self.degree + 1, increasing=True)
        return powers if self.intercept else powers[:, 1:]

    def predict(self, theta: np.ndarray, x: np.ndarray) -> np.ndarray:
        """ŷ at raw x, so a line can be drawn over the raw data whatever the scaling."""
        return self.features(x) @ np.asarray(theta, dtype=np.float64)

    def raw_coefficients(self, theta: np.ndarray) -> np.ndarray:
        """θ in the data's own units: c with ŷ = c₀ + c₁x + … + c_degree·x^degree."""
        z_of_x = np.array([-self.scaler.shift, 1.0]) / self.scaler.scale
        coefficients = np.zeros(self.degree + 1)
        powers = range(0 if self.intercept else 1, self.degree + 1)
        for theta_j, p in zip(np.asarray(theta, dtype=np.float64), powers, strict=True):
            term = theta_j * P.polypow(z_of_x, p)
            coefficients[: term.size] += term
        return coefficients

    # -- cost and exact derivatives (fast path: sufficient statistics) -----------------------

    def _gram_times(self, theta: np.ndarray) -> np.ndarray:
        # Elementwise multiply-adds rather than matmul, so a row of a batch gets bit for bit
        # the same result as that θ alone (BLAS kernels may differ with batch size).
        return matvec(self.gram, np.asarray(theta, dtype=np.float64))

    def cost_value(self, theta: np.ndarray) -> np.ndarray:
        """J(θ) = k·(1/n)‖Xθ − y‖² = J* + k·(θ − θ*)ᵀG(θ − θ*)."""
        delta = np.asarray(theta, dtype=np.float64) - self.theta_star
        # Expanding ‖Xθ − y‖² about the minimum θ* (where Gθ* = b) leaves only the quadratic
        # term: the excess over J* is computed directly, never as a difference of large sums.
        return self.min_cost + self.cost_factor * (delta * self._gram_times(delta)).sum(axis=-1)

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        """∇J(θ) = 2k·(Gθ − b), i.e. ∂J/∂θⱼ = (2k/n)Σ(ŷᵢ − yᵢ)xᵢⱼ."""
        # d/dθⱼ of (ŷᵢ − yᵢ)² is 2(ŷᵢ − yᵢ)·∂ŷᵢ/∂θⱼ, and ∂ŷᵢ/∂θⱼ = xᵢⱼ: the factor x stays.
        return 2.0 * self.cost_factor * (self._gram_times(theta) - self.xty)

    def cost_and_gradient(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """J(θ) and ∇J(θ) from one product with G, for the block steps of gdlab.running.affine.

        With r = Gθ − b: ∇J = 2k·r, and since Gθ* = b, J − J* = k(θ − θ*)ᵀG(θ − θ*) =
        k(θ − θ*)·r.
        """
        theta = np.asarray(theta, dtype=np.float64)
        residual = self._gram_times(theta) - self.xty
        excess = self.cost_factor * dot_last(theta - self.theta_star, residual)
        return self.min_cost + np.maximum(excess, 0.0), 2.0 * self.cost_factor * residual

    def affine_step(self, lr: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The gradient step as an affine map θ ↦ Mθ + c, for one rate or a batch of rates.

        θ − α·2k(Gθ − b) = (I − 2kαG)θ + 2kαb, so M = I − 2kαG and c = 2kαb.
        """
        rate = np.asarray(lr, dtype=np.float64)[..., None, None]
        scaled = 2.0 * self.cost_factor * rate
        return np.eye(self.n_params) - scaled * self.gram, scaled[..., 0] * self.xty

    def hessian(self) -> np.ndarray:
        """∇²J = 2k·G = (2k/n)XᵀX: constant, because J is quadratic."""
        # Differentiating 2k(Gθ − b) once more in θ leaves 2kG.
        return 2.0 * self.cost_factor * self.gram

    @property
    def cost_span(self) -> tuple[float, float]:
        """Two values J spans where runs start (gdlab.running.descent.cost_spread): J ≥ 0, and
        J(0) = k·yᵀy/n, since every view of a fit (theta_bounds) contains θ = 0."""
        return 0.0, self.cost_factor * self.yty

    @property
    def gradient_floor(self) -> float:
        """Round-off level of ‖∇J‖: Gθ − b cannot be resolved below ~ε·(‖Gθ*‖ + ‖b‖)."""
        scale = np.linalg.norm(self.gram @ self.theta_star) + np.linalg.norm(self.xty)
        return float(64 * np.finfo(np.float64).eps * 2.0 * self.cost_factor * scale)

    def excess_cost(self, theta: np.ndarray) -> np.ndarray:
        """J(θ) − J* = k·(θ − θ*)ᵀG(θ − θ*), accurate even where J(θ) − J* would cancel."""
        delta = np.asarray(theta, dtype=np.float64) - self.theta_star
        return np.maximum(self.cost_factor * (delta * self._gram_times(delta)).sum(axis=-1), 0.0)

    # -- per-sample path (mini-batches, and an independent check of the fast path) -----------

    def _residuals(self, theta: np.ndarray, rows: np.ndarray | None) -> tuple[np.ndarray, ...]:
        design = self.design if rows is None else self.design[rows]
        targets = self.y if rows is None else self.y[rows]
        return design, design @ np.asarray(theta, dtype=np.float64) - targets

    def cost_per_sample(self, theta: np.ndarray, rows: np.ndarray | None = None) -> float:
        """J over the chosen rows (all by default), from the residuals ŷᵢ − yᵢ."""
        _, residuals = self._residuals(theta, rows)
        return float(self.cost_factor * np.mean(residuals**2))

    def gradient_per_sample(self, theta: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """(2k/m)Σᵢ(ŷᵢ − yᵢ)xᵢ over the chosen m rows."""
        design, residuals = self._residuals(theta, rows)
        return 2.0 * self.cost_factor * (design.T @ residuals) / residuals.size

    # -- views ------------------------------------------------------------------------------

    def theta_bounds(self) -> np.ndarray:
        """A box (d, 2) around θ* wide enough for sensible starts and for drawing the cost.

        Each half-width is the larger of 1.5·|θ*ⱼ| and the slope scale std(y)/rms(xⱼ), so the
        box never collapses when θ*ⱼ is near zero.
        """
        rms = np.sqrt(np.maximum(np.diag(self.gram), 1e-300))
        spread = max(float(np.std(self.y)), float(np.sqrt(self.min_cost / self.cost_factor)), 1.0)
        half = np.maximum(1.5 * np.abs(self.theta_star), spread / rms)
        return np.column_stack([self.theta_star - half, self.theta_star + half])
