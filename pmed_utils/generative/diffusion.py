"""A class-conditional denoising diffusion model (DDPM) for small grey images, sampled with DDIM.

Training (Ho et al. 2020): take a real image ``x0``, a random step ``t`` of
``timesteps``, Gaussian noise ``eps``; form ``x_t = sqrt(ab_t) x0 + sqrt(1 - ab_t) eps``
(``ab_t`` = the cumulative product of the noise schedule, cosine by default,
Nichol & Dhariwal 2021) and teach a small U-Net to predict ``eps`` from
``(x_t, t, label)``. Sampling runs the learned denoiser backwards from pure
noise; DDIM (Song et al. 2021) takes a few large deterministic steps
(``steps=25`` instead of 1000), so a few hundred 28×28 images take seconds on a
CPU. The class label is dropped (replaced by a "no label" token) for
``label_dropout`` of the training images, which makes classifier-free guidance
possible at sampling time (Ho & Salimans 2022): ``guidance > 0`` pushes samples
towards what is typical of their class.

The weights used for sampling are an exponential moving average (EMA) of the
training weights, as in every published DDPM; with a few thousand steps it
matters more than any architecture choice.

Two denoisers: ``denoiser="unet"`` works on the pixels (a small U-Net, 28 → 14
→ 7); ``denoiser="mlp"`` works in a latent space, the first ``latent_dim``
principal components of the training images, each scaled to unit variance
(latent diffusion, Rombach et al. 2022, with a linear autoencoder). The
latent model costs about a hundredth of the U-Net per image, which is what a
shared CPU allows: the shipped weights use it. Its images are as smooth as
the principal components allow (fine texture beyond ``latent_dim`` components
is lost).
"""

from __future__ import annotations

import math
import numbers
import os
import time
from typing import TYPE_CHECKING

import numpy as np

from pmed_utils._progress import tqdm_class
from pmed_utils._tensorflow import keras_module, tensorflow_module
from pmed_utils.generative._images import check_images, check_labels, check_sample_label, to_unit
from pmed_utils.generative._io import KERAS_PACKAGE, load_generator, save_generator
from pmed_utils.reproducibility import check_random_state, derive_seed
from pmed_utils.validation import Interval, Options, validate_params

if TYPE_CHECKING:
    import keras

__all__ = [
    "DIFFUSION_CODE_VERSION",
    "DiffusionModel",
    "build_diffusion",
    "load_diffusion",
    "noise_schedule",
    "sample_diffusion",
    "save_diffusion",
    "train_diffusion",
]

#: Bump when the network or the schedule changes: saved weights record it and
#: :func:`load_diffusion` refuses weights written by another version.
DIFFUSION_CODE_VERSION = 1

keras = keras_module()


@validate_params(
    {
        "timesteps": [Interval(numbers.Integral, 2, None)],
        "schedule": [Options({"cosine", "linear"})],
    }
)
def noise_schedule(timesteps: int = 1000, schedule: str = "cosine") -> np.ndarray:
    """The cumulative signal fraction ``alpha_bar[t]`` of a diffusion noise schedule.

    Parameters
    ----------
    timesteps : int, default 1000
        Number of noising steps T (at least 2).
    schedule : {"cosine", "linear"}, default "cosine"
        "cosine" (Nichol & Dhariwal 2021) or "linear" betas from 1e-4 to 0.02
        (Ho et al. 2020).

    Returns
    -------
    ndarray of float64, shape (timesteps,)
        Decreasing from near 1 (almost clean) to near 0 (almost pure noise).

    Examples
    --------
    >>> ab = noise_schedule(1000)
    >>> bool(ab[0] > 0.999), bool(ab[-1] < 1e-3), bool(np.all(np.diff(ab) < 0))
    (True, True, True)
    """
    t = np.arange(timesteps + 1, dtype=np.float64) / timesteps
    if schedule == "cosine":
        f = np.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
        ab = f / f[0]
        betas = np.clip(1 - ab[1:] / ab[:-1], 0, 0.999)
    else:
        betas = np.linspace(1e-4, 0.02, timesteps) * (1000 / timesteps)
        betas = np.clip(betas, 0, 0.999)
    return np.cumprod(1 - betas)


