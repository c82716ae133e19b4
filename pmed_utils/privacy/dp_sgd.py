"""Differentially private training: DP-SGD for Keras 3 and its privacy accounting.

DP-SGD (Abadi et al. 2016) changes one thing in a gradient step: each example's
gradient is computed on its own, scaled down to an L2 norm of at most
``l2_norm_clip``, the clipped gradients are summed, and Gaussian noise of
standard deviation ``noise_multiplier × l2_norm_clip`` is added before the
optimizer sees the sum. Batches are drawn by Poisson sampling (each example
joins a step's batch with probability ``q = batch_size / n``), the sampling the
privacy analysis assumes.

The per-example gradients are vectorised with ``tf.vectorized_map`` (one graph
over the batch, not a Python loop). Batch normalization mixes examples within a
batch, so a DP model must not use it: :func:`dp_cnn` is a small CNN without it.

The privacy loss is counted with Google's ``dp-accounting`` library (RDP or PLD
accountant). TensorFlow Privacy, the usual home of DP-SGD for Keras, does not
install with NumPy 2 and Keras 3 (it pins older TensorFlow/Keras 2 releases),
so the training step is written here and only the accountant is borrowed.
"""

from __future__ import annotations

import functools
import logging
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils._progress import tqdm_class
from pmed_utils._tensorflow import keras_module, tensorflow_module
from pmed_utils.reproducibility import check_random_state, derive_seed
from pmed_utils.validation import (
    Interval,
    Options,
    check_binary_labels,
    check_finite,
    check_same_length,
    validate_params,
)

if TYPE_CHECKING:
    import keras

__all__ = [
    "DPTrainingResult",
    "dp_cnn",
    "dp_epsilon",
    "dp_noise_multiplier",
    "per_example_gradients",
    "train_dp_sgd",
]

_POSITIVE = Interval(numbers.Real, 0, None, closed="neither")
_DELTA = Interval(numbers.Real, 0, 1, closed="neither")
_RATE = Interval(numbers.Real, 0, 1, closed="right")


def _dp_event(noise_multiplier: float, sampling_rate: float, steps: int):
    import dp_accounting

    step = dp_accounting.GaussianDpEvent(float(noise_multiplier))
    if sampling_rate < 1:
        step = dp_accounting.PoissonSampledDpEvent(float(sampling_rate), step)
    return dp_accounting.SelfComposedDpEvent(step, int(steps))


class _quiet_absl:
    """Silence absl's notes that an RDP order near 1 did not converge (that order is just skipped)."""

    def __enter__(self):
        self.logger = logging.getLogger("absl")
        self.level = self.logger.level
        self.logger.setLevel(logging.ERROR)

    def __exit__(self, *exc):
        self.logger.setLevel(self.level)


def _accountant(kind: str):
    from dp_accounting import pld, rdp

    return rdp.RdpAccountant() if kind == "rdp" else pld.PLDAccountant()


@validate_params(
    {
        "noise_multiplier": [_POSITIVE],
        "sampling_rate": [_RATE],
        "steps": [Interval(numbers.Integral, 1, None)],
        "delta": [_DELTA],
        "accountant": [Options({"rdp", "pld"})],
    }
)
def dp_epsilon(
    noise_multiplier: float, sampling_rate: float, steps: int, delta: float = 1e-5, accountant: str = "rdp"
) -> float:
    """The ε of DP-SGD at a given δ: Poisson-sampled Gaussian steps, counted by ``dp-accounting``.

    Parameters
    ----------
    noise_multiplier : float > 0
        Noise standard deviation divided by the clipping norm (σ).
    sampling_rate : float in (0, 1]
        Probability that an example joins a step's batch (q = batch size / n).
    steps : int ≥ 1
        Number of gradient steps.
    delta : float in (0, 1), default 1e-5
        The δ of (ε, δ)-differential privacy (below 1/n).
    accountant : {"rdp", "pld"}, default "rdp"
        Rényi-DP accountant (Mironov 2017) or privacy-loss-distribution
        accountant (tighter, slower).

    Returns
    -------
    float
        ε ≥ 0.

    Examples
    --------
    >>> # TensorFlow Privacy's MNIST tutorial: batch 250 of 60 000, σ = 1.1, 60 epochs
    >>> round(dp_epsilon(1.1, 250 / 60000, 14400, 1e-5), 2)
    2.56
    >>> dp_epsilon(1.1, 250 / 60000, 14400, 1e-5, "pld") < dp_epsilon(1.1, 250 / 60000, 14400, 1e-5)
    True
    """
    acc = _accountant(accountant)
    acc.compose(_dp_event(noise_multiplier, sampling_rate, steps))
    with _quiet_absl():
        return float(acc.get_epsilon(float(delta)))


