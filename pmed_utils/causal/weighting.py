"""Average treatment effects: difference in means, inverse-probability weighting and AIPW.

Each estimator returns a :class:`pmed_utils.results.Estimate` whose interval is a
normal (Wald) interval from the estimator's influence function:
``value ± z * sd(phi) / sqrt(n)``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats
from sklearn.base import BaseEstimator
from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
from sklearn.model_selection import StratifiedKFold

from pmed_utils.causal._checks import (
    covariate_matrix,
    outcome_array,
    propensity_array,
    seeded_clone,
    treatment_array,
)
from pmed_utils.reproducibility import check_random_state, derive_seed
from pmed_utils.results import Estimate
from pmed_utils.validation import Interval, check_same_length, validate_params, warn_degenerate

__all__ = ["Nuisance", "difference_in_means", "ipw_ate", "aipw_ate", "cross_fit_nuisance"]

_NAN = float("nan")


def _wald(value: float, phi: np.ndarray, level: float, method: str) -> Estimate:
    se = float(np.std(phi, ddof=1) / np.sqrt(phi.size))
    z = float(stats.norm.ppf(0.5 + level / 2))
    return Estimate(value, value - z * se, value + z * se, level, method)


def _nan_estimate(level: float, method: str) -> Estimate:
    return Estimate(_NAN, _NAN, _NAN, level, method)


def _arms_ok(t: np.ndarray, func: str, minimum: int = 2) -> bool:
    n1, n0 = int(t.sum()), int(t.size - t.sum())
    if n1 < minimum or n0 < minimum:
        warn_degenerate(func, f"{n1} treated and {n0} untreated people (at least {minimum} of each are needed)")
        return False
    return True


@validate_params(
    {"treatment": ["array-like"], "outcome": ["array-like"], "level": [Interval(numbers.Real, 0, 1, closed="neither")]}
)
def difference_in_means(treatment: Any, outcome: Any, *, level: float = 0.95) -> Estimate:
    """Mean outcome of the treated minus that of the untreated, with a Welch interval.

    In a randomised trial this estimates the average treatment effect; in
    observational data it mixes the effect with the differences between the
    people who were and were not treated (the naive estimate).

    Parameters
    ----------
    treatment : array-like of 0/1, shape (n_samples,)
        1 = treated.
    outcome : array-like of float, shape (n_samples,)
    level : float in (0, 1), default 0.95
        Coverage of the interval.

    Returns
    -------
    Estimate
        Difference with its normal interval (standard error
        ``sqrt(s1²/n1 + s0²/n0)``); NaN with a warning if an arm has fewer than 2 people.

    Examples
    --------
    >>> est = difference_in_means([1, 1, 0, 0], [3.0, 5.0, 1.0, 2.0])
    >>> est.value, est.method
    (2.5, 'difference in means (Welch)')
    """
    func = "difference_in_means"
    t = treatment_array(treatment, func)
    y = outcome_array(outcome, func)
    check_same_length((t, "treatment"), (y, "outcome"), func=func)
    method = "difference in means (Welch)"
    if not _arms_ok(t, func):
        return _nan_estimate(level, method)
    y1, y0 = y[t == 1], y[t == 0]
    value = float(y1.mean() - y0.mean())
    se = float(np.sqrt(y1.var(ddof=1) / y1.size + y0.var(ddof=1) / y0.size))
    z = float(stats.norm.ppf(0.5 + level / 2))
    return Estimate(value, value - z * se, value + z * se, level, method)


@validate_params(
    {
        "treatment": ["array-like"],
        "outcome": ["array-like"],
        "propensity": ["array-like"],
        "normalize": ["boolean"],
        "level": [Interval(numbers.Real, 0, 1, closed="neither")],
    }
)
def ipw_ate(treatment: Any, outcome: Any, propensity: Any, *, normalize: bool = True, level: float = 0.95) -> Estimate:
    """Average treatment effect by inverse-probability weighting.

    Each treated person counts ``1 / e`` times and each untreated person
    ``1 / (1 - e)`` times, where ``e`` is the propensity (probability of
    treatment given the covariates); the weighted people then look like a
    randomised trial. The Horvitz–Thompson form is
    ``mean(T Y / e) - mean((1 - T) Y / (1 - e))``; the normalised (Hájek) form
    divides each arm's weighted sum by its sum of weights instead of ``n``.

    Parameters
    ----------
    treatment : array-like of 0/1, shape (n_samples,)
        1 = treated.
    outcome : array-like of float, shape (n_samples,)
    propensity : array-like of float in (0, 1), shape (n_samples,)
        Probability of treatment of each person (known in a trial, estimated otherwise).
    normalize : bool, default True
        Hájek (True) or Horvitz–Thompson (False) weighting.
    level : float in (0, 1), default 0.95
        Coverage of the interval.

    Returns
    -------
    Estimate
        Effect with a Wald interval from the influence function, treating the
        propensities as known; NaN with a warning if an arm has fewer than 2 people.

    Examples
    --------
    >>> t, y, e = [1, 0, 1, 0], [2.0, 1.0, 4.0, 0.0], [0.5, 0.5, 0.25, 0.75]
    >>> ipw_ate(t, y, e, normalize=False).value  # (2/0.5 + 4/0.25)/4 - (1/0.5 + 0/0.25)/4
    4.5
    """
    func = "ipw_ate"
    t = treatment_array(treatment, func)
    y = outcome_array(outcome, func)
    e = propensity_array(propensity, func)
    check_same_length((t, "treatment"), (y, "outcome"), (e, "propensity"), func=func)
    method = "IPW (Hajek)" if normalize else "IPW (Horvitz-Thompson)"
    if not _arms_ok(t, func):
        return _nan_estimate(level, method)
    w1, w0 = t / e, (1 - t) / (1 - e)
    if normalize:
        m1 = float(np.sum(w1 * y) / np.sum(w1))
        m0 = float(np.sum(w0 * y) / np.sum(w0))
        phi = w1 * (y - m1) / w1.mean() - w0 * (y - m0) / w0.mean()
        return _wald(m1 - m0, phi + (m1 - m0), level, method)
    phi = w1 * y - w0 * y
    return _wald(float(phi.mean()), phi, level, method)


@validate_params(
    {
        "treatment": ["array-like"],
        "outcome": ["array-like"],
        "propensity": ["array-like"],
        "mu0": ["array-like"],
        "mu1": ["array-like"],
        "level": [Interval(numbers.Real, 0, 1, closed="neither")],
    }
)
def aipw_ate(treatment: Any, outcome: Any, propensity: Any, mu0: Any, mu1: Any, *, level: float = 0.95) -> Estimate:
    """Average treatment effect by augmented inverse-probability weighting (doubly robust).

    ``mean(phi)`` with ``phi = mu1 - mu0 + T (Y - mu1) / e - (1 - T) (Y - mu0) / (1 - e)``:
    the outcome models' prediction of the effect, corrected by the weighted
    residuals. It is consistent if either the propensities or the outcome
    models are right, and efficient when both are.

    Parameters
    ----------
    treatment : array-like of 0/1, shape (n_samples,)
        1 = treated.
    outcome : array-like of float, shape (n_samples,)
    propensity : array-like of float in (0, 1), shape (n_samples,)
        Probability of treatment of each person.
    mu0, mu1 : array-like of float, shape (n_samples,)
        Predicted outcome of each person without and with treatment (best
        cross-fitted, as :func:`cross_fit_nuisance` returns them).
    level : float in (0, 1), default 0.95
        Coverage of the interval.

    Returns
    -------
    Estimate
        Effect with a Wald interval from the influence function; NaN with a
        warning if an arm has fewer than 2 people.

    Examples
    --------
    >>> t, y = [1, 0, 1, 0], [2.0, 1.0, 4.0, 0.0]
    >>> aipw_ate(t, y, [0.5] * 4, mu0=[0.5] * 4, mu1=[3.0] * 4).value
    2.5
    """
    func = "aipw_ate"
    t = treatment_array(treatment, func)
    y = outcome_array(outcome, func)
    e = propensity_array(propensity, func)
    m0 = outcome_array(mu0, func, "mu0")
    m1 = outcome_array(mu1, func, "mu1")
    check_same_length((t, "treatment"), (y, "outcome"), (e, "propensity"), (m0, "mu0"), (m1, "mu1"), func=func)
    if not _arms_ok(t, func):
        return _nan_estimate(level, "AIPW")
    phi = m1 - m0 + t * (y - m1) / e - (1 - t) * (y - m0) / (1 - e)
    return _wald(float(phi.mean()), phi, level, "AIPW")


@dataclass(frozen=True)
class Nuisance:
    """Cross-fitted nuisance predictions: each person's come from models fitted without them.

    Attributes
    ----------
    propensity : ndarray of float, shape (n_samples,)
        Estimated probability of treatment, clipped to [clip, 1 - clip].
    mu0, mu1 : ndarray of float, shape (n_samples,)
        Predicted outcome without and with treatment.
    folds : ndarray of int, shape (n_samples,)
        The fold each person was predicted in.

    Examples
    --------
    >>> nu = Nuisance(np.full(2, 0.5), np.zeros(2), np.ones(2), np.array([0, 1]))
    >>> float((nu.mu1 - nu.mu0).mean())
    1.0
    """

    propensity: np.ndarray
    mu0: np.ndarray
    mu1: np.ndarray
    folds: np.ndarray


def _nan_nuisance(n: int) -> Nuisance:
    nan = np.full(n, _NAN)
    return Nuisance(nan, nan.copy(), nan.copy(), np.full(n, -1))


@validate_params(
    {
        "X": ["array-like"],
        "treatment": ["array-like"],
        "outcome": ["array-like"],
        "outcome_model": [BaseEstimator, None],
        "propensity_model": [BaseEstimator, None],
        "propensity": ["array-like", None],
        "n_folds": [Interval(numbers.Integral, 2, None)],
        "clip": [Interval(numbers.Real, 0, 0.5, closed="left")],
        "random_state": ["random_state"],
    }
)
def cross_fit_nuisance(
    X: Any,
    treatment: Any,
    outcome: Any,
    *,
    outcome_model: BaseEstimator | None = None,
    propensity_model: BaseEstimator | None = None,
    propensity: Any = None,
    n_folds: int = 5,
    clip: float = 0.01,
    random_state: int | np.random.Generator | None = 0,
) -> Nuisance:
    """Out-of-fold outcome and propensity predictions for AIPW and the DR-learner.

    The people are split into ``n_folds`` folds stratified by treatment. For each
    fold, an outcome model is fitted on the untreated and one on the treated of
    the other folds, and a propensity model on all of the other folds; they
    predict the people of the held-out fold. No one's predictions come from a
    model that saw their outcome, which keeps overfitting out of the effect estimates.

    Parameters
    ----------
    X : array-like of float, shape (n_samples, n_features)
        Covariates measured before treatment.
    treatment : array-like of 0/1, shape (n_samples,)
        1 = treated.
    outcome : array-like of float, shape (n_samples,)
    outcome_model : scikit-learn regressor or None, default None
        Cloned for each fold and arm; None means ``GradientBoostingRegressor(max_depth=2)``.
    propensity_model : scikit-learn classifier or None, default None
        Cloned for each fold; None means ``GradientBoostingClassifier(max_depth=2)``.
        Ignored when ``propensity`` is given.
    propensity : array-like of float in (0, 1), shape (n_samples,), or None
        Known propensities (as in a trial); used instead of a propensity model.
    n_folds : int >= 2, default 5
    clip : float in [0, 0.5), default 0.01
        Estimated propensities are clipped to [clip, 1 - clip].
    random_state : int, Generator or None, default 0
        Seed for the folds and the models.

    Returns
    -------
    Nuisance
        Cross-fitted propensity, mu0 and mu1; all NaN with a warning if a fold's
        training part lacks treated or untreated people.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 1)); t = rng.integers(0, 2, 200)
    >>> y = X[:, 0] + 2 * t + 0.1 * rng.normal(size=200)
    >>> nu = cross_fit_nuisance(X, t, y, outcome_model=LinearRegression(),
    ...                         propensity=np.full(200, 0.5), random_state=0)
    >>> round(float(np.mean(nu.mu1 - nu.mu0)), 1)
    2.0
    """
    func = "cross_fit_nuisance"
    x = covariate_matrix(X, func)
    t = treatment_array(treatment, func)
    y = outcome_array(outcome, func)
    arrays = [(x, "X"), (t, "treatment"), (y, "outcome")]
    known = None
    if propensity is not None:
        known = propensity_array(propensity, func)
        arrays.append((known, "propensity"))
    n = check_same_length(*arrays, func=func)
    rng = check_random_state(random_state, func=func)
    n1, n0 = int(t.sum()), int(n - t.sum())
    if min(n1, n0) < n_folds:
        warn_degenerate(func, f"{n1} treated and {n0} untreated people cannot fill {n_folds} folds with both arms")
        return _nan_nuisance(n)
    outcome_model = outcome_model if outcome_model is not None else GradientBoostingRegressor(max_depth=2)
    propensity_model = propensity_model if propensity_model is not None else GradientBoostingClassifier(max_depth=2)
    folds = np.empty(n, dtype=int)
    e, m0, m1 = np.empty(n), np.empty(n), np.empty(n)
    splitter = StratifiedKFold(n_folds, shuffle=True, random_state=derive_seed(rng, func=func))
    for k, (train, test) in enumerate(splitter.split(x, t)):
        folds[test] = k
        t_train = t[train]
        if t_train.min() == t_train.max():
            warn_degenerate(func, f"fold {k} has only one treatment arm in its training part")
            return _nan_nuisance(n)
        for arm, target in ((0, m0), (1, m1)):
            rows = train[t_train == arm]
            model = seeded_clone(outcome_model, rng, func).fit(x[rows], y[rows])
            target[test] = model.predict(x[test])
        if known is None:
            model = seeded_clone(propensity_model, rng, func).fit(x[train], t_train)
            e[test] = model.predict_proba(x[test])[:, list(model.classes_).index(1)]
        else:
            e[test] = known[test]
    if known is None:
        e = np.clip(e, clip, 1 - clip) if clip > 0 else e
        if ((e <= 0) | (e >= 1)).any():
            warn_degenerate(func, "an estimated propensity is 0 or 1 (set clip > 0)")
            return _nan_nuisance(n)
    return Nuisance(e, m0, m1, folds)
