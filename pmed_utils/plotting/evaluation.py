"""Drawings of evaluation results (computation lives in pmed_utils.evaluation)."""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator

from pmed_utils.evaluation import CVResult, PrecisionRecallResult, RocResult
from pmed_utils.validation import (
    Interval,
    InvalidParameterError,
    check_columns,
    validate_params,
)

__all__ = [
    "plot_calibration",
    "plot_confusion_matrix",
    "plot_cv_folds",
    "plot_decision_curve",
    "plot_precision_recall",
    "plot_roc",
    "plot_rocs",
]


def _axes(ax: Axes | None, figsize=(5, 4.5)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


@validate_params({"result": [RocResult], "ax": [Axes, None], "label": ["str", None], "band": ["boolean"]})
def plot_roc(
    result: RocResult, *, ax: Axes | None = None, label: str | None = None, band: bool = True, **kwargs
) -> Axes:
    """Draw a ROC curve with its bootstrap band; the legend shows AUC and interval.

    Parameters
    ----------
    result : RocResult
        From :func:`pmed_utils.evaluation.roc_with_ci`.
    ax : Axes, optional
        Where to draw (default: a new figure).
    label : str, optional
        Model name for the legend.
    band : bool, default True
        Shade the pointwise bootstrap band.
    **kwargs
        Passed to ``Axes.plot`` for the curve.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> from pmed_utils.evaluation import roc_with_ci
    >>> ax = plot_roc(roc_with_ci([0, 1, 0, 1], [0.2, 0.9, 0.4, 0.6], n_bootstraps=20), label="toy")
    >>> ax.get_xlabel()
    'False-positive rate (1 − specificity)'
    """
    ax = _axes(ax)
    text = f"AUC {result.auc:.3f}"
    kwargs.setdefault("label", f"{label}: {text}" if label else text)
    kwargs.setdefault("lw", 2)
    (line,) = ax.plot(result.fpr, result.tpr, drawstyle="steps-post", **kwargs)
    if band:
        ax.fill_between(
            result.fpr_grid,
            result.tpr_low,
            result.tpr_high,
            color=line.get_color(),
            alpha=0.15,
            lw=0,
            label=f"{result.auc.level:.0%} bootstrap band" if not label else None,
        )
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1)
    ax.set(
        xlim=(-0.01, 1.01),
        ylim=(-0.01, 1.01),
        xlabel="False-positive rate (1 − specificity)",
        ylabel="True-positive rate (sensitivity)",
        title=ax.get_title() or "ROC curve",
    )
    ax.set_aspect("equal")
    ax.legend(loc="lower right", fontsize="small")
    return ax


@validate_params({"results": ["mapping"], "ax": [Axes, None], "band": ["boolean"]})
def plot_rocs(results: Mapping[str, RocResult], *, ax: Axes | None = None, band: bool = False, **kwargs) -> Axes:
    """Several models' ROC curves on one Axes (bands off by default to keep it readable).

    Parameters
    ----------
    results : dict of str to RocResult
        Model name → :func:`pmed_utils.evaluation.roc_with_ci` result.
    ax : Axes, optional
        Where to draw (default: a new figure).
    band : bool, default False
        Shade each curve's bootstrap band.
    **kwargs
        Passed to :func:`plot_roc` for every curve.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> from pmed_utils.evaluation import roc_with_ci
    >>> r = roc_with_ci([0, 1, 0, 1], [0.2, 0.9, 0.4, 0.6], n_bootstraps=20)
    >>> len(plot_rocs({"a": r, "b": r}).get_lines())
    4
    """
    for name, res in results.items():
        if not isinstance(res, RocResult):
            raise InvalidParameterError(
                f"The 'results' parameter of plot_rocs must map names to RocResult; "
                f"{name!r} maps to {type(res).__name__}."
            )
    ax = _axes(ax)
    for name, res in results.items():
        plot_roc(res, ax=ax, label=name, band=band, **kwargs)
    return ax


