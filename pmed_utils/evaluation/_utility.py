"""Clinical utility: decision curves, and precision-recall."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.metrics import average_precision_score, precision_recall_curve

from pmed_utils.evaluation._checks import check_scores

__all__ = ["decision_curve", "PrecisionRecallResult", "precision_recall"]


def decision_curve(y_true: ArrayLike, y_prob: ArrayLike, thresholds: ArrayLike | None = None) -> pd.DataFrame:
    """Net benefit of acting on the model, against treating everyone or no one.

    At threshold probability :math:`p_t` (the risk at which a clinician would
    act), net benefit = TP/n − FP/n · p_t/(1 − p_t) (Vickers & Elkin 2006).
    "Treat all" has net benefit prevalence − (1 − prevalence) · p_t/(1 − p_t);
    "treat none" has 0.

    Parameters
    ----------
    y_true : array-like of shape (n,)
    y_prob : array-like of shape (n,)
        Predicted probabilities (calibrated: the threshold is a risk).
    thresholds : array-like, optional
        Threshold probabilities in (0, 1); default 0.01 to 0.99 by 0.01.

    Returns
    -------
    DataFrame
        Columns: threshold, net_benefit_model, net_benefit_all, net_benefit_none.

    Examples
    --------
    >>> dc = decision_curve([0, 0, 1, 1], [0.1, 0.4, 0.6, 0.9], thresholds=[0.5])
    >>> dc.round(3).to_numpy().tolist()
    [[0.5, 0.5, 0.0, 0.0]]
    """
    y, p = check_scores(y_true, y_prob, "decision_curve", need_both_classes=False)
    if p.min() < 0 or p.max() > 1:
        raise ValueError("The 'y_prob' parameter of decision_curve must hold probabilities in [0, 1].")
    t = np.arange(0.01, 1.0, 0.01) if thresholds is None else np.asarray(thresholds, dtype=float)
    if np.any((t <= 0) | (t >= 1)):
        raise ValueError("The 'thresholds' parameter of decision_curve must lie in (0, 1).")
    n = len(y)
    flagged = p[None, :] >= t[:, None]
    tp = (flagged & (y[None, :] == 1)).sum(axis=1)
    fp = (flagged & (y[None, :] == 0)).sum(axis=1)
    odds = t / (1 - t)
    prevalence = y.mean()
    return pd.DataFrame({
        "threshold": t,
        "net_benefit_model": tp / n - fp / n * odds,
        "net_benefit_all": prevalence - (1 - prevalence) * odds,
        "net_benefit_none": np.zeros_like(t),
    })


@dataclass(frozen=True)
class PrecisionRecallResult:
    """Precision-recall curve with average precision and the no-skill baseline (prevalence).

    Attributes
    ----------
    precision, recall, thresholds : ndarray
        The curve (as :func:`sklearn.metrics.precision_recall_curve`).
    average_precision : float
        Summary of the curve (as :func:`sklearn.metrics.average_precision_score`).
    prevalence : float
        Fraction of cases: the precision of a model with no skill.

    Examples
    --------
    >>> from pmed_utils.evaluation import precision_recall
    >>> pr = precision_recall([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> pr.precision.round(2).tolist(), pr.recall.tolist()
    ([0.5, 0.67, 0.5, 1.0, 1.0], [1.0, 1.0, 0.5, 0.5, 0.0])
    >>> round(pr.average_precision, 3), pr.prevalence
    (0.833, 0.5)
    """

    precision: np.ndarray
    recall: np.ndarray
    thresholds: np.ndarray
    average_precision: float
    prevalence: float


def precision_recall(y_true: ArrayLike, y_score: ArrayLike) -> PrecisionRecallResult:
    """Precision-recall curve and average precision (scikit-learn), with the prevalence baseline.

    Examples
    --------
    >>> pr = precision_recall([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> round(pr.average_precision, 3), pr.prevalence
    (0.833, 0.5)
    """
    y, s = check_scores(y_true, y_score, "precision_recall")
    precision, recall, thresholds = precision_recall_curve(y, s)
    return PrecisionRecallResult(precision, recall, thresholds, float(average_precision_score(y, s)), float(y.mean()))
