"""A class-conditional variational autoencoder (Kingma & Welling 2014) for small grey images.

The encoder maps an image and its class to a Gaussian over a small latent
space; the decoder maps a latent point and a class back to pixel
probabilities. Training maximises the evidence lower bound: reconstruction
(binary cross-entropy summed over pixels) minus ``beta`` times the KL
divergence of the encoder's Gaussian from N(0, I). Sampling draws z ~ N(0, I)
and decodes it with the requested class. VAE samples are blurrier than a
diffusion model's (the Gaussian decoder averages what it cannot tell apart),
which is one of the chapter's points.
"""

from __future__ import annotations

import numbers
import os
import time
from typing import TYPE_CHECKING

import numpy as np

from pmed_utils._progress import tqdm_class
from pmed_utils._tensorflow import keras_module, tensorflow_module
from pmed_utils.generative._images import check_images, check_labels, check_sample_label
from pmed_utils.generative._io import KERAS_PACKAGE, load_generator, save_generator
from pmed_utils.reproducibility import check_random_state, derive_seed
from pmed_utils.validation import Interval, validate_params

if TYPE_CHECKING:
    import keras

__all__ = ["VAE_CODE_VERSION", "ConditionalVAE", "build_vae", "load_vae", "sample_vae", "save_vae", "train_vae"]

#: Bump when the architecture changes; :func:`load_vae` refuses other versions.
VAE_CODE_VERSION = 1

keras = keras_module()


def _encoder(image_size: int, num_classes: int, filters: tuple[int, int], latent_dim: int) -> keras.Model:
    layers = keras.layers
    x_in = keras.Input((image_size, image_size, 1), name="image")
    y_in = keras.Input((1,), dtype="int32", name="label")
    x = layers.Conv2D(filters[0], 3, strides=2, padding="same", activation="relu", name="enc_conv0")(x_in)
    x = layers.Conv2D(filters[1], 3, strides=2, padding="same", activation="relu", name="enc_conv1")(x)
    x = layers.Flatten(name="enc_flat")(x)
    y = layers.Flatten(name="enc_label_flat")(layers.Embedding(num_classes, 16, name="enc_label")(y_in))
    h = layers.Dense(128, activation="relu", name="enc_dense")(layers.Concatenate(name="enc_concat")([x, y]))
    mean = layers.Dense(latent_dim, name="z_mean")(h)
    log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    return keras.Model([x_in, y_in], [mean, log_var], name="encoder")


def _decoder(image_size: int, num_classes: int, filters: tuple[int, int], latent_dim: int) -> keras.Model:
    layers = keras.layers
    q = image_size // 4
    z_in = keras.Input((latent_dim,), name="z")
    y_in = keras.Input((1,), dtype="int32", name="label")
    y = layers.Flatten(name="dec_label_flat")(layers.Embedding(num_classes, 16, name="dec_label")(y_in))
    h = layers.Dense(128, activation="relu", name="dec_dense0")(layers.Concatenate(name="dec_concat")([z_in, y]))
    h = layers.Dense(q * q * filters[1], activation="relu", name="dec_dense1")(h)
    h = layers.Reshape((q, q, filters[1]), name="dec_reshape")(h)
    h = layers.Conv2DTranspose(filters[1], 3, strides=2, padding="same", activation="relu", name="dec_up0")(h)
    h = layers.Conv2DTranspose(filters[0], 3, strides=2, padding="same", activation="relu", name="dec_up1")(h)
    logits = layers.Conv2D(1, 3, padding="same", name="logits")(h)
    return keras.Model([z_in, y_in], logits, name="decoder")


