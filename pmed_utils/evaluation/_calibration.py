"""Calibration: do predicted risks match observed frequencies?"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from pmed_utils.evaluation._checks import check_scores
from pmed_utils.evaluation._thresholds import wilson_interval
from pmed_utils.validation import check_choice

__all__ = ["brier_score", "calibration_table", "calibration_intercept_slope", "calibration_summary", "recalibrate"]


def _check_probabilities(p: np.ndarray, func: str) -> np.ndarray:
    if p.min() < 0 or p.max() > 1:
        raise ValueError(
            f"The 'y_prob' parameter of {func} must hold probabilities in [0, 1]; got values from "
            f"{p.min():.3g} to {p.max():.3g}. Calibrate scores first (see recalibrate)."
        )
    return p


def brier_score(y_true: ArrayLike, y_prob: ArrayLike) -> float:
    """Mean squared difference between predicted risk and outcome (lower is better).

    Examples
    --------
    >>> brier_score([0, 1], [0.2, 0.6])
    0.1
    """
    y, p = check_scores(y_true, y_prob, "brier_score", need_both_classes=False)
    _check_probabilities(p, "brier_score")
    return float(np.round(np.mean((p - y) ** 2), 15))


def calibration_table(
    y_true: ArrayLike, y_prob: ArrayLike, *, n_bins: int = 10, strategy: str = "quantile"
) -> pd.DataFrame:
    """Reliability table: mean predicted risk and observed frequency per bin, with Wilson CIs.

    Parameters
    ----------
    n_bins : int
        Number of bins.
    strategy : {"quantile", "uniform"}
        Equal-count bins or equal-width bins on [0, 1].

    Returns
    -------
    DataFrame
        Columns: bin, n, mean_predicted, observed, ci_low, ci_high (empty bins dropped).

    Examples
    --------
    >>> t = calibration_table([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], n_bins=2)
    >>> t[["n", "mean_predicted", "observed"]].to_numpy().tolist()
    [[2.0, 0.15000000000000002, 0.0], [2.0, 0.8, 1.0]]
    """
    y, p = check_scores(y_true, y_prob, "calibration_table", need_both_classes=False)
    _check_probabilities(p, "calibration_table")
    check_choice(strategy, "strategy", ["quantile", "uniform"], func="calibration_table")
    if strategy == "quantile":
        edges = np.unique(np.quantile(p, np.linspace(0, 1, n_bins + 1)))
    else:
        edges = np.linspace(0, 1, n_bins + 1)
    bins = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
    frame = pd.DataFrame({"bin": bins, "p": p, "y": y})
    grouped = frame.groupby("bin").agg(n=("y", "size"), mean_predicted=("p", "mean"), events=("y", "sum"))
    grouped["observed"] = grouped["events"] / grouped["n"]
    low, high = wilson_interval(grouped["events"], grouped["n"])
    grouped["ci_low"], grouped["ci_high"] = low, high
    grouped["n"] = grouped["n"].astype(float)
    return grouped.drop(columns="events").reset_index()


def calibration_intercept_slope(y_true: ArrayLike, y_prob: ArrayLike) -> tuple[float, float]:
    """Calibration intercept (calibration-in-the-large) and slope.

    The slope is the coefficient of a logistic regression of the outcome on
    logit(p); the intercept is that of a logistic regression with logit(p) as
    offset (slope fixed at 1). A well-calibrated model has intercept 0 and
    slope 1; a slope below 1 means predictions are too extreme (overfitting).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.05, 0.95, 20000)
    >>> y = rng.random(20000) < p
    >>> a, b = calibration_intercept_slope(y, p)
    >>> abs(a) < 0.05 and abs(b - 1) < 0.05
    True
    """
    y, p = check_scores(y_true, y_prob, "calibration_intercept_slope")
    _check_probabilities(p, "calibration_intercept_slope")
    eps = 1e-12
    lp = np.log(np.clip(p, eps, 1 - eps) / np.clip(1 - p, eps, 1 - eps))
    slope_model = LogisticRegression(C=np.inf, solver="lbfgs", max_iter=1000).fit(lp[:, None], y)
    slope = float(slope_model.coef_[0, 0])
    # Intercept with offset: Newton iterations on a single parameter.
    a = 0.0
    for _ in range(50):
        mu = 1 / (1 + np.exp(-(a + lp)))
        step = np.sum(y - mu) / max(np.sum(mu * (1 - mu)), eps)
        a += step
        if abs(step) < 1e-10:
            break
    return float(a), slope


def calibration_summary(y_true: ArrayLike, y_prob: ArrayLike) -> pd.Series:
    """Brier score, calibration intercept and slope, mean predicted and observed risk.

    Examples
    --------
    >>> calibration_summary([0, 1, 0, 1], [0.2, 0.8, 0.3, 0.6]).index.tolist()
    ['brier', 'intercept', 'slope', 'mean_predicted', 'observed_rate']
    """
    y, p = check_scores(y_true, y_prob, "calibration_summary")
    a, b = calibration_intercept_slope(y, p)
    return pd.Series(
        {"brier": brier_score(y, p), "intercept": a, "slope": b, "mean_predicted": float(p.mean()),
         "observed_rate": float(y.mean())}
    )


def recalibrate(
    y_val: ArrayLike, score_val: ArrayLike, method: str = "platt"
) -> Callable[[np.ndarray], np.ndarray]:
    """Fit a recalibration map on *validation* data and return it as a function.

    Parameters
    ----------
    y_val, score_val : array-like
        Validation labels and the model's scores (probabilities or any score).
    method : {"platt", "isotonic"}
        Platt scaling (logistic regression on the score's logit, or on the raw
        score if it is not a probability) or isotonic regression (monotone,
        more flexible, needs more data).

    Returns
    -------
    callable
        ``f(scores) -> probabilities``.

    Examples
    --------
    >>> f = recalibrate([0, 0, 1, 1, 0, 1], [0.1, 0.3, 0.4, 0.8, 0.2, 0.9], method="isotonic")
    >>> f(np.array([0.05, 0.95])).tolist()
    [0.0, 1.0]
    """
    y, s = check_scores(y_val, score_val, "recalibrate")
    check_choice(method, "method", ["platt", "isotonic"], func="recalibrate")
    if method == "isotonic":
        iso = IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(s, y)
        return lambda scores: iso.predict(np.asarray(scores, dtype=float))
    is_prob = s.min() >= 0 and s.max() <= 1

    def transform(x):
        x = np.asarray(x, dtype=float)
        if is_prob:
            x = np.clip(x, 1e-12, 1 - 1e-12)
            x = np.log(x / (1 - x))
        return x[:, None]

    model = LogisticRegression(C=np.inf, max_iter=1000).fit(transform(s), y)
    return lambda scores: model.predict_proba(transform(scores))[:, 1]
