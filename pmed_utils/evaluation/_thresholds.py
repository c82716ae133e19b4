"""Choosing a decision threshold, and the metrics a clinician reads at it."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats
from sklearn.metrics import classification_report, confusion_matrix, roc_curve

from pmed_utils.evaluation._checks import both_classes, check_scores
from pmed_utils.results import Estimate
from pmed_utils.validation import Interval, Options, validate_params, warn_degenerate

__all__ = ["choose_threshold", "metrics_at_threshold", "thresholded_report", "wilson_interval"]

_LEVEL = Interval(numbers.Real, 0, 1, closed="neither")


@validate_params(
    {
        "y_true": ["array-like"],
        "y_score": ["array-like"],
        "method": [Options({"youden", "sensitivity", "specificity"})],
        "target": [Interval(numbers.Real, 0, 1, closed="right"), None],
    }
)
def choose_threshold(
    y_true: ArrayLike, y_score: ArrayLike, method: str = "youden", target: float | None = None
) -> float:
    """Pick a decision threshold on a *validation* set.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        Validation labels (0/1). Never the test set: a threshold tuned on the
        test people makes the test metrics optimistic.
    y_score : array-like of float, shape (n,)
        Validation scores, higher = more likely a case.
    method : {"youden", "sensitivity", "specificity"}, default "youden"
        ``"youden"`` maximises sensitivity + specificity − 1 (Youden's J);
        ``"sensitivity"`` returns the highest threshold whose sensitivity is at
        least ``target``; ``"specificity"`` the lowest threshold whose
        specificity is at least ``target``.
    target : float in (0, 1] or None, default None
        Required for "sensitivity" and "specificity".

    Returns
    -------
    float
        Predict "case" when ``score >= threshold``; NaN (with a
        :class:`~pmed_utils.validation.DegenerateInputWarning`) when ``y_true``
        has a single class.

    Examples
    --------
    >>> y = [0, 0, 0, 0, 1, 1, 1]
    >>> s = [0.1, 0.2, 0.3, 0.6, 0.4, 0.7, 0.9]
    >>> choose_threshold(y, s)
    0.4
    >>> choose_threshold(y, s, "specificity", target=1.0)
    0.7
    """
    y, s = check_scores(y_true, y_score, "choose_threshold")
    if method != "youden" and target is None:
        raise ValueError(f"choose_threshold(method={method!r}) needs a 'target' in (0, 1]; got None.")
    if not both_classes(y, "choose_threshold"):
        return float("nan")
    fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
    finite = np.isfinite(thr)
    fpr, tpr, thr = fpr[finite], tpr[finite], thr[finite]
    if method == "youden":
        return float(thr[int(np.argmax(tpr - fpr))])
    if method == "sensitivity":
        ok = np.flatnonzero(tpr >= target)  # thresholds decrease along the curve
        return float(thr[ok[0]])
    ok = np.flatnonzero(1 - fpr >= target)
    return float(thr[ok[-1]])


def wilson_bounds(successes: ArrayLike, trials: ArrayLike, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised Wilson bounds (NaN where ``trials == 0``), for tables."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    # At p = 0 or 1 the bound is 0 or 1 exactly (the formula leaves a rounding error).
    low = np.where((k == 0) & (n > 0), 0.0, centre - half)
    high = np.where((k == n) & (n > 0), 1.0, centre + half)
    return low, high


@validate_params(
    {
        "successes": [Interval(numbers.Integral, 0, None)],
        "trials": [Interval(numbers.Integral, 0, None)],
        "confidence": [_LEVEL],
    }
)
def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> Estimate:
    """A binomial proportion with its Wilson score interval (Wilson 1927).

    Parameters
    ----------
    successes : int
        Number of successes, in [0, trials].
    trials : int
        Number of trials; 0 gives NaN with a
        :class:`~pmed_utils.validation.DegenerateInputWarning`.
    confidence : float, default 0.95
        Coverage of the interval, in (0, 1).

    Returns
    -------
    Estimate
        ``successes / trials`` and the Wilson bounds (``method="Wilson"``).

    Examples
    --------
    >>> est = wilson_interval(8, 10)
    >>> est.value, round(est.low, 4), round(est.high, 4), est.method
    (0.8, 0.4902, 0.9433, 'Wilson')
    """
    if successes > trials:
        raise ValueError(
            f"The 'successes' parameter of wilson_interval must be at most trials={trials}; got {successes}."
        )
    if trials == 0:
        warn_degenerate("wilson_interval", "there are no trials")
        return Estimate(np.nan, np.nan, np.nan, confidence, "Wilson")
    low, high = wilson_bounds(successes, trials, confidence)
    return Estimate(successes / trials, float(low), float(high), confidence, "Wilson")


@validate_params(
    {
        "y_true": ["array-like"],
        "y_score": ["array-like"],
        "threshold": [Interval(numbers.Real, None, None)],
        "confidence": [_LEVEL],
    }
)
def metrics_at_threshold(
    y_true: ArrayLike, y_score: ArrayLike, threshold: float, *, confidence: float = 0.95
) -> pd.DataFrame:
    """Sensitivity, specificity, PPV, NPV and accuracy at a threshold, with Wilson CIs.

    A metric whose denominator is empty (PPV when nobody is flagged,
    sensitivity when there are no cases) is NaN, with a
    :class:`~pmed_utils.validation.DegenerateInputWarning` that lists them.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 labels.
    y_score : array-like of float, shape (n,)
        Scores; a person is flagged when ``score >= threshold``.
    threshold : float
        The decision threshold (chosen on validation data).
    confidence : float, default 0.95
        Coverage of the Wilson intervals, in (0, 1).

    Returns
    -------
    DataFrame
        Index: metric (sensitivity, specificity, ppv, npv, accuracy); columns
        value, low, high (float, the Wilson interval), level (float),
        numerator, denominator (int). ``attrs["threshold"]`` holds the threshold.

    Examples
    --------
    >>> t = metrics_at_threshold([0, 0, 1, 1], [0.2, 0.6, 0.7, 0.9], threshold=0.5)
    >>> t.loc[["sensitivity", "specificity", "ppv"], "value"].round(3).tolist()
    [1.0, 0.5, 0.667]
    >>> t.columns.tolist()
    ['value', 'low', 'high', 'level', 'numerator', 'denominator']
    """
    y, s = check_scores(y_true, y_score, "metrics_at_threshold")
    pred = (s >= threshold).astype(np.int8)
    tp = int(((pred == 1) & (y == 1)).sum())
    tn = int(((pred == 0) & (y == 0)).sum())
    fp = int(((pred == 1) & (y == 0)).sum())
    fn = int(((pred == 0) & (y == 1)).sum())
    rows = {
        "sensitivity": (tp, tp + fn),
        "specificity": (tn, tn + fp),
        "ppv": (tp, tp + fp),
        "npv": (tn, tn + fn),
        "accuracy": (tp + tn, len(y)),
    }
    num = np.array([v[0] for v in rows.values()], dtype=float)
    den = np.array([v[1] for v in rows.values()], dtype=float)
    if (den == 0).any():
        empty = [name for name, (_, d) in rows.items() if d == 0]
        warn_degenerate("metrics_at_threshold", f"{', '.join(empty)} have an empty denominator")
    low, high = wilson_bounds(num, den, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = num / den
    table = pd.DataFrame(
        {
            "value": value,
            "low": low,
            "high": high,
            "level": float(confidence),
            "numerator": num.astype(int),
            "denominator": den.astype(int),
        },
        index=pd.Index(list(rows), name="metric"),
    )
    table.attrs["threshold"] = float(threshold)
    return table


@validate_params(
    {
        "y_true": ["array-like"],
        "y_score": ["array-like"],
        "threshold": [Interval(numbers.Real, None, None)],
        "target_names": [tuple, list],
    }
)
def thresholded_report(
    y_true: ArrayLike, y_score: ArrayLike, threshold: float, *, target_names: Sequence[str] = ("control", "case")
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """scikit-learn's classification report and confusion matrix at a threshold.

    ``classification_report`` compares *labels*. Passing it probabilities (as
    in ``classification_report(y, model.predict(X))`` for a Keras model with
    a sigmoid output) raises "Classification metrics can't handle a mix of
    binary and continuous targets"; the scores must first be turned into
    labels with a threshold chosen on validation data.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 labels.
    y_score : array-like of float, shape (n,)
        Scores; predicted "case" when ``score >= threshold``.
    threshold : float
        The decision threshold.
    target_names : tuple or list of two str, default ("control", "case")
        Names of class 0 and class 1 in the tables.

    Returns
    -------
    report : DataFrame
        One row per class, then accuracy and the macro and weighted averages; columns
        precision, recall, f1-score and support (an integer count of people). As in
        scikit-learn's text report, the accuracy row has the accuracy under f1-score, the
        number of people as support, and no precision or recall.
    confusion : DataFrame
        2 × 2 counts, rows = truth, columns = prediction.

    Examples
    --------
    >>> report, cm = thresholded_report([0, 0, 1, 1], [0.2, 0.6, 0.7, 0.9], 0.5)
    >>> cm.to_numpy().tolist()
    [[1, 1], [0, 2]]
    >>> report["support"].tolist(), float(report.loc["accuracy", "f1-score"])
    ([2, 2, 4, 4, 4], 0.75)
    """
    if (
        len(target_names) != 2
        or not all(isinstance(n, str) for n in target_names)
        or target_names[0] == target_names[1]
    ):
        raise ValueError(
            "The 'target_names' parameter of thresholded_report must hold two different "
            f"strings (class 0, class 1); got {target_names!r}."
        )
    y, s = check_scores(y_true, y_score, "thresholded_report")
    pred = (s >= threshold).astype(np.int8)
    report = classification_report(
        y, pred, labels=[0, 1], target_names=list(target_names), output_dict=True, zero_division=np.nan
    )
    confusion = pd.DataFrame(
        confusion_matrix(y, pred, labels=[0, 1]),
        index=pd.Index([f"true {n}" for n in target_names], name="truth"),
        columns=pd.Index([f"predicted {n}" for n in target_names], name="prediction"),
    )
    # output_dict gives accuracy as a bare number; a DataFrame would copy it into every column.
    accuracy = report.pop("accuracy")
    frame = pd.DataFrame(report).T
    frame.loc["accuracy"] = [np.nan, np.nan, accuracy, len(y)]
    frame = frame.loc[list(target_names) + ["accuracy", "macro avg", "weighted avg"]]
    return frame.astype({"support": int}), confusion
