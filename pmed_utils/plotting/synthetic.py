"""Drawings of synthetic-cohort comparisons (computation lives in pmed_utils.evaluation)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from pmed_utils.evaluation._synthetic_cohorts import PCAOverlap
from pmed_utils.validation import check_columns, validate_params

__all__ = ["plot_allele_frequencies", "plot_ld_decay", "plot_marginals", "plot_pca_overlay"]


def _axes(ax: Axes | None, figsize=(5.5, 4.2)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


@validate_params({"curves": ["mapping"], "ax": [Axes, None]})
def plot_ld_decay(curves: Mapping[str, pd.DataFrame], *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw LD-decay curves (mean r² against distance), one line per cohort.

    Parameters
    ----------
    curves : dict of str to DataFrame
        From :func:`pmed_utils.evaluation.ld_decay` (``distance_mid``, ``r2``);
        the keys label the legend (the first is drawn thicker, as the real cohort).
    ax : Axes, optional
        Where to draw; None makes a new figure.
    **kwargs
        Passed to ``Axes.plot`` for every curve.

    Returns
    -------
    Axes

    Examples
    --------
    >>> curve = pd.DataFrame({"distance_mid": [5e3, 15e3], "r2": [0.3, 0.1]})
    >>> ax = plot_ld_decay({"real": curve})
    >>> ax.lines[0].get_ydata().tolist(), ax.get_ylabel()
    ([0.3, 0.1], 'Mean r²')
    """
    ax = _axes(ax)
    kwargs.setdefault("marker", "o")
    for i, (name, curve) in enumerate(curves.items()):
        check_columns(curve, "curves", ["distance_mid", "r2"], func="plot_ld_decay")
        ax.plot(curve["distance_mid"] / 1e3, curve["r2"], label=name, lw=2.5 if i == 0 else 1.5, **kwargs)
    ax.set(xlabel="Distance between variants (kb)", ylabel="Mean r²", ylim=(0, None))
    ax.legend(frameon=False)
    return ax


@validate_params({"overlap": [PCAOverlap], "labels": [list, tuple], "ax": [Axes, None]})
def plot_pca_overlay(
    overlap: PCAOverlap, *, labels: Sequence[str] = ("real", "synthetic"), ax: Axes | None = None, **kwargs: Any
) -> Axes:
    """Real and synthetic people on the first two principal components.

    Parameters
    ----------
    overlap : PCAOverlap
        From :func:`pmed_utils.evaluation.pca_overlap`.
    labels : sequence of two str, default ("real", "synthetic")
        Legend labels.
    ax : Axes, optional
        Where to draw; None makes a new figure.
    **kwargs
        Passed to ``Axes.scatter`` for both sets.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from pmed_utils.evaluation import pca_overlap
    >>> g = np.random.default_rng(0).binomial(2, 0.3, (40, 30)).astype(np.int8)
    >>> ax = plot_pca_overlay(pca_overlap(g[:20], g[20:], n_components=2, n_neighbors=3))
    >>> len(ax.collections), ax.get_xlabel()
    (2, 'PC1')
    """
    ax = _axes(ax)
    kwargs.setdefault("s", 6)
    ax.scatter(*overlap.real_scores[:, :2].T, alpha=0.5, label=labels[0], color="0.3", **kwargs)
    ax.scatter(*overlap.synthetic_scores[:, :2].T, alpha=0.5, label=labels[1], color="C1", **kwargs)
    ax.set(xlabel="PC1", ylabel="PC2")
    ax.legend(frameon=False, markerscale=3)
    return ax


