"""Drawings of survival results (computation lives in pmed_utils.survival)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from pmed_utils.survival.estimators import KaplanMeierCurve
from pmed_utils.survival.metrics import TimeDependentAUC
from pmed_utils.validation import check_columns, validate_params

__all__ = ["plot_kaplan_meier", "plot_survival_calibration", "plot_time_dependent_auc"]


def _axes(ax: Axes | None, figsize=(5.5, 4.5)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


@validate_params({"curves": [KaplanMeierCurve, "mapping"], "ax": [Axes, None], "band": ["boolean"]})
def plot_kaplan_meier(
    curves: KaplanMeierCurve | Mapping[str, KaplanMeierCurve],
    *,
    ax: Axes | None = None,
    band: bool = True,
    **kwargs: Any,
) -> Axes:
    """Draw Kaplan–Meier curves as steps, with their confidence bands.

    Parameters
    ----------
    curves : KaplanMeierCurve or dict of str to KaplanMeierCurve
        From :func:`pmed_utils.survival.kaplan_meier`; the keys label the legend.
    ax : Axes, optional
        Where to draw; None makes a new figure.
    band : bool, default True
        Shade each curve's pointwise confidence band.
    **kwargs
        Passed to ``Axes.step`` for every curve.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from pmed_utils.survival import kaplan_meier
    >>> ax = plot_kaplan_meier({"all": kaplan_meier([1.0, 2.0, 3.0], [1, 0, 1])})
    >>> ax.get_ylabel()
    'Proportion event-free'
    """
    ax = _axes(ax)
    items = {"": curves} if isinstance(curves, KaplanMeierCurve) else dict(curves)
    kwargs.setdefault("where", "post")
    for name, km in items.items():
        x = np.concatenate([[0.0], km.time])
        (line,) = ax.step(x, np.concatenate([[1.0], km.survival]), label=name or None, **kwargs)
        if band and np.isfinite(km.low).any():
            ax.fill_between(
                x,
                np.concatenate([[1.0], km.low]),
                np.concatenate([[1.0], km.high]),
                step="post",
                alpha=0.15,
                color=line.get_color(),
                lw=0,
            )
    ax.set(xlabel=ax.get_xlabel() or "Time", ylabel="Proportion event-free", ylim=(0, 1.02))
    if any(items):
        ax.legend(fontsize="small")
    return ax


@validate_params({"table": ["dataframe"], "ax": [Axes, None]})
def plot_survival_calibration(table: pd.DataFrame, *, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Plot observed (Kaplan–Meier) against predicted risk per group, with the identity line.

    Parameters
    ----------
    table : DataFrame
        From :func:`pmed_utils.survival.calibration_at_horizon` (columns
        ``predicted``, ``observed``, ``low``, ``high``).
    ax : Axes, optional
        Where to draw; None makes a new figure.
    **kwargs
        Passed to ``Axes.errorbar``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> table = pd.DataFrame({"predicted": [0.1, 0.3], "observed": [0.12, 0.28],
    ...                       "low": [0.05, 0.2], "high": [0.2, 0.37]})
    >>> ax = plot_survival_calibration(table)
    >>> ax.get_xlabel()
    'Predicted risk'
    """
    check_columns(table, "table", ["predicted", "observed", "low", "high"], func="plot_survival_calibration")
    ax = _axes(ax, figsize=(4.5, 4.5))
    pred, obs = table["predicted"].to_numpy(float), table["observed"].to_numpy(float)
    err = np.vstack([obs - table["low"].to_numpy(float), table["high"].to_numpy(float) - obs])
    kwargs.setdefault("fmt", "o")
    kwargs.setdefault("capsize", 3)
    ax.errorbar(pred, obs, yerr=np.nan_to_num(err), **kwargs)
    top = float(np.nanmax(np.concatenate([pred, table["high"].to_numpy(float)]))) * 1.05
    ax.plot([0, top], [0, top], ls="--", color="grey", lw=1)
    ax.set(xlabel="Predicted risk", ylabel="Observed risk (Kaplan–Meier)", xlim=(0, top), ylim=(0, top))
    return ax


@validate_params({"results": [TimeDependentAUC, "mapping"], "ax": [Axes, None]})
def plot_time_dependent_auc(
    results: TimeDependentAUC | Mapping[str, TimeDependentAUC], *, ax: Axes | None = None, **kwargs: Any
) -> Axes:
    """Plot the cumulative/dynamic AUC against time for one or more scores.

    Parameters
    ----------
    results : TimeDependentAUC or dict of str to TimeDependentAUC
        From :func:`pmed_utils.survival.time_dependent_auc`.
    ax : Axes, optional
        Where to draw; None makes a new figure.
    **kwargs
        Passed to ``Axes.plot``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from pmed_utils.survival import TimeDependentAUC
    >>> ax = plot_time_dependent_auc({"Cox": TimeDependentAUC(np.array([1.0, 2.0]), np.array([0.7, 0.8]), 0.75)})
    >>> ax.get_lines()[0].get_ydata().tolist()
    [0.7, 0.8]
    """
    ax = _axes(ax)
    items = {"": results} if isinstance(results, TimeDependentAUC) else dict(results)
    kwargs.setdefault("marker", "o")
    for name, res in items.items():
        label = f"{name} (mean {res.mean_auc:.3f})" if name else None
        ax.plot(res.times, res.auc, label=label, **kwargs)
    ax.axhline(0.5, color="grey", lw=0.8, ls=":")
    ax.set(xlabel=ax.get_xlabel() or "Time", ylabel="Cumulative/dynamic AUC")
    if any(items):
        ax.legend(fontsize="small")
    return ax