@keras.saving.register_keras_serializable(package=KERAS_PACKAGE)
class ConditionalVAE(keras.Model):
    """Encoder + decoder of a class-conditional VAE; ``sample`` draws images of a class.

    Build with :func:`build_vae`, train with :func:`train_vae`, save and load
    with :func:`save_vae` / :func:`load_vae`.

    Attributes
    ----------
    encoder, decoder : keras.Model
        ``(image, label) -> (z_mean, z_log_var)`` and ``(z, label) -> pixel logits``.
    num_classes, image_size, latent_dim, filters
        The architecture.
    dataset : str or None
        The training data's name (checked when loading).
    code_version : int
        :data:`VAE_CODE_VERSION` when built.
    training_record : dict
        Epochs, batch size, seed, wall time, final loss.

    Examples
    --------
    >>> vae = build_vae(latent_dim=4, dataset="toy")
    >>> vae.latent_dim, vae.filters, vae.decoder.output_shape
    (4, (16, 32), (None, 28, 28, 1))
    """

    def __init__(
        self,
        num_classes: int = 2,
        image_size: int = 28,
        latent_dim: int = 16,
        filters: tuple[int, int] = (16, 32),
        dataset: str | None = None,
        class_names: list[str] | None = None,
        code_version: int = VAE_CODE_VERSION,
        training_record: dict | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.num_classes, self.image_size, self.latent_dim = int(num_classes), int(image_size), int(latent_dim)
        self.filters: tuple[int, int] = (int(filters[0]), int(filters[1]))
        self.dataset, self.class_names = dataset, (list(class_names) if class_names is not None else None)
        self.code_version = int(code_version)
        self.training_record = dict(training_record or {})
        self.encoder = _encoder(self.image_size, self.num_classes, self.filters, self.latent_dim)
        self.decoder = _decoder(self.image_size, self.num_classes, self.filters, self.latent_dim)
        self.built = True

    def call(self, inputs, training=False):
        x, y = inputs
        mean, _ = self.encoder([x, y], training=training)
        return keras.ops.sigmoid(self.decoder([mean, y], training=training))

    def get_config(self) -> dict:
        return {
            "name": self.name,
            "num_classes": self.num_classes,
            "image_size": self.image_size,
            "latent_dim": self.latent_dim,
            "filters": list(self.filters),
            "dataset": self.dataset,
            "class_names": self.class_names,
            "code_version": self.code_version,
            "training_record": self.training_record,
        }

    @classmethod
    def from_config(cls, config: dict) -> ConditionalVAE:
        return cls(**config)

    def sample(
        self,
        n: int,
        label: int | np.ndarray | None = None,
        temperature: float = 1.0,
        random_state: int | np.random.Generator | None = None,
    ) -> np.ndarray:
        """Draw ``n`` images: z ~ N(0, temperature² I), decoded with the class.

        Parameters
        ----------
        n : int
            Number of images (at least 1).
        label : int, array of int of shape (n,), or None, default None
            Class of every image, one per image, or None for the classes in turn.
        temperature : float, default 1.0
            SD of the latent draws (< 1: more typical, less varied images).
        random_state : int, numpy Generator or None, default None
            Seed of the latent draws.

        Returns
        -------
        ndarray of float32, shape (n, image_size, image_size, 1)
            Pixel probabilities in [0, 1] (the decoder's mean image).

        Examples
        --------
        >>> build_vae(latent_dim=2).sample(3, label=0, random_state=0).shape
        (3, 28, 28, 1)
        """
        return sample_vae(self, n, label=label, temperature=temperature, random_state=random_state)


@validate_params(
    {
        "model": [ConditionalVAE],
        "n": [Interval(numbers.Integral, 1, None)],
        "label": [numbers.Integral, "array-like", None],
        "temperature": [Interval(numbers.Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
    }
)
def sample_vae(
    model: ConditionalVAE,
    n: int,
    label: int | np.ndarray | None = None,
    temperature: float = 1.0,
    random_state: int | np.random.Generator | None = None,
) -> np.ndarray:
    """Draw ``n`` images from a conditional VAE (same as ``model.sample``).

    Parameters
    ----------
    model : ConditionalVAE
        A (trained) VAE.
    n : int
        Number of images (at least 1).
    label : int, array of int of shape (n,), or None, default None
        Class of every image, one per image, or None for the classes in turn.
    temperature : float, default 1.0
        SD of the latent draws (positive).
    random_state : int, numpy Generator or None, default None
        Seed of the latent draws.

    Returns
    -------
    ndarray of float32, shape (n, image_size, image_size, 1)
        Images in [0, 1].

    Examples
    --------
    >>> vae = build_vae(latent_dim=2)
    >>> bool(np.array_equal(sample_vae(vae, 2, random_state=3), sample_vae(vae, 2, random_state=3)))
    True
    """
    func = "sample_vae"
    labels = check_sample_label(label, int(n), model.num_classes, func)
    rng = check_random_state(random_state, func=func)
    z = (rng.standard_normal((int(n), model.latent_dim)) * temperature).astype(np.float32)
    logits = model.decoder.predict([z, labels.astype(np.int32)[:, None]], verbose=0, batch_size=256)
    return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)


@validate_params(
    {
        "num_classes": [Interval(numbers.Integral, 1, None)],
        "image_size": [Interval(numbers.Integral, 4, None)],
        "latent_dim": [Interval(numbers.Integral, 1, None)],
        "filters": [tuple],
        "dataset": ["str", None],
        "class_names": [list, None],
    }
)
def build_vae(
    num_classes: int = 2,
    image_size: int = 28,
    latent_dim: int = 16,
    filters: tuple[int, int] = (16, 32),
    dataset: str | None = None,
    class_names: list[str] | None = None,
) -> ConditionalVAE:
    """An untrained class-conditional VAE for grey square images.

    Parameters
    ----------
    num_classes : int, default 2
        Number of classes.
    image_size : int, default 28
        Side of the images, divisible by 4.
    latent_dim : int, default 16
        Size of the latent space.
    filters : tuple of two int, default (16, 32)
        Filters of the two stride-2 convolutions (mirrored in the decoder).
    dataset : str or None, default None
        Name of the training data, stored with the weights.
    class_names : list of str or None, default None
        Class names, index = label.

    Returns
    -------
    ConditionalVAE

    Examples
    --------
    >>> vae = build_vae()
    >>> vae.encoder.output_shape, vae.decoder.output_shape
    ([(None, 16), (None, 16)], (None, 28, 28, 1))
    """
    func = "build_vae"
    if len(filters) != 2 or not all(
        isinstance(f, numbers.Integral) and not isinstance(f, bool) and f > 0 for f in filters
    ):
        raise ValueError(f"The 'filters' parameter of {func} must be two positive ints; got {filters!r}.")
    if image_size % 4:
        raise ValueError(f"The 'image_size' parameter of {func} must be divisible by 4; got {image_size}.")
    if class_names is not None and len(class_names) != num_classes:
        raise ValueError(
            f"The 'class_names' parameter of {func} must have num_classes ({num_classes}) names; got {len(class_names)}."
        )
    pair = (int(filters[0]), int(filters[1]))
    return ConditionalVAE(num_classes, image_size, latent_dim, pair, dataset, class_names, name="vae")


@validate_params(
    {
        "images": ["array-like"],
        "labels": ["array-like"],
        "epochs": [Interval(numbers.Integral, 1, None)],
        "model": [ConditionalVAE, None],
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "beta": [Interval(numbers.Real, 0, None)],
        "dataset": ["str", None],
        "random_state": ["random_state"],
        "progress": ["boolean"],
    }
)
def train_vae(
    images: np.ndarray,
    labels: np.ndarray,
    epochs: int = 30,
    model: ConditionalVAE | None = None,
    batch_size: int = 64,
    learning_rate: float = 1e-3,
    beta: float = 1.0,
    dataset: str | None = None,
    random_state: int | np.random.Generator | None = None,
    progress: bool = True,
) -> ConditionalVAE:
    """Train a class-conditional VAE for a fixed number of epochs (the budget).

    Parameters
    ----------
    images : array-like, shape (n, size, size) or (n, size, size, 1)
        Grey training images, uint8 0..255 or float in [0, 1].
    labels : array-like of int, shape (n,)
        Class of each image.
    epochs : int, default 30
        Passes over the training images.
    model : ConditionalVAE or None, default None
        A VAE to train further; None builds :func:`build_vae` for these images.
    batch_size : int, default 64
        Images per step.
    learning_rate : float, default 1e-3
        Adam's learning rate.
    beta : float, default 1.0
        Weight of the KL term (beta-VAE; 1 = the evidence lower bound).
    dataset : str or None, default None
        Name of the training data (a new model only).
    random_state : int, numpy Generator or None, default None
        Seeds weights, batch order and the reparametrisation noise.
    progress : bool, default True
        A tqdm bar over epochs with the loss.

    Returns
    -------
    ConditionalVAE
        ``training_record`` holds epochs, batch size, seed, wall time and the
        final loss per image (nats).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(0, 256, (16, 28, 28), dtype=np.uint8)
    >>> vae = train_vae(x, np.arange(16) % 2, epochs=1, batch_size=8, random_state=0, progress=False)
    >>> vae.training_record["epochs"]
    1
    """
    func = "train_vae"
    x = check_images(images, "images", func, image_size=None if model is None else model.image_size)
    x = (x + 1.0) / 2.0
    y = check_labels(labels, len(x), "labels", func, None if model is None else model.num_classes)
    rng = check_random_state(random_state, func=func)
    seed = derive_seed(rng)
    tf = tensorflow_module()
    keras.utils.set_random_seed(seed)
    if model is None:
        if x.shape[1] % 4:
            raise ValueError(f"The 'images' parameter of {func} must have a side divisible by 4; got {x.shape[1]}.")
        model = build_vae(num_classes=int(y.max()) + 1, image_size=x.shape[1], dataset=dataset)
    variables = model.encoder.trainable_variables + model.decoder.trainable_variables
    optimizer = keras.optimizers.Adam(float(learning_rate))
    optimizer.build(variables)
    enc, dec = model.encoder, model.decoder

    @tf.function(autograph=False)
    def step(xb, yb, eps):
        with tf.GradientTape() as tape:
            mean, log_var = enc([xb, yb], training=True)
            z = mean + tf.exp(0.5 * log_var) * eps
            logits = dec([z, yb], training=True)
            rec = tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=xb, logits=logits), axis=[1, 2, 3])
            kl = -0.5 * tf.reduce_sum(1 + log_var - tf.square(mean) - tf.exp(log_var), axis=1)
            loss = tf.reduce_mean(rec + beta * kl)
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables, strict=False))
        return loss

    bar = tqdm_class()(total=int(epochs), desc="vae", unit="epoch", disable=not progress)
    start = time.perf_counter()
    n, bs = len(x), min(int(batch_size), len(x))
    loss = float("nan")
    for _ in range(int(epochs)):
        order = rng.permutation(n)
        losses = []
        for s in range(0, n, bs):
            idx = order[s : s + bs]
            eps = rng.standard_normal((len(idx), model.latent_dim)).astype(np.float32)
            losses.append(float(step(tf.constant(x[idx]), tf.constant(y[idx, None], "int32"), tf.constant(eps))))
        loss = float(np.mean(losses))
        bar.set_postfix_str(f"loss={loss:.1f}", refresh=False)
        bar.update(1)
    bar.close()
    model.training_record = {
        "epochs": int(model.training_record.get("epochs", 0)) + int(epochs),
        "batch_size": bs,
        "learning_rate": float(learning_rate),
        "beta": float(beta),
        "seed": int(seed),
        "n_train": int(n),
        "wall_time_s": round(time.perf_counter() - start, 1),
        "final_loss": round(loss, 3),
    }
    if dataset is not None and model.dataset is None:
        model.dataset = dataset
    return model


