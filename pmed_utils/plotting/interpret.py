"""Drawings of explanations (computation lives in pmed_utils.interpret)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from pmed_utils.interpret.faithfulness import FaithfulnessCurve
from pmed_utils.validation import check_columns, validate_params

__all__ = [
    "plot_faithfulness_curves",
    "plot_person_explanation",
    "plot_saliency",
    "plot_saliency_grid",
    "plot_sanity_check",
]

_TITLES = {
    "grad_cam": "Grad-CAM",
    "integrated_gradients": "Integrated gradients",
    "smoothgrad": "SmoothGrad",
    "occlusion": "Occlusion",
}


def _axes(ax: Axes | None, figsize=(5.5, 4.5)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _grey(image: np.ndarray) -> np.ndarray:
    img = np.asarray(image, dtype=float)
    if img.ndim == 3:
        img = img.mean(axis=-1)
    if img.ndim != 2:
        raise ValueError(f"The 'image' parameter must be one image (height, width[, channels]); got shape {img.shape}.")
    return img


@validate_params(
    {
        "image": ["array-like"],
        "saliency": ["array-like"],
        "ax": [Axes, None],
        "alpha": [float, int],
        "colorbar": ["boolean"],
        "title": ["str", None],
    }
)
def plot_saliency(
    image: np.ndarray,
    saliency: np.ndarray,
    *,
    ax: Axes | None = None,
    alpha: float = 0.5,
    colorbar: bool = True,
    title: str | None = None,
    **kwargs: Any,
) -> Axes:
    """Draw a saliency map over its grey image, with a colour bar.

    A map with negative values (signed integrated gradients, occlusion) uses a
    diverging colour map centred on zero; a non-negative one uses ``"inferno"``.

    Parameters
    ----------
    image : ndarray, shape (height, width) or (height, width, channels)
        The image, drawn in grey.
    saliency : ndarray, shape (height, width)
        The map, drawn on top.
    ax : Axes, optional
        Where to draw; None makes a new figure.
    alpha : float, default 0.5
        Opacity of the map.
    colorbar : bool, default True
        Add a colour bar for the map.
    title : str, optional
        Axes title.
    **kwargs
        Passed to ``Axes.imshow`` for the map (e.g. ``cmap``).

    Returns
    -------
    Axes

    Examples
    --------
    >>> img = np.linspace(0, 1, 16).reshape(4, 4)
    >>> ax = plot_saliency(img, img ** 2, title="toy")
    >>> np.allclose(ax.get_images()[1].get_array(), img ** 2)
    True
    """
    ax = _axes(ax, figsize=(3.5, 3.2))
    img = _grey(image)
    sal = np.asarray(saliency, dtype=float)
    if sal.shape != img.shape:
        raise ValueError(
            f"The 'saliency' parameter of plot_saliency must have the image's shape {img.shape}; got {sal.shape}."
        )
    ax.imshow(img, cmap="gray", vmin=0, vmax=max(1.0, float(img.max())))
    if np.nanmin(sal) < 0:
        bound = float(np.nanmax(np.abs(sal))) or 1.0
        kwargs.setdefault("cmap", "RdBu_r")
        kwargs.setdefault("vmin", -bound)
        kwargs.setdefault("vmax", bound)
    else:
        kwargs.setdefault("cmap", "inferno")
    shown = ax.imshow(sal, alpha=alpha, **kwargs)
    if colorbar:
        ax.figure.colorbar(shown, ax=ax, fraction=0.046, pad=0.04)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    return ax


@validate_params(
    {
        "images": ["array-like"],
        "maps": ["mapping"],
        "row_labels": ["array-like", None],
        "alpha": [float, int],
    }
)
def plot_saliency_grid(
    images: np.ndarray,
    maps: Mapping[str, np.ndarray],
    *,
    row_labels: list[str] | None = None,
    alpha: float = 0.6,
) -> Figure:
    """A grid: one row per image, the image first, then one column per method's map.

    Each map is scaled to its own range (colour bars would crowd the grid): read
    *where* a method points, not how strongly.

    Parameters
    ----------
    images : ndarray, shape (n, height, width[, channels])
        The images.
    maps : dict of str to ndarray, shape (n, height, width)
        Maps by method (as :func:`~pmed_utils.interpret.saliency.saliency_maps` returns).
    row_labels : list of str, optional
        A label per image (e.g. "pneumonia, p = 0.93").
    alpha : float, default 0.6
        Opacity of the maps.

    Returns
    -------
    Figure

    Examples
    --------
    >>> imgs = np.random.default_rng(0).random((2, 5, 5))
    >>> fig = plot_saliency_grid(imgs, {"grad_cam": imgs, "occlusion": -imgs})
    >>> len(fig.axes), fig.axes[1].get_title()
    (6, 'Grad-CAM')
    """
    imgs = np.asarray(images, dtype=float)
    n = len(imgs)
    for name, m in maps.items():
        if np.shape(m)[:1] != (n,):
            raise ValueError(
                f"The 'maps' parameter of plot_saliency_grid must hold one map per image for each method; "
                f"{name!r} has shape {np.shape(m)} for {n} images."
            )
    if row_labels is not None and len(row_labels) != n:
        raise ValueError(
            f"The 'row_labels' parameter of plot_saliency_grid must have one label per image ({n}); got {len(row_labels)}."
        )
    cols = 1 + len(maps)
    fig, axes = plt.subplots(n, cols, figsize=(1.9 * cols, 1.9 * n), squeeze=False)
    for i in range(n):
        img = _grey(imgs[i])
        axes[i, 0].imshow(img, cmap="gray")
        if i == 0:
            axes[i, 0].set_title("Image")
        if row_labels is not None:
            axes[i, 0].set_ylabel(row_labels[i], fontsize=8)
        for j, (name, m) in enumerate(maps.items(), start=1):
            plot_saliency(img, np.asarray(m[i]), ax=axes[i, j], alpha=alpha, colorbar=False)
            if i == 0:
                axes[i, j].set_title(_TITLES.get(name, name))
        for ax in axes[i]:
            ax.set_xticks([])
            ax.set_yticks([])
    fig.tight_layout()
    return fig


@validate_params({"table": ["dataframe"], "metric": ["str"], "ax": [Axes, None]})
def plot_sanity_check(
    table: pd.DataFrame, *, metric: str = "spearman_abs", ax: Axes | None = None, **kwargs: Any
) -> Axes:
    """Similarity to the trained model's maps as layers are randomised, one line per method.

    Parameters
    ----------
    table : DataFrame
        From :func:`~pmed_utils.interpret.sanity.cascading_randomization`: columns
        ``step``, ``layer``, ``method`` and ``metric``.
    metric : str, default "spearman_abs"
        The column drawn ("spearman", "spearman_abs" or "ssim").
    ax : Axes, optional
        Where to draw; None makes a new figure.
    **kwargs
        Passed to ``Axes.plot`` for every method.

    Returns
    -------
    Axes

    Examples
    --------
    >>> t = pd.DataFrame({"step": [0, 1, 0, 1], "layer": ["none", "out"] * 2, "method": ["a", "a", "b", "b"],
    ...                   "spearman_abs": [1.0, 0.1, 1.0, 0.9]})
    >>> ax = plot_sanity_check(t)
    >>> ax.get_lines()[1].get_ydata().tolist()
    [1.0, 0.9]
    """
    check_columns(table, "table", ["step", "layer", "method", metric], func="plot_sanity_check")
    ax = _axes(ax, figsize=(6.5, 4.2))
    kwargs.setdefault("marker", "o")
    for method, rows in table.groupby("method", sort=False):
        rows = rows.sort_values("step")
        ax.plot(rows["step"], rows[metric], label=_TITLES.get(str(method), str(method)), **kwargs)
    steps = table.drop_duplicates("step").sort_values("step")
    ax.set_xticks(steps["step"])
    ax.set_xticklabels(
        ["trained" if s == 0 else str(lyr) for s, lyr in zip(steps["step"], steps["layer"], strict=False)],
        rotation=45,
        ha="right",
        fontsize=8,
    )
    ax.axhline(0, color="grey", lw=0.8, ls=":")
    labels = {"spearman": "Rank correlation", "spearman_abs": "Rank correlation (|map|)", "ssim": "SSIM"}
    ax.set_ylabel(labels.get(metric, metric) + " with the trained model's map")
    ax.set_xlabel("Randomised down to layer (cumulative, from the output)")
    ax.legend(fontsize=8)
    return ax


@validate_params({"curves": ["mapping"], "ax": [Axes, None]})
def plot_faithfulness_curves(curves: Mapping[str, FaithfulnessCurve], *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Mean deletion (or insertion) curves of several methods, AUC in the legend.

    Parameters
    ----------
    curves : dict of str to FaithfulnessCurve
        One curve per method, all of the same kind.
    ax : Axes, optional
        Where to draw; None makes a new figure.
    **kwargs
        Passed to ``Axes.plot`` for every curve.

    Returns
    -------
    Axes

    Examples
    --------
    >>> c = FaithfulnessCurve("deletion", np.array([0.0, 0.5, 1.0]), np.array([[0.9, 0.3, 0.1]]))
    >>> ax = plot_faithfulness_curves({"random": c})
    >>> ax.get_lines()[0].get_ydata().tolist(), ax.get_legend().get_texts()[0].get_text()
    ([0.9, 0.3, 0.1], 'random (AUC 0.400)')
    """
    ax = _axes(ax)
    kinds = {c.kind for c in curves.values()}
    if len(kinds) != 1:
        raise ValueError(
            f"The 'curves' parameter of plot_faithfulness_curves must hold one kind of curve; got {sorted(kinds)}."
        )
    for name, c in curves.items():
        style = dict(kwargs)
        if name == "random":
            style.setdefault("color", "grey")
            style.setdefault("ls", "--")
        ax.plot(c.fractions, c.mean_scores, label=f"{_TITLES.get(name, name)} (AUC {c.auc:.3f})", **style)
    kind = kinds.pop()
    ax.set_xlabel(f"Share of pixels {'deleted' if kind == 'deletion' else 'inserted'}, most salient first")
    ax.set_ylabel("Mean predicted probability")
    ax.set_title("Deletion (lower is better)" if kind == "deletion" else "Insertion (higher is better)")
    ax.legend(fontsize=8)
    return ax