@keras.saving.register_keras_serializable(package=KERAS_PACKAGE)
class SinusoidalEmbedding(keras.layers.Layer):
    """Sinusoidal features of the diffusion time t in [0, 1] (as in the Transformer's positions)."""

    def __init__(self, dim: int = 64, **kwargs):
        super().__init__(**kwargs)
        self.dim = int(dim)

    def call(self, t):
        ops = keras.ops
        half = self.dim // 2
        freqs = ops.exp(-math.log(10000.0) * ops.arange(half, dtype="float32") / half)
        angles = ops.cast(ops.reshape(t, (-1, 1)), "float32") * 1000.0 * ops.reshape(freqs, (1, -1))
        return ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.dim)

    def get_config(self):
        return {**super().get_config(), "dim": self.dim}


@keras.saving.register_keras_serializable(package=KERAS_PACKAGE)
class AddChannelBias(keras.layers.Layer):
    """x (n, h, w, c) + e (n, c): a per-image bias on every pixel (how the U-Net hears t and the label)."""

    def call(self, inputs):
        x, e = inputs
        return x + keras.ops.expand_dims(keras.ops.expand_dims(e, 1), 1)

    def compute_output_shape(self, input_shape):
        return input_shape[0]


def _res_block(x, emb, channels: int, name: str):
    layers = keras.layers
    groups = 8 if channels % 8 == 0 else 1
    skip = x if x.shape[-1] == channels else layers.Conv2D(channels, 1, name=f"{name}_skip")(x)
    h = layers.GroupNormalization(groups, name=f"{name}_gn0")(x)
    h = layers.Activation("swish", name=f"{name}_act0")(h)
    h = layers.Conv2D(channels, 3, padding="same", name=f"{name}_conv0")(h)
    h = AddChannelBias(name=f"{name}_emb")([h, layers.Dense(channels, name=f"{name}_emb_dense")(emb)])
    h = layers.GroupNormalization(groups, name=f"{name}_gn1")(h)
    h = layers.Activation("swish", name=f"{name}_act1")(h)
    h = layers.Conv2D(channels, 3, padding="same", name=f"{name}_conv1")(h)
    return layers.Add(name=f"{name}_add")([h, skip])


def _unet(image_size: int, num_classes: int, channels: tuple[int, ...], emb_dim: int) -> keras.Model:
    """U-Net: one residual block per resolution (28 → 14 → 7 for three channel counts), skip connections."""
    layers = keras.layers
    x_in = keras.Input((image_size, image_size, 1), name="noisy_image")
    t_in = keras.Input((1,), name="time")
    y_in = keras.Input((1,), dtype="int32", name="label")
    temb = SinusoidalEmbedding(emb_dim, name="time_sin")(t_in)
    temb = layers.Dense(emb_dim, activation="swish", name="time_dense0")(temb)
    temb = layers.Dense(emb_dim, name="time_dense1")(temb)
    cemb = layers.Flatten(name="label_flat")(layers.Embedding(num_classes + 1, emb_dim, name="label_embedding")(y_in))
    emb = layers.Activation("swish", name="emb_act")(layers.Add(name="emb_add")([temb, cemb]))
    x = layers.Conv2D(channels[0], 3, padding="same", name="stem")(x_in)
    skips = []
    for i, c in enumerate(channels[:-1]):
        x = _res_block(x, emb, c, f"down{i}")
        skips.append(x)
        x = layers.AveragePooling2D(2, name=f"down{i}_pool")(x)
    x = _res_block(x, emb, channels[-1], "mid0")
    x = _res_block(x, emb, channels[-1], "mid1")
    for i in reversed(range(len(channels) - 1)):
        x = layers.UpSampling2D(2, interpolation="nearest", name=f"up{i}_upsample")(x)
        x = layers.Concatenate(name=f"up{i}_concat")([x, skips[i]])
        x = _res_block(x, emb, channels[i], f"up{i}")
    x = layers.GroupNormalization(8 if channels[0] % 8 == 0 else 1, name="out_gn")(x)
    x = layers.Activation("swish", name="out_act")(x)
    out = layers.Conv2D(1, 3, padding="same", kernel_initializer="zeros", name="eps")(x)
    return keras.Model([x_in, t_in, y_in], out, name="unet")