@validate_params({"table": ["dataframe"], "ax": [Axes, None], "label": ["str", None]})
def plot_calibration(table: pd.DataFrame, *, ax: Axes | None = None, label: str | None = None, **kwargs) -> Axes:
    """Reliability diagram from :func:`pmed_utils.evaluation.calibration_table`.

    Parameters
    ----------
    table : DataFrame
        With columns mean_predicted, observed, low and high.
    ax : Axes, optional
        Where to draw (default: a new figure).
    label : str, optional
        Legend entry of the points (default "model").
    **kwargs
        Passed to ``Axes.errorbar``.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> from pmed_utils.evaluation import calibration_table
    >>> ax = plot_calibration(calibration_table([0, 0, 1, 1], [0.1, 0.3, 0.6, 0.8], n_bins=2))
    >>> ax.get_ylabel()
    'Observed frequency'
    """
    check_columns(table, "table", ["mean_predicted", "observed", "low", "high"], func="plot_calibration")
    ax = _axes(ax)
    kwargs.setdefault("marker", "o")
    kwargs.setdefault("capsize", 3)
    kwargs.setdefault("label", label or "model")
    observed = table["observed"].to_numpy(dtype=float)
    yerr = np.clip(
        np.vstack([observed - table["low"].to_numpy(dtype=float), table["high"].to_numpy(dtype=float) - observed]),
        0,
        None,
    )
    ax.errorbar(table["mean_predicted"].to_numpy(dtype=float), observed, yerr=yerr, **kwargs)
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfect calibration")
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1),
        xlabel="Mean predicted risk",
        ylabel="Observed frequency",
        title=ax.get_title() or "Calibration",
    )
    ax.legend(loc="upper left", fontsize="small")
    return ax


@validate_params({"curve": ["dataframe"], "ax": [Axes, None], "label": ["str", None], "show_references": ["boolean"]})
def plot_decision_curve(
    curve: pd.DataFrame, *, ax: Axes | None = None, label: str | None = None, show_references: bool = True, **kwargs
) -> Axes:
    """Net benefit against threshold probability, with treat-all and treat-none.

    Parameters
    ----------
    curve : DataFrame
        From :func:`pmed_utils.evaluation.decision_curve`.
    ax : Axes, optional
        Where to draw (default: a new figure).
    label : str, optional
        Legend entry of the model's curve (default "model").
    show_references : bool, default True
        Also draw "treat all" and "treat none".
    **kwargs
        Passed to ``Axes.plot`` for the model's curve.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> from pmed_utils.evaluation import decision_curve
    >>> ax = plot_decision_curve(decision_curve([0, 0, 1, 1], [0.1, 0.4, 0.6, 0.9]))
    >>> ax.get_xlabel()
    'Threshold probability'
    """
    check_columns(
        curve,
        "curve",
        ["threshold", "net_benefit_model", "net_benefit_all", "net_benefit_none"],
        func="plot_decision_curve",
    )
    ax = _axes(ax, figsize=(6, 4))
    kwargs.setdefault("label", label or "model")
    kwargs.setdefault("lw", 2)
    ax.plot(curve["threshold"], curve["net_benefit_model"], **kwargs)
    if show_references:
        ax.plot(curve["threshold"], curve["net_benefit_all"], color="grey", lw=1, label="treat all")
        ax.plot(curve["threshold"], curve["net_benefit_none"], color="black", lw=1, ls=":", label="treat none")
    top = float(np.nanmax(curve[["net_benefit_model", "net_benefit_all"]].to_numpy()))
    ax.set(
        ylim=(-0.05 * max(top, 0.01), 1.1 * max(top, 0.01)),
        xlabel="Threshold probability",
        ylabel="Net benefit",
        title=ax.get_title() or "Decision curve",
    )
    ax.legend(fontsize="small")
    return ax


@validate_params({"confusion": ["dataframe"], "ax": [Axes, None]})
def plot_confusion_matrix(confusion: pd.DataFrame, *, ax: Axes | None = None, **kwargs) -> Axes:
    """Heat map of a confusion matrix (counts annotated), e.g. from ``thresholded_report``.

    Parameters
    ----------
    confusion : DataFrame of int
        Counts, rows = truth, columns = prediction.
    ax : Axes, optional
        Where to draw (default: a new figure).
    **kwargs
        Passed to ``Axes.imshow``.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> from pmed_utils.evaluation import thresholded_report
    >>> _, cm = thresholded_report([0, 0, 1, 1], [0.2, 0.6, 0.7, 0.9], 0.5)
    >>> [t.get_text() for t in plot_confusion_matrix(cm).texts]
    ['1', '1', '0', '2']
    """
    ax = _axes(ax, figsize=(4, 3.5))
    kwargs.setdefault("cmap", "Blues")
    values = confusion.to_numpy()
    ax.imshow(values, **kwargs)
    for (i, j), v in np.ndenumerate(values):
        ax.text(
            j, i, str(v), ha="center", va="center", color="white" if v > values.max() / 2 else "black", fontsize="large"
        )
    ax.set_xticks(range(values.shape[1]), confusion.columns, rotation=15)
    ax.set_yticks(range(values.shape[0]), confusion.index)
    ax.set(xlabel="Prediction", ylabel="Truth", title=ax.get_title() or "Confusion matrix")
    return ax


