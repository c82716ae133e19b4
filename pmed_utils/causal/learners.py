"""Individual (conditional) treatment effects: S-, T-, X- and DR-learners, an oracle, and PEHE.

Every learner takes the covariates, treatment and outcome of a study, fits
scikit-learn models, and returns the estimated conditional average treatment
effect (CATE) ``tau(x) = E[Y(1) - Y(0) | X = x]`` for the rows of ``X_test``
(default: the study's own rows).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
from sklearn.linear_model import LinearRegression

from pmed_utils.causal._checks import (
    covariate_matrix,
    outcome_array,
    propensity_array,
    seeded_clone,
    treatment_array,
)
from pmed_utils.causal.weighting import cross_fit_nuisance
from pmed_utils.reproducibility import check_random_state
from pmed_utils.validation import Interval, check_same_length, validate_params, warn_degenerate

__all__ = ["s_learner_cate", "t_learner_cate", "x_learner_cate", "dr_learner_cate", "oracle_cate", "pehe"]


def _default_regressor() -> BaseEstimator:
    return GradientBoostingRegressor(max_depth=2, n_estimators=150, learning_rate=0.05)


def _inputs(X: Any, treatment: Any, outcome: Any, X_test: Any, func: str):
    x = covariate_matrix(X, func)
    t = treatment_array(treatment, func)
    y = outcome_array(outcome, func)
    check_same_length((x, "X"), (t, "treatment"), (y, "outcome"), func=func)
    x_test = x if X_test is None else covariate_matrix(X_test, func, "X_test")
    if x_test.shape[1] != x.shape[1]:
        raise ValueError(
            f"The 'X_test' parameter of {func} must have the {x.shape[1]} columns of X; got {x_test.shape[1]}."
        )
    return x, t, y, x_test


def _both_arms(t: np.ndarray, func: str, n_test: int, minimum: int = 2) -> np.ndarray | None:
    n1, n0 = int(t.sum()), int(t.size - t.sum())
    if n1 < minimum or n0 < minimum:
        warn_degenerate(func, f"{n1} treated and {n0} untreated people (at least {minimum} of each are needed)")
        return np.full(n_test, np.nan)
    return None


_LEARNER = {
    "X": ["array-like"],
    "treatment": ["array-like"],
    "outcome": ["array-like"],
    "model": [BaseEstimator, None],
    "X_test": ["array-like", None],
    "random_state": ["random_state"],
}


@validate_params(_LEARNER)
def s_learner_cate(
    X: Any,
    treatment: Any,
    outcome: Any,
    *,
    model: BaseEstimator | None = None,
    X_test: Any = None,
    random_state: int | np.random.Generator | None = 0,
) -> np.ndarray:
    """CATE from one model of the outcome on the covariates plus the treatment (S-learner).

    ``tau(x) = mu(x, 1) - mu(x, 0)`` where ``mu`` is fitted on ``[X, T]``. A model
    that does not split on the treatment (a shallow tree ensemble, a penalised
    regression) shrinks the effect towards zero.

    Parameters
    ----------
    X : array-like of float, shape (n_samples, n_features)
        Covariates measured before treatment.
    treatment : array-like of 0/1, shape (n_samples,)
        1 = treated.
    outcome : array-like of float, shape (n_samples,)
    model : scikit-learn regressor or None, default None
        None means ``GradientBoostingRegressor(max_depth=2, n_estimators=150, learning_rate=0.05)``.
    X_test : array-like of float, shape (n_test, n_features), or None
        Where to predict the effect; None means ``X``.
    random_state : int, Generator or None, default 0
        Seed for the model.

    Returns
    -------
    ndarray of float, shape (n_test,)
        Estimated effects; NaN with a warning if an arm has fewer than 2 people.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 1)); t = rng.integers(0, 2, 200)
    >>> y = X[:, 0] + 2 * t + 0.1 * rng.normal(size=200)
    >>> from sklearn.linear_model import LinearRegression
    >>> round(float(s_learner_cate(X, t, y, model=LinearRegression()).mean()), 1)
    2.0
    """
    func = "s_learner_cate"
    x, t, y, x_test = _inputs(X, treatment, outcome, X_test, func)
    degenerate = _both_arms(t, func, len(x_test))
    if degenerate is not None:
        return degenerate
    rng = check_random_state(random_state, func=func)
    fitted = seeded_clone(model if model is not None else _default_regressor(), rng, func)
    fitted.fit(np.column_stack([x, t]), y)
    ones, zeros = np.ones(len(x_test)), np.zeros(len(x_test))
    return fitted.predict(np.column_stack([x_test, ones])) - fitted.predict(np.column_stack([x_test, zeros]))


def _arm_models(x, t, y, model, rng, func):
    base = model if model is not None else _default_regressor()
    m0 = seeded_clone(base, rng, func).fit(x[t == 0], y[t == 0])
    m1 = seeded_clone(base, rng, func).fit(x[t == 1], y[t == 1])
    return m0, m1


@validate_params(_LEARNER)
def t_learner_cate(
    X: Any,
    treatment: Any,
    outcome: Any,
    *,
    model: BaseEstimator | None = None,
    X_test: Any = None,
    random_state: int | np.random.Generator | None = 0,
) -> np.ndarray:
    """CATE from two outcome models, one per arm (T-learner).

    ``tau(x) = mu1(x) - mu0(x)``, with ``mu1`` fitted on the treated and ``mu0`` on
    the untreated. Each model's errors go straight into the effect, so the
    T-learner is noisy when an arm is small.

    Parameters
    ----------
    X : array-like of float, shape (n_samples, n_features)
        Covariates measured before treatment.
    treatment : array-like of 0/1, shape (n_samples,)
        1 = treated.
    outcome : array-like of float, shape (n_samples,)
    model : scikit-learn regressor or None, default None
        Cloned for each arm; None as in :func:`s_learner_cate`.
    X_test : array-like of float, shape (n_test, n_features), or None
        Where to predict the effect; None means ``X``.
    random_state : int, Generator or None, default 0
        Seed for the models.

    Returns
    -------
    ndarray of float, shape (n_test,)
        Estimated effects; NaN with a warning if an arm has fewer than 2 people.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 1)); t = rng.integers(0, 2, 300)
    >>> y = X[:, 0] + t * (1 + X[:, 0]) + 0.1 * rng.normal(size=300)
    >>> from sklearn.linear_model import LinearRegression
    >>> t_learner_cate(X, t, y, model=LinearRegression(), X_test=[[0.0], [1.0]]).round(1)
    array([1., 2.])
    """
    func = "t_learner_cate"
    x, t, y, x_test = _inputs(X, treatment, outcome, X_test, func)
    degenerate = _both_arms(t, func, len(x_test))
    if degenerate is not None:
        return degenerate
    rng = check_random_state(random_state, func=func)
    m0, m1 = _arm_models(x, t, y, model, rng, func)
    return m1.predict(x_test) - m0.predict(x_test)


@validate_params({**_LEARNER, "propensity_model": [BaseEstimator, None]})
def x_learner_cate(
    X: Any,
    treatment: Any,
    outcome: Any,
    *,
    model: BaseEstimator | None = None,
    propensity_model: BaseEstimator | None = None,
    X_test: Any = None,
    random_state: int | np.random.Generator | None = 0,
) -> np.ndarray:
    """CATE by the X-learner of Künzel et al. (2019).

    Fit ``mu0`` and ``mu1`` as the T-learner does; impute each treated person's
    effect as ``Y - mu0(x)`` and each untreated person's as ``mu1(x) - Y``; fit
    ``tau1`` and ``tau0`` to these imputed effects; return
    ``e(x) tau0(x) + (1 - e(x)) tau1(x)`` with ``e`` the estimated propensity.

    Parameters
    ----------
    X : array-like of float, shape (n_samples, n_features)
        Covariates measured before treatment.
    treatment : array-like of 0/1, shape (n_samples,)
        1 = treated.
    outcome : array-like of float, shape (n_samples,)
    model : scikit-learn regressor or None, default None
        Used (cloned) for the four regressions; None as in :func:`s_learner_cate`.
    propensity_model : scikit-learn classifier or None, default None
        None means ``GradientBoostingClassifier(max_depth=2)``.
    X_test : array-like of float, shape (n_test, n_features), or None
        Where to predict the effect; None means ``X``.
    random_state : int, Generator or None, default 0
        Seed for the models.

    Returns
    -------
    ndarray of float, shape (n_test,)
        Estimated effects; NaN with a warning if an arm has fewer than 2 people.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 1)); t = rng.integers(0, 2, 300)
    >>> y = X[:, 0] + t * (1 + X[:, 0]) + 0.1 * rng.normal(size=300)
    >>> from sklearn.linear_model import LinearRegression, LogisticRegression
    >>> x_learner_cate(X, t, y, model=LinearRegression(),
    ...                propensity_model=LogisticRegression(), X_test=[[0.0], [1.0]]).round(1)
    array([1., 2.])
    """
    func = "x_learner_cate"
    x, t, y, x_test = _inputs(X, treatment, outcome, X_test, func)
    degenerate = _both_arms(t, func, len(x_test))
    if degenerate is not None:
        return degenerate
    rng = check_random_state(random_state, func=func)
    base = model if model is not None else _default_regressor()
    m0, m1 = _arm_models(x, t, y, base, rng, func)
    treated, control = t == 1, t == 0
    d1 = y[treated] - m0.predict(x[treated])
    d0 = m1.predict(x[control]) - y[control]
    tau1 = seeded_clone(base, rng, func).fit(x[treated], d1)
    tau0 = seeded_clone(base, rng, func).fit(x[control], d0)
    ps = seeded_clone(
        propensity_model if propensity_model is not None else GradientBoostingClassifier(max_depth=2), rng, func
    ).fit(x, t)
    e = ps.predict_proba(x_test)[:, list(ps.classes_).index(1)]
    return e * tau0.predict(x_test) + (1 - e) * tau1.predict(x_test)


@validate_params(
    {
        **_LEARNER,
        "propensity_model": [BaseEstimator, None],
        "final_model": [BaseEstimator, None],
        "propensity": ["array-like", None],
        "W": ["array-like", None],
        "n_folds": [Interval(numbers.Integral, 2, None)],
        "clip": [Interval(numbers.Real, 0, 0.5, closed="left")],
    }
)
def dr_learner_cate(
    X: Any,
    treatment: Any,
    outcome: Any,
    *,
    model: BaseEstimator | None = None,
    propensity_model: BaseEstimator | None = None,
    final_model: BaseEstimator | None = None,
    propensity: Any = None,
    W: Any = None,
    n_folds: int = 5,
    clip: float = 0.01,
    X_test: Any = None,
    random_state: int | np.random.Generator | None = 0,
) -> np.ndarray:
    """CATE by the doubly robust (DR) learner with cross-fitting (Kennedy 2023).

    The nuisance models (outcome per arm, propensity) are cross-fitted by
    :func:`cross_fit_nuisance` on ``X`` and ``W``; each person's doubly robust
    pseudo-outcome ``mu1 - mu0 + T (Y - mu1) / e - (1 - T) (Y - mu0) / (1 - e)``
    (whose mean is the AIPW estimate of the average effect) is then regressed on
    ``X`` alone with ``final_model``, which predicts the effect at ``X_test``.
    As in EconML's ``DRLearner``, ``X`` holds the features the effect may
    depend on and ``W`` the other covariates (they adjust, but do not modify).

    Parameters
    ----------
    X : array-like of float, shape (n_samples, n_features)
        Covariates measured before treatment.
    treatment : array-like of 0/1, shape (n_samples,)
        1 = treated.
    outcome : array-like of float, shape (n_samples,)
    model : scikit-learn regressor or None, default None
        Outcome model for each arm; None as in :func:`s_learner_cate`.
    propensity_model : scikit-learn classifier or None, default None
        None means ``GradientBoostingClassifier(max_depth=2)``; ignored when
        ``propensity`` is given.
    final_model : scikit-learn regressor or None, default None
        Regression of the pseudo-outcome on ``X``; None means ``LinearRegression()``.
    propensity : array-like of float in (0, 1), shape (n_samples,), or None
        Known propensities (as in a trial).
    W : array-like of float, shape (n_samples, n_controls), or None
        Covariates only the nuisance models see; None means none.
    n_folds : int >= 2, default 5
        Cross-fitting folds.
    clip : float in [0, 0.5), default 0.01
        Estimated propensities are clipped to [clip, 1 - clip].
    X_test : array-like of float, shape (n_test, n_features), or None
        Where to predict the effect; None means ``X``.
    random_state : int, Generator or None, default 0
        Seed for the folds and the models.

    Returns
    -------
    ndarray of float, shape (n_test,)
        Estimated effects; NaN with a warning if a fold lacks an arm.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 1)); t = rng.integers(0, 2, 400)
    >>> y = X[:, 0] + t * (1 + X[:, 0]) + 0.1 * rng.normal(size=400)
    >>> from sklearn.linear_model import LinearRegression
    >>> dr_learner_cate(X, t, y, model=LinearRegression(), propensity=np.full(400, 0.5),
    ...                 X_test=[[0.0], [1.0]]).round(1)
    array([1., 2.])
    """
    func = "dr_learner_cate"
    x, t, y, x_test = _inputs(X, treatment, outcome, X_test, func)
    if propensity is not None:
        check_same_length((x, "X"), (propensity_array(propensity, func), "propensity"), func=func)
    x_nuisance = x
    if W is not None:
        w = covariate_matrix(W, func, "W")
        check_same_length((x, "X"), (w, "W"), func=func)
        x_nuisance = np.column_stack([x, w])
    degenerate = _both_arms(t, func, len(x_test), minimum=n_folds)
    if degenerate is not None:
        return degenerate
    rng = check_random_state(random_state, func=func)
    nu = cross_fit_nuisance(
        x_nuisance,
        t,
        y,
        outcome_model=model if model is not None else _default_regressor(),
        propensity_model=propensity_model,
        propensity=propensity,
        n_folds=n_folds,
        clip=clip,
        random_state=rng,
    )
    if np.isnan(nu.mu0).any():
        return np.full(len(x_test), np.nan)
    e = nu.propensity
    pseudo = nu.mu1 - nu.mu0 + t * (y - nu.mu1) / e - (1 - t) * (y - nu.mu0) / (1 - e)
    final = seeded_clone(final_model if final_model is not None else LinearRegression(), rng, func)
    return final.fit(x, pseudo).predict(x_test)


@validate_params(
    {
        "baseline_features": ["array-like"],
        "effect_features": ["array-like"],
        "treatment": ["array-like"],
        "outcome": ["array-like"],
        "effect_features_test": ["array-like", None],
    }
)
def oracle_cate(
    baseline_features: Any, effect_features: Any, treatment: Any, outcome: Any, *, effect_features_test: Any = None
) -> np.ndarray:
    """CATE from the correctly specified linear model: the reference no learner can beat by much.

    Least squares of the outcome on ``[1, B, T, T * E]``, where ``B`` are the
    features the untreated outcome is linear in and ``E`` those the effect is
    linear in (both known only in a simulation); the effect is
    ``[1, E] @ coef`` for the treatment terms. Its error is estimation noise only.

    Parameters
    ----------
    baseline_features : array-like of float, shape (n_samples, n_baseline)
        E.g. ``TrialTruth.baseline_features``.
    effect_features : array-like of float, shape (n_samples, n_effect)
        E.g. ``TrialTruth.effect_features``.
    treatment : array-like of 0/1, shape (n_samples,)
        1 = treated.
    outcome : array-like of float, shape (n_samples,)
    effect_features_test : array-like of float, shape (n_test, n_effect), or None
        Where to predict the effect; None means ``effect_features``.

    Returns
    -------
    ndarray of float, shape (n_test,)
        Estimated effects; NaN with a warning if an arm has fewer than 2 people.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> b = rng.normal(size=(300, 1)); e = rng.integers(0, 2, (300, 1))
    >>> t = rng.integers(0, 2, 300)
    >>> y = 2 * b[:, 0] + t * (0.5 + e[:, 0]) + 0.01 * rng.normal(size=300)
    >>> oracle_cate(b, e, t, y, effect_features_test=[[0], [1]]).round(2)
    array([0.5, 1.5])
    """
    func = "oracle_cate"
    b = covariate_matrix(baseline_features, func, "baseline_features")
    e = covariate_matrix(effect_features, func, "effect_features")
    t = treatment_array(treatment, func)
    y = outcome_array(outcome, func)
    check_same_length((b, "baseline_features"), (e, "effect_features"), (t, "treatment"), (y, "outcome"), func=func)
    e_test = e if effect_features_test is None else covariate_matrix(effect_features_test, func, "effect_features_test")
    if e_test.shape[1] != e.shape[1]:
        raise ValueError(
            f"The 'effect_features_test' parameter of {func} must have the {e.shape[1]} "
            f"columns of effect_features; got {e_test.shape[1]}."
        )
    degenerate = _both_arms(t, func, len(e_test))
    if degenerate is not None:
        return degenerate
    ones = np.ones((len(t), 1))
    design = np.column_stack([ones, b, t[:, None] * np.column_stack([ones, e])])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    effect_coef = coef[1 + b.shape[1] :]
    return np.column_stack([np.ones(len(e_test)), e_test]) @ effect_coef


@validate_params({"cate_true": ["array-like"], "cate_estimate": ["array-like"]})
def pehe(cate_true: Any, cate_estimate: Any) -> float:
    """Precision in estimating heterogeneous effects: root mean squared error of the CATE.

    ``sqrt(mean((tau_hat - tau)^2))``, in the outcome's units (Hill 2011).

    Parameters
    ----------
    cate_true : array-like of float, shape (n_samples,)
        True individual effects (known in a simulation).
    cate_estimate : array-like of float, shape (n_samples,)
        A learner's estimates for the same people.

    Returns
    -------
    float
        The PEHE; NaN with a warning if an estimate is NaN (a degenerate learner).

    Examples
    --------
    >>> pehe([1.0, 2.0], [1.0, 2.0])
    0.0
    >>> round(pehe([0.0, 0.0], [3.0, 4.0]) ** 2, 9)  # (9 + 16) / 2
    12.5
    """
    func = "pehe"
    truth = outcome_array(cate_true, func, "cate_true")
    est = np.asarray(cate_estimate, dtype=float)
    if est.ndim != 1:
        raise ValueError(f"The 'cate_estimate' parameter of {func} must be 1-D; got shape {est.shape}.")
    check_same_length((truth, "cate_true"), (est, "cate_estimate"), func=func)
    if truth.size == 0:
        warn_degenerate(func, "no people")
        return float("nan")
    if np.isnan(est).any():
        warn_degenerate(func, "the estimates contain NaN")
        return float("nan")
    return float(np.sqrt(np.mean((est - truth) ** 2)))