@keras.saving.register_keras_serializable(package=KERAS_PACKAGE)
class PCAProjection(keras.layers.Layer):
    """Images in [-1, 1] ↔ whitened principal-component scores; fitted once, stored with the model."""

    def __init__(self, image_size: int = 28, latent_dim: int = 64, **kwargs):
        super().__init__(**kwargs)
        self.image_size, self.latent_dim = int(image_size), int(latent_dim)
        d = self.image_size**2
        self.mean = self.add_weight(shape=(d,), initializer="zeros", trainable=False, name="mean")
        self.components = self.add_weight(
            shape=(self.latent_dim, d), initializer="zeros", trainable=False, name="components"
        )
        self.scale = self.add_weight(shape=(self.latent_dim,), initializer="ones", trainable=False, name="scale")
        self.built = True

    def fit(self, x: np.ndarray) -> None:
        flat = x.reshape(len(x), -1).astype(np.float64)
        mean = flat.mean(0)
        _, sv, vt = np.linalg.svd(flat - mean, full_matrices=False)
        k = self.latent_dim
        comps = np.zeros((k, flat.shape[1]))
        comps[: min(k, len(vt))] = vt[:k]
        scale = np.ones(k)
        scale[: min(k, len(sv))] = np.maximum(sv[:k] / np.sqrt(max(len(x) - 1, 1)), 1e-6)
        self.mean.assign(mean.astype("float32"))
        self.components.assign(comps.astype("float32"))
        self.scale.assign(scale.astype("float32"))

    def encode(self, x: np.ndarray) -> np.ndarray:
        flat = x.reshape(len(x), -1) - self.mean.numpy()
        return ((flat @ self.components.numpy().T) / self.scale.numpy()).astype(np.float32)

    def decode(self, z: np.ndarray) -> np.ndarray:
        flat = (z * self.scale.numpy()) @ self.components.numpy() + self.mean.numpy()
        return flat.reshape(len(z), self.image_size, self.image_size, 1).astype(np.float32)

    def call(self, x):
        return x

    def get_config(self):
        return {**super().get_config(), "image_size": self.image_size, "latent_dim": self.latent_dim}


def _mlp(latent_dim: int, num_classes: int, hidden: int, emb_dim: int, blocks: int = 3) -> keras.Model:
    """Residual MLP denoiser on latent vectors: (z_t, t, label) -> predicted noise."""
    layers = keras.layers
    z_in = keras.Input((latent_dim,), name="noisy_latent")
    t_in = keras.Input((1,), name="time")
    y_in = keras.Input((1,), dtype="int32", name="label")
    temb = SinusoidalEmbedding(emb_dim, name="time_sin")(t_in)
    temb = layers.Dense(emb_dim, activation="swish", name="time_dense0")(temb)
    cemb = layers.Flatten(name="label_flat")(layers.Embedding(num_classes + 1, emb_dim, name="label_embedding")(y_in))
    emb = layers.Activation("swish", name="emb_act")(layers.Add(name="emb_add")([temb, cemb]))
    h = layers.Dense(hidden, name="in")(z_in)
    for i in range(blocks):
        r = layers.LayerNormalization(name=f"block{i}_ln")(h)
        r = layers.Activation("swish", name=f"block{i}_act0")(r)
        r = layers.Dense(hidden, name=f"block{i}_dense0")(r)
        r = layers.Add(name=f"block{i}_emb")([r, layers.Dense(hidden, name=f"block{i}_emb_dense")(emb)])
        r = layers.Activation("swish", name=f"block{i}_act1")(r)
        r = layers.Dense(hidden, name=f"block{i}_dense1")(r)
        h = layers.Add(name=f"block{i}_add")([h, r])
    h = layers.Activation("swish", name="out_act")(layers.LayerNormalization(name="out_ln")(h))
    out = layers.Dense(latent_dim, kernel_initializer="zeros", name="eps")(h)
    return keras.Model([z_in, t_in, y_in], out, name="mlp_denoiser")