@validate_params(
    {
        "target_epsilon": [_POSITIVE],
        "sampling_rate": [_RATE],
        "steps": [Interval(numbers.Integral, 1, None)],
        "delta": [_DELTA],
        "accountant": [Options({"rdp", "pld"})],
    }
)
def dp_noise_multiplier(
    target_epsilon: float, sampling_rate: float, steps: int, delta: float = 1e-5, accountant: str = "rdp"
) -> float:
    """The smallest noise multiplier σ whose DP-SGD run reaches ``target_epsilon`` at ``delta``.

    The inverse of :func:`dp_epsilon`, found by ``dp_accounting.calibrate_dp_mechanism``
    (a bracketed search on σ).

    Parameters
    ----------
    target_epsilon : float > 0
        The privacy budget ε to spend.
    sampling_rate : float in (0, 1]
        q = batch size / n.
    steps : int ≥ 1
        Number of gradient steps.
    delta : float in (0, 1), default 1e-5
        The δ of (ε, δ)-differential privacy.
    accountant : {"rdp", "pld"}, default "rdp"
        Which ``dp-accounting`` accountant counts ε.

    Returns
    -------
    float
        σ > 0 with ``dp_epsilon(σ, ...) ≤ target_epsilon`` (just).

    Examples
    --------
    >>> sigma = dp_noise_multiplier(3.0, 0.01, 1000)
    >>> bool(dp_epsilon(sigma, 0.01, 1000) <= 3.0 + 1e-6), round(sigma, 2)
    (True, 0.86)
    """
    import dp_accounting

    with _quiet_absl():
        sigma = dp_accounting.calibrate_dp_mechanism(
            lambda: _accountant(accountant),
            lambda sigma: _dp_event(sigma, sampling_rate, steps),
            float(target_epsilon),
            float(delta),
            dp_accounting.LowerEndpointAndGuess(1e-3, 1.0),
            tol=1e-4,
        )
    return float(sigma)