@validate_params({"model": [ConditionalVAE], "path": ["path"]})
def save_vae(model: ConditionalVAE, path: str | os.PathLike) -> str:
    """Save a VAE (architecture, dataset, code version, weights) as one ``.keras`` file.

    Parameters
    ----------
    model : ConditionalVAE
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
    >>> load_vae(save_vae(build_vae(latent_dim=2, dataset="toy"), f"{tmp.name}/v.keras")).dataset
    'toy'
    >>> tmp.cleanup()
    """
    return save_generator(model, path, "save_vae")


@validate_params({"path": ["path"], "dataset": ["str", None]})
def load_vae(path: str | os.PathLike, dataset: str | None = None) -> ConditionalVAE:
    """Load a VAE written by :func:`save_vae`, checking the code version and (optionally) the dataset.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.keras`` file.
    dataset : str or None, default None
        When given, the dataset the weights must come from.

    Returns
    -------
    ConditionalVAE

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = save_vae(build_vae(latent_dim=2, dataset="breastmnist"), f"{tmp.name}/v.keras")
    >>> load_vae(path, dataset="breastmnist").latent_dim
    2
    >>> tmp.cleanup()
    """
    return load_generator(path, ConditionalVAE, "load_vae", dataset, VAE_CODE_VERSION)