@keras.saving.register_keras_serializable(package=KERAS_PACKAGE)
class DiffusionModel(keras.Model):
    """A class-conditional DDPM: a noise predictor (U-Net or latent MLP) plus its schedule; ``sample`` draws images.

    Build it with :func:`build_diffusion`, train it with :func:`train_diffusion`,
    save and load it with :func:`save_diffusion` / :func:`load_diffusion`.

    Attributes
    ----------
    network : keras.Model
        The denoiser ``(noisy image or latent, t in [0, 1], label) -> predicted noise``.
    denoiser : {"unet", "mlp"}
        Pixel-space U-Net, or residual MLP on ``latent_dim`` whitened principal components.
    projection : PCAProjection or None
        The fitted principal components (``denoiser="mlp"`` only).
    num_classes, image_size, timesteps, schedule, channels, emb_dim
        The architecture (saved with the model).
    dataset : str or None
        The data the weights were trained on (checked when loading).
    class_names : list of str or None
        Names of the classes, index = label.
    code_version : int
        :data:`DIFFUSION_CODE_VERSION` when the model was built.
    training_record : dict
        What :func:`train_diffusion` recorded: steps, batch size, seed, wall time, loss.

    Examples
    --------
    >>> model = build_diffusion(denoiser="mlp", latent_dim=8, hidden=16, emb_dim=8, dataset="toy")
    >>> model.denoiser, model.num_classes, model.image_size, model.dataset
    ('mlp', 2, 28, 'toy')
    """

    def __init__(
        self,
        num_classes: int = 2,
        image_size: int = 28,
        timesteps: int = 1000,
        schedule: str = "cosine",
        channels: tuple[int, ...] = (32, 64, 96),
        emb_dim: int = 128,
        dataset: str | None = None,
        class_names: list[str] | None = None,
        code_version: int = DIFFUSION_CODE_VERSION,
        training_record: dict | None = None,
        denoiser: str = "unet",
        latent_dim: int = 64,
        hidden: int = 256,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.num_classes = int(num_classes)
        self.image_size = int(image_size)
        self.timesteps = int(timesteps)
        self.schedule = str(schedule)
        self.channels = tuple(int(c) for c in channels)
        self.emb_dim = int(emb_dim)
        self.dataset = dataset
        self.class_names = list(class_names) if class_names is not None else None
        self.code_version = int(code_version)
        self.training_record = dict(training_record or {})
        self.denoiser, self.latent_dim, self.hidden = str(denoiser), int(latent_dim), int(hidden)
        if self.denoiser == "mlp":
            self.projection: PCAProjection | None = PCAProjection(self.image_size, self.latent_dim, name="pca")
            self.network = _mlp(self.latent_dim, self.num_classes, self.hidden, self.emb_dim)
        else:
            self.projection = None
            self.network = _unet(self.image_size, self.num_classes, self.channels, self.emb_dim)
        self.alpha_bar = noise_schedule(self.timesteps, self.schedule).astype(np.float32)
        self._predict_fn = None
        self.built = True

    def call(self, inputs, training=False):
        return self.network(inputs, training=training)

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "num_classes": self.num_classes,
            "image_size": self.image_size,
            "timesteps": self.timesteps,
            "schedule": self.schedule,
            "channels": list(self.channels),
            "emb_dim": self.emb_dim,
            "dataset": self.dataset,
            "class_names": self.class_names,
            "code_version": self.code_version,
            "training_record": self.training_record,
            "denoiser": self.denoiser,
            "latent_dim": self.latent_dim,
            "hidden": self.hidden,
        }

    @classmethod
    def from_config(cls, config: dict) -> DiffusionModel:
        return cls(**config)

    def _eps(self, x, t, y):
        if self._predict_fn is None:
            tf = tensorflow_module()
            net = self.network

            @tf.function(reduce_retracing=True, autograph=False)
            def fn(x, t, y):
                return net([x, t, y], training=False)

            self._predict_fn = fn
        return self._predict_fn(x, t, y).numpy()

    def sample(
        self,
        n: int,
        label: int | np.ndarray | None = None,
        steps: int = 25,
        guidance: float = 0.0,
        random_state: int | np.random.Generator | None = None,
        batch_size: int = 256,
    ) -> np.ndarray:
        """Draw ``n`` images with DDIM (deterministic given the starting noise).

        Parameters
        ----------
        n : int
            Number of images (at least 1).
        label : int, array of int of shape (n,), or None, default None
            The class of every image, one class per image, or None for the
            classes in turn (0, 1, 0, 1, ...).
        steps : int, default 25
            DDIM steps (2..timesteps); more is slower and a little sharper.
        guidance : float, default 0.0
            Classifier-free guidance weight w >= 0: noise = (1 + w) eps(label) - w eps(no label).
        random_state : int, numpy Generator or None, default None
            Seed of the starting noise.
        batch_size : int, default 256
            Images per forward pass.

        Returns
        -------
        ndarray of float32, shape (n, image_size, image_size, 1)
            Images in [0, 1].

        Examples
        --------
        >>> model = build_diffusion(channels=(8, 8), emb_dim=16, timesteps=50)
        >>> model.sample(3, label=1, steps=4, random_state=0).shape
        (3, 28, 28, 1)
        """
        return sample_diffusion(
            self, n, label=label, steps=steps, guidance=guidance, random_state=random_state, batch_size=batch_size
        )