@validate_params({"explanation": ["dataframe"], "top": [int, None], "ax": [Axes, None]})
def plot_person_explanation(
    explanation: pd.DataFrame, *, top: int | None = None, ax: Axes | None = None, **kwargs: Any
) -> Axes:
    """One person's explanation as a waterfall of horizontal bars, from the base value to their output.

    Parameters
    ----------
    explanation : DataFrame
        From :func:`~pmed_utils.interpret.tabular.explain_person` (columns ``value``
        and ``contribution``; ``attrs["base_value"]``).
    top : int, optional
        Draw the ``top`` largest contributions and lump the rest into one bar.
    ax : Axes, optional
        Where to draw; None makes a new figure.
    **kwargs
        Passed to ``Axes.barh``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> t = pd.DataFrame({"value": [1.2, 30.0], "contribution": [0.8, -0.3]}, index=["prs", "bmi"])
    >>> t.attrs = {"base_value": -2.0, "output": -1.5}
    >>> ax = plot_person_explanation(t)
    >>> [round(float(p.get_width()), 2) for p in ax.patches]
    [0.8, -0.3]
    """
    check_columns(explanation, "explanation", ["value", "contribution"], func="plot_person_explanation")
    if "base_value" not in explanation.attrs:
        raise ValueError(
            "The 'explanation' parameter of plot_person_explanation must carry attrs['base_value'] "
            "(as explain_person returns)."
        )
    rows = explanation.reindex(explanation["contribution"].abs().sort_values(ascending=False).index)
    labels = [f"{name} = {value:.3g}" for name, value in zip(rows.index, rows["value"], strict=False)]
    contributions = rows["contribution"].to_numpy(float)
    if top is not None and top < len(rows):
        rest = contributions[top:].sum()
        labels = labels[:top] + [f"{len(rows) - top} other features"]
        contributions = np.r_[contributions[:top], rest]
    base = float(explanation.attrs["base_value"])
    ax = _axes(ax, figsize=(6.5, 0.45 * len(contributions) + 1.5))
    starts = base + np.r_[0.0, np.cumsum(contributions)[:-1]]
    colours = np.where(contributions >= 0, "#c0392b", "#2471a3")
    y = np.arange(len(contributions))[::-1]
    kwargs.setdefault("height", 0.6)
    ax.barh(y, contributions, left=starts, color=colours, **kwargs)
    for yi, start, c in zip(y, starts, contributions, strict=False):
        ax.text(start + c, yi, f" {c:+.2f} ", va="center", ha="left" if c >= 0 else "right", fontsize=8)
    ax.set_yticks(y)
    ax.set_yticklabels(labels)
    ax.axvline(base, color="grey", lw=0.8, ls=":")
    end = base + contributions.sum()
    ax.axvline(end, color="black", lw=0.8)
    ax.set_xlabel(f"Logit of risk (base value {base:.2f} → this person {end:.2f})")
    return ax
