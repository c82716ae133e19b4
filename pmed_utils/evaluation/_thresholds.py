"""Choosing a decision threshold, and the metrics a clinician reads at it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats
from sklearn.metrics import classification_report, confusion_matrix, roc_curve

from pmed_utils.evaluation._checks import check_scores
from pmed_utils.validation import check_choice, check_in_range

__all__ = ["choose_threshold", "wilson_interval", "metrics_at_threshold", "thresholded_report"]


def choose_threshold(
    y_true: ArrayLike, y_score: ArrayLike, method: str = "youden", target: float | None = None
) -> float:
    """Pick a decision threshold on a *validation* set.

    Parameters
    ----------
    y_true, y_score : array-like of shape (n,)
        Validation labels (0/1) and scores. Never the test set: a threshold
        tuned on the test people makes the test metrics optimistic.
    method : {"youden", "sensitivity", "specificity"}
        ``"youden"`` maximises sensitivity + specificity − 1 (Youden's J);
        ``"sensitivity"`` returns the highest threshold whose sensitivity is at
        least ``target``; ``"specificity"`` the lowest threshold whose
        specificity is at least ``target``.
    target : float in (0, 1], required for "sensitivity" and "specificity"

    Returns
    -------
    float
        Predict "case" when ``score >= threshold``.

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
    check_choice(method, "method", ["youden", "sensitivity", "specificity"], func="choose_threshold")
    fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
    finite = np.isfinite(thr)
    fpr, tpr, thr = fpr[finite], tpr[finite], thr[finite]
    if method == "youden":
        return float(thr[int(np.argmax(tpr - fpr))])
    if target is None:
        raise ValueError(f"choose_threshold(method={method!r}) needs a 'target' in (0, 1]; got None.")
    check_in_range(target, "target", 0, 1, func="choose_threshold", closed="right")
    if method == "sensitivity":
        ok = np.flatnonzero(tpr >= target)  # thresholds decrease along the curve
        return float(thr[ok[0]])
    ok = np.flatnonzero(1 - fpr >= target)
    return float(thr[ok[-1]])


def wilson_interval(
    successes: ArrayLike, trials: ArrayLike, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion (NaN where ``trials == 0``).

    Examples
    --------
    >>> low, high = wilson_interval(8, 10)
    >>> round(float(low), 4), round(float(high), 4)
    (0.4902, 0.9433)
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return centre - half, centre + half


def metrics_at_threshold(
    y_true: ArrayLike, y_score: ArrayLike, threshold: float, *, confidence: float = 0.95
) -> pd.DataFrame:
    """Sensitivity, specificity, PPV, NPV and accuracy at a threshold, with Wilson CIs.

    A metric whose denominator is empty (e.g. PPV when nobody is flagged) is
    NaN. Single-class ``y_true`` is allowed here (sensitivity or specificity
    is then NaN).

    Returns
    -------
    DataFrame
        Index: metric; columns: value, ci_low, ci_high, numerator, denominator.

    Examples
    --------
    >>> t = metrics_at_threshold([0, 0, 1, 1], [0.2, 0.6, 0.7, 0.9], threshold=0.5)
    >>> t.loc[["sensitivity", "specificity", "ppv"], "value"].round(3).tolist()
    [1.0, 0.5, 0.667]
    """
    y, s = check_scores(y_true, y_score, "metrics_at_threshold", need_both_classes=False)
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
    low, high = wilson_interval(num, den, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = num / den
    table = pd.DataFrame(
        {"value": value, "ci_low": low, "ci_high": high, "numerator": num.astype(int), "denominator": den.astype(int)},
        index=pd.Index(list(rows), name="metric"),
    )
    table.attrs["threshold"] = float(threshold)
    return table


def thresholded_report(
    y_true: ArrayLike, y_score: ArrayLike, threshold: float, *, target_names: Sequence[str] = ("control", "case")
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """scikit-learn's classification report and confusion matrix at a threshold.

    ``classification_report`` compares *labels*. Passing it probabilities (as
    in ``classification_report(y, model.predict(X))`` for a Keras model with
    a sigmoid output) raises "Classification metrics can't handle a mix of
    binary and continuous targets"; the scores must first be turned into
    labels with a threshold chosen on validation data.

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
    y, s = check_scores(y_true, y_score, "thresholded_report", need_both_classes=False)
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