@validate_params(
    {
        "input_shape": [tuple],
        "filters": [tuple],
        "dense_units": [Interval(numbers.Integral, 1, None)],
        "learning_rate": [_POSITIVE],
    }
)
def dp_cnn(
    input_shape: tuple[int, int, int] = (28, 28, 1),
    filters: tuple[int, ...] = (8, 16),
    dense_units: int = 16,
    learning_rate: float = 1e-3,
) -> keras.Model:
    """A small CNN fit for DP-SGD: conv blocks with tanh, no batch normalization.

    Each block is a 3×3 'same' convolution with tanh (written as nine
    shifted matrix products, which ``tf.vectorized_map`` vectorises, unlike
    Conv2D's kernel gradient) then 2×2 max pooling; then a flatten, a tanh
    dense layer and a sigmoid output. tanh keeps activations
    bounded, which suits clipped noisy gradients (Papernot et al. 2021); batch
    normalization is left out because it couples the examples of a batch. It is
    compiled with Adam and binary cross-entropy, so the same network can be
    trained without privacy for a fair comparison. The initial weights come
    from Keras' global generator (call ``seed_everything`` just before).

    Parameters
    ----------
    input_shape : tuple of int, default (28, 28, 1)
        (height, width, channels); each side at least 2**len(filters) pixels.
    filters : tuple of int, default (8, 16)
        Filters of each conv block (positive).
    dense_units : int ≥ 1, default 16
        Width of the dense layer (named ``"features"``).
    learning_rate : float > 0, default 1e-3
        Adam's learning rate for ordinary (non-private) training.

    Returns
    -------
    keras.Model
        Compiled, one sigmoid output named ``"lesion_probability"``.

    Examples
    --------
    >>> m = dp_cnn((8, 8, 1), filters=(2,), dense_units=4)
    >>> m.output_shape, any("batch_norm" in layer.name for layer in m.layers)
    ((None, 1), False)
    """
    if not filters or not all(isinstance(f, numbers.Integral) and not isinstance(f, bool) and f > 0 for f in filters):
        raise ValueError(
            f"The 'filters' parameter of dp_cnn must be a non-empty tuple of positive ints; got {filters!r}."
        )
    side = 2 ** len(filters)
    if (
        len(input_shape) != 3
        or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in input_shape)
        or input_shape[2] not in (1, 3)
        or min(input_shape[:2]) < side
    ):
        raise ValueError(
            "The 'input_shape' parameter of dp_cnn must be (height, width, channels) with sides of at least "
            f"{side} pixels and 1 or 3 channels; got {input_shape!r}."
        )
    keras = keras_module()
    inputs = keras.Input(tuple(int(v) for v in input_shape))
    x = inputs
    for i, f in enumerate(filters):
        x = _shift_conv_class()(int(f), activation="tanh", name=f"block{i}_conv")(x)
        x = keras.layers.MaxPooling2D(2, name=f"block{i}_pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(int(dense_units), activation="tanh", name="features")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="lesion_probability")(x)
    model = keras.Model(inputs, outputs, name="dp_cnn")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="binary_crossentropy",
        metrics=[keras.metrics.AUC(name="auc")],
    )
    return model


@functools.lru_cache(maxsize=1)
def _shift_conv_class():
    """A Keras layer: 3×3 'same' convolution as nine shifted matrix products.

    TensorFlow's ``vectorized_map`` has no vectorised rule for the gradient of
    Conv2D with respect to its kernel (it falls back to a loop over examples,
    one at a time); pads, slices and ``einsum`` all vectorise, so this
    formulation gives per-example gradients in one batched computation.
    """
    keras = keras_module()
    ops = keras.ops

    @keras.saving.register_keras_serializable(package="pmed")
    class ShiftConv2D(keras.layers.Layer):
        def __init__(self, filters: int, activation: str | None = None, **kwargs):
            super().__init__(**kwargs)
            self.filters = int(filters)
            self.activation = keras.activations.get(activation)

        def build(self, input_shape):
            channels = int(input_shape[-1])
            self.kernel = self.add_weight(
                shape=(3, 3, channels, self.filters), initializer="glorot_uniform", name="kernel"
            )
            self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")

        def call(self, x):
            h, w = x.shape[1], x.shape[2]
            padded = ops.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]])
            out = self.bias
            for i in range(3):
                for j in range(3):
                    out = out + ops.einsum("bhwc,cf->bhwf", padded[:, i : i + h, j : j + w, :], self.kernel[i, j])
            return self.activation(out)

        def compute_output_shape(self, input_shape):
            return (*input_shape[:-1], self.filters)

        def get_config(self):
            return {
                **super().get_config(),
                "filters": self.filters,
                "activation": keras.activations.serialize(self.activation),
            }

    return ShiftConv2D


def _check_inputs(model: Any, x: Any, y: Any, func: str) -> tuple[np.ndarray, np.ndarray]:
    keras = keras_module()
    if not isinstance(model, keras.Model):
        raise TypeError(f"The 'model' parameter of {func} must be a keras.Model; got {type(model).__name__}.")
    y = check_binary_labels(y, "y" if "y" in func else "y_train", func=func).astype(np.float32)
    x = check_finite(np.asarray(x, dtype=np.float32), "x", func=func).astype(np.float32, copy=False)
    check_same_length((x, "x"), (y, "y"), func=func)
    expected = tuple(model.input_shape[1:])
    if x.shape[1:] != expected:
        raise ValueError(f"The 'x' parameter of {func} must have shape (n, *{expected}); got {x.shape}.")
    return x, y


