"""Calibration: do predicted risks match observed frequencies?"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats
from scipy.special import expit
from sklearn.isotonic import IsotonicRegression

from pmed_utils.evaluation._checks import (
    both_classes,
    check_probabilities,
    check_scores,
)
from pmed_utils.evaluation._thresholds import wilson_bounds
from pmed_utils.results import Estimate
from pmed_utils.validation import Interval, Options, validate_params, warn_degenerate

__all__ = [
    "CalibrationFit",
    "Recalibrator",
    "brier_score",
    "calibration_intercept_slope",
    "calibration_summary",
    "calibration_table",
    "recalibrate",
]

_LEVEL = Interval(numbers.Real, 0, 1, closed="neither")
_EPS = 1e-12


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def _newton_logistic(
    X: np.ndarray, y: np.ndarray, offset: np.ndarray, *, max_iter: int = 100, tol: float = 1e-12
) -> tuple[np.ndarray, np.ndarray] | None:
    """Maximum-likelihood logistic regression by Newton's method (``y`` may be fractional).

    Returns the coefficients and their covariance (the inverse Fisher
    information), or None when the information is singular or the iterations
    do not converge (separation: the likelihood has no maximum).
    """
    beta = np.zeros(X.shape[1])

    def deviance(b: np.ndarray) -> float:
        eta = X @ b + offset
        return float(np.sum(np.logaddexp(0, eta) - y * eta))

    dev = deviance(beta)
    for _ in range(max_iter):
        mu = expit(X @ beta + offset)
        info = X.T @ (X * (mu * (1 - mu))[:, None])
        if np.linalg.cond(info) > 1e12:
            return None
        step = np.linalg.solve(info, X.T @ (y - mu))
        for _halving in range(30):  # step halving keeps every iteration an improvement
            new_dev = deviance(beta + step)
            if new_dev <= dev + 1e-12 * abs(dev):
                break
            step /= 2
        beta, dev = beta + step, new_dev
        if np.max(np.abs(step)) <= tol * (1 + np.max(np.abs(beta))):
            mu = expit(X @ beta + offset)
            info = X.T @ (X * (mu * (1 - mu))[:, None])
            if np.linalg.cond(info) > 1e12:
                return None
            return beta, np.linalg.inv(info)
    return None


class CalibrationFit(NamedTuple):
    """Calibration intercept and slope, from :func:`calibration_intercept_slope`.

    A tuple, so ``intercept, slope = calibration_intercept_slope(y, p)`` works.

    Attributes
    ----------
    intercept : Estimate
        Calibration-in-the-large: the intercept of a logistic regression with
        logit(p) as offset (0 when risks are right on average).
    slope : Estimate
        The coefficient of logit(p) in a logistic regression of the outcome on
        it (1 when risks are neither too extreme nor too timid).

    Examples
    --------
    >>> from pmed_utils.evaluation import calibration_intercept_slope
    >>> fit = calibration_intercept_slope([0, 0, 1, 1, 0, 1], [0.2, 0.3, 0.4, 0.8, 0.5, 0.7])
    >>> fit._fields
    ('intercept', 'slope')
    """

    intercept: Estimate
    slope: Estimate


@validate_params({"y_true": ["array-like"], "y_prob": ["array-like"]})
def brier_score(y_true: ArrayLike, y_prob: ArrayLike) -> float:
    """Mean squared difference between predicted risk and outcome (lower is better).

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 outcomes.
    y_prob : array-like of float, shape (n,)
        Predicted risks in [0, 1].

    Returns
    -------
    float
        The Brier score, in [0, 1].

    Examples
    --------
    >>> brier_score([0, 1], [0.2, 0.6])
    0.1
    """
    y, p = check_scores(y_true, y_prob, "brier_score", score_name="y_prob")
    check_probabilities(p, "brier_score")
    if not len(y):
        warn_degenerate("brier_score", "there are no people")
        return float("nan")
    return float(np.round(np.mean((p - y) ** 2), 15))


@validate_params(
    {
        "y_true": ["array-like"],
        "y_prob": ["array-like"],
        "n_bins": [Interval(numbers.Integral, 1, None)],
        "strategy": [Options({"quantile", "uniform"})],
        "confidence": [_LEVEL],
    }
)
def calibration_table(
    y_true: ArrayLike,
    y_prob: ArrayLike,
    *,
    n_bins: int = 10,
    strategy: str = "quantile",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Reliability table: mean predicted risk and observed frequency per bin, with Wilson CIs.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 outcomes.
    y_prob : array-like of float, shape (n,)
        Predicted risks in [0, 1].
    n_bins : int, default 10
        Number of bins.
    strategy : {"quantile", "uniform"}, default "quantile"
        Equal-count bins or equal-width bins on [0, 1].
    confidence : float, default 0.95
        Coverage of the Wilson intervals of the observed frequency.

    Returns
    -------
    DataFrame
        One row per non-empty bin; columns bin (int), n (float), mean_predicted,
        observed, low, high (the Wilson interval of observed) and level.

    Examples
    --------
    >>> t = calibration_table([0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], n_bins=2)
    >>> t[["n", "mean_predicted", "observed", "low"]].round(3).to_numpy().tolist()
    [[2.0, 0.15, 0.0, 0.0], [2.0, 0.8, 1.0, 0.342]]
    """
    y, p = check_scores(y_true, y_prob, "calibration_table", score_name="y_prob")
    check_probabilities(p, "calibration_table")
    if not len(y):
        raise ValueError("The 'y_true' parameter of calibration_table must hold at least one person; got 0.")
    if strategy == "quantile":
        edges = np.unique(np.quantile(p, np.linspace(0, 1, n_bins + 1)))
    else:
        edges = np.linspace(0, 1, n_bins + 1)
    bins = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, max(len(edges) - 2, 0))
    frame = pd.DataFrame({"bin": bins, "p": p, "y": y})
    grouped = frame.groupby("bin").agg(n=("y", "size"), mean_predicted=("p", "mean"), events=("y", "sum"))
    grouped["observed"] = grouped["events"] / grouped["n"]
    grouped["low"], grouped["high"] = wilson_bounds(grouped["events"], grouped["n"], confidence)
    grouped["level"] = float(confidence)
    grouped["n"] = grouped["n"].astype(float)
    return grouped.drop(columns="events").reset_index()