@validate_params(
    {
        "model": [DiffusionModel],
        "n": [Interval(numbers.Integral, 1, None)],
        "label": [numbers.Integral, "array-like", None],
        "steps": [Interval(numbers.Integral, 2, None)],
        "guidance": [Interval(numbers.Real, 0, None)],
        "random_state": ["random_state"],
        "batch_size": [Interval(numbers.Integral, 1, None)],
    }
)
def sample_diffusion(
    model: DiffusionModel,
    n: int,
    label: int | np.ndarray | None = None,
    steps: int = 25,
    guidance: float = 0.0,
    random_state: int | np.random.Generator | None = None,
    batch_size: int = 256,
) -> np.ndarray:
    """Draw ``n`` images from a diffusion model with DDIM (eta = 0); same as ``model.sample``.

    Parameters
    ----------
    model : DiffusionModel
        A (trained) model.
    n : int
        Number of images (at least 1).
    label : int, array of int of shape (n,), or None, default None
        Class of every image, one per image, or None for the classes in turn.
    steps : int, default 25
        DDIM steps, 2..model.timesteps.
    guidance : float, default 0.0
        Classifier-free guidance weight (>= 0).
    random_state : int, numpy Generator or None, default None
        Seed of the starting noise.
    batch_size : int, default 256
        Images per forward pass.

    Returns
    -------
    ndarray of float32, shape (n, image_size, image_size, 1)
        Images in [0, 1].

    Examples
    --------
    >>> model = build_diffusion(channels=(8, 8), emb_dim=16, timesteps=50)
    >>> a = sample_diffusion(model, 2, label=0, steps=3, random_state=1)
    >>> b = sample_diffusion(model, 2, label=0, steps=3, random_state=1)
    >>> bool(np.array_equal(a, b)), float(a.min()) >= 0.0
    (True, True)
    """
    func = "sample_diffusion"
    if steps > model.timesteps:
        raise ValueError(
            f"The 'steps' parameter of {func} must be at most the model's timesteps ({model.timesteps}); got {steps}."
        )
    labels = check_sample_label(label, int(n), model.num_classes, func)
    rng = check_random_state(random_state, func=func)
    s = model.image_size
    shape = (int(n), model.latent_dim) if model.denoiser == "mlp" else (int(n), s, s, 1)
    x = rng.standard_normal(shape).astype(np.float32)
    lo, hi = (-6.0, 6.0) if model.denoiser == "mlp" else (-1.0, 1.0)
    ab = model.alpha_bar
    ts = np.unique(np.linspace(0, model.timesteps - 1, int(steps)).round().astype(int))[::-1]
    null = np.full(labels.shape, model.num_classes, dtype=np.int32)
    for k, t in enumerate(ts):
        a_t = float(ab[t])
        a_prev = float(ab[ts[k + 1]]) if k + 1 < len(ts) else 1.0
        eps = np.empty_like(x)
        for start in range(0, len(x), int(batch_size)):
            sl = slice(start, start + int(batch_size))
            xb, yb = x[sl], labels[sl].astype(np.int32)[:, None]
            tb = np.full((len(xb), 1), t / model.timesteps, dtype=np.float32)
            if guidance > 0:
                both = model._eps(
                    np.concatenate([xb, xb]), np.concatenate([tb, tb]), np.concatenate([yb, null[sl][:, None]])
                )
                e_c, e_u = both[: len(xb)], both[len(xb) :]
                eps[sl] = (1 + guidance) * e_c - guidance * e_u
            else:
                eps[sl] = model._eps(xb, tb, yb)
        x0 = np.clip((x - math.sqrt(1 - a_t) * eps) / math.sqrt(a_t), lo, hi)
        eps = ((x - math.sqrt(a_t) * x0) / math.sqrt(1 - a_t)).astype(np.float32)
        x = (math.sqrt(a_prev) * x0 + math.sqrt(1 - a_prev) * eps).astype(np.float32)
    if model.projection is not None:  # the "mlp" denoiser works on principal components
        x = model.projection.decode(x)
    return to_unit(x)


