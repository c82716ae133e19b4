"""Shared input checks for the image generators: images, labels, sample counts."""

from __future__ import annotations

import numbers

import numpy as np


def check_images(images, param: str, func: str, image_size: int | None = None) -> np.ndarray:
    """Grey images (n, s, s) or (n, s, s, 1), uint8 in 0..255 or float in [0, 1] → float32 in [-1, 1], (n, s, s, 1)."""
    try:
        x = np.asarray(images)
    except Exception as exc:  # a ragged list
        raise ValueError(f"The '{param}' parameter of {func} must be an array of images; {exc}") from None
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[-1] != 1 or x.shape[1] != x.shape[2] or x.shape[0] == 0:
        raise ValueError(
            f"The '{param}' parameter of {func} must hold grey square images of shape (n, size, size) or "
            f"(n, size, size, 1) with n >= 1; got shape {np.shape(images)}."
        )
    if image_size is not None and x.shape[1] != image_size:
        raise ValueError(
            f"The '{param}' parameter of {func} must hold {image_size}×{image_size} images (the model's size); "
            f"got {x.shape[1]}×{x.shape[2]}."
        )
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise TypeError(f"The '{param}' parameter of {func} must be numeric; got dtype {x.dtype}.")
    if np.issubdtype(x.dtype, np.integer):
        if x.min() < 0 or x.max() > 255:
            raise ValueError(f"The '{param}' parameter of {func} must be uint8-like in 0..255 when integer.")
        x = x.astype(np.float32) / 255.0
    else:
        x = x.astype(np.float32)
        if not np.all(np.isfinite(x)):
            raise ValueError(f"The '{param}' parameter of {func} contains NaN or infinite values.")
        if x.min() < -1e-6 or x.max() > 1 + 1e-6:
            raise ValueError(
                f"The '{param}' parameter of {func} must be in [0, 1] when float (or uint8 in 0..255); "
                f"got values in [{x.min():.3g}, {x.max():.3g}]."
            )
    return x * 2.0 - 1.0


def check_labels(labels, n: int, param: str, func: str, num_classes: int | None = None) -> np.ndarray:
    """Integer class labels 0..num_classes-1, one per image."""
    y = np.asarray(labels).reshape(-1) if np.ndim(labels) > 0 else np.asarray([labels])
    if y.shape[0] != n:
        raise ValueError(f"The '{param}' parameter of {func} must have one label per image ({n}); got {y.shape[0]}.")
    if (
        y.dtype == bool
        or not np.issubdtype(y.dtype, np.number)
        or not np.all(np.isfinite(y))
        or np.any(y != np.round(y))
    ):
        raise ValueError(f"The '{param}' parameter of {func} must hold integer class labels; got {y[:5]!r}...")
    y = y.astype(np.int64)
    if y.min() < 0:
        raise ValueError(f"The '{param}' parameter of {func} must hold labels >= 0; got {y.min()}.")
    if num_classes is not None and y.max() >= num_classes:
        raise ValueError(
            f"The '{param}' parameter of {func} must hold labels in 0..{num_classes - 1} (the model's classes); "
            f"got {y.max()}."
        )
    return y


def check_sample_label(label, n: int, num_classes: int, func: str) -> np.ndarray:
    """``label``: None (classes in turn), one int, or one int per sample → int array (n,)."""
    if label is None:
        return np.arange(n) % num_classes
    if isinstance(label, (numbers.Integral, np.integer)) and not isinstance(label, bool):
        if not 0 <= int(label) < num_classes:
            raise ValueError(
                f"The 'label' parameter of {func} must be a class of the model, 0..{num_classes - 1}; got {label!r}."
            )
        return np.full(n, int(label), dtype=np.int64)
    return check_labels(label, n, "label", func, num_classes)


def to_unit(x: np.ndarray) -> np.ndarray:
    """[-1, 1] → float32 [0, 1], shape (n, s, s, 1)."""
    return np.clip((np.asarray(x, dtype=np.float32) + 1.0) / 2.0, 0.0, 1.0)
