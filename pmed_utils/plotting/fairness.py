"""Drawings of fairness results (computation lives in pmed_utils.evaluation)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from pmed_utils.plotting.evaluation import plot_calibration
from pmed_utils.validation import check_columns, validate_params

__all__ = ["plot_calibration_by_group", "plot_error_rates_by_group", "plot_group_forest"]

_LABELS = {
    "auc": "AUC",
    "tpr": "TPR (sensitivity)",
    "fpr": "FPR (1 − specificity)",
    "ppv": "PPV",
    "calibration_slope": "calibration slope",
    "calibration_intercept": "calibration intercept",
    "calibration_in_the_large": "observed − predicted",
}


def _axes(ax: Axes | None, figsize=(5, 4.5)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _interval(table: pd.DataFrame, metric: str) -> tuple[np.ndarray, np.ndarray]:
    value = table[metric].to_numpy(dtype=float)
    err = np.vstack(
        [value - table[f"{metric}_low"].to_numpy(dtype=float), table[f"{metric}_high"].to_numpy(dtype=float) - value]
    )
    return value, np.clip(err, 0, None)


@validate_params({"table": ["dataframe"], "metrics": [list, tuple], "ax": [Axes, None], "reference": ["mapping", None]})
def plot_group_forest(
    table: pd.DataFrame,
    metrics: Sequence[str] = ("auc",),
    *,
    ax: Axes | None = None,
    reference: Mapping[str, float] | None = None,
    **kwargs,
) -> Axes:
    """Forest plot: each group's metric with its interval, one block of rows per metric.

    Parameters
    ----------
    table : DataFrame
        From :func:`pmed_utils.evaluation.fairness_metrics` (index: group), with
        columns ``m``, ``m_low`` and ``m_high`` for each metric ``m``.
    metrics : list or tuple of str, default ("auc",)
        The metrics to draw, top to bottom.
    ax : Axes, optional
        Where to draw (default: a new figure).
    reference : mapping of str to float, optional
        A vertical dashed line per metric (for example ``{"calibration_slope": 1}``);
        drawn only when a single metric is shown.
    **kwargs
        Passed to ``Axes.errorbar``.

    Returns
    -------
    Axes
        The Axes drawn on; rows labelled "group · metric" from the top.

    Examples
    --------
    >>> t = pd.DataFrame({"auc": [0.7, 0.6], "auc_low": [0.65, 0.5], "auc_high": [0.75, 0.7]},
    ...                  index=["A", "B"])
    >>> ax = plot_group_forest(t)
    >>> [x.get_text() for x in ax.get_yticklabels()], ax.get_xlabel()
    (['A', 'B'], 'AUC')
    """
    metrics = list(metrics)
    needed = [f"{m}{s}" for m in metrics for s in ("", "_low", "_high")]
    check_columns(table, "table", needed, func="plot_group_forest")
    ax = _axes(ax, figsize=(5.5, 0.45 * len(table) * len(metrics) + 1.2))
    kwargs.setdefault("fmt", "o")
    kwargs.setdefault("capsize", 3)
    labels, position = [], 0
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, metric in enumerate(metrics):
        value, err = _interval(table, metric)
        y = -(position + np.arange(len(table)))
        ax.errorbar(value, y, xerr=err, color=colors[k % len(colors)], label=_LABELS.get(metric, metric), **kwargs)
        names = [str(g) for g in table.index]
        labels += names if len(metrics) == 1 else [f"{g} · {_LABELS.get(metric, metric)}" for g in names]
        position += len(table) + (1 if k < len(metrics) - 1 else 0)
    ticks = [-(i + k * (len(table) + 1)) for k in range(len(metrics)) for i in range(len(table))]
    ax.set_yticks(ticks, labels)
    if len(metrics) == 1:
        ax.set_xlabel(_LABELS.get(metrics[0], metrics[0]))
        if reference and metrics[0] in reference:
            ax.axvline(reference[metrics[0]], ls="--", color="grey", lw=1)
    else:
        ax.set_xlabel("Value (95% interval)")
        ax.legend(loc="best", fontsize="small")
    ax.set_title(ax.get_title() or "Metrics by group")
    return ax


@validate_params({"tables": ["mapping"], "ax": [Axes, None]})
def plot_calibration_by_group(tables: Mapping[str, pd.DataFrame], *, ax: Axes | None = None, **kwargs) -> Axes:
    """Reliability diagrams of several groups on one Axes.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Group name to its :func:`pmed_utils.evaluation.calibration_table`.
    ax : Axes, optional
        Where to draw (default: a new figure).
    **kwargs
        Passed to :func:`pmed_utils.plotting.plot_calibration` for every group.

    Returns
    -------
    Axes
        The Axes drawn on, one series of points per group.

    Examples
    --------
    >>> from pmed_utils.evaluation import calibration_table
    >>> t = calibration_table([0, 0, 1, 1], [0.1, 0.3, 0.6, 0.8], n_bins=2)
    >>> ax = plot_calibration_by_group({"A": t, "B": t})
    >>> len(ax.containers)
    2
    """
    ax = _axes(ax)
    for name, table in tables.items():
        plot_calibration(table, ax=ax, label=str(name), **kwargs)
    handles, labels = ax.get_legend_handles_labels()
    keep = {label: h for h, label in zip(handles, labels, strict=True)}  # one "perfect calibration" entry
    ax.legend(keep.values(), keep.keys(), loc="upper left", fontsize="small")
    ax.set_title("Calibration by group")
    return ax


@validate_params({"table": ["dataframe"], "ax": [Axes, None]})
def plot_error_rates_by_group(table: pd.DataFrame, *, ax: Axes | None = None, **kwargs) -> Axes:
    """TPR and FPR of each group as bars with their intervals.

    Parameters
    ----------
    table : DataFrame
        From :func:`pmed_utils.evaluation.fairness_metrics` (columns tpr, fpr
        and their ``_low``/``_high``).
    ax : Axes, optional
        Where to draw (default: a new figure).
    **kwargs
        Passed to ``Axes.bar``.

    Returns
    -------
    Axes
        The Axes drawn on: for each group a TPR bar and an FPR bar.

    Examples
    --------
    >>> t = pd.DataFrame({"tpr": [0.8, 0.6], "tpr_low": [0.7, 0.5], "tpr_high": [0.9, 0.7],
    ...                   "fpr": [0.2, 0.1], "fpr_low": [0.15, 0.05], "fpr_high": [0.25, 0.15]},
    ...                  index=["A", "B"])
    >>> ax = plot_error_rates_by_group(t)
    >>> [round(float(p.get_height()), 2) for p in ax.patches]
    [0.8, 0.6, 0.2, 0.1]
    """
    check_columns(
        table,
        "table",
        [f"{m}{s}" for m in ("tpr", "fpr") for s in ("", "_low", "_high")],
        func="plot_error_rates_by_group",
    )
    ax = _axes(ax)
    x = np.arange(len(table))
    width = 0.38
    for k, metric in enumerate(["tpr", "fpr"]):
        value, err = _interval(table, metric)
        ax.bar(x + (k - 0.5) * width, value, width, yerr=err, capsize=3, label=_LABELS[metric], **kwargs)
    ax.set_xticks(x, [str(g) for g in table.index])
    ax.set(ylim=(0, 1), ylabel="Rate at the threshold", title=ax.get_title() or "Error rates by group")
    ax.legend(loc="upper right", fontsize="small")
    return ax