@validate_params(
    {
        "num_classes": [Interval(numbers.Integral, 1, None)],
        "image_size": [Interval(numbers.Integral, 4, None)],
        "timesteps": [Interval(numbers.Integral, 2, None)],
        "schedule": [Options({"cosine", "linear"})],
        "channels": [tuple],
        "emb_dim": [Interval(numbers.Integral, 2, None)],
        "dataset": ["str", None],
        "class_names": [list, None],
        "denoiser": [Options({"unet", "mlp"})],
        "latent_dim": [Interval(numbers.Integral, 1, None)],
        "hidden": [Interval(numbers.Integral, 1, None)],
    }
)
def build_diffusion(
    num_classes: int = 2,
    image_size: int = 28,
    timesteps: int = 1000,
    schedule: str = "cosine",
    channels: tuple[int, ...] = (32, 64, 96),
    emb_dim: int = 128,
    dataset: str | None = None,
    class_names: list[str] | None = None,
    denoiser: str = "unet",
    latent_dim: int = 64,
    hidden: int = 256,
) -> DiffusionModel:
    """An untrained class-conditional diffusion model for grey square images.

    Initial weights come from Keras' global generator (``seed_everything``);
    :func:`train_diffusion` seeds it from its ``random_state``.

    Parameters
    ----------
    num_classes : int, default 2
        Number of classes (labels 0..num_classes-1).
    image_size : int, default 28
        Side of the square images; divisible by 2**(len(channels) - 1).
    timesteps : int, default 1000
        Noising steps T of training.
    schedule : {"cosine", "linear"}, default "cosine"
        Noise schedule, see :func:`noise_schedule`.
    channels : tuple of int, default (32, 64, 96)
        Channels per resolution, at least two (the last is the 7×7 middle for 28×28 images).
    emb_dim : int, default 128
        Length of the time and label embedding.
    dataset : str or None, default None
        Name of the training data, stored with the weights.
    class_names : list of str or None, default None
        Class names, index = label.
    denoiser : {"unet", "mlp"}, default "unet"
        Pixel-space U-Net, or a residual MLP on whitened principal components
        (fitted on the training images by :func:`train_diffusion`).
    latent_dim : int, default 64
        Principal components kept (``denoiser="mlp"``).
    hidden : int, default 256
        Width of the MLP (``denoiser="mlp"``).

    Returns
    -------
    DiffusionModel

    Examples
    --------
    >>> model = build_diffusion()
    >>> 300_000 < model.network.count_params() < 1_000_000
    True
    >>> build_diffusion(denoiser="mlp", latent_dim=32).network.input_shape[0]
    (None, 32)
    >>> build_diffusion(image_size=30)
    Traceback (most recent call last):
        ...
    ValueError: The 'image_size' parameter of build_diffusion must be divisible by 4 (2 ** (len(channels) - 1)); got 30.
    """
    func = "build_diffusion"
    if len(channels) < 2 or not all(
        isinstance(c, numbers.Integral) and not isinstance(c, bool) and c > 0 for c in channels
    ):
        raise ValueError(
            f"The 'channels' parameter of {func} must be a tuple of at least two positive ints; got {channels!r}."
        )
    factor = 2 ** (len(channels) - 1)
    if image_size % factor:
        raise ValueError(
            f"The 'image_size' parameter of {func} must be divisible by {factor} (2 ** (len(channels) - 1)); "
            f"got {image_size}."
        )
    if class_names is not None and len(class_names) != num_classes:
        raise ValueError(
            f"The 'class_names' parameter of {func} must have num_classes ({num_classes}) names; got {len(class_names)}."
        )
    return DiffusionModel(
        num_classes=num_classes,
        image_size=image_size,
        timesteps=timesteps,
        schedule=schedule,
        channels=tuple(channels),
        emb_dim=emb_dim,
        dataset=dataset,
        class_names=class_names,
        denoiser=denoiser,
        latent_dim=latent_dim,
        hidden=hidden,
        name="diffusion",
    )


