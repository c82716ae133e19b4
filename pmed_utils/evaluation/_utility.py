"""Clinical utility: decision curves, and precision-recall."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.metrics import average_precision_score, precision_recall_curve

from pmed_utils.evaluation._checks import (
    both_classes,
    check_probabilities,
    check_scores,
)
from pmed_utils.validation import check_finite, validate_params, warn_degenerate

__all__ = ["DEFAULT_THRESHOLDS", "PrecisionRecallResult", "decision_curve", "precision_recall"]

#: Threshold probabilities 0.01, 0.02, ..., 0.99, each exactly the float its
#: decimal names (k / 100, so 0.06 and not 0.060000000000000005): a risk equal to
#: a threshold counts as treated.
DEFAULT_THRESHOLDS = np.arange(1, 100) / 100


@validate_params({"y_true": ["array-like"], "y_prob": ["array-like"], "thresholds": ["array-like", None]})
def decision_curve(y_true: ArrayLike, y_prob: ArrayLike, thresholds: ArrayLike | None = None) -> pd.DataFrame:
    """Net benefit of acting on the model, against treating everyone or no one.

    At threshold probability :math:`p_t` (the risk at which a clinician would
    act) a person is treated when their risk is at least :math:`p_t`, and
    net benefit = TP/n − FP/n · p_t/(1 − p_t) (Vickers & Elkin 2006).
    "Treat all" has net benefit prevalence − (1 − prevalence) · p_t/(1 − p_t);
    "treat none" has 0.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 outcomes.
    y_prob : array-like of float, shape (n,)
        Predicted probabilities (calibrated: the threshold is a risk).
    thresholds : array-like of float, shape (k,), optional
        Threshold probabilities in (0, 1); default :data:`DEFAULT_THRESHOLDS`
        (0.01 to 0.99 by 0.01, exact decimal values).

    Returns
    -------
    DataFrame
        One row per threshold; columns threshold, net_benefit_model,
        net_benefit_all, net_benefit_none (float).

    Examples
    --------
    >>> dc = decision_curve([0, 0, 1, 1], [0.1, 0.4, 0.6, 0.9], thresholds=[0.5])
    >>> dc.round(3).to_numpy().tolist()
    [[0.5, 0.5, 0.0, 0.0]]
    >>> nb = decision_curve([0, 1], [0.06, 0.06]).set_index("threshold")["net_benefit_model"]
    >>> float(nb[0.06]) == 1 / 2 - 1 / 2 * 0.06 / 0.94  # both treated at 0.06: TP = FP = 1
    True
    """
    y, p = check_scores(y_true, y_prob, "decision_curve", score_name="y_prob")
    check_probabilities(p, "decision_curve")
    if thresholds is None:
        t = DEFAULT_THRESHOLDS.copy()
    else:
        t = check_finite(thresholds, "thresholds", func="decision_curve").reshape(-1)
        if np.any((t <= 0) | (t >= 1)):
            raise ValueError(
                "The 'thresholds' parameter of decision_curve must lie in (0, 1); got values from "
                f"{t.min():g} to {t.max():g}."
            )
    n = len(y)
    if n == 0:
        warn_degenerate("decision_curve", "there are no people")
        nan = np.full(t.size, np.nan)
        return pd.DataFrame(
            {"threshold": t, "net_benefit_model": nan, "net_benefit_all": nan, "net_benefit_none": np.zeros_like(t)}
        )
    flagged = p[None, :] >= t[:, None]
    tp = (flagged & (y[None, :] == 1)).sum(axis=1)
    fp = (flagged & (y[None, :] == 0)).sum(axis=1)
    odds = t / (1 - t)
    prevalence = y.mean()
    return pd.DataFrame(
        {
            "threshold": t,
            "net_benefit_model": tp / n - fp / n * odds,
            "net_benefit_all": prevalence - (1 - prevalence) * odds,
            "net_benefit_none": np.zeros_like(t),
        }
    )


@dataclass(frozen=True)
class PrecisionRecallResult:
    """Precision-recall curve with average precision and the no-skill baseline, from :func:`precision_recall`.

    Attributes
    ----------
    precision, recall, thresholds : ndarray of float
        The curve (as :func:`sklearn.metrics.precision_recall_curve`); empty
        when ``y_true`` has a single class.
    average_precision : float
        Summary of the curve (as :func:`sklearn.metrics.average_precision_score`).
    prevalence : float
        Fraction of cases: the precision of a model with no skill.

    Examples
    --------
    >>> from pmed_utils.evaluation import precision_recall
    >>> sorted(vars(precision_recall([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])))
    ['average_precision', 'precision', 'prevalence', 'recall', 'thresholds']
    """

    precision: np.ndarray
    recall: np.ndarray
    thresholds: np.ndarray
    average_precision: float
    prevalence: float


@validate_params({"y_true": ["array-like"], "y_score": ["array-like"]})
def precision_recall(y_true: ArrayLike, y_score: ArrayLike) -> PrecisionRecallResult:
    """Precision-recall curve and average precision (scikit-learn), with the prevalence baseline.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 labels.
    y_score : array-like of float, shape (n,)
        Higher = more likely a case.

    Returns
    -------
    PrecisionRecallResult
        The curve, its average precision and the prevalence. A single class
        gives NaN with a :class:`~pmed_utils.validation.DegenerateInputWarning`.

    Examples
    --------
    >>> pr = precision_recall([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> pr.precision.round(2).tolist(), pr.recall.tolist()
    ([0.5, 0.67, 0.5, 1.0, 1.0], [1.0, 1.0, 0.5, 0.5, 0.0])
    >>> round(pr.average_precision, 3), pr.prevalence
    (0.833, 0.5)
    """
    y, s = check_scores(y_true, y_score, "precision_recall")
    if not both_classes(y, "precision_recall"):
        empty = np.array([])
        return PrecisionRecallResult(empty, empty, empty, float("nan"), float(y.mean()) if len(y) else float("nan"))
    precision, recall, thresholds = precision_recall_curve(y, s)
    return PrecisionRecallResult(precision, recall, thresholds, float(average_precision_score(y, s)), float(y.mean()))