def _per_example_fn(model):
    """A tf function: (x, y) batch → list of per-example gradient tensors, each (n, *var.shape)."""
    tf = tensorflow_module()
    variables = model.trainable_variables

    def one(args):
        xi, yi = args
        with tf.GradientTape() as tape:
            p = model(xi[None], training=True)[0, 0]
            p = tf.clip_by_value(p, 1e-7, 1 - 1e-7)
            loss = -(yi * tf.math.log(p) + (1 - yi) * tf.math.log(1 - p))
        return tape.gradient(loss, variables)

    def batch(x, y):
        return tf.vectorized_map(one, (x, y))

    return batch


def _clip(grads, l2_norm_clip):
    tf = tensorflow_module()
    n = tf.shape(grads[0])[0]
    sq = tf.add_n([tf.reduce_sum(tf.reshape(g, (n, -1)) ** 2, axis=1) for g in grads])
    norms = tf.sqrt(sq)
    factor = tf.minimum(1.0, l2_norm_clip / tf.maximum(norms, 1e-12))
    clipped = [g * tf.reshape(factor, [-1] + [1] * (len(g.shape) - 1)) for g in grads]
    return clipped, norms


def _private_gradient(model, x, y, l2_norm_clip, noise_multiplier, denominator, noise_seed):
    """Σ clipped per-example gradients + N(0, (σC)²), divided by ``denominator``.

    Private (no input checks); ``noise_multiplier = 0`` is allowed here so a test
    can compare with an ordinary gradient step.
    """
    tf = tensorflow_module()
    variables = model.trainable_variables
    if len(x):
        grads = _per_example_fn(model)(tf.constant(x), tf.constant(y))
        clipped, _ = _clip(grads, tf.constant(float(l2_norm_clip)))
        summed = [tf.reduce_sum(g, axis=0) for g in clipped]
    else:
        summed = [tf.zeros_like(v) for v in variables]
    std = float(noise_multiplier) * float(l2_norm_clip)
    out = []
    for i, s in enumerate(summed):
        noise = tf.random.stateless_normal(tf.shape(s), seed=[int(noise_seed), i], dtype=s.dtype) * std
        out.append((s + noise) / float(denominator))
    return out


@validate_params(
    {
        "model": ["callable"],
        "x": ["array-like"],
        "y": ["array-like"],
        "l2_norm_clip": [_POSITIVE, None],
    }
)
def per_example_gradients(
    model: keras.Model, x: ArrayLike, y: ArrayLike, l2_norm_clip: float | None = None
) -> list[np.ndarray]:
    """Each example's gradient of the binary cross-entropy, optionally clipped to an L2 norm.

    The norm is taken over all trainable variables together (the whole
    gradient vector of one example), as DP-SGD clips it.

    Parameters
    ----------
    model : keras.Model
        A binary model with one sigmoid output (no batch normalization).
    x : array-like of float32, shape (n, *input_shape)
        Inputs.
    y : array-like of 0/1, shape (n,)
        Labels.
    l2_norm_clip : float > 0, optional
        Scale each example's gradient down to at most this norm; None = raw.

    Returns
    -------
    list of ndarray of float32
        One array per trainable variable, shape (n, *variable.shape).

    Examples
    --------
    >>> m = dp_cnn((8, 8, 1), filters=(2,), dense_units=4)
    >>> x = np.random.default_rng(0).random((5, 8, 8, 1)).astype("float32")
    >>> g = per_example_gradients(m, x, [0, 1, 0, 1, 1], l2_norm_clip=0.01)
    >>> norms = np.sqrt(sum((a.reshape(5, -1) ** 2).sum(1) for a in g))
    >>> bool((norms <= 0.01 + 1e-6).all()), g[0].shape
    (True, (5, 3, 3, 1, 2))
    """
    func = "per_example_gradients"
    x, y = _check_inputs(model, x, y, func)
    tf = tensorflow_module()
    grads = _per_example_fn(model)(tf.constant(x), tf.constant(y))
    if l2_norm_clip is not None:
        grads, _ = _clip(grads, tf.constant(float(l2_norm_clip)))
    return [np.asarray(g) for g in grads]


