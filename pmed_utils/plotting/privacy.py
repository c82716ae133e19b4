"""Drawings of privacy results (computation lives in pmed_utils.privacy)."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from pmed_utils.validation import check_columns, validate_params

__all__ = ["plot_attack_vs_gap", "plot_federated", "plot_homer_power", "plot_privacy_tradeoff"]


def _axes(ax: Axes | None, figsize=(5.5, 4.0)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


@validate_params({"table": ["dataframe"], "ax": [Axes, None]})
def plot_attack_vs_gap(table: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Membership-attack AUC (with its interval) against the train–test loss gap.

    Parameters
    ----------
    table : DataFrame
        Columns ``gap``, ``attack_auc``, ``attack_low``, ``attack_high``; one row per model.
    ax : Axes, optional
        Where to draw; None makes a new figure.
    **kwargs
        Passed to ``Axes.errorbar``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> t = pd.DataFrame({"gap": [0.0, 1.0], "attack_auc": [0.5, 0.7], "attack_low": [0.45, 0.65],
    ...                   "attack_high": [0.55, 0.75]})
    >>> plot_attack_vs_gap(t).get_xlabel()
    'Test loss − train loss (overfitting)'
    """
    t = check_columns(table, "table", ["gap", "attack_auc", "attack_low", "attack_high"], func="plot_attack_vs_gap")
    ax = _axes(ax)
    kwargs.setdefault("fmt", "o-")
    kwargs.setdefault("capsize", 3)
    y = t["attack_auc"].to_numpy(float)
    err = np.vstack([y - t["attack_low"].to_numpy(float), t["attack_high"].to_numpy(float) - y])
    ax.errorbar(t["gap"].to_numpy(float), y, yerr=err, **kwargs)
    ax.axhline(0.5, color="grey", lw=1, ls="--", label="no leak (AUC 0.5)")
    ax.set_xlabel("Test loss − train loss (overfitting)")
    ax.set_ylabel("Membership-attack AUC")
    ax.legend(frameon=False)
    return ax


@validate_params({"table": ["dataframe"], "ax": [Axes, None]})
def plot_privacy_tradeoff(table: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Test AUC and membership-attack AUC against the privacy budget ε (log scale).

    A non-private row (ε = inf) is drawn as dashed horizontal lines.

    Parameters
    ----------
    table : DataFrame
        Columns ``epsilon``, ``test_auc``, ``attack_auc``; one row per model.
    ax : Axes, optional
        Where to draw; None makes a new figure.
    **kwargs
        Passed to ``Axes.plot``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> t = pd.DataFrame({"epsilon": [1.0, 8.0, np.inf], "test_auc": [0.8, 0.9, 0.95],
    ...                   "attack_auc": [0.5, 0.51, 0.56]})
    >>> labels = [line.get_label() for line in plot_privacy_tradeoff(t).get_lines()]
    >>> labels[0], labels[2]
    ('test AUC (DP-SGD)', 'attack AUC (DP-SGD)')
    """
    t = check_columns(table, "table", ["epsilon", "test_auc", "attack_auc"], func="plot_privacy_tradeoff")
    ax = _axes(ax)
    eps = t["epsilon"].to_numpy(float)
    dp = np.isfinite(eps)
    kwargs.setdefault("marker", "o")
    order = np.argsort(eps[dp])
    for col, label, color in (("test_auc", "test AUC", "C0"), ("attack_auc", "attack AUC", "C3")):
        vals = t[col].to_numpy(float)
        ax.plot(eps[dp][order], vals[dp][order], color=color, label=f"{label} (DP-SGD)", **kwargs)
        for v in vals[~dp]:
            ax.axhline(v, color=color, ls="--", lw=1, label=f"{label} (no privacy)")
    ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    ax.set_xscale("log")
    ax.set_xlabel("Privacy budget ε (δ = 1e-5)")
    ax.set_ylabel("AUC")
    ax.legend(frameon=False, fontsize="small")
    return ax


@validate_params({"table": ["dataframe"], "ax": [Axes, None]})
def plot_federated(table: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Test AUC (with intervals) of each training strategy, grouped by split (IID / non-IID).

    Parameters
    ----------
    table : DataFrame
        Columns ``split``, ``strategy``, ``auc``, ``auc_low``, ``auc_high``
        (as :func:`pmed_utils.privacy.compare_federated` returns, plus ``split``).
    ax : Axes, optional
        Where to draw; None makes a new figure.
    **kwargs
        Passed to ``Axes.bar``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> t = pd.DataFrame({"split": ["IID"] * 2, "strategy": ["pooled", "FedAvg"], "auc": [0.9, 0.89],
    ...                   "auc_low": [0.85, 0.84], "auc_high": [0.95, 0.94]})
    >>> len(plot_federated(t).patches)
    2
    """
    t = check_columns(table, "table", ["split", "strategy", "auc", "auc_low", "auc_high"], func="plot_federated")
    ax = _axes(ax, (7, 4))
    splits = list(dict.fromkeys(t["split"]))
    strategies = list(dict.fromkeys(t["strategy"]))
    width = 0.8 / len(splits)
    for i, split in enumerate(splits):
        s = t[t["split"] == split].set_index("strategy").reindex(strategies)
        x = np.arange(len(strategies)) + (i - (len(splits) - 1) / 2) * width
        y = s["auc"].to_numpy(float)
        err = np.vstack([y - s["auc_low"].to_numpy(float), s["auc_high"].to_numpy(float) - y])
        ax.bar(x, y, width, yerr=err, capsize=3, label=split, **kwargs)
    ax.set_xticks(np.arange(len(strategies)), strategies, rotation=20)
    ax.set_ylabel("Test AUC")
    low = float(np.nanmin(t["auc_low"].to_numpy(float)))
    ax.set_ylim(max(0.0, low - 0.05), 1.0)
    ax.legend(frameon=False)
    return ax


@validate_params({"table": ["dataframe"], "ax": [Axes, None]})
def plot_homer_power(table: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Power and false-positive rate of the Homer test against the number of SNPs (log scale).

    Parameters
    ----------
    table : DataFrame
        Columns ``n_snps``, ``power``, ``false_positive_rate`` (from
        :func:`pmed_utils.privacy.homer_power`).
    ax : Axes, optional
        Where to draw; None makes a new figure.
    **kwargs
        Passed to ``Axes.plot``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> t = pd.DataFrame({"n_snps": [10, 100], "power": [0.1, 0.9], "false_positive_rate": [0.0, 0.01]})
    >>> plot_homer_power(t).get_xscale()
    'log'
    """
    t = check_columns(table, "table", ["n_snps", "power", "false_positive_rate"], func="plot_homer_power")
    ax = _axes(ax)
    kwargs.setdefault("marker", "o")
    ax.plot(t["n_snps"], t["power"], label="members found (power)", **kwargs)
    ax.plot(t["n_snps"], t["false_positive_rate"], label="non-members flagged", **kwargs)
    ax.set_xscale("log")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("SNPs in the published summary statistics")
    ax.set_ylabel("Share called members")
    ax.legend(frameon=False)
    return ax