@validate_params({"y_true": ["array-like"], "y_prob": ["array-like"], "confidence": [_LEVEL]})
def calibration_intercept_slope(y_true: ArrayLike, y_prob: ArrayLike, *, confidence: float = 0.95) -> CalibrationFit:
    """Calibration intercept (calibration-in-the-large) and slope, with Wald intervals.

    The slope is the coefficient of logit(p) in the logistic regression
    ``glm(y ~ qlogis(p), family = binomial)``; the intercept is that of
    ``glm(y ~ offset(qlogis(p)), family = binomial)`` (slope fixed at 1). Both
    are fitted by Newton's method to full precision (a test checks them
    against R's ``glm`` to 1e-8 relative); the intervals are Wald intervals
    from the Fisher information (R's ``confint.default``). A well-calibrated
    model has intercept 0 and slope 1; a slope below 1 means predictions are
    too extreme (overfitting). Risks of exactly 0 or 1 are clipped to
    [1e-12, 1 - 1e-12] before the logit.

    Degenerate input gives NaN with a
    :class:`~pmed_utils.validation.DegenerateInputWarning`: a single class
    (both NaN), a constant risk (slope NaN), and a risk that separates cases
    from controls perfectly (slope NaN: the likelihood has no maximum).

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 outcomes.
    y_prob : array-like of float, shape (n,)
        Predicted risks in [0, 1].
    confidence : float, default 0.95
        Coverage of the Wald intervals, in (0, 1).

    Returns
    -------
    CalibrationFit
        ``(intercept, slope)``, each an :class:`~pmed_utils.results.Estimate`
        with ``method="Wald"``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.05, 0.95, 20000)
    >>> y = rng.random(20000) < p
    >>> intercept, slope = calibration_intercept_slope(y, p)
    >>> intercept.contains(0), slope.contains(1), slope.method
    (True, True, 'Wald')
    """
    y, p = check_scores(y_true, y_prob, "calibration_intercept_slope", score_name="y_prob")
    check_probabilities(p, "calibration_intercept_slope")
    nan = Estimate(np.nan, np.nan, np.nan, confidence, "Wald")
    if not both_classes(y, "calibration_intercept_slope"):
        return CalibrationFit(nan, nan)
    z = stats.norm.ppf(0.5 + confidence / 2)
    lp = _logit(p)
    ones = np.ones((len(y), 1))

    def estimate(fit, k: int) -> Estimate:
        value, se = float(fit[0][k]), float(np.sqrt(fit[1][k, k]))
        return Estimate(value, value - z * se, value + z * se, confidence, "Wald")

    citl = _newton_logistic(ones, y.astype(float), lp)
    intercept = estimate(citl, 0) if citl is not None else nan
    if np.ptp(lp) == 0:
        warn_degenerate("calibration_intercept_slope", "the predicted risk is constant, so the slope is undefined")
        return CalibrationFit(intercept, nan)
    fit = _newton_logistic(np.column_stack([ones, lp]), y.astype(float), np.zeros(len(y)))
    if fit is None:
        warn_degenerate(
            "calibration_intercept_slope",
            "the predicted risk separates cases from controls perfectly, so the slope is infinite",
        )
        return CalibrationFit(intercept, nan)
    return CalibrationFit(intercept, estimate(fit, 1))


