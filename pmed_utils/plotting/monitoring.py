"""Drawings of a model in use: a metric month by month, a detector's statistic and alarms, the known drifts."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from pmed_utils.evaluation import DetectorResult
from pmed_utils.validation import check_columns, validate_params

__all__ = ["plot_detector", "plot_over_time"]

_LABELS = {
    "auc": "AUC",
    "citl": "Calibration-in-the-large (log-odds)",
    "oe_z": "Observed − expected events (z)",
    "observed": "Event rate",
    "expected": "Mean predicted risk",
    "log_loss": "Log-loss per patient",
}


def _axes(ax: Axes | None, figsize=(7, 3.5)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _draw_drifts(ax: Axes, drifts: pd.DataFrame | np.ndarray | list | None) -> None:
    if drifts is None:
        return
    if isinstance(drifts, pd.DataFrame):
        months = drifts["month"].to_numpy()
        kinds = drifts["kind"].tolist() if "kind" in drifts else [""] * len(months)
    else:
        months = np.asarray(drifts).reshape(-1)
        kinds = [""] * len(months)
    for i, (month, kind) in enumerate(zip(months, kinds, strict=True)):
        ax.axvline(month - 0.5, color="tab:red", ls=":", lw=1.2, label="known drift" if i == 0 else None)
        if kind:
            ax.annotate(
                kind,
                (month - 0.5, 1),
                xycoords=("data", "axes fraction"),
                xytext=(3, -3),
                textcoords="offset points",
                va="top",
                fontsize="x-small",
                color="tab:red",
            )


@validate_params(
    {
        "table": ["dataframe"],
        "column": ["str"],
        "drifts": ["dataframe", "array-like", None],
        "ax": [Axes, None],
        "label": ["str", None],
        "band": ["boolean"],
    }
)
def plot_over_time(
    table: pd.DataFrame,
    *,
    column: str = "auc",
    drifts: pd.DataFrame | np.ndarray | list | None = None,
    ax: Axes | None = None,
    label: str | None = None,
    band: bool = True,
    **kwargs,
) -> Axes:
    """A monitored metric period by period, with its interval and the known drifts.

    Parameters
    ----------
    table : DataFrame
        From :func:`pmed_utils.evaluation.rolling_auc`,
        :func:`~pmed_utils.evaluation.calibration_by_period` or
        ``StrategyRun.by_month``: a ``period`` column and ``column`` (and
        ``{column}_low`` / ``{column}_high`` for the band, if present).
    column : str, default "auc"
        The metric to draw.
    drifts : DataFrame, array-like or None, default None
        The drift schedule (``PatientStream.drifts``) or the drift periods:
        a dotted line just before each.
    ax : Axes, optional
        Where to draw (default: a new figure).
    label : str, optional
        Legend entry of the line (default: the column).
    band : bool, default True
        Shade the interval when the table has one.
    **kwargs
        Passed to ``Axes.plot``.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> t = pd.DataFrame({"period": [0, 1, 2], "auc": [0.8, 0.82, 0.7],
    ...                   "auc_low": [0.7, 0.72, 0.6], "auc_high": [0.9, 0.92, 0.8]})
    >>> ax = plot_over_time(t, drifts=[2])
    >>> ax.lines[0].get_ydata().tolist(), ax.get_ylabel()
    ([0.8, 0.82, 0.7], 'AUC')
    """
    check_columns(table, "table", ["period", column], func="plot_over_time")
    ax = _axes(ax)
    kwargs.setdefault("marker", ".")
    kwargs.setdefault("label", label or column)
    x = table["period"].to_numpy(dtype=float)
    (line,) = ax.plot(x, table[column].to_numpy(dtype=float), **kwargs)
    if band and {f"{column}_low", f"{column}_high"} <= set(table.columns):
        ax.fill_between(
            x,
            table[f"{column}_low"].to_numpy(dtype=float),
            table[f"{column}_high"].to_numpy(dtype=float),
            color=line.get_color(),
            alpha=0.15,
            lw=0,
        )
    if column in ("citl", "oe_z") and not any(h.get_gid() == "pmed-zero" for h in ax.lines):
        ax.axhline(0, color="grey", lw=0.8, gid="pmed-zero")
    if not ax.get_legend_handles_labels()[1].count("known drift"):
        _draw_drifts(ax, drifts)
    ax.set(xlabel="Month", ylabel=_LABELS.get(column, column))
    ax.legend(fontsize="small", loc="best")
    return ax


@validate_params(
    {
        "result": [DetectorResult],
        "drifts": ["dataframe", "array-like", None],
        "ax": [Axes, None],
        "label": ["str", None],
    }
)
def plot_detector(
    result: DetectorResult,
    *,
    drifts: pd.DataFrame | np.ndarray | list | None = None,
    ax: Axes | None = None,
    label: str | None = None,
    **kwargs,
) -> Axes:
    """A detector's decision statistic, its threshold, its alarms and the known drifts.

    Parameters
    ----------
    result : DetectorResult
        From :func:`pmed_utils.evaluation.cusum` or
        :func:`~pmed_utils.evaluation.page_hinkley` (run with ``period`` for
        month labels).
    drifts : DataFrame, array-like or None, default None
        The drift schedule or the drift periods.
    ax : Axes, optional
        Where to draw (default: a new figure).
    label : str, optional
        Legend entry of the statistic (default: the method).
    **kwargs
        Passed to ``Axes.step``.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> from pmed_utils.evaluation import cusum
    >>> r = cusum([0, 0, 3, 3, 3, 0], k=0.5, h=4)
    >>> ax = plot_detector(r)
    >>> ax.lines[0].get_ydata().tolist(), ax.collections[0].get_offsets().tolist()
    ([0.0, 0.0, 2.5, 5.0, 0.0, 0.0], [[3.0, 5.0]])
    """
    ax = _axes(ax)
    kwargs.setdefault("where", "mid")
    kwargs.setdefault("label", label or result.method)
    x = np.asarray(result.periods, dtype=float)
    ax.step(x, result.statistic, **kwargs)
    ax.axhline(result.threshold, color="grey", ls="--", lw=1, label="threshold")
    ax.scatter(
        x[result.alarm_index],
        result.statistic[result.alarm_index],
        marker="v",
        s=60,
        color="black",
        zorder=3,
        label="alarm",
    )
    _draw_drifts(ax, drifts)
    ax.set(xlabel="Month", ylabel="Decision statistic", title=ax.get_title() or result.method)
    ax.legend(fontsize="small", loc="upper left")
    return ax
