"""ROC curves with bootstrap bands, and DeLong's AUC variance and paired test."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats
from sklearn.metrics import roc_auc_score, roc_curve

from pmed_utils.evaluation._checks import both_classes, check_scores
from pmed_utils.reproducibility import check_random_state
from pmed_utils.results import Estimate
from pmed_utils.validation import Interval, check_same_length, validate_params

__all__ = ["DelongComparison", "DelongResult", "RocResult", "auc_delong", "compare_auc_delong", "roc_with_ci"]

_LEVEL = Interval(numbers.Real, 0, 1, closed="neither")


@dataclass(frozen=True)
class RocResult:
    """A ROC curve with its AUC and bootstrap uncertainty, from :func:`roc_with_ci`.

    Attributes
    ----------
    fpr, tpr, thresholds : ndarray of float, shape (n_points,)
        The empirical ROC curve (as :func:`sklearn.metrics.roc_curve`); empty
        when ``y_true`` has a single class.
    auc : Estimate
        Area under the curve with its percentile-bootstrap interval
        (``method="bootstrap percentile"``; ``auc.level`` is its coverage).
    fpr_grid : ndarray of float, shape (101,)
        False-positive rates at which the band is given.
    tpr_low, tpr_high : ndarray of float, shape (101,)
        Pointwise bootstrap band of the true-positive rate on ``fpr_grid``.
    n_bootstraps : int
        Bootstrap resamples used.

    Examples
    --------
    >>> from pmed_utils.evaluation import roc_with_ci
    >>> res = roc_with_ci([0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.2, 0.9], n_bootstraps=50)
    >>> sorted(vars(res))
    ['auc', 'fpr', 'fpr_grid', 'n_bootstraps', 'thresholds', 'tpr', 'tpr_high', 'tpr_low']
    """

    fpr: np.ndarray
    tpr: np.ndarray
    thresholds: np.ndarray
    auc: Estimate
    fpr_grid: np.ndarray
    tpr_low: np.ndarray
    tpr_high: np.ndarray
    n_bootstraps: int


def _roc_points(y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(fpr, tpr) at every distinct score, from (0, 0): sklearn's ``roc_curve`` without its checks.

    The trapezoidal area under these points is the Mann-Whitney AUC (ties count
    one half), and linear interpolation between them is the same curve
    ``roc_curve`` gives (it only drops collinear points).
    """
    order = np.argsort(-s, kind="mergesort")
    s_sorted, y_sorted = s[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(s_sorted)), y_sorted.size - 1]  # last person of each distinct score
    tps = np.cumsum(y_sorted)[last]
    fps = (last + 1) - tps
    return np.r_[0.0, fps / fps[-1]], np.r_[0.0, tps / tps[-1]]