@validate_params({"y_true": ["array-like"], "y_prob": ["array-like"]})
def calibration_summary(y_true: ArrayLike, y_prob: ArrayLike) -> pd.Series:
    """Brier score, calibration intercept and slope, mean predicted and observed risk.

    The point values only, for a side-by-side table of models; their
    intervals come from :func:`calibration_intercept_slope`.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 outcomes.
    y_prob : array-like of float, shape (n,)
        Predicted risks in [0, 1].

    Returns
    -------
    Series of float
        Index brier, intercept, slope, mean_predicted, observed_rate.

    Examples
    --------
    >>> s = calibration_summary([0, 1, 0, 1, 1], [0.2, 0.8, 0.6, 0.3, 0.9])
    >>> s.index.tolist()
    ['brier', 'intercept', 'slope', 'mean_predicted', 'observed_rate']
    >>> s.round(3).tolist()
    [0.188, 0.234, 0.938, 0.56, 0.6]
    """
    y, p = check_scores(y_true, y_prob, "calibration_summary", score_name="y_prob")
    check_probabilities(p, "calibration_summary")
    intercept, slope = calibration_intercept_slope(y, p)
    return pd.Series(
        {
            "brier": brier_score(y, p),
            "intercept": intercept.value,
            "slope": slope.value,
            "mean_predicted": float(p.mean()),
            "observed_rate": float(y.mean()),
        }
    )


