"""Turn uint8 images into model inputs: scaling, resizing, channels, batches, class weights."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from pmed_utils._tensorflow import tensorflow_module
from pmed_utils.validation import check_binary_labels, check_same_length

if TYPE_CHECKING:
    import keras
    import tensorflow as tf

__all__ = ["check_images", "to_model_input", "balanced_class_weights", "make_dataset"]


def check_images(images: np.ndarray, param: str = "images", func: str | None = None) -> np.ndarray:
    """Check an image batch: shape (n, h, w) or (n, h, w, c) with c in {1, 3}, uint8 or float in [0, 1], no NaN.

    Examples
    --------
    >>> check_images(np.zeros((2, 28, 28), np.uint8)).shape
    (2, 28, 28)
    >>> check_images(np.zeros((28, 28), np.uint8), func="to_model_input")
    Traceback (most recent call last):
    ...
    ValueError: The 'images' parameter of to_model_input must have shape (n, height, width) or (n, height, width, channels) with 1 or 3 channels; got shape (28, 28).
    """
    arr = np.asarray(images)
    where = f"The '{param}' parameter" + (f" of {func}" if func else "")
    if arr.ndim not in (3, 4) or (arr.ndim == 4 and arr.shape[-1] not in (1, 3)):
        raise ValueError(
            f"{where} must have shape (n, height, width) or (n, height, width, channels) with 1 or 3 channels; "
            f"got shape {arr.shape}."
        )
    if arr.dtype == np.uint8:
        return arr
    if not np.issubdtype(arr.dtype, np.floating):
        raise TypeError(f"{where} must be uint8 (0-255) or float in [0, 1]; got dtype {arr.dtype}.")
    if np.isnan(arr).any():
        raise ValueError(f"{where} contains {int(np.isnan(arr).sum())} NaN pixel(s); fix or drop those images.")
    if arr.min() < 0 or arr.max() > 1:
        raise ValueError(f"{where} is float but not in [0, 1] (range {arr.min():.3g} to {arr.max():.3g}); "
                         "pass uint8 images or scale them first.")
    return arr


def to_model_input(images: np.ndarray, size: int | None = None, channels: int = 1) -> np.ndarray:
    """Scale to [0, 1] float32, optionally resize to ``size``×``size``, and set the channel count.

    Parameters
    ----------
    images : ndarray, shape (n, h, w) or (n, h, w, c)
        uint8 (0–255) or float in [0, 1].
    size : int, optional
        Output side in pixels (bilinear resizing); None keeps the size.
    channels : {1, 3}
        3 repeats a grey channel (the seed's CNN expects 64×64×3).

    Returns
    -------
    ndarray of float32, shape (n, size, size, channels)

    Examples
    --------
    >>> x = to_model_input(np.full((2, 28, 28), 255, np.uint8), size=64, channels=3)
    >>> x.shape, float(x.max())
    ((2, 64, 64, 3), 1.0)
    """
    arr = check_images(images, func="to_model_input")
    x = arr.astype(np.float32) / 255.0 if arr.dtype == np.uint8 else arr.astype(np.float32)
    if x.ndim == 3:
        x = x[..., None]
    if size is not None and x.shape[1:3] != (size, size):
        tf = tensorflow_module()
        x = tf.image.resize(x, (size, size), method="bilinear").numpy().clip(0, 1)
    if channels not in (1, 3):
        raise ValueError(f"The 'channels' parameter of to_model_input must be 1 or 3; got {channels!r}.")
    if x.shape[-1] != channels:
        x = np.repeat(x, channels, axis=-1) if x.shape[-1] == 1 else x.mean(axis=-1, keepdims=True)
    return x.astype(np.float32)


def balanced_class_weights(labels: ArrayLike) -> dict[int, float]:
    """Weights n / (2 · n_class) so that both classes weigh the same in the loss.

    Examples
    --------
    >>> balanced_class_weights([0, 0, 0, 1])
    {0: 0.6666666666666666, 1: 2.0}
    """
    y = check_binary_labels(labels, "labels", func="balanced_class_weights")
    counts = np.bincount(y, minlength=2)
    if counts.min() == 0:
        raise ValueError(f"balanced_class_weights needs both classes; got counts {counts.tolist()}.")
    return {k: float(len(y) / (2 * counts[k])) for k in (0, 1)}


def make_dataset(x: np.ndarray, y: ArrayLike, *, batch_size: int = 32, shuffle: bool = False,
                 augment: "keras.layers.Layer | None" = None, random_state: int = 0) -> "tf.data.Dataset":
    """A batched, prefetched ``tf.data.Dataset`` of (image, label), optionally shuffled and augmented.

    Examples
    --------
    >>> ds = make_dataset(np.zeros((10, 28, 28, 1), np.float32), np.r_[np.zeros(5), np.ones(5)], batch_size=4)
    >>> [tuple(b[0].shape) for b in ds]
    [(4, 28, 28, 1), (4, 28, 28, 1), (2, 28, 28, 1)]
    """
    tf = tensorflow_module()
    labels = check_binary_labels(y, "y", func="make_dataset").astype(np.float32)
    check_same_length((x, "x"), (labels, "y"), func="make_dataset")
    ds = tf.data.Dataset.from_tensor_slices((x, labels))
    if shuffle:
        ds = ds.shuffle(len(labels), seed=random_state, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size)
    if augment is not None:
        # A sequential map: under op determinism (seed_everything) tf.data runs a random map one
        # batch at a time anyway, and rewriting a parallel one logs a C++ error line per fit.
        # prefetch still prepares the next batches while the model trains.
        ds = ds.map(lambda a, b: (augment(a, training=True), b))
    return ds.prefetch(tf.data.AUTOTUNE)
