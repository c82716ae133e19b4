"""Drawings for the imaging chapters: example images, augmented views, training curves."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    import keras

__all__ = ["plot_examples_per_class", "plot_augmented_views", "plot_training_history"]


def _show(ax: Axes, image: np.ndarray, title: str | None = None) -> None:
    img = np.asarray(image)
    if img.ndim == 3 and img.shape[-1] == 1:
        img = img[..., 0]
    ax.imshow(img, cmap="gray" if img.ndim == 2 else None, vmin=0, vmax=255 if img.dtype == np.uint8 else 1)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize="small")


def plot_examples_per_class(images: np.ndarray, labels: ArrayLike, class_names: dict[int, str], n_per_class: int = 6,
                            random_state: int = 0, **kwargs) -> Figure:
    """A grid with ``n_per_class`` random images of each class, one row per class.

    Examples
    --------
    >>> imgs = np.zeros((10, 28, 28), np.uint8); y = np.r_[np.zeros(5), np.ones(5)].astype(int)
    >>> fig = plot_examples_per_class(imgs, y, {0: "no lesion", 1: "lesion"}, n_per_class=3)
    >>> len(fig.axes)
    6
    """
    rng = np.random.default_rng(random_state)
    labels = np.asarray(labels)
    classes = sorted(class_names)
    kwargs.setdefault("figsize", (1.6 * n_per_class, 1.8 * len(classes)))
    fig, axes = plt.subplots(len(classes), n_per_class, squeeze=False, **kwargs)
    for row, c in zip(axes, classes):
        idx = np.flatnonzero(labels == c)
        chosen = rng.choice(idx, size=min(n_per_class, idx.size), replace=False) if idx.size else []
        for j, ax in enumerate(row):
            if j < len(chosen):
                _show(ax, images[chosen[j]])
            else:
                ax.axis("off")
        row[0].set_ylabel(class_names[c], rotation=0, ha="right", va="center")
    fig.suptitle("Random examples per class")
    fig.tight_layout()
    return fig


def plot_augmented_views(image: np.ndarray, augment: "keras.layers.Layer", n_views: int = 5, **kwargs) -> Figure:
    """The original image followed by ``n_views`` random augmentations of it.

    Examples
    --------
    >>> from pmed_utils.imaging import augmentation_layers
    >>> fig = plot_augmented_views(np.ones((28, 28, 1), "float32") * 0.5, augmentation_layers(), n_views=2)
    >>> [ax.get_title() for ax in fig.axes]
    ['original', 'view 1', 'view 2']
    """
    x = np.asarray(image, dtype=np.float32)
    if x.ndim == 2:
        x = x[..., None]
    if x.max() > 1:
        x = x / 255.0
    kwargs.setdefault("figsize", (1.8 * (n_views + 1), 2.1))
    fig, axes = plt.subplots(1, n_views + 1, **kwargs)
    _show(axes[0], x, "original")
    batch = np.repeat(x[None], n_views, axis=0)
    views = np.asarray(augment(batch, training=True)).clip(0, 1)
    for i, ax in enumerate(axes[1:]):
        _show(ax, views[i], f"view {i + 1}")
    fig.tight_layout()
    return fig


def plot_training_history(history: pd.DataFrame, metric: str = "auc", ax: Axes | None = None,
                          label: str | None = None, **kwargs) -> Axes:
    """Training and validation ``metric`` per epoch, with the restored best epoch marked.

    Examples
    --------
    >>> h = pd.DataFrame({"auc": [0.6, 0.7, 0.8], "val_auc": [0.55, 0.72, 0.7]})
    >>> h.attrs["best_epoch"] = 1
    >>> ax = plot_training_history(h)
    >>> ax.get_lines()[1].get_ydata().tolist()
    [0.55, 0.72, 0.7]
    """
    missing = [c for c in (metric, f"val_{metric}") if c not in history.columns]
    if missing:
        raise ValueError(
            f"The 'history' parameter of plot_training_history must have columns {metric!r} and "
            f"'val_{metric}' (as returned by train_classifier); missing {missing}, got {list(history.columns)}."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    name = f"{label} " if label else ""
    epochs = np.arange(1, len(history) + 1)
    (line,) = ax.plot(epochs, history[metric], ls="--", label=f"{name}training", **kwargs)
    ax.plot(epochs, history[f"val_{metric}"], color=line.get_color(), label=f"{name}validation", **kwargs)
    if "best_epoch" in history.attrs:
        best = history.attrs["best_epoch"]
        ax.scatter([best + 1], [history[f"val_{metric}"].iloc[best]], color=line.get_color(), zorder=3, s=40)
    ax.set(xlabel="Epoch", ylabel=metric.upper() if metric == "auc" else metric, title=ax.get_title() or "Training curves")
    ax.legend(fontsize="small")
    return ax