@validate_params({"real": ["array-like"], "synthetic": ["mapping"], "ax": [Axes, None]})
def plot_allele_frequencies(
    real: np.ndarray, synthetic: Mapping[str, np.ndarray], *, ax: Axes | None = None, **kwargs: Any
) -> Axes:
    """Synthetic against real allele frequencies, one point per variant and colour per generator.

    Parameters
    ----------
    real : array-like of float, shape (n_variants,)
        Real allele frequencies.
    synthetic : dict of str to array-like of float, shape (n_variants,)
        Each generator's allele frequencies.
    ax : Axes, optional
        Where to draw; None makes a new figure.
    **kwargs
        Passed to ``Axes.scatter``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> ax = plot_allele_frequencies(np.array([0.1, 0.5]), {"copy": np.array([0.1, 0.5])})
    >>> ax.collections[0].get_offsets().tolist()
    [[0.1, 0.1], [0.5, 0.5]]
    """
    ax = _axes(ax, figsize=(4.5, 4.2))
    kwargs.setdefault("s", 8)
    x = np.asarray(real, dtype=float)
    for name, freq in synthetic.items():
        ax.scatter(x, np.asarray(freq, dtype=float), label=name, alpha=0.6, **kwargs)
    ax.plot([0, 1], [0, 1], color="0.5", lw=1, ls="--")
    ax.set(xlabel="Real allele frequency", ylabel="Synthetic allele frequency", xlim=(0, 1), ylim=(0, 1))
    ax.legend(frameon=False)
    return ax


@validate_params({"real": ["dataframe"], "synthetic": ["dataframe"], "columns": [list, tuple, None]})
def plot_marginals(
    real: pd.DataFrame, synthetic: pd.DataFrame, *, columns: Sequence[str] | None = None, **kwargs: Any
) -> Figure:
    """One panel per column: real and synthetic histograms (numeric) or category shares (categorical).

    A column is drawn as categorical if it is not numeric or has at most 10
    distinct real values.

    Parameters
    ----------
    real, synthetic : DataFrame
        Tables with the same columns.
    columns : sequence of str or None, default None
        Columns to draw; None: every column of ``real``.
    **kwargs
        Passed to ``Axes.hist`` for numeric columns.

    Returns
    -------
    Figure
        The panels, three per row.

    Examples
    --------
    >>> t = pd.DataFrame({"age": [50.0, 60, 70], "sex": [0, 1, 1]})
    >>> fig = plot_marginals(t, t)
    >>> [ax.get_title() for ax in fig.axes]
    ['age', 'sex']
    """
    cols = list(real.columns) if columns is None else list(columns)
    check_columns(real, "real", cols, func="plot_marginals")
    check_columns(synthetic, "synthetic", cols, func="plot_marginals")
    n_rows = int(np.ceil(len(cols) / 3))
    fig, axes = plt.subplots(n_rows, min(3, len(cols)), figsize=(3.3 * min(3, len(cols)), 2.6 * n_rows), squeeze=False)
    kwargs.setdefault("bins", 30)
    for ax, col in zip(axes.ravel(), cols, strict=False):
        a, b = real[col], synthetic[col]
        if not pd.api.types.is_numeric_dtype(a) or a.nunique() <= 10:
            levels = sorted(set(a) | set(b), key=str)
            x = np.arange(len(levels))
            pa = a.value_counts(normalize=True).reindex(levels, fill_value=0)
            pb = b.value_counts(normalize=True).reindex(levels, fill_value=0)
            ax.bar(x - 0.2, pa.to_numpy(), 0.4, label="real", color="0.4")
            ax.bar(x + 0.2, pb.to_numpy(), 0.4, label="synthetic", color="C1")
            ax.set_xticks(x, [str(v) for v in levels])
            ax.set_ylabel("Share")
        else:
            ax.hist(a, density=True, alpha=0.5, label="real", color="0.4", **kwargs)
            ax.hist(b, density=True, alpha=0.5, label="synthetic", color="C1", **kwargs)
            ax.set_ylabel("Density")
        ax.set_title(str(col))
    for ax in axes.ravel()[len(cols) :]:
        ax.remove()
    axes.ravel()[0].legend(frameon=False, fontsize="small")
    fig.tight_layout()
    return fig
