"""A neural network with one hidden layer, its gradient by backpropagation and its exact
Hessian-vector product, for regression (mean squared error) or classification (cross-entropy).

For an input x (m features, scaled to z as FeatureScaling does) and h hidden units:

    a = W₁z + b₁        pre-activations, h of them
    u = f(a)            f = tanh or ReLU, unit by unit
    ŷ = w₂ᵀu + b₂       the output: the prediction (regression) or the score, p̂ = σ(ŷ)

    J = (1/n) Σ (ŷᵢ − yᵢ)²              regression (y standardized by default)
    J = (1/n) Σ log(1 + e^(−tᵢŷᵢ))      classification, tᵢ = 2yᵢ − 1 = ±1

θ is one flat float64 vector, in this order (n_params = h·m + 2h + 1):

    θ = [W₁ (h×m, row by row: unit 1's m weights, then unit 2's, …), b₁ (h), w₂ (h), b₂]

The gradient is the chain rule applied layer by layer from the output back (backpropagation),
and ∇²J·v is the same computation differentiated once more along v (forward-over-reverse, the
"R-operator" of Pearlmutter 1994): exact, one forward and one backward pass, no step size.
For ReLU, f″ = 0 away from the kinks a = 0, so the Hessian is exact wherever it exists.

Initialisation (`initial_theta(seed)`, numpy's default_rng(seed)): biases 0; for tanh, both
weight layers Glorot-uniform, U(±√(6/(fan_in + fan_out))) (Glorot & Bengio 2010); for ReLU, W₁
He-normal, N(0, 2/m) (He et al. 2015), and the linear output layer Glorot-uniform as for tanh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from gdlab._validation import check_choice, check_int, check_rows, readonly
from gdlab.models.linear import SCALINGS, FeatureScaling
from gdlab.models.logistic import sigmoid

MAX_WIDTH = 32
MAX_INPUTS = 4
ACTIVATIONS = ("tanh", "relu")
TASKS = ("regression", "classification")


def _activation(name: str, pre: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """f(a), f′(a), f″(a) unit by unit."""
    if name == "tanh":
        value = np.tanh(pre)
        slope = 1.0 - value * value  # d tanh(a)/da = 1 − tanh²(a)
        return value, slope, -2.0 * value * slope  # d(1 − tanh²)/da = −2 tanh · (1 − tanh²)
    active = pre > 0
    # d max(a, 0)/da = 1 for a > 0, else 0 (0 is taken at the kink); then f″ = 0.
    return np.where(active, pre, 0.0), active.astype(np.float64), np.zeros_like(pre)


@dataclass(frozen=True, eq=False)
class OneHiddenLayer:
    """A network ŷ = w₂ᵀf(W₁z + b₁) + b₂ fitted to (x, y) by minimising J(θ).

    Parameters
    ----------
    x : raw inputs, shape (n,) or (n, m) with m ≤ MAX_INPUTS; finite.
    y : targets (regression) or labels 0/1 (classification), n of them.
    width : hidden units, 1 to MAX_WIDTH.
    activation : "tanh" or "relu".
    task : "regression" (J = mean squared error) or "classification" (J = cross-entropy).
    scaling : "none", "standardize" or "minmax" for each input column (standardize by
        default: tanh saturates on raw inputs such as 80 minutes).
    target_scaling : the same for y, regression only (standardize by default, so J starts
        near 1 whatever y's units are; `predict` gives y in its own units).

    Methods taking θ expect one flat vector of n_params values (the layout above).
    """

    x: np.ndarray
    y: np.ndarray
    width: int = 8
    activation: str = "tanh"
    task: str = "regression"
    scaling: str = "standardize"
    target_scaling: str = "standardize"
    scalers: tuple[FeatureScaling, ...] = field(init=False, repr=False)
    target_scaler: FeatureScaling = field(init=False, repr=False)
    inputs: np.ndarray = field(init=False, repr=False)  # z, (n, m)
    targets: np.ndarray = field(init=False, repr=False)  # scaled y, or the labels

    def __post_init__(self) -> None:
        func = "OneHiddenLayer"
        x, y = check_rows(func, self.x, self.y, "inputs", "targets")
        check_int(func, "number of inputs", x.shape[1], low=1, high=MAX_INPUTS)
        check_int(func, "width", self.width, low=1, high=MAX_WIDTH)
        check_choice(func, "activation", self.activation, ACTIVATIONS)
        check_choice(func, "task", self.task, TASKS)
        check_choice(func, "scaling", self.scaling, SCALINGS)
        check_choice(func, "target_scaling", self.target_scaling, SCALINGS)
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            raise ValueError(f"The 'x' and 'y' parameters of {func} must be finite.")
        classify = self.task == "classification"
        if classify and not np.all((y == 0) | (y == 1)):
            raise ValueError(
                f"The 'y' parameter of {func} must hold only the labels 0 and 1 for classification."
            )
        scalers = tuple(FeatureScaling.fit(column, self.scaling) for column in x.T)
        target_scaler = FeatureScaling.fit(y, "none" if classify else self.target_scaling)
        inputs = np.column_stack([s.transform(c) for s, c in zip(scalers, x.T, strict=True)])
        set_ = object.__setattr__  # frozen: derived fields are set once, here
        set_(self, "x", readonly(x))
        set_(self, "y", readonly(y))
        set_(self, "width", int(self.width))
        set_(self, "scalers", scalers)
        set_(self, "target_scaler", target_scaler)
        set_(self, "inputs", readonly(inputs))
        set_(self, "targets", readonly(np.array(target_scaler.transform(y))))

    # -- the model ---------------------------------------------------------------------------

    @property
    def n(self) -> int:
        return int(self.y.size)

    @property
    def n_inputs(self) -> int:
        return int(self.x.shape[1])

    @property
    def n_params(self) -> int:
        return self.width * self.n_inputs + 2 * self.width + 1

    @property
    def param_names(self) -> tuple[str, ...]:
        """W1[i,j] (unit i, input j), b1[i], w2[i], b2, counting from 1, in θ's order."""
        h, m = self.width, self.n_inputs
        weights = [f"W1[{i},{j}]" for i in range(1, h + 1) for j in range(1, m + 1)]
        return (
            *weights,
            *(f"b1[{i}]" for i in range(1, h + 1)),
            *(f"w2[{i}]" for i in range(1, h + 1)),
            "b2",
        )

    @property
    def formula(self) -> str:
        var = "x" if self.scaling == "none" else "z"
        inner = f"w₂ᵀ{self.activation}(W₁{var} + b₁) + b₂"
        return f"p̂ = σ({inner})" if self.task == "classification" else f"ŷ = {inner}"

    def unpack(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """(W₁ (h, m), b₁ (h,), w₂ (h,), b₂) as views of θ."""
        theta = np.asarray(theta, dtype=np.float64)
        if theta.shape != (self.n_params,):  # not finite is allowed: J is then inf or NaN
            raise ValueError(
                f"The 'theta' parameter of OneHiddenLayer must be a vector of length "
                f"{self.n_params}. Got shape {theta.shape} instead."
            )
        h, m = self.width, self.n_inputs
        return (
            theta[: h * m].reshape(h, m),
            theta[h * m : h * m + h],
            theta[h * m + h : h * m + 2 * h],
            float(theta[-1]),
        )

    def initial_theta(self, seed: int = 0) -> np.ndarray:
        """A seeded start: biases 0, weights Glorot-uniform (tanh) or He-normal W₁ (ReLU)."""
        rng = np.random.default_rng(check_int("initial_theta", "seed", seed, low=0, high=2**63))
        h, m = self.width, self.n_inputs
        if self.activation == "tanh":
            first = rng.uniform(-1, 1, size=h * m) * np.sqrt(6.0 / (m + h))
        else:
            first = rng.standard_normal(h * m) * np.sqrt(2.0 / m)
        second = rng.uniform(-1, 1, size=h) * np.sqrt(6.0 / (h + 1))
        return readonly(np.concatenate([first, np.zeros(h), second, [0.0]]))

    def predict(self, theta: np.ndarray, x: np.ndarray) -> np.ndarray:
        """ŷ in y's own units (regression) or p̂ (classification) at raw inputs x."""
        x = np.asarray(x, dtype=np.float64)
        x = x.reshape(-1, 1) if self.n_inputs == 1 else np.atleast_2d(x)
        z = np.column_stack([s.transform(c) for s, c in zip(self.scalers, x.T, strict=True)])
        weights, biases, out_weights, out_bias = self.unpack(theta)
        with np.errstate(all="ignore"):
            hidden, _, _ = _activation(self.activation, z @ weights.T + biases)
            out = hidden @ out_weights + out_bias
            if self.task == "classification":
                return sigmoid(out)
            return out * self.target_scaler.scale + self.target_scaler.shift

    # -- forward, loss, backward ---------------------------------------------------------------

    def _loss(self, out: np.ndarray, targets: np.ndarray):
        """Per-sample loss ℓ(ŷᵢ) with ℓ′ and ℓ″."""
        if self.task == "regression":
            error = out - targets
            return error * error, 2.0 * error, np.full_like(out, 2.0)  # (ŷ − y)², 2(ŷ − y), 2
        signs = 2.0 * targets - 1.0
        margins = signs * out
        # log(1 + e^(−tŷ)); its ŷ-derivative −tσ(−tŷ) = σ(ŷ) − y; then σ(ŷ)σ(−ŷ).
        curvature = np.exp(-np.logaddexp(0.0, margins) - np.logaddexp(0.0, -margins))
        return np.logaddexp(0.0, -margins), -signs * sigmoid(-margins), curvature

    def _pass(self, theta: np.ndarray, rows: np.ndarray | None, backward: bool = True):
        """J and ∇J over the chosen rows, by the chain rule layer by layer."""
        z = self.inputs if rows is None else self.inputs[rows]
        targets = self.targets if rows is None else self.targets[rows]
        weights, biases, out_weights, out_bias = self.unpack(theta)
        with np.errstate(all="ignore"):  # overflow makes J inf or NaN, and descend stops
            pre = z @ weights.T + biases  # a = W₁z + b₁
            hidden, slope, _ = _activation(self.activation, pre)  # u = f(a)
            out = hidden @ out_weights + out_bias  # ŷ = w₂ᵀu + b₂
            losses, dlosses, _ = self._loss(out, targets)
            cost = float(losses.mean())  # J = mean ℓ(ŷᵢ)
            if not backward:
                return cost, None
            d_out = dlosses / out.size  # ∂J/∂ŷᵢ = ℓ′(ŷᵢ)/n
            d_out_weights = hidden.T @ d_out  # ∂ŷ/∂w₂ = u
            d_out_bias = d_out.sum()  # ∂ŷ/∂b₂ = 1
            d_hidden = d_out[:, None] * out_weights  # ∂ŷ/∂u = w₂
            d_pre = d_hidden * slope  # ∂u/∂a = f′(a)
            d_weights = d_pre.T @ z  # ∂a/∂W₁ = zᵀ
            d_biases = d_pre.sum(axis=0)  # ∂a/∂b₁ = 1
        grad = np.concatenate([d_weights.ravel(), d_biases, d_out_weights, [d_out_bias]])
        return cost, grad

    def cost_value(self, theta: np.ndarray) -> float:
        return self._pass(theta, None, backward=False)[0]

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        return self._pass(theta, None)[1]

    def cost_and_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """J and ∇J from one forward pass."""
        return self._pass(theta, None)

    def costs_and_gradients(
        self, thetas: np.ndarray, work: dict | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """J and ∇J for R parameter vectors at once, thetas (R, n_params): `_pass` line by line
        with an R axis in front, for a sweep of many rates in one computation.

        The (R, n, width) arrays are written into buffers kept in `work` (pass the same dict
        at every step): allocating them afresh costs more than the arithmetic, since memory
        that large is mapped and zeroed anew each time."""
        thetas = np.asarray(thetas, dtype=np.float64)
        if thetas.ndim != 2 or thetas.shape[1] != self.n_params:
            raise ValueError(
                f"The 'thetas' parameter of OneHiddenLayer.costs_and_gradients must have shape "
                f"(R, {self.n_params}). Got shape {thetas.shape} instead."
            )
        work = {} if work is None else work
        rates, (h, m), n = len(thetas), (self.width, self.n_inputs), self.n

        def buffer(name: str) -> np.ndarray:
            if work.get(name) is None or work[name].shape != (rates, n, h):
                work[name] = np.empty((rates, n, h))
            return work[name]

        weights = thetas[:, : h * m].reshape(rates, h, m)
        biases = thetas[:, h * m : h * m + h]
        out_weights = thetas[:, h * m + h : h * m + 2 * h]
        out_bias = thetas[:, -1]
        z = self.inputs
        with np.errstate(all="ignore"):
            if m == 1:  # one input: an outer product, cheaper than a batched matmul
                pre = np.multiply(z[None, :, 0, None], weights[:, None, :, 0], out=buffer("pre"))
            else:
                pre = np.matmul(z, weights.transpose(0, 2, 1), out=buffer("pre"))
            pre += biases[:, None, :]  # a = W₁z + b₁
            hidden, slope = buffer("hidden"), buffer("slope")
            if self.activation == "tanh":  # u = tanh(a), f′(a) = 1 − u²
                np.tanh(pre, out=hidden)
                np.multiply(hidden, hidden, out=slope)
                np.subtract(1.0, slope, out=slope)
            else:  # u = max(a, 0), f′(a) = 1 for a > 0, else 0
                np.maximum(pre, 0.0, out=hidden)
                np.heaviside(pre, 0.0, out=slope)
            out = (hidden @ out_weights[:, :, None])[:, :, 0] + out_bias[:, None]  # ŷ = w₂ᵀu + b₂
            losses, dlosses, _ = self._loss(out, self.targets[None, :])
            costs = losses.mean(axis=1)  # J = mean ℓ(ŷᵢ)
            d_out = dlosses / n  # ∂J/∂ŷᵢ = ℓ′(ŷᵢ)/n
            d_out_weights = (d_out[:, None, :] @ hidden)[:, 0, :]  # ∂ŷ/∂w₂ = u
            d_out_bias = d_out.sum(axis=1)  # ∂ŷ/∂b₂ = 1
            # ∂J/∂a = ∂J/∂ŷ · w₂ · f′(a), never formed: w₂ⱼ is a common factor of unit j, so
            # ∂J/∂W₁ = w₂ⱼ·Σᵢ ∂J/∂ŷᵢ · f′(aᵢⱼ) · zᵢ and ∂J/∂b₁ = w₂ⱼ·Σᵢ ∂J/∂ŷᵢ · f′(aᵢⱼ) are two
            # products with f′(a), two passes over (R, n, width) fewer.
            weighted = d_out[:, :, None] * z[None, :, :]  # (R, n, m): ∂J/∂ŷᵢ · zᵢ
            d_weights = out_weights[:, :, None] * (slope.transpose(0, 2, 1) @ weighted)
            d_biases = out_weights * (d_out[:, None, :] @ slope)[:, 0, :]
        grads = np.concatenate(
            [d_weights.reshape(rates, -1), d_biases, d_out_weights, d_out_bias[:, None]], axis=1
        )
        return costs, grads

    def cost_per_sample(self, theta: np.ndarray, rows: np.ndarray | None = None) -> float:
        """J over the chosen rows (all by default)."""
        return self._pass(theta, rows, backward=False)[0]

    def gradient_per_sample(self, theta: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        return self._pass(theta, rows)[1]

    # -- curvature: the backward pass differentiated along v -----------------------------------

    def hvp(self, theta: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """∇²J(θ)·v, exactly (see `hessian_operator`)."""
        return self.hessian_operator(theta)(vector)

    def hessian_operator(self, theta: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        """v ↦ ∇²J(θ)·v, exactly: each line of the forward and backward pass, differentiated
        along θ + εv at ε = 0 (a dotted name is that derivative; R{·} in Pearlmutter 1994).
        What depends on θ alone is computed once, so Lanczos's products at one θ share it."""
        z = self.inputs
        weights, biases, out_weights, out_bias = self.unpack(theta)
        with np.errstate(all="ignore"):
            pre = z @ weights.T + biases
            hidden, slope, bend = _activation(self.activation, pre)
            out = hidden @ out_weights + out_bias
            _, dlosses, curvature = self._loss(out, self.targets)
            d_out = dlosses / out.size
            d_hidden = d_out[:, None] * out_weights
            d_hidden_bend = d_hidden * bend
            curvature_n = curvature / out.size

        def apply(vector: np.ndarray) -> np.ndarray:
            dot_weights, dot_biases, dot_out_weights, dot_out_bias = self.unpack(vector)
            with np.errstate(all="ignore"):
                # the forward pass's derivative along v
                dot_pre = z @ dot_weights.T + dot_biases  # a = W₁z + b₁ is linear in θ
                dot_hidden = slope * dot_pre  # u = f(a): u̇ = f′(a)ȧ
                dot_out = dot_hidden @ out_weights + hidden @ dot_out_weights + dot_out_bias
                # the backward pass's, by the product rule on each line of _pass
                dot_d_out = curvature_n * dot_out  # d/dε of ℓ′(ŷ)/n is ℓ″(ŷ)ẏ/n
                dot_d_out_weights = dot_hidden.T @ d_out + hidden.T @ dot_d_out
                dot_d_out_bias = dot_d_out.sum()
                dot_d_hidden = dot_d_out[:, None] * out_weights + d_out[:, None] * dot_out_weights
                dot_d_pre = dot_d_hidden * slope + d_hidden_bend * dot_pre  # (f′(a))˙ = f″(a)ȧ
                dot_d_weights = dot_d_pre.T @ z
                dot_d_biases = dot_d_pre.sum(axis=0)
            return np.concatenate(
                [dot_d_weights.ravel(), dot_d_biases, dot_d_out_weights, [dot_d_out_bias]]
            )

        return apply

    def hessian_at(self, theta: np.ndarray) -> np.ndarray:
        """∇²J(θ), column by column from n_params Hessian-vector products."""
        apply = self.hessian_operator(theta)
        columns = [apply(unit) for unit in np.eye(self.n_params)]
        hessian = np.column_stack(columns)
        return (hessian + hessian.T) / 2  # symmetric in exact arithmetic; rounding only

    # -- what descend reads ------------------------------------------------------------------

    @property
    def cost_span(self) -> tuple[float, float]:
        """Two values J spans where runs start: J ≥ 0, and J when every output is 0 — the
        mean of y² (1 for standardized y), or log 2 for classification (every p̂ = ½)."""
        if self.task == "classification":
            return 0.0, float(np.log(2.0))
        return 0.0, float(np.mean(self.targets**2))
