"""Turn uint8 images into model inputs: scaling, resizing, channels, batches, class weights."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from pmed_utils._tensorflow import tensorflow_module
from pmed_utils.reproducibility import derive_seed
from pmed_utils.validation import (
    Interval,
    Options,
    check_binary_labels,
    check_same_length,
    validate_params,
    warn_degenerate,
)

if TYPE_CHECKING:
    import keras
    import tensorflow as tf

__all__ = ["balanced_class_weights", "check_images", "make_dataset", "model_inputs_by_split", "to_model_input"]


@validate_params({"images": ["array-like"], "param": ["str"], "func": ["str", None]})
def check_images(images: np.ndarray, param: str = "images", func: str | None = None) -> np.ndarray:
    """Check an image batch: shape (n, h, w) or (n, h, w, c) with c in {1, 3}, uint8 or float in [0, 1], no NaN.

    Parameters
    ----------
    images : ndarray, shape (n, height, width) or (n, height, width, channels)
        uint8 (0–255) or float in [0, 1]; 1 or 3 channels.
    param : str, default "images"
        The caller's parameter name, for the error message.
    func : str, optional
        The caller's function name, for the error message.

    Returns
    -------
    ndarray
        ``images`` as an array, unchanged.

    Raises
    ------
    ValueError
        Wrong number of dimensions or channels, no image, NaN pixels, floats outside [0, 1].
    TypeError
        Any dtype other than uint8 or float.

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
    if arr.shape[0] == 0 or 0 in arr.shape[1:3]:
        raise ValueError(f"{where} holds no image (shape {arr.shape}); pass at least one image.")
    if arr.dtype == np.uint8:
        return arr
    if not np.issubdtype(arr.dtype, np.floating):
        raise TypeError(f"{where} must be uint8 (0-255) or float in [0, 1]; got dtype {arr.dtype}.")
    if np.isnan(arr).any():
        raise ValueError(f"{where} contains {int(np.isnan(arr).sum())} NaN pixel(s); fix or drop those images.")
    if arr.min() < 0 or arr.max() > 1:
        raise ValueError(
            f"{where} is float but not in [0, 1] (range {arr.min():.3g} to {arr.max():.3g}); "
            "pass uint8 images or scale them first."
        )
    return arr


