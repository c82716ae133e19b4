"""Drawings of dosing results (computation lives in pmed_utils.pharmacogenomics)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from pmed_utils.validation import Options, check_columns, check_same_length, validate_params

__all__ = ["plot_dosing_comparison", "plot_residuals_by_genotype"]


def _axes(ax: Axes | None, figsize=(7, 4)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


@validate_params({"comparison": ["dataframe"], "metric": [Options({"mae", "within_20"})], "ax": [Axes, None]})
def plot_dosing_comparison(comparison: pd.DataFrame, metric: str = "mae", ax: Axes | None = None, **kwargs) -> Axes:
    """Grouped bars of one dosing metric: one group of bars per patient group, one bar per algorithm.

    Parameters
    ----------
    comparison : DataFrame
        From :func:`pmed_utils.pharmacogenomics.compare_dosing` (columns
        ``algorithm``, ``group``, ``mae``, ``within_20``).
    metric : {"mae", "within_20"}, default "mae"
        Mean absolute error (mg/week) or the share within 20% of the true dose.
    ax : Axes, optional
    **kwargs
        Passed to ``Axes.bar``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"algorithm": ["a", "b"], "group": ["overall"] * 2,
    ...                   "mae": [10.0, 8.0], "within_20": [0.3, 0.4]})
    >>> ax = plot_dosing_comparison(t)
    >>> [float(p.get_height()) for p in ax.patches]
    [10.0, 8.0]
    """
    check_columns(comparison, "comparison", ["algorithm", "group", metric], func="plot_dosing_comparison")
    ax = _axes(ax)
    groups = list(pd.unique(comparison["group"]))
    algorithms = list(pd.unique(comparison["algorithm"]))
    width = 0.8 / max(len(algorithms), 1)
    x = np.arange(len(groups))
    for i, name in enumerate(algorithms):
        rows = comparison[comparison["algorithm"] == name].set_index("group")
        heights = [float(rows[metric].get(g, np.nan)) for g in groups]
        ax.bar(x + (i - (len(algorithms) - 1) / 2) * width, heights, width, label=name, **kwargs)
    ax.set_xticks(x, groups)
    ax.set_ylabel("Mean absolute error (mg/week)" if metric == "mae" else "Share within 20% of the true dose")
    ax.set_xlabel("Patient group")
    ax.legend(title="Algorithm", fontsize="small")
    return ax


@validate_params({"residuals": ["array-like"], "genotype": ["array-like"], "ax": [Axes, None]})
def plot_residuals_by_genotype(residuals: ArrayLike, genotype: ArrayLike, ax: Axes | None = None, **kwargs) -> Axes:
    """Box plot of dose prediction errors (predicted − true, mg/week) per genotype, with the mean marked.

    Parameters
    ----------
    residuals : array-like of float, shape (n,)
        Predicted minus true weekly dose (mg/week).
    genotype : array-like, shape (n,)
        A genotype label per patient (e.g. the CYP2C9*8 allele count); boxes
        appear in sorted order of the labels.
    ax : Axes, optional
    **kwargs
        Passed to ``Axes.boxplot``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> ax = plot_residuals_by_genotype([1.0, -1.0, 6.0, 8.0], [0, 0, 1, 1])
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['0 (n=2)', '1 (n=2)']
    """
    r = np.asarray(residuals, dtype=float)
    g = np.asarray(genotype, dtype=object)
    check_same_length((r, "residuals"), (g, "genotype"), func="plot_residuals_by_genotype")
    ax = _axes(ax, figsize=(5, 4))
    labels = sorted(pd.unique(g), key=str)
    data = [r[g == label] for label in labels]
    kwargs.setdefault("showmeans", True)
    parts = ax.boxplot(data, **kwargs)
    for name in ("medians", "means"):
        for line in parts.get(name, []):
            line.set_gid(name[:-1])  # "median" / "mean", so the drawn values can be read back
    ax.set_xticks(np.arange(1, len(labels) + 1), [f"{lab} (n={len(d)})" for lab, d in zip(labels, data, strict=True)])
    ax.axhline(0, color="grey", lw=0.8, ls="--")
    ax.set_xlabel("Genotype")
    ax.set_ylabel("Predicted − true dose (mg/week)")
    return ax
