"""Kaplan–Meier curves, the log-rank test and the Cox proportional-hazards model.

Kaplan–Meier curves and the log-rank test come from scikit-survival
(``kaplan_meier_estimator``, ``compare_survival``); the Cox coefficients from its
``CoxPHSurvivalAnalysis`` (Breslow ties). scikit-survival gives no standard
errors, so :func:`cox_partial_likelihood` computes the Breslow log partial
likelihood with its gradient and Hessian, and the Wald intervals of the hazard
ratios use the inverse of the observed information at the fit.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from pmed_utils.results import Estimate
from pmed_utils.survival._checks import covariate_matrix, score_array, structured_y, survival_arrays
from pmed_utils.validation import Interval, check_same_length, validate_params, warn_degenerate

__all__ = [
    "KaplanMeierCurve",
    "kaplan_meier",
    "LogRankResult",
    "logrank_test",
    "cox_partial_likelihood",
    "CoxFit",
    "fit_cox",
]


@dataclass(frozen=True)
class KaplanMeierCurve:
    """A Kaplan–Meier survival curve with its pointwise confidence band.

    Attributes
    ----------
    time : ndarray of float, shape (n_times,)
        The distinct observed times (events and censorings), ascending.
    survival : ndarray of float, shape (n_times,)
        Estimated probability of being event-free just after each time.
    low, high : ndarray of float, shape (n_times,)
        Pointwise confidence band (log-log transform); NaN without events.
    n_at_risk, n_events : ndarray of int, shape (n_times,)
        People at risk just before each time, and events at it.
    level : float
        Coverage of the band.

    Examples
    --------
    >>> km = kaplan_meier([1.0, 2.0, 3.0], [1, 0, 1])
    >>> km.survival.tolist(), km.survival_at(2.5)
    ([0.6666666666666667, 0.6666666666666667, 0.0], 0.6666666666666667)
    """

    time: np.ndarray
    survival: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n_at_risk: np.ndarray
    n_events: np.ndarray
    level: float = 0.95

    def survival_at(self, t: float) -> float:
        """The step function's value at time ``t`` (1 before the first time)."""
        i = int(np.searchsorted(self.time, t, side="right")) - 1
        return 1.0 if i < 0 else float(self.survival[i])

    def risk_at(self, t: float) -> Estimate:
        """The cumulative incidence ``1 - S(t)`` with its interval, as an :class:`Estimate`."""
        i = int(np.searchsorted(self.time, t, side="right")) - 1
        if i < 0:
            return Estimate(0.0, 0.0, 0.0, self.level, "Kaplan-Meier")
        low, high = 1 - self.high[i], 1 - self.low[i]
        return Estimate(1 - self.survival[i], low, high, self.level, "Kaplan-Meier, log-log")


@validate_params(
    {"time": ["array-like"], "event": ["array-like"], "level": [Interval(numbers.Real, 0, 1, closed="neither")]}
)
def kaplan_meier(time: Any, event: Any, *, level: float = 0.95) -> KaplanMeierCurve:
    """Estimate the survival curve of right-censored times (Kaplan–Meier).

    Parameters
    ----------
    time : array-like of float, shape (n_samples,)
        Time of the event or of censoring, > 0.
    event : array-like of 0/1 or bool, shape (n_samples,)
        1 if the event was observed at ``time``, 0 if censored.
    level : float in (0, 1), default 0.95
        Coverage of the pointwise band (log-log transform, as R's ``survfit`` with
        ``conf.type = "log-log"``).

    Returns
    -------
    KaplanMeierCurve
        Survival estimate with band, people at risk and events at each distinct time.

    Examples
    --------
    >>> km = kaplan_meier([2.0, 3.0, 3.0, 5.0, 8.0], [1, 1, 0, 1, 0])
    >>> km.time.tolist(), km.n_at_risk.tolist(), km.n_events.tolist()
    ([2.0, 3.0, 5.0, 8.0], [5, 4, 2, 1], [1, 1, 1, 0])
    >>> km.survival.round(3).tolist()
    [0.8, 0.6, 0.3, 0.3]
    """
    t, e = survival_arrays(time, event, "kaplan_meier")
    uniq, inverse = np.unique(t, return_inverse=True)
    n_events = np.bincount(inverse, weights=e, minlength=uniq.size).astype(int)
    n_exits = np.bincount(inverse, minlength=uniq.size)
    n_at_risk = t.size - np.concatenate([[0], np.cumsum(n_exits)[:-1]])
    if not e.any():
        warn_degenerate("kaplan_meier", "no events were observed, so the confidence band is undefined")
        nan = np.full(uniq.size, np.nan)
        return KaplanMeierCurve(uniq, np.ones(uniq.size), nan, nan.copy(), n_at_risk, n_events, float(level))
    from sksurv.nonparametric import kaplan_meier_estimator

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0/0 in the band where S reaches 0
        times, surv, band = kaplan_meier_estimator(e, t, conf_level=level, conf_type="log-log")
    low, high = band[0].copy(), band[1].copy()
    zero = surv <= 0
    low[zero], high[zero] = 0.0, np.where(np.isfinite(high[zero]), high[zero], 0.0)
    return KaplanMeierCurve(times, surv, low, high, n_at_risk, n_events, float(level))


