"""ROC curves with bootstrap bands, and DeLong's AUC variance and paired test."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats
from sklearn.metrics import roc_auc_score, roc_curve

from pmed_utils.evaluation._checks import check_scores
from pmed_utils.reproducibility import check_random_state
from pmed_utils.validation import check_in_range, check_same_length

__all__ = ["RocResult", "DelongResult", "DelongComparison", "roc_with_ci", "auc_delong", "compare_auc_delong"]


@dataclass(frozen=True)
class RocResult:
    """A ROC curve with its AUC and bootstrap uncertainty.

    Attributes
    ----------
    fpr, tpr, thresholds : ndarray
        The empirical ROC curve (as :func:`sklearn.metrics.roc_curve`).
    auc : float
        Area under the curve.
    auc_ci : tuple of float
        Percentile bootstrap interval of the AUC.
    fpr_grid : ndarray of shape (101,)
        False-positive rates at which the band is given.
    tpr_low, tpr_high : ndarray of shape (101,)
        Pointwise bootstrap band of the true-positive rate on ``fpr_grid``.
    n_bootstraps : int
        Bootstrap resamples used (resamples with one class are skipped).
    confidence : float
        Coverage of the interval and band.

    Examples
    --------
    >>> from pmed_utils.evaluation import roc_with_ci
    >>> res = roc_with_ci([0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.2, 0.9], n_bootstraps=50)
    >>> round(res.auc, 3), res.n_bootstraps, res.confidence
    (0.889, 50, 0.95)
    >>> res.fpr.round(2).tolist(), res.tpr.round(2).tolist()
    ([0.0, 0.0, 0.0, 0.33, 0.33, 1.0], [0.0, 0.33, 0.67, 0.67, 1.0, 1.0])
    >>> res.fpr_grid.shape, bool((res.tpr_low <= res.tpr_high).all())
    ((101,), True)
    """

    fpr: np.ndarray
    tpr: np.ndarray
    thresholds: np.ndarray
    auc: float
    auc_ci: tuple[float, float]
    fpr_grid: np.ndarray
    tpr_low: np.ndarray
    tpr_high: np.ndarray
    n_bootstraps: int
    confidence: float


def roc_with_ci(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    n_bootstraps: int = 1000,
    confidence: float = 0.95,
    random_state: int | np.random.Generator | None = 0,
) -> RocResult:
    """ROC curve, AUC, and a bootstrap confidence band and AUC interval.

    People are resampled with replacement (stratified by class, so that every
    resample has cases and controls); the interval is the percentile interval
    of the resampled AUCs and the band the pointwise percentiles of the
    resampled curves interpolated on a grid of false-positive rates.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        0/1 labels, 1 = has the condition.
    y_score : array-like of shape (n,)
        Higher = more likely a case (a probability or any score).
    n_bootstraps : int, default 1000
        Number of resamples (at least 10).
    confidence : float, default 0.95
        Coverage of the interval, in (0, 1).
    random_state : int, Generator or None, default 0

    Returns
    -------
    RocResult

    Raises
    ------
    ValueError
        Labels other than 0/1, a single class, NaN scores, mismatched lengths.

    Examples
    --------
    >>> res = roc_with_ci([0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.2, 0.9], n_bootstraps=50)
    >>> round(res.auc, 3)
    0.889
    >>> res.auc_ci[0] <= res.auc <= res.auc_ci[1]
    True
    """
    y, s = check_scores(y_true, y_score, "roc_with_ci")
    if int(n_bootstraps) < 10:
        raise ValueError(f"The 'n_bootstraps' parameter of roc_with_ci must be at least 10; got {n_bootstraps!r}.")
    check_in_range(confidence, "confidence", 0, 1, func="roc_with_ci", closed="neither")
    rng = check_random_state(random_state)
    fpr, tpr, thresholds = roc_curve(y, s)
    auc = float(roc_auc_score(y, s))
    fpr_grid = np.linspace(0, 1, 101)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    aucs = np.empty(int(n_bootstraps))
    curves = np.empty((int(n_bootstraps), fpr_grid.size))
    for b in range(int(n_bootstraps)):
        idx = np.concatenate([rng.choice(pos, pos.size), rng.choice(neg, neg.size)])
        yb, sb = y[idx], s[idx]
        aucs[b] = roc_auc_score(yb, sb)
        f, t, _ = roc_curve(yb, sb)
        curves[b] = np.interp(fpr_grid, f, t)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(aucs, [alpha, 1 - alpha])
    tpr_low, tpr_high = np.quantile(curves, [alpha, 1 - alpha], axis=0)
    tpr_low[0] = 0.0  # every ROC curve starts at (0, 0) ...
    tpr_high[-1] = 1.0  # ... and ends at (1, 1)
    return RocResult(fpr, tpr, thresholds, auc, (float(low), float(high)), fpr_grid, tpr_low, tpr_high,
                     int(n_bootstraps), float(confidence))


def _midrank(x: np.ndarray) -> np.ndarray:
    """Ranks from 1 with ties given their average rank (the "midrank")."""
    return stats.rankdata(x, method="average")


def _delong_components(y: np.ndarray, scores: np.ndarray):
    """AUCs and DeLong covariance for k score vectors (rows of ``scores``), Sun & Xu (2014)."""
    pos = scores[:, y == 1]
    neg = scores[:, y == 0]
    m, n = pos.shape[1], neg.shape[1]
    tx = np.apply_along_axis(_midrank, 1, pos)
    ty = np.apply_along_axis(_midrank, 1, neg)
    tz = np.apply_along_axis(_midrank, 1, np.concatenate([pos, neg], axis=1))
    aucs = tz[:, :m].sum(axis=1) / (m * n) - (m + 1.0) / (2.0 * n)
    v01 = (tz[:, :m] - tx) / n  # structural components of the cases
    v10 = 1.0 - (tz[:, m:] - ty) / m  # ... and of the controls
    sx = np.atleast_2d(np.cov(v01))
    sy = np.atleast_2d(np.cov(v10))
    return aucs, sx / m + sy / n


@dataclass(frozen=True)
class DelongResult:
    """AUC with DeLong's variance and normal-approximation confidence interval.

    Attributes
    ----------
    auc : float
        Area under the ROC curve.
    variance, se : float
        DeLong's variance of the AUC and its square root.
    ci : tuple of float
        ``auc ± z · se`` clipped to [0, 1].
    confidence : float
        Coverage of ``ci``.

    Examples
    --------
    >>> from pmed_utils.evaluation import auc_delong
    >>> r = auc_delong([0, 0, 0, 1, 1, 1], [0.1, 0.2, 0.6, 0.5, 0.8, 0.9])
    >>> round(r.auc, 3), round(r.se, 3), tuple(round(v, 3) for v in r.ci)
    (0.889, 0.157, (0.581, 1.0))
    """

    auc: float
    variance: float
    se: float
    ci: tuple[float, float]
    confidence: float


@dataclass(frozen=True)
class DelongComparison:
    """DeLong's paired test of two AUCs measured on the same people.

    Attributes
    ----------
    auc_a, auc_b : float
        AUC of each score.
    difference : float
        ``auc_a - auc_b``.
    se_difference : float
        DeLong standard error of the difference.
    ci_difference : tuple of float
        Normal-approximation interval of the difference.
    z, p_value : float
        Test statistic and two-sided p-value for "no difference".
    correlation : float
        Correlation of the two AUC estimates (NaN when one has zero variance).

    Examples
    --------
    >>> from pmed_utils.evaluation import compare_auc_delong
    >>> y = [0, 0, 0, 0, 1, 1, 1, 1]
    >>> a = [0.1, 0.3, 0.2, 0.6, 0.5, 0.8, 0.4, 0.9]
    >>> b = [0.2, 0.1, 0.5, 0.7, 0.3, 0.6, 0.4, 0.8]
    >>> res = compare_auc_delong(y, a, b)
    >>> res.auc_a, res.auc_b, res.difference
    (0.875, 0.6875, 0.1875)
    >>> round(res.se_difference, 3), round(res.p_value, 3), round(res.correlation, 2)
    (0.135, 0.165, 0.81)
    """

    auc_a: float
    auc_b: float
    difference: float
    se_difference: float
    ci_difference: tuple[float, float]
    z: float
    p_value: float
    correlation: float


def auc_delong(y_true: ArrayLike, y_score: ArrayLike, *, confidence: float = 0.95) -> DelongResult:
    """AUC with DeLong et al.'s (1988) nonparametric variance and CI.

    Uses the fast midrank algorithm of Sun & Xu (2014). The interval is
    ``auc ± z · se`` clipped to [0, 1], as in pROC's ``ci.auc(method="delong")``.

    Raises
    ------
    ValueError
        Labels other than 0/1, a single class, NaN scores, mismatched lengths.

    Examples
    --------
    >>> r = auc_delong([0, 0, 0, 1, 1, 1], [0.1, 0.2, 0.6, 0.5, 0.8, 0.9])
    >>> round(r.auc, 4), round(r.variance, 5)
    (0.8889, 0.02469)
    """
    y, s = check_scores(y_true, y_score, "auc_delong")
    check_in_range(confidence, "confidence", 0, 1, func="auc_delong", closed="neither")
    aucs, cov = _delong_components(y, s[None, :])
    auc, var = float(aucs[0]), float(cov[0, 0])
    se = float(np.sqrt(var))
    z = stats.norm.ppf(0.5 + confidence / 2)
    return DelongResult(auc, var, se, (float(max(0.0, auc - z * se)), float(min(1.0, auc + z * se))), float(confidence))


def compare_auc_delong(
    y_true: ArrayLike, score_a: ArrayLike, score_b: ArrayLike, *, confidence: float = 0.95
) -> DelongComparison:
    """DeLong's test of two correlated AUCs (two models, the same people).

    Returns the difference ``auc_a − auc_b``, its standard error, a confidence
    interval, the z statistic and the two-sided p-value.

    Examples
    --------
    >>> y = [0, 0, 0, 1, 1, 1]
    >>> res = compare_auc_delong(y, [0.1, 0.2, 0.6, 0.5, 0.8, 0.9], [0.1, 0.2, 0.3, 0.5, 0.8, 0.9])
    >>> round(res.difference, 4)
    -0.1111
    """
    y, a = check_scores(y_true, score_a, "compare_auc_delong")
    _, b = check_scores(y_true, score_b, "compare_auc_delong")
    check_same_length((a, "score_a"), (b, "score_b"), func="compare_auc_delong")
    aucs, cov = _delong_components(y, np.vstack([a, b]))
    diff = float(aucs[0] - aucs[1])
    var = float(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    zq = stats.norm.ppf(0.5 + confidence / 2)
    if var <= 0:
        se, z, p = 0.0, (0.0 if diff == 0 else np.inf * np.sign(diff)), (1.0 if diff == 0 else 0.0)
    else:
        se = float(np.sqrt(var))
        z = diff / se
        p = float(2 * stats.norm.sf(abs(z)))
    denom = np.sqrt(cov[0, 0] * cov[1, 1])
    corr = float(cov[0, 1] / denom) if denom > 0 else float("nan")
    return DelongComparison(float(aucs[0]), float(aucs[1]), diff, se, (float(diff - zq * se), float(diff + zq * se)),
                            float(z), float(p), corr)