@validate_params(
    {
        "y_true": ["array-like"],
        "y_score": ["array-like"],
        "n_bootstraps": [Interval(numbers.Integral, 10, None)],
        "confidence": [_LEVEL],
        "random_state": ["random_state"],
    }
)
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
    resampled curves interpolated on a grid of false-positive rates. A
    constant score has AUC 0.5 (every case-control pair tied). With a single
    class the AUC is undefined: a :class:`~pmed_utils.validation.DegenerateInputWarning`
    and NaN.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 labels, 1 = has the condition.
    y_score : array-like of float, shape (n,)
        Higher = more likely a case (a probability or any score).
    n_bootstraps : int, default 1000
        Number of resamples (at least 10).
    confidence : float, default 0.95
        Coverage of the interval and the band, in (0, 1).
    random_state : int, numpy.random.Generator or None, default 0
        Seed or generator of the resampling (None means
        :data:`~pmed_utils.reproducibility.DEFAULT_RANDOM_STATE`).

    Returns
    -------
    RocResult
        The curve, ``auc`` as an :class:`~pmed_utils.results.Estimate`, and the band.

    Raises
    ------
    ValueError
        Labels other than 0/1, NaN scores, mismatched lengths.

    Examples
    --------
    >>> res = roc_with_ci([0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.2, 0.9], n_bootstraps=50)
    >>> round(res.auc.value, 3), res.auc.level, res.auc.method, res.n_bootstraps
    (0.889, 0.95, 'bootstrap percentile', 50)
    >>> res.auc.contains(res.auc.value)
    True
    >>> res.fpr.round(2).tolist(), res.tpr.round(2).tolist()
    ([0.0, 0.0, 0.0, 0.33, 0.33, 1.0], [0.0, 0.33, 0.67, 0.67, 1.0, 1.0])
    >>> res.fpr_grid.shape, bool((res.tpr_low <= res.tpr_high).all())
    ((101,), True)
    """
    y, s = check_scores(y_true, y_score, "roc_with_ci")
    rng = check_random_state(random_state, func="roc_with_ci")
    fpr_grid = np.linspace(0, 1, 101)
    method = "bootstrap percentile"
    if not both_classes(y, "roc_with_ci"):
        empty, nan_band = np.array([]), np.full(fpr_grid.size, np.nan)
        return RocResult(
            empty,
            empty,
            empty,
            Estimate(np.nan, np.nan, np.nan, confidence, method),
            fpr_grid,
            nan_band,
            nan_band.copy(),
            int(n_bootstraps),
        )
    fpr, tpr, thresholds = roc_curve(y, s)
    auc = float(roc_auc_score(y, s))
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    aucs = np.empty(int(n_bootstraps))
    curves = np.empty((int(n_bootstraps), fpr_grid.size))
    for b in range(int(n_bootstraps)):
        idx = np.concatenate([rng.choice(pos, pos.size), rng.choice(neg, neg.size)])
        f, t = _roc_points(y[idx], s[idx])
        aucs[b] = np.trapezoid(t, f)
        curves[b] = np.interp(fpr_grid, f, t)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(aucs, [alpha, 1 - alpha])
    tpr_low, tpr_high = np.quantile(curves, [alpha, 1 - alpha], axis=0)
    tpr_low[0] = 0.0  # every ROC curve starts at (0, 0) ...
    tpr_high[-1] = 1.0  # ... and ends at (1, 1)
    return RocResult(
        fpr,
        tpr,
        thresholds,
        Estimate(auc, low, high, confidence, method),
        fpr_grid,
        tpr_low,
        tpr_high,
        int(n_bootstraps),
    )


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
    # One case or one control: the structural components have no spread to estimate.
    sx = np.atleast_2d(np.cov(v01)) if m > 1 else np.full((len(scores),) * 2, np.nan)
    sy = np.atleast_2d(np.cov(v10)) if n > 1 else np.full((len(scores),) * 2, np.nan)
    return aucs, sx / m + sy / n


def _delong_estimate(auc: float, var: float, confidence: float) -> Estimate:
    z = stats.norm.ppf(0.5 + confidence / 2)
    se = float(np.sqrt(var))
    return Estimate(auc, float(np.clip(auc - z * se, 0, 1)), float(np.clip(auc + z * se, 0, 1)), confidence, "DeLong")


@dataclass(frozen=True)
class DelongResult:
    """AUC with DeLong's variance and normal-approximation interval, from :func:`auc_delong`.

    Attributes
    ----------
    auc : Estimate
        Area under the ROC curve; interval ``auc ± z · se`` clipped to [0, 1]
        (``method="DeLong"``).
    variance, se : float
        DeLong's variance of the AUC and its square root.

    Examples
    --------
    >>> from pmed_utils.evaluation import auc_delong
    >>> sorted(vars(auc_delong([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9])))
    ['auc', 'se', 'variance']
    """

    auc: Estimate
    variance: float
    se: float


@dataclass(frozen=True)
class DelongComparison:
    """DeLong's paired test of two AUCs measured on the same people, from :func:`compare_auc_delong`.

    Attributes
    ----------
    auc_a, auc_b : Estimate
        AUC of each score with its DeLong interval.
    difference : Estimate
        ``auc_a - auc_b`` with its normal-approximation interval (not clipped;
        ``method="DeLong paired"``).
    se_difference : float
        DeLong standard error of the difference.
    z, p_value : float
        Test statistic and two-sided p-value for "no difference".
    correlation : float
        Correlation of the two AUC estimates (NaN when one has zero variance).

    Examples
    --------
    >>> from pmed_utils.evaluation import compare_auc_delong
    >>> res = compare_auc_delong([0, 0, 1, 1], [0.1, 0.6, 0.5, 0.9], [0.2, 0.1, 0.4, 0.8])
    >>> sorted(vars(res))
    ['auc_a', 'auc_b', 'correlation', 'difference', 'p_value', 'se_difference', 'z']
    """

    auc_a: Estimate
    auc_b: Estimate
    difference: Estimate
    se_difference: float
    z: float
    p_value: float
    correlation: float


@validate_params({"y_true": ["array-like"], "y_score": ["array-like"], "confidence": [_LEVEL]})
def auc_delong(y_true: ArrayLike, y_score: ArrayLike, *, confidence: float = 0.95) -> DelongResult:
    """AUC with DeLong et al.'s (1988) nonparametric variance and CI.

    Uses the fast midrank algorithm of Sun & Xu (2014). The interval is
    ``auc ± z · se`` clipped to [0, 1], as pROC's ``ci.auc(method="delong")``
    (a test checks both against pROC's stored output). A single class gives a
    :class:`~pmed_utils.validation.DegenerateInputWarning` and NaN.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 labels, 1 = has the condition.
    y_score : array-like of float, shape (n,)
        Higher = more likely a case.
    confidence : float, default 0.95
        Coverage of the interval, in (0, 1).

    Returns
    -------
    DelongResult
        ``auc`` (an :class:`~pmed_utils.results.Estimate`), ``variance`` and ``se``.

    Raises
    ------
    ValueError
        Labels other than 0/1, NaN scores, mismatched lengths.

    Examples
    --------
    >>> r = auc_delong([0, 0, 0, 1, 1, 1], [0.1, 0.2, 0.6, 0.5, 0.8, 0.9])
    >>> round(r.auc.value, 4), round(r.variance, 5), round(r.se, 3)
    (0.8889, 0.02469, 0.157)
    >>> round(r.auc.low, 3), r.auc.high, r.auc.method
    (0.581, 1.0, 'DeLong')
    """
    y, s = check_scores(y_true, y_score, "auc_delong")
    if not both_classes(y, "auc_delong"):
        return DelongResult(Estimate(np.nan, np.nan, np.nan, confidence, "DeLong"), np.nan, np.nan)
    aucs, cov = _delong_components(y, s[None, :])
    auc, var = float(aucs[0]), float(cov[0, 0])
    return DelongResult(_delong_estimate(auc, var, confidence), var, float(np.sqrt(var)))


@validate_params(
    {"y_true": ["array-like"], "score_a": ["array-like"], "score_b": ["array-like"], "confidence": [_LEVEL]}
)
def compare_auc_delong(
    y_true: ArrayLike, score_a: ArrayLike, score_b: ArrayLike, *, confidence: float = 0.95
) -> DelongComparison:
    """DeLong's test of two correlated AUCs (two models, the same people).

    Matches pROC's ``roc.test(method="delong", paired=TRUE)`` (z, p-value and
    the interval of the difference; a test checks them against pROC's stored
    output). A single class gives a
    :class:`~pmed_utils.validation.DegenerateInputWarning` and NaN.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 labels of the people both scores were computed for.
    score_a, score_b : array-like of float, shape (n,)
        The two models' scores for the same people in the same order.
    confidence : float, default 0.95
        Coverage of the intervals, in (0, 1).

    Returns
    -------
    DelongComparison
        Both AUCs and their ``difference`` as :class:`~pmed_utils.results.Estimate`,
        the standard error, z, p-value and the correlation of the two AUCs.

    Raises
    ------
    ValueError
        Labels other than 0/1, NaN scores, mismatched lengths.

    Examples
    --------
    >>> y = [0, 0, 0, 0, 1, 1, 1, 1]
    >>> a = [0.1, 0.3, 0.2, 0.6, 0.5, 0.8, 0.4, 0.9]
    >>> b = [0.2, 0.1, 0.5, 0.7, 0.3, 0.6, 0.4, 0.8]
    >>> res = compare_auc_delong(y, a, b)
    >>> res.auc_a.value, res.auc_b.value, res.difference.value
    (0.875, 0.6875, 0.1875)
    >>> round(res.se_difference, 3), round(res.p_value, 3), round(res.correlation, 2)
    (0.135, 0.165, 0.81)
    """
    y, a = check_scores(y_true, score_a, "compare_auc_delong", score_name="score_a")
    _, b = check_scores(y_true, score_b, "compare_auc_delong", score_name="score_b")
    check_same_length((a, "score_a"), (b, "score_b"), func="compare_auc_delong")
    if not both_classes(y, "compare_auc_delong"):
        nan = Estimate(np.nan, np.nan, np.nan, confidence, "DeLong")
        return DelongComparison(
            nan, nan, Estimate(np.nan, np.nan, np.nan, confidence, "DeLong paired"), np.nan, np.nan, np.nan, np.nan
        )
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
    return DelongComparison(
        _delong_estimate(float(aucs[0]), float(cov[0, 0]), confidence),
        _delong_estimate(float(aucs[1]), float(cov[1, 1]), confidence),
        Estimate(diff, diff - zq * se, diff + zq * se, confidence, "DeLong paired"),
        se,
        float(z),
        float(p),
        corr,
    )