@dataclass(frozen=True)
class LogRankResult:
    """The log-rank test comparing survival between groups.

    Attributes
    ----------
    statistic : float
        Chi-squared statistic (NaN if undefined).
    df : int
        Degrees of freedom (number of groups - 1).
    pvalue : float
    table : DataFrame
        Per group: ``n``, ``observed`` and ``expected`` events.

    Examples
    --------
    >>> res = logrank_test([1.0, 2.0, 3.0, 4.0], [1, 1, 1, 1], [0, 1, 0, 1])
    >>> res.df, round(res.statistic, 4)
    (1, 0.6154)
    """

    statistic: float
    df: int
    pvalue: float
    table: pd.DataFrame = field(repr=False)


@validate_params({"time": ["array-like"], "event": ["array-like"], "group": ["array-like"]})
def logrank_test(time: Any, event: Any, group: Any) -> LogRankResult:
    """Test whether survival differs between groups (log-rank test).

    Parameters
    ----------
    time : array-like of float, shape (n_samples,)
        Time of the event or of censoring, > 0.
    event : array-like of 0/1 or bool, shape (n_samples,)
        1 if the event was observed, 0 if censored.
    group : array-like, shape (n_samples,)
        Group label of each person (two or more groups).

    Returns
    -------
    LogRankResult
        Statistic, degrees of freedom, p-value and observed/expected events per
        group; NaN (with a warning) for fewer than two groups or no events.

    Examples
    --------
    >>> res = logrank_test([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [1, 1, 1, 1, 1, 0],
    ...                    ["a", "a", "a", "b", "b", "b"])
    >>> res.table["observed"].tolist()
    [3, 2]
    >>> round(res.pvalue, 3)
    0.025
    """
    func = "logrank_test"
    t, e = survival_arrays(time, event, func)
    g = np.asarray(group)
    if g.ndim != 1:
        raise ValueError(f"The 'group' parameter of {func} must be 1-D; got shape {g.shape}.")

    check_same_length((t, "time"), (g, "group"), func=func)
    if pd.isna(pd.Series(g)).any():
        raise ValueError(f"The 'group' parameter of {func} contains missing labels; drop or label them first.")
    levels = np.unique(g)
    if levels.size < 2 or not e.any():
        reason = "fewer than two groups were given" if levels.size < 2 else "no events were observed"
        warn_degenerate(func, reason)
        return LogRankResult(np.nan, max(levels.size - 1, 0), np.nan, pd.DataFrame())
    from sksurv.compare import compare_survival

    chisq, pvalue, table, _ = compare_survival(structured_y(t, e), g, return_stats=True)
    out = pd.DataFrame(
        {
            "n": table["counts"].to_numpy(int),
            "observed": table["observed"].to_numpy(int),
            "expected": table["expected"].to_numpy(float),
        },
        index=pd.Index(table.index, name="group"),
    )
    return LogRankResult(float(chisq), int(levels.size - 1), float(pvalue), out)


def _partial_likelihood(beta: np.ndarray, X: np.ndarray, t: np.ndarray, e: np.ndarray):
    order = np.argsort(t, kind="stable")
    X, t, e = X[order], t[order], e[order]
    first = np.searchsorted(t, t, side="left")  # start of each person's tie group: Breslow risk set
    eta = X @ beta
    shift = eta.max()
    w = np.exp(eta - shift)
    s0 = np.cumsum(w[::-1])[::-1][first]
    s1 = np.cumsum((w[:, None] * X)[::-1], axis=0)[::-1][first]
    s2 = np.cumsum((w[:, None, None] * X[:, :, None] * X[:, None, :])[::-1], axis=0)[::-1][first]
    d = e.astype(bool)
    mean = s1[d] / s0[d, None]
    loglik = float(np.sum(eta[d] - shift - np.log(s0[d])))
    gradient = np.sum(X[d] - mean, axis=0)
    hessian = -np.sum(s2[d] / s0[d, None, None] - mean[:, :, None] * mean[:, None, :], axis=0)
    return loglik, gradient, hessian