@dataclass(frozen=True, eq=False)
class DPTrainingResult:
    """What a DP-SGD run spent and how it went.

    Attributes
    ----------
    epsilon : float
        ε at ``delta`` (RDP accountant) for the steps taken.
    delta : float
    noise_multiplier, l2_norm_clip : float
        σ and C of the run.
    sampling_rate : float
        q = batch size / n.
    steps, epochs : int
        Gradient steps taken and the epoch budget (steps = epochs / q, rounded).
    history : DataFrame
        One row per epoch: ``loss`` (mean training cross-entropy after the
        epoch) and ``epsilon`` spent so far.

    Examples
    --------
    >>> r = DPTrainingResult(1.0, 1e-5, 1.1, 1.0, 0.01, 100, 1, pd.DataFrame())
    >>> r.epsilon, r.steps
    (1.0, 100)
    """

    epsilon: float
    delta: float
    noise_multiplier: float
    l2_norm_clip: float
    sampling_rate: float
    steps: int
    epochs: int
    history: pd.DataFrame


@validate_params(
    {
        "model": ["callable"],
        "x_train": ["array-like"],
        "y_train": ["array-like"],
        "epochs": [Interval(numbers.Integral, 1, None)],
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "l2_norm_clip": [_POSITIVE],
        "noise_multiplier": [_POSITIVE],
        "learning_rate": [_POSITIVE],
        "optimizer": [Options({"sgd", "momentum", "adam"})],
        "delta": [_DELTA],
        "random_state": ["random_state"],
        "progress": ["boolean"],
    }
)
def train_dp_sgd(
    model: keras.Model,
    x_train: ArrayLike,
    y_train: ArrayLike,
    *,
    epochs: int = 10,
    batch_size: int = 64,
    l2_norm_clip: float = 1.0,
    noise_multiplier: float = 1.0,
    learning_rate: float = 1e-3,
    optimizer: str = "momentum",
    delta: float = 1e-5,
    random_state: int | np.random.Generator | None = None,
    progress: bool = True,
) -> DPTrainingResult:
    """Train a binary Keras model with DP-SGD (per-example clipping + Gaussian noise) for an epoch budget.

    Each step draws a Poisson batch (every example with probability
    q = batch_size / n), clips each example's gradient to ``l2_norm_clip``,
    sums, adds N(0, (noise_multiplier × l2_norm_clip)²) to every coordinate,
    divides by the expected batch size and hands the result to the optimizer
    (DP-Adam or DP-SGD: the privacy guarantee holds for any optimizer, since it
    only post-processes the noisy gradient). The model is trained in place.

    Parameters
    ----------
    model : keras.Model
        A binary model with one sigmoid output and no batch normalization
        (e.g. :func:`dp_cnn`).
    x_train : array-like of float32, shape (n, *input_shape)
        Training inputs.
    y_train : array-like of 0/1, shape (n,)
        Training labels.
    epochs : int ≥ 1, default 10
        The budget: ``round(epochs / q)`` steps.
    batch_size : int ≥ 1, default 64
        Expected batch size (at most n).
    l2_norm_clip : float > 0, default 1.0
        C, the largest L2 norm one example's gradient may have.
    noise_multiplier : float > 0, default 1.0
        σ: the noise standard deviation is σ × C.
    learning_rate : float > 0, default 1e-3
        The optimizer's learning rate.
    optimizer : {"momentum", "sgd", "adam"}, default "momentum"
        Keras optimizer fed the noisy gradients: SGD with momentum 0.9, plain
        SGD, or Adam (Adam's per-coordinate scaling amplifies the noise in
        coordinates whose signal is small).
    delta : float in (0, 1), default 1e-5
        δ at which ε is reported.
    random_state : int, Generator or None, default None
        Seeds the Poisson batches and the noise (None = pmed's fixed default).
    progress : bool, default True
        Show a progress bar (one step per epoch).

    Returns
    -------
    DPTrainingResult
        ε at δ, the run's settings and a per-epoch history.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.random((20, 8, 8, 1)).astype("float32")
    >>> m = dp_cnn((8, 8, 1), filters=(2,), dense_units=4)
    >>> r = train_dp_sgd(m, x, [0, 1] * 10, epochs=1, batch_size=10, noise_multiplier=1.0, progress=False)
    >>> r.steps, r.sampling_rate, r.epsilon > 0
    (2, 0.5, True)
    """
    func = "train_dp_sgd"
    x, y = _check_inputs(model, x_train, y_train, func)
    n = len(x)
    if batch_size > n:
        raise ValueError(
            f"The 'batch_size' parameter of {func} must be at most the {n} training examples; got {batch_size}."
        )
    keras = keras_module()
    tf = tensorflow_module()
    rng = check_random_state(random_state, func=func)
    keras.utils.set_random_seed(derive_seed(rng))
    q = batch_size / n
    steps_per_epoch = max(1, int(round(1 / q)))
    if optimizer == "adam":
        opt = keras.optimizers.Adam(float(learning_rate))
    else:
        opt = keras.optimizers.SGD(float(learning_rate), momentum=0.9 if optimizer == "momentum" else 0.0)
    variables = model.trainable_variables
    per_example = _per_example_fn(model)
    clip_c = tf.constant(float(l2_norm_clip))
    std = float(noise_multiplier) * float(l2_norm_clip)
    denom = float(batch_size)
    spec = tf.TensorSpec((None, *x.shape[1:]), tf.float32)

    @tf.function(input_signature=[spec, tf.TensorSpec((None,), tf.float32), tf.TensorSpec((2,), tf.int32)])
    def step(xb, yb, seed):
        clipped, _ = _clip(per_example(xb, yb), clip_c)
        grads = []
        for i, g in enumerate(clipped):
            s = tf.reduce_sum(g, axis=0)
            noise = tf.random.stateless_normal(tf.shape(s), seed=seed + i, dtype=s.dtype) * std
            grads.append((s + noise) / denom)
        opt.apply_gradients(zip(grads, variables, strict=False))

    @tf.function(input_signature=[tf.TensorSpec((2,), tf.int32)])
    def noise_step(seed):
        grads = [tf.random.stateless_normal(tf.shape(v), seed=seed + i) * std / denom for i, v in enumerate(variables)]
        opt.apply_gradients(zip(grads, variables, strict=False))

    rows = []
    bar = tqdm_class()(total=int(epochs), desc="DP-SGD", disable=not progress)
    total = 0
    for epoch in range(int(epochs)):
        for _ in range(steps_per_epoch):
            idx = np.flatnonzero(rng.random(n) < q)
            seed = tf.constant(rng.integers(0, 2**31 - 1000, size=2), tf.int32)
            if idx.size:
                step(tf.constant(x[idx]), tf.constant(y[idx]), seed)
            else:
                noise_step(seed)
            total += 1
        p = np.clip(
            np.concatenate([np.asarray(model(x[i : i + 512], training=False)).ravel() for i in range(0, n, 512)]),
            1e-7,
            1 - 1e-7,
        )
        loss = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
        eps = dp_epsilon(float(noise_multiplier), min(q, 1.0), total, float(delta))
        rows.append({"epoch": epoch + 1, "loss": loss, "epsilon": eps})
        bar.update(1)
    bar.close()
    history = pd.DataFrame(rows).set_index("epoch")
    return DPTrainingResult(
        epsilon=float(history["epsilon"].iloc[-1]),
        delta=float(delta),
        noise_multiplier=float(noise_multiplier),
        l2_norm_clip=float(l2_norm_clip),
        sampling_rate=float(q),
        steps=int(total),
        epochs=int(epochs),
        history=history,
    )