@validate_params(
    {
        "images": ["array-like"],
        "labels": ["array-like"],
        "steps": [Interval(numbers.Integral, 1, None)],
        "model": [DiffusionModel, None],
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "label_dropout": [Interval(numbers.Real, 0, 1, closed="left")],
        "ema_decay": [Interval(numbers.Real, 0, 1, closed="left")],
        "flip": ["boolean"],
        "dataset": ["str", None],
        "random_state": ["random_state"],
        "progress": ["boolean"],
    }
)
def train_diffusion(
    images: np.ndarray,
    labels: np.ndarray,
    steps: int = 2000,
    model: DiffusionModel | None = None,
    batch_size: int = 64,
    learning_rate: float = 2e-3,
    label_dropout: float = 0.1,
    ema_decay: float = 0.995,
    flip: bool = False,
    dataset: str | None = None,
    random_state: int | np.random.Generator | None = None,
    progress: bool = True,
) -> DiffusionModel:
    """Train a class-conditional diffusion model for a fixed number of optimiser steps.

    Each step draws a batch of training images, a diffusion time and noise for
    each, and takes one Adam step on the mean squared error of the predicted
    noise. The learning rate warms up over the first 5% of steps and decays
    with a cosine to 10%. The returned model holds the EMA weights.

    Parameters
    ----------
    images : array-like, shape (n, size, size) or (n, size, size, 1)
        Grey training images, uint8 0..255 or float in [0, 1].
    labels : array-like of int, shape (n,)
        Class of each image, 0..num_classes-1.
    steps : int, default 2000
        Optimiser steps (the budget; results do not depend on the machine's speed).
    model : DiffusionModel or None, default None
        A model to train further; None builds :func:`build_diffusion` with
        ``num_classes = labels.max() + 1`` and the images' size.
    batch_size : int, default 64
        Images per step.
    learning_rate : float, default 2e-3
        Peak Adam learning rate.
    label_dropout : float in [0, 1), default 0.1
        Share of training images shown without their label (for guidance).
    ema_decay : float in [0, 1), default 0.995
        Decay of the moving average of the weights kept for sampling (0: none).
    flip : bool, default False
        Augment with left–right flips (fine for ultrasound, not for chest X-rays).
    dataset : str or None, default None
        Name of the training data, stored with the model (a new model only).
    random_state : int, numpy Generator or None, default None
        Seeds the initial weights, batches, times and noise.
    progress : bool, default True
        Show a tqdm bar with the running loss.

    Returns
    -------
    DiffusionModel
        ``model.training_record`` holds steps, batch size, learning rate, seed,
        wall time and the final loss.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(0, 256, (16, 28, 28), dtype=np.uint8)
    >>> model = train_diffusion(x, np.arange(16) % 2, steps=2, batch_size=8, random_state=0,
    ...                         model=build_diffusion(channels=(8, 8), emb_dim=16), progress=False)
    >>> model.training_record["steps"]
    2
    """
    func = "train_diffusion"
    x = check_images(images, "images", func, image_size=None if model is None else model.image_size)
    y = check_labels(labels, len(x), "labels", func, None if model is None else model.num_classes)
    rng = check_random_state(random_state, func=func)
    seed = derive_seed(rng)
    tf = tensorflow_module()
    keras.utils.set_random_seed(seed)
    if model is None:
        model = build_diffusion(num_classes=int(y.max()) + 1, image_size=x.shape[1], dataset=dataset)
    net = model.network
    latent = model.denoiser == "mlp"
    flip_batches = bool(flip) and not latent
    if latent:
        if flip:  # the mirror images join the data before the principal components are fitted
            x, y = np.concatenate([x, x[:, :, ::-1]]), np.concatenate([y, y])
        projection = model.projection
        assert projection is not None  # the "mlp" denoiser always has one
        if not model.training_record:  # a new model: fit the principal components on these images
            projection.fit(x)
        x = projection.encode(x)
    ema = [v.numpy().copy() for v in net.trainable_variables]
    ab = tf.constant(model.alpha_bar)
    total = int(steps)
    warm = max(1, total // 20)

    def lr_at(i):
        if i < warm:
            return learning_rate * (i + 1) / warm
        p = (i - warm) / max(1, total - warm)
        return learning_rate * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * p)))

    optimizer = keras.optimizers.Adam(learning_rate=float(learning_rate), global_clipnorm=1.0)
    optimizer.build(net.trainable_variables)

    @tf.function(autograph=False)
    def step(x0, t, noise, yb):
        a = tf.reshape(tf.gather(ab, t), (-1, 1) if latent else (-1, 1, 1, 1))
        xt = tf.sqrt(a) * x0 + tf.sqrt(1.0 - a) * noise
        tt = tf.cast(tf.reshape(t, (-1, 1)), "float32") / model.timesteps
        with tf.GradientTape() as tape:
            pred = net([xt, tt, yb], training=True)
            loss = tf.reduce_mean(tf.square(pred - noise))
        grads = tape.gradient(loss, net.trainable_variables)
        optimizer.apply_gradients(zip(grads, net.trainable_variables, strict=False))
        return loss

    bar = tqdm_class()(total=total, desc="diffusion", unit="step", disable=not progress)
    start = time.perf_counter()
    running = None
    n, bs = len(x), min(int(batch_size), len(x))
    for i in range(total):
        optimizer.learning_rate = lr_at(i)
        idx = rng.integers(0, n, bs)
        x0 = x[idx]
        if flip_batches:
            mask = rng.random(bs) < 0.5
            x0 = np.where(mask[:, None, None, None], x0[:, :, ::-1], x0)
        yb = y[idx].copy()
        yb[rng.random(bs) < label_dropout] = model.num_classes
        t = rng.integers(0, model.timesteps, bs)
        noise = rng.standard_normal(x0.shape).astype(np.float32)
        loss = float(
            step(tf.constant(x0), tf.constant(t, "int32"), tf.constant(noise), tf.constant(yb[:, None], "int32"))
        )
        running = loss if running is None else 0.98 * running + 0.02 * loss
        if ema_decay > 0:
            d = min(ema_decay, (1 + i) / (10 + i))
            for e, v in zip(ema, net.trainable_variables, strict=False):
                e *= d
                e += (1 - d) * v.numpy()
        bar.set_postfix_str(f"loss={running:.4f}", refresh=False)
        bar.update(1)
    bar.close()
    if ema_decay > 0:
        for e, v in zip(ema, net.trainable_variables, strict=False):
            v.assign(e)
    previous = int(model.training_record.get("steps", 0))
    model.training_record = {
        "steps": previous + total,
        "batch_size": bs,
        "learning_rate": float(learning_rate),
        "label_dropout": float(label_dropout),
        "ema_decay": float(ema_decay),
        "flip": bool(flip),
        "seed": int(seed),
        "n_train": int(n),
        "wall_time_s": round(time.perf_counter() - start, 1),
        "final_loss": None if running is None else round(running, 5),
    }
    if dataset is not None and model.dataset is None:
        model.dataset = dataset
    model._predict_fn = None
    return model