@validate_params(
    {"coef": ["array-like"], "X": ["array-like", "dataframe"], "time": ["array-like"], "event": ["array-like"]}
)
def cox_partial_likelihood(coef: Any, X: Any, time: Any, event: Any) -> tuple[float, np.ndarray, np.ndarray]:
    """The Cox log partial likelihood (Breslow ties) with its gradient and Hessian.

    ``l(b) = sum over events i of [x_i b - log sum_{j: t_j >= t_i} exp(x_j b)]``.

    Parameters
    ----------
    coef : array-like of float, shape (n_features,)
        Log hazard ratios at which to evaluate.
    X : array-like or DataFrame of float, shape (n_samples, n_features)
        Covariates.
    time : array-like of float, shape (n_samples,)
        Time of the event or of censoring, > 0.
    event : array-like of 0/1 or bool, shape (n_samples,)
        1 if the event was observed.

    Returns
    -------
    loglik : float
        The log partial likelihood.
    gradient : ndarray of float, shape (n_features,)
        Its first derivatives (the score).
    hessian : ndarray of float, shape (n_features, n_features)
        Its second derivatives (minus the observed information).

    Examples
    --------
    >>> ll, grad, hess = cox_partial_likelihood([0.0], [[0.0], [1.0]], [1.0, 2.0], [1, 1])
    >>> round(ll, 4), grad.round(3).tolist(), hess.round(3).tolist()
    (-0.6931, [-0.5], [[-0.25]])
    """
    func = "cox_partial_likelihood"
    Xm, _ = covariate_matrix(X, func)
    t, e = survival_arrays(time, event, func)

    check_same_length((Xm, "X"), (t, "time"), func=func)
    b = score_array(coef, func, "coef")
    if b.size != Xm.shape[1]:
        raise ValueError(
            f"The 'coef' parameter of {func} must have one value per column of X ({Xm.shape[1]}); got {b.size}."
        )
    return _partial_likelihood(b, Xm, t, e)


@dataclass(frozen=True)
class CoxFit:
    """A fitted Cox proportional-hazards model.

    Attributes
    ----------
    names : list of str
        Covariate names.
    coef, se : ndarray of float, shape (n_features,)
        Log hazard ratios and their standard errors (inverse observed information).
    hazard_ratios : dict of str to Estimate
        ``exp(coef)`` with Wald intervals, per covariate.
    baseline_time, baseline_cumulative_hazard : ndarray of float, shape (n_event_times,)
        Breslow's estimate of the cumulative hazard at ``x = 0``.
    loglik : float
        Log partial likelihood at the fit.

    Examples
    --------
    >>> fit = CoxFit(["prs"], np.array([0.7]), np.array([0.1]), {}, np.array([1.0]), np.array([0.1]), -3.0)
    >>> fit.risk_score([[1.0], [0.0]]).tolist()
    [0.7, 0.0]
    """

    names: list
    coef: np.ndarray
    se: np.ndarray
    hazard_ratios: dict
    baseline_time: np.ndarray
    baseline_cumulative_hazard: np.ndarray
    loglik: float

    def risk_score(self, X: Any) -> np.ndarray:
        """The linear predictor ``X @ coef`` (higher = earlier event), shape (n_samples,)."""
        Xm, _ = covariate_matrix(X, "CoxFit.risk_score")
        if Xm.shape[1] != self.coef.size:
            raise ValueError(
                f"CoxFit.risk_score: X must have {self.coef.size} columns ({self.names}); got {Xm.shape[1]}."
            )
        return Xm @ self.coef

    def event_probability(self, X: Any, horizon: float) -> np.ndarray:
        """Predicted probability of the event by ``horizon``: ``1 - exp(-H0(horizon) exp(X coef))``."""
        i = int(np.searchsorted(self.baseline_time, horizon, side="right")) - 1
        h0 = 0.0 if i < 0 else float(self.baseline_cumulative_hazard[i])
        return 1.0 - np.exp(-h0 * np.exp(self.risk_score(X)))