@validate_params(
    {
        "cv": [CVResult],
        "metric": ["str"],
        "ax": [Axes, None],
        "label": ["str", None],
        "position": [Interval(numbers.Real, None, None)],
    }
)
def plot_cv_folds(
    cv: CVResult,
    *,
    metric: str = "auc",
    ax: Axes | None = None,
    label: str | None = None,
    position: float = 0,
    **kwargs,
) -> Axes:
    """One dot per fold and the mean, to show how much a metric moves between folds.

    Parameters
    ----------
    cv : CVResult
        From :func:`pmed_utils.evaluation.cross_validate`.
    metric : str, default "auc"
        A column of ``cv.fold_metrics`` (auc, average_precision, brier).
    ax : Axes, optional
        Where to draw (default: a new figure).
    label : str, optional
        Tick label of this model (default: the metric).
    position : float, default 0
        x position of the dots (draw several models side by side).
    **kwargs
        Passed to ``Axes.scatter``.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from pmed_utils.evaluation import cross_validate
    >>> X, y = make_classification(100, 4, random_state=0)
    >>> ax = plot_cv_folds(cross_validate(LogisticRegression(), X, y, n_splits=3))
    >>> len(ax.collections[0].get_offsets())
    3
    """
    if metric not in cv.fold_metrics.columns or metric in ("fold", "n_train", "n_test"):
        allowed = [c for c in cv.fold_metrics.columns if c not in ("fold", "n_train", "n_test")]
        raise InvalidParameterError(
            f"The 'metric' parameter of plot_cv_folds must be one of {allowed}; got {metric!r}."
        )
    ax = _axes(ax, figsize=(4, 4))
    values = cv.fold_metrics[metric].to_numpy(dtype=float)
    kwargs.setdefault("s", 40)
    kwargs.setdefault("zorder", 3)
    ax.scatter(np.full(values.size, position), values, **kwargs)
    ax.hlines(np.nanmean(values), position - 0.2, position + 0.2, color="black", lw=2)
    # Earlier calls on this Axes left their model names as fixed ticks; matplotlib's own
    # numeric ticks are dropped so that only model names label the x-axis.
    named = {}
    if isinstance(ax.xaxis.get_major_locator(), FixedLocator):
        named = {tick: text.get_text() for tick, text in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True)}
    named[position] = label or metric
    ax.set_xticks(list(named), list(named.values()))
    ax.set(
        ylabel=metric.upper() if metric == "auc" else metric.replace("_", " "),
        title=ax.get_title() or "Cross-validation folds",
    )
    return ax


@validate_params({"result": [PrecisionRecallResult], "ax": [Axes, None], "label": ["str", None]})
def plot_precision_recall(
    result: PrecisionRecallResult, *, ax: Axes | None = None, label: str | None = None, **kwargs
) -> Axes:
    """Precision-recall curve with the no-skill line at the prevalence.

    Parameters
    ----------
    result : PrecisionRecallResult
        From :func:`pmed_utils.evaluation.precision_recall`.
    ax : Axes, optional
        Where to draw (default: a new figure).
    label : str, optional
        Model name for the legend.
    **kwargs
        Passed to ``Axes.plot`` for the curve.

    Returns
    -------
    Axes
        The Axes drawn on.

    Examples
    --------
    >>> from pmed_utils.evaluation import precision_recall
    >>> ax = plot_precision_recall(precision_recall([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]))
    >>> ax.get_xlabel()
    'Recall (sensitivity)'
    """
    ax = _axes(ax)
    text = f"AP {result.average_precision:.3f}"
    kwargs.setdefault("label", f"{label}: {text}" if label else text)
    ax.plot(result.recall, result.precision, drawstyle="steps-post", **kwargs)
    ax.axhline(result.prevalence, ls="--", color="grey", lw=1, label=f"no skill ({result.prevalence:.2f})")
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1.02),
        xlabel="Recall (sensitivity)",
        ylabel="Precision (PPV)",
        title=ax.get_title() or "Precision-recall",
    )
    ax.legend(fontsize="small")
    return ax