@validate_params({"model": [DiffusionModel], "path": ["path"]})
def save_diffusion(model: DiffusionModel, path: str | os.PathLike) -> str:
    """Save a diffusion model (architecture, dataset, code version and weights) as one ``.keras`` file.

    Parameters
    ----------
    model : DiffusionModel
        The model to save.
    path : str or os.PathLike
        File name ending in ``.keras``; its folder must exist.

    Returns
    -------
    str
        The path written.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> model = build_diffusion(channels=(8, 8), emb_dim=16, dataset="toy")
    >>> load_diffusion(save_diffusion(model, f"{tmp.name}/d.keras")).dataset
    'toy'
    >>> tmp.cleanup()
    """
    return save_generator(model, path, "save_diffusion")


@validate_params({"path": ["path"], "dataset": ["str", None]})
def load_diffusion(path: str | os.PathLike, dataset: str | None = None) -> DiffusionModel:
    """Load a model written by :func:`save_diffusion`, checking its code version and (optionally) dataset.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.keras`` file.
    dataset : str or None, default None
        When given, the dataset the weights must have been trained on.

    Returns
    -------
    DiffusionModel

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = save_diffusion(build_diffusion(channels=(8, 8), emb_dim=16, dataset="breastmnist"),
    ...                       f"{tmp.name}/d.keras")
    >>> load_diffusion(path, dataset="pneumoniamnist")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: The 'dataset' parameter of load_diffusion is 'pneumoniamnist', but the weights in ... were trained on 'breastmnist'.
    >>> tmp.cleanup()
    """
    return load_generator(path, DiffusionModel, "load_diffusion", dataset, DIFFUSION_CODE_VERSION)