@validate_params(
    {
        "X": ["array-like", "dataframe"],
        "time": ["array-like"],
        "event": ["array-like"],
        "level": [Interval(numbers.Real, 0, 1, closed="neither")],
    }
)
def fit_cox(X: Any, time: Any, event: Any, *, level: float = 0.95) -> CoxFit:
    """Fit a Cox proportional-hazards model; hazard ratios with Wald intervals.

    Coefficients from scikit-survival's ``CoxPHSurvivalAnalysis`` (Newton–Raphson
    on the Breslow partial likelihood, no penalty); standard errors from the
    inverse of the observed information (:func:`cox_partial_likelihood`); the
    baseline cumulative hazard by Breslow's estimator. These are the defaults of
    R's ``survival::coxph(..., ties = "breslow")``.

    Parameters
    ----------
    X : array-like or DataFrame of float, shape (n_samples, n_features)
        Covariates (a DataFrame's column names name the hazard ratios; else x0, x1...).
        Standardise a covariate to read its hazard ratio per standard deviation.
    time : array-like of float, shape (n_samples,)
        Time of the event or of censoring, > 0.
    event : array-like of 0/1 or bool, shape (n_samples,)
        1 if the event was observed.
    level : float in (0, 1), default 0.95
        Coverage of the intervals.

    Returns
    -------
    CoxFit
        Coefficients, standard errors, hazard ratios (:class:`Estimate`, method
        "Wald"), baseline cumulative hazard. Without events: NaN, with a warning.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=300)
    >>> t = rng.exponential(1 / np.exp(0.7 * x))
    >>> fit = fit_cox(pd.DataFrame({"x": x}), t, np.ones(300))
    >>> hr = fit.hazard_ratios["x"]
    >>> bool(hr.contains(np.exp(0.7))), hr.method
    (True, 'Wald')
    """
    func = "fit_cox"
    Xm, names = covariate_matrix(X, func)
    t, e = survival_arrays(time, event, func)

    check_same_length((Xm, "X"), (t, "time"), func=func)
    p = Xm.shape[1]
    constant = [names[j] for j in range(p) if np.ptp(Xm[:, j]) == 0]
    if constant:
        raise ValueError(
            f"The 'X' parameter of {func} has constant column(s) {constant}; a hazard ratio needs variation."
        )
    if np.linalg.matrix_rank(Xm - Xm.mean(axis=0)) < p:
        raise ValueError(f"The 'X' parameter of {func} has collinear columns ({names}); drop one of them.")
    if not e.any():
        warn_degenerate(func, "no events were observed")
        nan = np.full(p, np.nan)
        hrs = {n: Estimate(np.nan, np.nan, np.nan, level, "Wald") for n in names}
        return CoxFit(names, nan, nan.copy(), hrs, np.array([]), np.array([]), np.nan)
    from sksurv.linear_model import CoxPHSurvivalAnalysis

    center = Xm.mean(axis=0)
    model = CoxPHSurvivalAnalysis(ties="breslow")
    from scipy.linalg import LinAlgError, LinAlgWarning
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", category=ConvergenceWarning)
        warnings.simplefilter("error", category=LinAlgWarning)
        warnings.simplefilter("error", category=RuntimeWarning)  # overflow or 0/0 when a coefficient diverges
        try:
            model.fit(Xm - center, structured_y(t, e))
        except (ConvergenceWarning, LinAlgWarning, RuntimeWarning, LinAlgError, ValueError) as caught:
            raise ValueError(
                f"{func}: the Cox model did not converge ({caught}); some covariate may separate events from "
                "non-events completely, or there are too few events for the covariates."
            ) from None
    coef = np.asarray(model.coef_, dtype=float)
    loglik, _, hessian = _partial_likelihood(coef, Xm, t, e)
    cov = np.linalg.inv(-hessian)
    se = np.sqrt(np.diag(cov))
    z = stats.norm.ppf(0.5 + level / 2)
    hrs = {
        n: Estimate(np.exp(b), np.exp(b - z * s), np.exp(b + z * s), level, "Wald")
        for n, b, s in zip(names, coef, se, strict=True)
    }
    w = np.exp(Xm @ coef)
    order = np.argsort(t, kind="stable")
    ts, es, ws = t[order], e[order], w[order]
    uniq, deaths = np.unique(ts[es], return_counts=True)
    at_risk = np.cumsum(ws[::-1])[::-1][np.searchsorted(ts, uniq, side="left")]
    cumhaz = np.cumsum(deaths / at_risk)
    return CoxFit(names, coef, se, hrs, uniq, cumhaz, loglik)
