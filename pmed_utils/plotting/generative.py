"""Drawings of generated images and of the copying checks (computation lives in pmed_utils.evaluation)."""

from __future__ import annotations

import numbers

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from pmed_utils.evaluation import DCRComparison, distance_to_closest_record
from pmed_utils.validation import Interval, validate_params

__all__ = ["plot_dcr_histogram", "plot_nearest_pairs", "plot_sample_grid"]


def _axes(ax: Axes | None, figsize=(6.0, 4.0)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _grey(images, param: str, func: str) -> np.ndarray:
    x = np.asarray(images)
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 3 or x.shape[0] == 0 or not np.issubdtype(x.dtype, np.number):
        raise ValueError(
            f"The '{param}' parameter of {func} must hold grey images (n, h, w[, 1]); got shape {np.shape(images)}."
        )
    x = x.astype(np.float32)
    return x / 255.0 if x.max() > 1.0 + 1e-6 else x


def _mosaic(rows: list[np.ndarray], pad: int = 2) -> np.ndarray:
    h, w = rows[0].shape[1:]
    n_cols = max(len(r) for r in rows)
    out = np.ones((len(rows) * (h + pad) - pad, n_cols * (w + pad) - pad), dtype=np.float32)
    for i, row in enumerate(rows):
        for j, img in enumerate(row):
            out[i * (h + pad) : i * (h + pad) + h, j * (w + pad) : j * (w + pad) + w] = img
    return out


@validate_params(
    {
        "images": ["array-like"],
        "labels": ["array-like", None],
        "n_per_row": [Interval(numbers.Integral, 1, None)],
        "class_names": ["mapping", list, None],
        "ax": [Axes, None],
    }
)
def plot_sample_grid(
    images: ArrayLike,
    labels: ArrayLike | None = None,
    *,
    n_per_row: int = 8,
    class_names: dict | list | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A grid of images, one row per class (the first ``n_per_row`` of each), labelled on the left.

    Parameters
    ----------
    images : array-like, shape (n, h, w) or (n, h, w, 1)
        Grey images in [0, 1] or 0..255.
    labels : array-like of int, shape (n,), or None, default None
        Class of each image; None puts them in rows in order.
    n_per_row : int, default 8
        Images per row.
    class_names : mapping or list, or None, default None
        Row labels by class; default "class 0", "class 1", ...
    ax : matplotlib Axes or None, default None
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_sample_grid(np.random.default_rng(0).random((6, 8, 8)), [0, 1, 0, 1, 0, 1], n_per_row=3)
    >>> ax.get_images()[0].get_array().shape
    (18, 28)
    """
    func = "plot_sample_grid"
    x = _grey(images, "images", func)
    if labels is None:
        rows = [x[i : i + n_per_row] for i in range(0, len(x), n_per_row)]
        names = [""] * len(rows)
    else:
        y = np.asarray(labels).reshape(-1)
        if len(y) != len(x):
            raise ValueError(
                f"The 'labels' parameter of {func} must have one label per image ({len(x)}); got {len(y)}."
            )
        classes = np.unique(y)
        rows = [x[y == c][:n_per_row] for c in classes]
        names = [str(class_names[int(c)]) if class_names is not None else f"class {c}" for c in classes]
    ax = _axes(ax, figsize=(min(1.0 * n_per_row, 10), 1.1 * len(rows) + 0.3))
    ax.imshow(_mosaic(rows), cmap="gray", vmin=0, vmax=1)
    h = x.shape[1] + 2
    ax.set_yticks([i * h + x.shape[1] / 2 for i in range(len(rows))], names)
    ax.set_xticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    return ax


@validate_params(
    {
        "synthetic": ["array-like"],
        "train": ["array-like"],
        "n": [Interval(numbers.Integral, 1, None)],
        "closest": ["boolean"],
        "ax": [Axes, None],
    }
)
def plot_nearest_pairs(
    synthetic: ArrayLike, train: ArrayLike, *, n: int = 8, closest: bool = True, ax: Axes | None = None
) -> Axes:
    """Synthetic images (top row) above their closest training images (bottom row), with the distances.

    Parameters
    ----------
    synthetic : array-like, shape (n_s, h, w[, 1])
        Generated images.
    train : array-like, shape (n_t, h, w[, 1])
        The generator's training images (same scale as ``synthetic``).
    n : int, default 8
        Pairs to show.
    closest : bool, default True
        Show the ``n`` synthetic images closest to the training set (the
        suspects for copying); False: the first ``n``.
    ax : matplotlib Axes or None, default None
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
        The title says how the pairs were chosen; each pair's pixel distance is
        written above it.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> train = rng.random((10, 8, 8))
    >>> ax = plot_nearest_pairs(train[:3] + 0.01, train, n=3)
    >>> ax.get_images()[0].get_array().shape, len(ax.texts)
    ((18, 28), 3)
    """
    func = "plot_nearest_pairs"
    s = _grey(synthetic, "synthetic", func)
    t = _grey(train, "train", func)
    if s.shape[1:] != t.shape[1:]:
        raise ValueError(
            f"The 'train' parameter of {func} must have the synthetic images' size {s.shape[1:]}; got {t.shape[1:]}."
        )
    d, idx = distance_to_closest_record(s, t, return_index=True)
    order = np.argsort(d)[:n] if closest else np.arange(min(n, len(s)))
    ax = _axes(ax, figsize=(min(1.0 * len(order), 10), 2.6))
    ax.imshow(_mosaic([s[order], t[idx[order]]]), cmap="gray", vmin=0, vmax=1)
    w = s.shape[2] + 2
    for j, k in enumerate(order):
        ax.text(j * w + s.shape[2] / 2, -1, f"{d[k]:.1f}", ha="center", va="bottom", fontsize=8)
    h = s.shape[1] + 2
    ax.set_yticks([s.shape[1] / 2, h + s.shape[1] / 2], ["synthetic", "closest\ntraining"])
    ax.set_xticks([])
    ax.set_title("closest pairs (pixel distance)" if closest else "pairs (pixel distance)", pad=14)
    for side in ax.spines.values():
        side.set_visible(False)
    return ax


@validate_params({"dcr": [DCRComparison], "bins": [Interval(numbers.Integral, 2, None)], "ax": [Axes, None]})
def plot_dcr_histogram(dcr: DCRComparison, *, bins: int = 30, ax: Axes | None = None) -> Axes:
    """Distances to the closest training record: synthetic vs real held-out, with their low quantiles.

    Parameters
    ----------
    dcr : DCRComparison
        From :func:`pmed_utils.evaluation.dcr_comparison`.
    bins : int, default 30
        Histogram bins (shared by both sets).
    ax : matplotlib Axes or None, default None
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes
        Two density histograms and two dashed vertical lines at the quantiles.

    Examples
    --------
    >>> from pmed_utils.evaluation import dcr_comparison
    >>> rng = np.random.default_rng(0)
    >>> ax = plot_dcr_histogram(dcr_comparison(*rng.normal(size=(3, 100, 4))))
    >>> len(ax.get_lines()), [t.get_text() for t in ax.get_legend().get_texts()][:2]
    (2, ['synthetic → train', 'held-out → train'])
    """
    ax = _axes(ax)
    edges = np.histogram_bin_edges(np.r_[dcr.synthetic, dcr.holdout], bins=bins).tolist()
    ax.hist(dcr.synthetic, bins=edges, density=True, alpha=0.55, color="C1", label="synthetic → train")
    ax.hist(dcr.holdout, bins=edges, density=True, alpha=0.55, color="C0", label="held-out → train")
    pct = f"{100 * dcr.quantile:g}th percentile"
    ax.axvline(dcr.synthetic_quantile, color="C1", ls="--", label=f"{pct}, synthetic")
    ax.axvline(dcr.holdout_quantile, color="C0", ls="--", label=f"{pct}, held-out")
    ax.set_xlabel("distance to the closest training record")
    ax.set_ylabel("density")
    ax.legend(frameon=False, fontsize=8)
    return ax