@validate_params(
    {
        "images": ["array-like"],
        "size": [Interval(numbers.Integral, 1, None), None],
        "channels": [Options({1, 3})],
    }
)
def to_model_input(images: np.ndarray, size: int | None = None, channels: int = 1) -> np.ndarray:
    """Scale to [0, 1] float32, optionally resize to ``size``×``size``, and set the channel count.

    Parameters
    ----------
    images : ndarray, shape (n, h, w) or (n, h, w, c)
        uint8 (0–255) or float in [0, 1].
    size : int, optional
        Output side in pixels (bilinear resizing); None keeps the size.
    channels : {1, 3}, default 1
        3 repeats a grey channel (the seed's CNN expects 64×64×3); 1 averages
        colour channels.

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
    if x.shape[-1] != channels:
        x = np.repeat(x, channels, axis=-1) if x.shape[-1] == 1 else x.mean(axis=-1, keepdims=True)
    return x.astype(np.float32)


@validate_params(
    {"images": ["mapping"], "size": [Interval(numbers.Integral, 1, None), None], "channels": [Options({1, 3})]}
)
def model_inputs_by_split(
    images: dict[str, np.ndarray], size: int | None = None, channels: int = 1
) -> dict[str, np.ndarray]:
    """:func:`to_model_input` applied to every split of a dataset.

    Parameters
    ----------
    images : dict of str to ndarray
        Images per split, e.g. ``load_medmnist(name).images``
        (``{"train": ..., "val": ..., "test": ...}``), each as for :func:`to_model_input`.
    size : int, optional
        Output side in pixels; None keeps the size.
    channels : {1, 3}, default 1
        Output channels.

    Returns
    -------
    dict of str to ndarray of float32
        The same keys, each of shape (n_split, size, size, channels), in [0, 1].

    Examples
    --------
    >>> splits = {"train": np.zeros((3, 28, 28), np.uint8), "test": np.full((2, 28, 28), 255, np.uint8)}
    >>> x = model_inputs_by_split(splits, size=32, channels=3)
    >>> {split: a.shape for split, a in x.items()}, float(x["test"].max())
    ({'train': (3, 32, 32, 3), 'test': (2, 32, 32, 3)}, 1.0)
    """
    out = {}
    for split, arr in images.items():
        try:
            out[split] = to_model_input(arr, size=size, channels=channels)
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"Split {split!r} of the 'images' parameter of model_inputs_by_split: {exc}") from None
    return out


@validate_params({"labels": ["array-like"]})
def balanced_class_weights(labels: ArrayLike) -> dict[int, float]:
    """Weights n / (2 · n_class) so that both classes weigh the same in the loss.

    Parameters
    ----------
    labels : array-like of 0/1, shape (n,)
        Training labels, 1 = lesion.

    Returns
    -------
    dict of {0, 1} to float
        Weight of each class; with one class missing, a
        :class:`~pmed_utils.validation.DegenerateInputWarning` and NaN for both.

    Examples
    --------
    >>> balanced_class_weights([0, 0, 0, 1])
    {0: 0.6666666666666666, 1: 2.0}
    """
    y = check_binary_labels(labels, "labels", func="balanced_class_weights")
    counts = np.bincount(y, minlength=2)
    if counts.min() == 0:
        warn_degenerate(
            "balanced_class_weights", f"the labels hold only one class (counts {counts.tolist()}, no lesion / lesion)"
        )
        return {0: float("nan"), 1: float("nan")}
    return {k: float(len(y) / (2 * counts[k])) for k in (0, 1)}


@validate_params(
    {
        "x": ["array-like"],
        "y": ["array-like"],
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "shuffle": ["boolean"],
        "augment": ["callable", None],
        "random_state": ["random_state"],
    }
)
def make_dataset(
    x: np.ndarray,
    y: ArrayLike,
    *,
    batch_size: int = 32,
    shuffle: bool = False,
    augment: keras.layers.Layer | None = None,
    random_state: int | np.random.Generator | None = None,
) -> tf.data.Dataset:
    """A batched, prefetched ``tf.data.Dataset`` of (image, label), optionally shuffled and augmented.

    Parameters
    ----------
    x : ndarray of float32, shape (n, height, width, channels)
        Model inputs (from :func:`to_model_input`).
    y : array-like of 0/1, shape (n,)
        Labels, 1 = lesion.
    batch_size : int, default 32
        Images per batch (the last batch may be smaller).
    shuffle : bool, default False
        Reshuffle the images at every pass (epoch).
    augment : keras layer or callable, optional
        Applied to each batch with ``training=True``.
    random_state : int, numpy.random.Generator or None, default None
        Seed of the shuffling, through :func:`pmed_utils.reproducibility.derive_seed`.

    Returns
    -------
    tf.data.Dataset
        Of (images float32, labels float32) batches.

    Examples
    --------
    >>> ds = make_dataset(np.zeros((10, 28, 28, 1), np.float32), np.r_[np.zeros(5), np.ones(5)], batch_size=4)
    >>> [tuple(b[0].shape) for b in ds]
    [(4, 28, 28, 1), (4, 28, 28, 1), (2, 28, 28, 1)]
    """
    tf = tensorflow_module()
    labels = check_binary_labels(y, "y", func="make_dataset").astype(np.float32)
    x = check_images(x, "x", func="make_dataset")
    check_same_length((x, "x"), (labels, "y"), func="make_dataset")
    x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32, copy=False)
    ds = tf.data.Dataset.from_tensor_slices((x, labels))
    if shuffle:
        seed = derive_seed(random_state, func="make_dataset")
        ds = ds.shuffle(len(labels), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(int(batch_size))
    if augment is not None:
        # A sequential map: under op determinism (seed_everything) tf.data runs a random map one
        # batch at a time anyway, and rewriting a parallel one logs a C++ error line per fit.
        # prefetch still prepares the next batches while the model trains.
        ds = ds.map(lambda a, b: (augment(a, training=True), b))
    return ds.prefetch(tf.data.AUTOTUNE)