class Recalibrator:
    """A recalibration map fitted on validation data: ``fit(y, score)`` then ``predict(score)``.

    Parameters
    ----------
    method : {"platt", "isotonic"}, default "platt"
        Platt scaling (a logistic regression on the score's logit, or on the
        raw score if it is not a probability, with Platt's smoothed targets so
        that a perfectly separating score still gives finite coefficients) or
        isotonic regression (monotone, more flexible, needs more data).

    Attributes
    ----------
    method : str
        As given.
    is_probability_ : bool
        Whether the fitted scores were in [0, 1] (then Platt works on their logit).
    intercept_, slope_ : float
        The fitted Platt map ``expit(intercept_ + slope_ · x)`` (NaN for isotonic).
    isotonic_ : sklearn.isotonic.IsotonicRegression or None
        The fitted isotonic map.

    Examples
    --------
    >>> from pmed_utils.evaluation import recalibrate
    >>> iso = recalibrate([0, 0, 1, 1, 0, 1], [0.1, 0.3, 0.4, 0.8, 0.2, 0.9], method="isotonic")
    >>> iso.predict([0.05, 0.95]).tolist()
    [0.0, 1.0]
    >>> platt = Recalibrator("platt").fit([0, 0, 1, 1, 0, 1], [0.1, 0.3, 0.4, 0.8, 0.2, 0.9])
    >>> round(platt.slope_, 3), bool(np.all(np.diff(platt.predict([0.1, 0.5, 0.9])) > 0))
    (0.772, True)
    """

    @validate_params({"method": [Options({"platt", "isotonic"})]})
    def __init__(self, method: str = "platt") -> None:
        self.method = method
        self.is_probability_ = False
        self.intercept_ = self.slope_ = float("nan")
        self.isotonic_: IsotonicRegression | None = None
        self._fitted = False

    def _features(self, score: np.ndarray) -> np.ndarray:
        return _logit(score) if self.is_probability_ else score

    @validate_params({"y_true": ["array-like"], "y_score": ["array-like"]})
    def fit(self, y_true: ArrayLike, y_score: ArrayLike) -> Recalibrator:
        """Fit the map on validation labels and scores; returns ``self``.

        Parameters
        ----------
        y_true : array-like of int, shape (n,)
            Validation labels (0/1).
        y_score : array-like of float, shape (n,)
            The model's validation scores (probabilities or any score).

        Returns
        -------
        Recalibrator
            ``self``, fitted. With a single class the map is undefined: a
            :class:`~pmed_utils.validation.DegenerateInputWarning`, and
            ``predict`` returns NaN.
        """
        y, s = check_scores(y_true, y_score, "Recalibrator.fit")
        self.is_probability_ = bool(s.size and s.min() >= 0 and s.max() <= 1)
        self._fitted = True
        if not both_classes(y, "Recalibrator.fit"):
            self.intercept_ = self.slope_ = float("nan")
            self.isotonic_ = None
            return self
        if self.method == "isotonic":
            self.isotonic_ = IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(s, y)
            return self
        n_pos, n_neg = int(y.sum()), int((1 - y).sum())
        target = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))  # Platt (1999)
        x = self._features(s)
        fit = _newton_logistic(np.column_stack([np.ones(len(x)), x]), target, np.zeros(len(x)))
        if fit is None:
            warn_degenerate("Recalibrator.fit", "the validation score is constant")
            self.intercept_ = self.slope_ = float("nan")
        else:
            self.intercept_, self.slope_ = (float(v) for v in fit[0])
        return self

    @validate_params({"y_score": ["array-like"]})
    def predict(self, y_score: ArrayLike) -> np.ndarray:
        """Recalibrated probabilities for new scores.

        Parameters
        ----------
        y_score : array-like of float, shape (n,)
            Scores on the same scale as those given to :meth:`fit`.

        Returns
        -------
        ndarray of float, shape (n,)
            Probabilities in [0, 1].
        """
        if not self._fitted:
            raise RuntimeError("This Recalibrator is not fitted yet: call fit(y_val, score_val) first.")
        s = np.asarray(y_score, dtype=float).reshape(-1)
        if self.isotonic_ is not None:
            return self.isotonic_.predict(s)
        return expit(self.intercept_ + self.slope_ * self._features(s))


@validate_params({"y_val": ["array-like"], "score_val": ["array-like"], "method": [Options({"platt", "isotonic"})]})
def recalibrate(y_val: ArrayLike, score_val: ArrayLike, method: str = "platt") -> Recalibrator:
    """Fit a recalibration map on *validation* data.

    Parameters
    ----------
    y_val : array-like of int, shape (n,)
        Validation labels (0/1).
    score_val : array-like of float, shape (n,)
        The model's validation scores (probabilities or any score).
    method : {"platt", "isotonic"}, default "platt"
        See :class:`Recalibrator`.

    Returns
    -------
    Recalibrator
        The fitted map; ``.predict(test_scores)`` gives recalibrated probabilities.

    Examples
    --------
    >>> platt = recalibrate([0, 0, 1, 1, 0, 1], [0.1, 0.3, 0.4, 0.8, 0.2, 0.9])
    >>> platt.predict([0.1, 0.9]).round(2).tolist()
    [0.18, 0.87]
    """
    return Recalibrator(method).fit(y_val, score_val)
