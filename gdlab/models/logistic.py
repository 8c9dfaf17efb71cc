"""Logistic regression: p̂ = σ(θ₀ + θ₁z₁ + …), fitted by minimising the binary cross-entropy.

With the score sᵢ = xᵢᵀθ (xᵢ = [1, zᵢ₁, …], z the optionally scaled features) and labels
yᵢ ∈ {0, 1}, the cost is

    J(θ) = (1/n) Σ −[yᵢ log σ(sᵢ) + (1 − yᵢ) log(1 − σ(sᵢ))] = (1/n) Σ log(1 + e^(−tᵢsᵢ)),

where tᵢ = 2yᵢ − 1 = ±1. The second form is what is computed (np.logaddexp(0, −tᵢsᵢ)): it never
takes the log of 0 nor the exp of a large number, so no θ makes numpy warn, and a confident
wrong answer costs |sᵢ| exactly instead of inf.

J is convex but not quadratic: its curvature ∇²J = XᵀWX/n, W = diag(σ(sᵢ)(1 − σ(sᵢ))), changes
with θ and is at most XᵀX/(4n), since σ(1 − σ) ≤ ¼. That bound L = λ_max(XᵀX)/(4n) gives a rate
2/L that is safe everywhere (`curvature_bound`, `safe_lr`); the local rate 2/λ_max(∇²J(θ)) is
larger, often by far (gdlab.curvature).

When the two classes can be split by a hyperplane (`separable`), J has no minimiser: J keeps
falling towards its infimum as ‖θ‖ grows without bound. Gradient descent then never converges,
but it does not diverge either — the cost falls at every small enough step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations

import numpy as np
import pandas as pd

from gdlab._validation import check_choice, check_float, check_int, check_rows, readonly
from gdlab.data import DATA_DIR, load_dataset
from gdlab.models.linear import SCALINGS, FeatureScaling

MAX_FEATURES = 2  # the separation check below enumerates pairs of points: d ≤ 3 parameters
EPS = float(np.finfo(np.float64).eps)
_SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉"


def sigmoid(s: np.ndarray) -> np.ndarray:
    """σ(s) = 1/(1 + e^(−s)) as e^(−log(1 + e^(−s))): the exponent is ≤ 0, so nothing overflows."""
    return np.exp(-np.logaddexp(0.0, -s))


@dataclass(frozen=True, eq=False)
class LogisticRegression:
    """Fit p̂ = σ(θ₀ + θ₁z₁ + …) to labels y ∈ {0, 1} by minimising the cross-entropy J(θ).

    Parameters
    ----------
    x : the raw features, shape (n,) for one feature or (n, m) for m ≤ MAX_FEATURES; finite.
    y : the labels, n values each 0 or 1 (True/False), with both classes present.
    scaling : "none", "standardize" or "minmax", applied to each feature column as
        FeatureScaling does for a straight line.

    cost_value and gradient accept a batch: θ of shape (..., d) gives (...) or (..., d).
    """

    x: np.ndarray
    y: np.ndarray
    scaling: str = "none"
    scalers: tuple[FeatureScaling, ...] = field(init=False, repr=False)
    design: np.ndarray = field(init=False, repr=False)
    signs: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        func = "LogisticRegression"
        x, y = check_rows(func, self.x, self.y, "features", "labels")
        check_int(func, "number of features", x.shape[1], low=1, high=MAX_FEATURES)
        check_choice(func, "scaling", self.scaling, SCALINGS)
        if not np.all(np.isfinite(x)):
            raise ValueError(f"The 'x' parameter of {func} must be finite.")
        if not np.all((y == 0) | (y == 1)):
            raise ValueError(f"The 'y' parameter of {func} must hold only the labels 0 and 1.")
        if y.min() == y.max():
            raise ValueError(
                f"The 'y' parameter of {func} must hold both classes (0 and 1); got only "
                f"{int(y[0])}. With one class there is nothing to separate."
            )
        scalers = tuple(FeatureScaling.fit(column, self.scaling) for column in x.T)
        design = np.column_stack([np.ones(y.size), *self._scaled(x, scalers)])
        if np.linalg.matrix_rank(design) < design.shape[1]:
            raise ValueError(
                f"The 'x' parameter of {func} must have features that vary and are not "
                "proportional to one another (each one must tell the model something new)."
            )
        set_ = object.__setattr__  # frozen: derived fields are set once, here
        set_(self, "x", readonly(x))
        set_(self, "y", readonly(y))
        set_(self, "scalers", scalers)
        set_(self, "design", readonly(design))
        set_(self, "signs", readonly(2.0 * y - 1.0))

    @staticmethod
    def _scaled(x: np.ndarray, scalers: tuple[FeatureScaling, ...]) -> list[np.ndarray]:
        return [s.transform(column) for s, column in zip(scalers, x.T, strict=True)]

    # -- the model ---------------------------------------------------------------------------

    @property
    def n(self) -> int:
        return int(self.y.size)

    @property
    def n_features(self) -> int:
        return int(self.x.shape[1])

    @property
    def n_params(self) -> int:
        return self.n_features + 1

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(f"θ{_SUBSCRIPTS[j]}" for j in range(self.n_params))

    @property
    def formula(self) -> str:
        """The model in words a page can print, e.g. 'p̂ = σ(θ₀ + θ₁x)'."""
        var = "x" if self.scaling == "none" else "z"
        if self.n_features == 1:
            features = [var]
        else:
            features = [f"{var}{_SUBSCRIPTS[j]}" for j in range(1, self.n_features + 1)]
        terms = [self.param_names[0]] + [
            name + f for name, f in zip(self.param_names[1:], features, strict=True)
        ]
        return "p̂ = σ(" + " + ".join(terms) + ")"

    def features(self, x: np.ndarray) -> np.ndarray:
        """Rows [1, z₁, …] of X for raw features x, shape (k,) or (k, m)."""
        x = np.asarray(x, dtype=np.float64)
        x = x.reshape(-1, 1) if self.n_features == 1 else np.atleast_2d(x)
        return np.column_stack([np.ones(x.shape[0]), *self._scaled(x, self.scalers)])

    def predict_proba(self, theta: np.ndarray, x: np.ndarray) -> np.ndarray:
        """p̂ = σ(xᵀθ) at raw features x, for drawing the fitted curve over the data."""
        with np.errstate(all="ignore"):
            return sigmoid(self.features(x) @ np.asarray(theta, dtype=np.float64))

    # -- cost and exact derivatives ----------------------------------------------------------
    # Every array of scores below has shape (..., n): one row per θ of a batch.

    def _margins(self, theta: np.ndarray, rows: np.ndarray | None = None):
        """(X, t, tᵢsᵢ) over the chosen rows: the margin tᵢsᵢ > 0 when sample i is classified
        right."""
        design = self.design if rows is None else self.design[rows]
        signs = self.signs if rows is None else self.signs[rows]
        return design, signs, (np.asarray(theta, dtype=np.float64) @ design.T) * signs

    def cost_value(self, theta: np.ndarray) -> np.ndarray:
        """J(θ) = (1/n) Σ log(1 + e^(−tᵢsᵢ))."""
        return self._cost(theta, None)

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        """∇J(θ) = (1/n) Σ (σ(sᵢ) − yᵢ) xᵢ = Xᵀr/n."""
        return self._gradient(theta, None)

    def _cost(self, theta: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        with np.errstate(all="ignore"):  # only an inf or NaN θ gives a non-finite J
            _, _, margins = self._margins(theta, rows)
            return np.logaddexp(0.0, -margins).mean(axis=-1)

    def _gradient(self, theta: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        with np.errstate(all="ignore"):
            design, signs, margins = self._margins(theta, rows)
            # d/dsᵢ log(1 + e^(−tᵢsᵢ)) = −tᵢσ(−tᵢsᵢ), which equals σ(sᵢ) − yᵢ for tᵢ = ±1 but
            # keeps its digits when σ(sᵢ) is within ε of yᵢ; dsᵢ/dθ = xᵢ.
            residuals = -signs * sigmoid(-margins)
            return residuals @ design / margins.shape[-1]

    def hessian_at(self, theta: np.ndarray) -> np.ndarray:
        """∇²J(θ) = XᵀWX/n, W = diag(σ(sᵢ)σ(−sᵢ)), for one θ: shape (d, d)."""
        with np.errstate(all="ignore"):
            _, _, margins = self._margins(theta)
            # d/dsᵢ of σ(sᵢ) − yᵢ is σ(sᵢ)(1 − σ(sᵢ)) = σ(sᵢ)σ(−sᵢ), even in the margin ±sᵢ;
            # written as one exp so it underflows to 0 rather than to 0·1.
            weights = np.exp(-np.logaddexp(0.0, margins) - np.logaddexp(0.0, -margins))
            return (self.design.T * weights) @ self.design / self.n

    def hvp(self, theta: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """∇²J(θ)·v = Xᵀ(W(Xv))/n, without forming the Hessian."""
        with np.errstate(all="ignore"):
            _, _, margins = self._margins(theta)
            weights = np.exp(-np.logaddexp(0.0, margins) - np.logaddexp(0.0, -margins))
            return (weights * (self.design @ np.asarray(vector, dtype=np.float64))) @ (
                self.design / self.n
            )

    # -- per-sample path (mini-batches) --------------------------------------------------------

    def cost_per_sample(self, theta: np.ndarray, rows: np.ndarray | None = None) -> float:
        """J over the chosen rows (all by default)."""
        return float(self._cost(theta, rows))

    def gradient_per_sample(self, theta: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """(1/m)Σᵢ(σ(sᵢ) − yᵢ)xᵢ over the chosen m rows."""
        return self._gradient(theta, rows)

    # -- what descend reads ------------------------------------------------------------------

    @property
    def cost_span(self) -> tuple[float, float]:
        """Two values J spans where runs start: J > 0, and J(0) = log 2 (every p̂ = ½)."""
        return 0.0, float(np.log(2.0))

    @property
    def gradient_floor(self) -> float:
        """Round-off level of ‖∇J‖: Xᵀr/n with |rᵢ| < 1 cannot be resolved below about
        ε·maxⱼ mean|Xᵢⱼ|, whatever θ is."""
        return float(64 * EPS * np.abs(self.design).mean(axis=0).max())

    # -- curvature ---------------------------------------------------------------------------

    def curvature_bound(self) -> float:
        """L = λ_max(XᵀX)/(4n) ≥ λ_max(∇²J(θ)) for every θ, since σ(1 − σ) ≤ ¼."""
        return float(np.linalg.eigvalsh(self.design.T @ self.design)[-1] / (4 * self.n))

    def safe_lr(self) -> float:
        """2/L: below it a gradient step lowers J from any θ (the descent lemma for an
        L-smooth cost), so no run diverges."""
        return 2.0 / self.curvature_bound()

    # -- separation ---------------------------------------------------------------------------

    @cached_property
    def separable(self) -> bool:
        """Whether a hyperplane separates the classes (points on it allowed, "quasi-complete"
        separation included): then J has no minimiser and θ grows without bound along the run.

        J falls forever along a direction v ≠ 0 exactly when tᵢxᵢᵀv ≥ 0 for every i (Albert &
        Anderson 1984). Those v form a pointed cone (X has full column rank), which is more
        than {0} only if it has an edge: a v with d − 1 independent tᵢxᵢᵀv = 0. So every
        direction orthogonal to d − 1 of the rows tᵢxᵢ is tried, ±, a pair of rows at a time
        for d = 3 (O(n³) work, a fraction of a second for a few hundred points).
        """
        rows = self.design * self.signs[:, None]
        scale = np.linalg.norm(rows, axis=1)
        if self.n_params == 2:
            candidates = np.column_stack([-rows[:, 1], rows[:, 0]])
        else:
            pairs = np.array(list(combinations(range(self.n), 2)))
            candidates = np.cross(rows[pairs[:, 0]], rows[pairs[:, 1]])
        for start in range(0, candidates.shape[0], 2048):
            block = candidates[start : start + 2048]
            norms = np.linalg.norm(block, axis=1)
            block = block[norms > 0] / norms[norms > 0, None]
            products = block @ rows.T
            # A product within round-off of 0 is a point on the hyperplane.
            tolerance = 64 * EPS * scale
            if np.any(np.all(products >= -tolerance, axis=1)):
                return True
            if np.any(np.all(products <= tolerance, axis=1)):
                return True
        return False


# -- classification datasets from data/ ------------------------------------------------------


@dataclass(frozen=True, eq=False)
class LabelledData:
    """Features x (n, m) and labels y ∈ {0, 1} (n,), read-only, with what they mean."""

    x: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, str]  # the names of label 0 and label 1
    description: str
    source: str

    def __post_init__(self) -> None:
        x = np.array(self.x, dtype=np.float64)
        object.__setattr__(self, "x", readonly(x[:, None] if x.ndim == 1 else x))
        object.__setattr__(self, "y", readonly(np.array(self.y, dtype=np.float64)))

    def problem(self, scaling: str = "standardize") -> LogisticRegression:
        return LogisticRegression(self.x, self.y, scaling=scaling)


PENGUIN_SPECIES = ("Adelie", "Chinstrap", "Gentoo")
PENGUIN_MEASUREMENTS = ("bill_len", "bill_dep", "flipper_len", "body_mass")
FAITHFUL_SPLIT = 3.0  # minutes


def penguin_species(
    negative: str = "Adelie",
    positive: str = "Gentoo",
    measurements: tuple[str, ...] = ("flipper_len",),
) -> LabelledData:
    """Two penguin species told apart by their measurements; label 1 is `positive`.

    The default, Adelie against Gentoo by flipper length, is the pair that one measurement
    nearly separates: Adelie flippers are 172–210 mm and Gentoo 203–231 mm, so only the few
    birds in the 203–210 mm overlap are uncertain. It is not separable, so J has a minimiser
    and a run converges. Penguins missing the chosen measurements (two in the file) are left
    out.
    """
    func = "penguin_species"
    check_choice(func, "negative", negative, PENGUIN_SPECIES)
    check_choice(func, "positive", positive, PENGUIN_SPECIES)
    if negative == positive:
        raise ValueError(f"The 'positive' parameter of {func} must differ from 'negative'.")
    measurements = tuple(measurements)
    for name in measurements:
        check_choice(func, "measurements", name, PENGUIN_MEASUREMENTS)
    check_int(func, "number of measurements", len(measurements), low=1, high=MAX_FEATURES)
    table = pd.read_csv(DATA_DIR / "penguins.csv")
    table = table[table["species"].isin([negative, positive])].dropna(subset=list(measurements))
    return LabelledData(
        x=table[list(measurements)].to_numpy(dtype=np.float64),
        y=(table["species"] == positive).to_numpy(dtype=np.float64),
        feature_names=measurements,
        class_names=(negative, positive),
        description=f"{negative} (0) and {positive} (1) penguins by {', '.join(measurements)}.",
        source="Gorman, Williams & Fraser (2014) PLoS ONE 9(3): e90081; data/penguins.csv.",
    )


def faithful_eruptions(split: float = FAITHFUL_SPLIT) -> LabelledData:
    """Old Faithful's long eruptions (label 1: longer than `split` minutes) by the waiting time
    before them.

    The eruption times are bimodal, about 2 and 4.4 minutes, with only a handful between 2.5
    and 3.5; 3 minutes splits the two groups (175 long, 97 short eruptions with the default).
    A long wait is followed by a long eruption, but not always: waits of 64–71 minutes come
    before both kinds, so the data are not separable and J has a minimiser.
    """
    split = check_float("faithful_eruptions", "split", split, low=1.6, high=5.1)
    faithful = load_dataset("faithful", x="waiting", y="eruptions")
    return LabelledData(
        x=faithful.x[:, None],
        y=(faithful.y > split).astype(np.float64),
        feature_names=("waiting",),
        class_names=(f"eruption ≤ {split:g} min", f"eruption > {split:g} min"),
        description=f"Old Faithful eruptions longer than {split:g} minutes, by waiting time.",
        source=faithful.source,
    )
