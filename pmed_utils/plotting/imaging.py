"""Drawings for the imaging chapters: example images, augmented views, training curves."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from pmed_utils.models.training import TrainingHistory
from pmed_utils.reproducibility import check_random_state
from pmed_utils.validation import Interval, check_same_length, validate_params

if TYPE_CHECKING:
    import keras

__all__ = ["plot_augmented_views", "plot_examples_per_class", "plot_training_history"]


def _show(ax: Axes, image: np.ndarray, title: str | None = None) -> None:
    img = np.asarray(image)
    if img.ndim == 3 and img.shape[-1] == 1:
        img = img[..., 0]
    ax.imshow(img, cmap="gray" if img.ndim == 2 else None, vmin=0, vmax=255 if img.dtype == np.uint8 else 1)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize="small")


@validate_params(
    {
        "images": ["array-like"],
        "labels": ["array-like"],
        "class_names": ["mapping"],
        "n_per_class": [Interval(numbers.Integral, 1, None)],
        "random_state": ["random_state"],
    }
)
def plot_examples_per_class(
    images: np.ndarray,
    labels: ArrayLike,
    class_names: dict[int, str],
    n_per_class: int = 6,
    random_state: int | np.random.Generator | None = None,
    **kwargs: Any,
) -> Figure:
    """A grid with ``n_per_class`` random images of each class, one row per class.

    Parameters
    ----------
    images : ndarray, shape (n, height, width) or (n, height, width, channels)
        uint8 (0–255) or float in [0, 1].
    labels : array-like, shape (n,)
        Class of each image.
    class_names : dict
        Class value → row label; one row per key, in sorted order.
    n_per_class : int, default 6
        Images per row (a row with fewer images leaves blank panels).
    random_state : int, numpy.random.Generator or None, default None
        Which images are drawn.
    **kwargs
        Passed to :func:`matplotlib.pyplot.subplots` (e.g. ``figsize``).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> imgs = np.zeros((10, 28, 28), np.uint8); y = np.r_[np.zeros(5), np.ones(5)].astype(int)
    >>> fig = plot_examples_per_class(imgs, y, {0: "no lesion", 1: "lesion"}, n_per_class=3)
    >>> len(fig.axes)
    6
    """
    from pmed_utils.imaging import check_images

    images = check_images(images, func="plot_examples_per_class")
    rng = check_random_state(random_state, func="plot_examples_per_class")
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"The 'labels' parameter of plot_examples_per_class must be 1-D; got shape {labels.shape}.")
    check_same_length((images, "images"), (labels, "labels"), func="plot_examples_per_class")
    classes = sorted(class_names)
    kwargs.setdefault("figsize", (1.6 * n_per_class, 1.8 * len(classes)))
    fig, axes = plt.subplots(len(classes), n_per_class, squeeze=False, **kwargs)
    for row, c in zip(axes, classes, strict=True):
        idx = np.flatnonzero(labels == c)
        chosen = rng.choice(idx, size=min(n_per_class, idx.size), replace=False) if idx.size else idx
        for j, ax in enumerate(row):
            if j < len(chosen):
                _show(ax, images[chosen[j]])
            else:
                ax.axis("off")
        row[0].set_ylabel(class_names[c], rotation=0, ha="right", va="center")
    fig.suptitle("Random examples per class")
    fig.tight_layout()
    return fig


@validate_params({"image": ["array-like"], "augment": ["callable"], "n_views": [Interval(numbers.Integral, 1, None)]})
def plot_augmented_views(image: np.ndarray, augment: keras.layers.Layer, n_views: int = 5, **kwargs: Any) -> Figure:
    """The original image followed by ``n_views`` random augmentations of it.

    Parameters
    ----------
    image : ndarray, shape (height, width) or (height, width, channels)
        One image, uint8 (0–255) or float in [0, 1].
    augment : keras layer or callable
        Called as ``augment(batch, training=True)``, e.g. :func:`pmed_utils.imaging.augmentation_layers`.
    n_views : int, default 5
        Augmented copies to show.
    **kwargs
        Passed to :func:`matplotlib.pyplot.subplots`.

    Returns
    -------
    matplotlib.figure.Figure
        ``n_views + 1`` panels titled "original", "view 1", ...

    Examples
    --------
    >>> from pmed_utils.imaging import augmentation_layers
    >>> fig = plot_augmented_views(np.ones((28, 28, 1), "float32") * 0.5, augmentation_layers(), n_views=2)
    >>> [ax.get_title() for ax in fig.axes]
    ['original', 'view 1', 'view 2']
    """
    from pmed_utils.imaging import check_images

    arr = np.asarray(image)
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[-1] not in (1, 3)):
        raise ValueError(
            f"The 'image' parameter of plot_augmented_views must be one image of shape (height, width) "
            f"or (height, width, channels) with 1 or 3 channels; got shape {arr.shape}."
        )
    arr = check_images(arr[None], "image", func="plot_augmented_views")[0]
    x = arr.astype(np.float32) / 255.0 if arr.dtype == np.uint8 else arr.astype(np.float32)
    if x.ndim == 2:
        x = x[..., None]
    kwargs.setdefault("figsize", (1.8 * (n_views + 1), 2.1))
    fig, axes = plt.subplots(1, n_views + 1, **kwargs)
    _show(axes[0], x, "original")
    batch = np.repeat(x[None], n_views, axis=0)
    views = np.asarray(augment(batch, training=True)).clip(0, 1)
    for i, ax in enumerate(axes[1:]):
        _show(ax, views[i], f"view {i + 1}")
    fig.tight_layout()
    return fig


@validate_params({"history": [TrainingHistory], "metric": ["str"], "ax": [Axes, None], "label": ["str", None]})
def plot_training_history(
    history: TrainingHistory, metric: str = "auc", ax: Axes | None = None, label: str | None = None, **kwargs: Any
) -> Axes:
    """Training and validation ``metric`` per epoch, with the restored best epoch marked.

    Parameters
    ----------
    history : TrainingHistory
        As returned by :func:`pmed_utils.models.train_classifier`.
    metric : str, default "auc"
        A column of ``history.table`` that also has a ``val_`` twin ("auc", "loss", "accuracy").
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    label : str, optional
        Prefix of the legend entries.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.plot`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from pmed_utils.models import TrainingHistory
    >>> table = pd.DataFrame({"auc": [0.6, 0.7, 0.8], "val_auc": [0.55, 0.72, 0.7]},
    ...                      index=pd.RangeIndex(1, 4, name="epoch"))
    >>> h = TrainingHistory(table, best_epoch=2, stopped_early=False, max_epochs=3, patience=2, seed=1)
    >>> ax = plot_training_history(h)
    >>> ax.get_lines()[1].get_ydata().tolist(), ax.collections[0].get_offsets().tolist()
    ([0.55, 0.72, 0.7], [[2.0, 0.72]])
    """
    table = history.table
    missing = [c for c in (metric, f"val_{metric}") if c not in table.columns]
    if missing:
        raise ValueError(
            f"The 'metric' parameter of plot_training_history must name a column with a validation twin; "
            f"{metric!r} needs {metric!r} and 'val_{metric}', missing {missing}, the history has {list(table.columns)}."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    name = f"{label} " if label else ""
    epochs = np.asarray(table.index)
    (line,) = ax.plot(epochs, table[metric], ls="--", label=f"{name}training", **kwargs)
    ax.plot(epochs, table[f"val_{metric}"], color=line.get_color(), label=f"{name}validation", **kwargs)
    best = history.best_epoch
    ax.scatter([best], [table.loc[best, f"val_{metric}"]], color=line.get_color(), zorder=3, s=40)
    ax.set(
        xlabel="Epoch", ylabel=metric.upper() if metric == "auc" else metric, title=ax.get_title() or "Training curves"
    )
    ax.legend(fontsize="small")
    return ax
