"""How well a risk score predicts time to event: C-indices, time-dependent AUC, calibration.

Harrell's C counts, among pairs whose order is known despite censoring, the share
the score ranks correctly; it depends on the censoring pattern. Uno's C weights
the pairs by the inverse probability of remaining uncensored (estimated by
Kaplan–Meier on training data) and so estimates a concordance that does not,
up to a truncation time. The cumulative/dynamic AUC at time t asks whether
people with an event by t score higher than those still event-free at t. The
concordance computations are scikit-survival's.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pmed_utils.reproducibility import check_random_state
from pmed_utils.results import Estimate
from pmed_utils.survival._checks import score_array, structured_y, survival_arrays
from pmed_utils.survival.estimators import kaplan_meier
from pmed_utils.validation import Interval, check_same_length, validate_params, warn_degenerate

__all__ = [
    "cross_validated_c_index",
    "harrell_c_index",
    "uno_c_index",
    "TimeDependentAUC",
    "time_dependent_auc",
    "calibration_at_horizon",
]


def _with_bootstrap(
    stat: Callable[[np.ndarray], float], n: int, n_bootstrap: int, level: float, random_state: Any, method: str
) -> Estimate:
    value = stat(np.arange(n))
    if n_bootstrap == 0 or not np.isfinite(value):
        return Estimate(value, np.nan, np.nan, level, method)
    rng = check_random_state(random_state)
    draws = np.array([stat(rng.integers(0, n, n)) for _ in range(n_bootstrap)])
    draws = draws[np.isfinite(draws)]
    low, high = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return Estimate(value, low, high, level, f"{method}, bootstrap percentile")


def _harrell(t: np.ndarray, e: np.ndarray, r: np.ndarray) -> float:
    from sksurv.exceptions import NoComparablePairException
    from sksurv.metrics import concordance_index_censored

    if not e.any():
        return np.nan
    try:
        return float(concordance_index_censored(e, t, r)[0])
    except NoComparablePairException:
        return np.nan


_BOOT: dict[str, list[Any]] = {
    "n_bootstrap": [Interval(numbers.Integral, 0, None)],
    "level": [Interval(numbers.Real, 0, 1, closed="neither")],
    "random_state": ["random_state"],
}


@validate_params({"time": ["array-like"], "event": ["array-like"], "risk": ["array-like"], **_BOOT})
def harrell_c_index(
    time: Any,
    event: Any,
    risk: Any,
    *,
    n_bootstrap: int = 0,
    level: float = 0.95,
    random_state: int | np.random.Generator | None = 0,
) -> Estimate:
    """Harrell's concordance index of a risk score (higher score = earlier event).

    Parameters
    ----------
    time : array-like of float, shape (n_samples,)
        Time of the event or of censoring, > 0.
    event : array-like of 0/1 or bool, shape (n_samples,)
        1 if the event was observed.
    risk : array-like of float, shape (n_samples,)
        Predicted risk (e.g. a Cox linear predictor); ties count one half.
    n_bootstrap : int >= 0, default 0
        Bootstrap resamples for a percentile interval (0: no interval, NaN bounds).
    level : float in (0, 1), default 0.95
        Coverage of the interval.
    random_state : int, Generator or None, default 0
        Seed for the bootstrap.

    Returns
    -------
    Estimate
        The C-index in [0, 1] (0.5 = random ranking); NaN with a warning if no
        pair is comparable (e.g. no events).

    Examples
    --------
    >>> c = harrell_c_index([1.0, 2.0, 3.0, 4.0], [1, 1, 0, 1], [4.0, 1.0, 3.0, 2.0])
    >>> round(c.value, 3)
    0.6
    """
    func = "harrell_c_index"
    t, e = survival_arrays(time, event, func)
    r = score_array(risk, func)
    check_same_length((t, "time"), (r, "risk"), func=func)
    if np.isnan(_harrell(t, e, r)):
        warn_degenerate(func, "no pair of people is comparable (no events, or all events tied with the others)")
        return Estimate(np.nan, np.nan, np.nan, level, "Harrell")
    return _with_bootstrap(lambda i: _harrell(t[i], e[i], r[i]), t.size, n_bootstrap, level, random_state, "Harrell")


@validate_params(
    {
        "train_time": ["array-like"],
        "train_event": ["array-like"],
        "time": ["array-like"],
        "event": ["array-like"],
        "risk": ["array-like"],
        "tau": [Interval(numbers.Real, 0, None, closed="neither"), None],
        **_BOOT,
    }
)
def uno_c_index(
    train_time: Any,
    train_event: Any,
    time: Any,
    event: Any,
    risk: Any,
    *,
    tau: float | None = None,
    n_bootstrap: int = 0,
    level: float = 0.95,
    random_state: int | np.random.Generator | None = 0,
) -> Estimate:
    """Uno's inverse-probability-of-censoring weighted C-index, truncated at ``tau``.

    Parameters
    ----------
    train_time, train_event : array-like, shape (n_train,)
        Times (> 0) and 0/1 event indicators of the data the censoring
        distribution is estimated from (usually the training set).
    time, event : array-like, shape (n_samples,)
        Times (> 0) and 0/1 event indicators of the people scored; their times
        must not exceed the largest training time (times beyond ``tau`` are
        truncated at ``tau`` first: they do not change the index).
    risk : array-like of float, shape (n_samples,)
        Predicted risk (higher = earlier event).
    tau : float > 0 or None, default None
        Truncation time: only pairs whose earlier time is below ``tau`` count
        (choose one where censoring has not removed nearly everyone); None uses
        the largest time.
    n_bootstrap : int >= 0, default 0
        Bootstrap resamples of the scored people for a percentile interval.
    level : float in (0, 1), default 0.95
        Coverage of the interval.
    random_state : int, Generator or None, default 0
        Seed for the bootstrap.

    Returns
    -------
    Estimate
        Uno's C; NaN with a warning if no pair is comparable.

    Examples
    --------
    >>> t = [1.0, 2.0, 3.0, 4.0, 5.0]
    >>> c = uno_c_index(t, [1, 1, 0, 1, 0], t, [1, 1, 0, 1, 0], [5.0, 4.0, 3.0, 2.0, 1.0])
    >>> c.value
    1.0
    """
    func = "uno_c_index"
    t0, e0 = survival_arrays(train_time, train_event, func, prefix="train_")
    t, e = survival_arrays(time, event, func)
    r = score_array(risk, func)
    check_same_length((t, "time"), (r, "risk"), func=func)
    if tau is not None:
        # Pairs only count when the earlier time is below tau: later times can be truncated at tau.
        beyond = t > tau
        t, e = np.where(beyond, tau, t), e & ~beyond
    if t.max() > t0.max():
        raise ValueError(
            f"The 'time' parameter of {func} has times ({t.max():g}) beyond the largest training time "
            f"({t0.max():g}); the censoring distribution is unknown there. Pass tau and drop later times, or "
            "estimate censoring on data that covers them."
        )
    from sksurv.exceptions import NoComparablePairException
    from sksurv.metrics import concordance_index_ipcw

    y0 = structured_y(t0, e0)

    def stat(i: np.ndarray) -> float:
        if not e[i].any():
            return np.nan
        try:
            with np.errstate(divide="ignore", invalid="ignore"):
                return float(concordance_index_ipcw(y0, structured_y(t[i], e[i]), r[i], tau=tau)[0])
        except (NoComparablePairException, ValueError, ZeroDivisionError):
            return np.nan

    if not np.isfinite(stat(np.arange(t.size))):
        warn_degenerate(func, "no pair of people is comparable before tau (no events, or censoring removed them)")
        return Estimate(np.nan, np.nan, np.nan, level, "Uno")
    return _with_bootstrap(stat, t.size, n_bootstrap, level, random_state, "Uno")


@dataclass(frozen=True)
class TimeDependentAUC:
    """Cumulative/dynamic AUC at several times.

    Attributes
    ----------
    times : ndarray of float, shape (n_times,)
    auc : ndarray of float, shape (n_times,)
        AUC for separating people with an event by each time from those event-free at it.
    mean_auc : float
        Mean AUC weighted by the change of the Kaplan–Meier estimate (scikit-survival's).

    Examples
    --------
    >>> res = TimeDependentAUC(np.array([1.0, 2.0]), np.array([0.7, 0.8]), 0.75)
    >>> res.to_frame()["auc"].tolist()
    [0.7, 0.8]
    """

    times: np.ndarray
    auc: np.ndarray
    mean_auc: float

    def to_frame(self) -> pd.DataFrame:
        """One row per time: ``time``, ``auc``."""
        return pd.DataFrame({"time": self.times, "auc": self.auc})


@validate_params(
    {
        "train_time": ["array-like"],
        "train_event": ["array-like"],
        "time": ["array-like"],
        "event": ["array-like"],
        "risk": ["array-like"],
        "times": ["array-like"],
    }
)
def time_dependent_auc(
    train_time: Any, train_event: Any, time: Any, event: Any, risk: Any, times: Any
) -> TimeDependentAUC:
    """Cumulative/dynamic AUC of a risk score at given times (IPCW, Uno et al. 2007).

    Parameters
    ----------
    train_time, train_event : array-like, shape (n_train,)
        Times (> 0) and 0/1 events the censoring distribution is estimated from.
    time, event : array-like, shape (n_samples,)
        Times (> 0) and 0/1 events of the people scored.
    risk : array-like of float, shape (n_samples,)
        Predicted risk (higher = earlier event).
    times : array-like of float, shape (n_times,)
        Times at which to evaluate, each inside the range of the scored times.

    Returns
    -------
    TimeDependentAUC
        AUC per time and their weighted mean.

    Examples
    --------
    >>> t = np.arange(1.0, 11.0)
    >>> e = np.ones(10)
    >>> res = time_dependent_auc(t, e, t, e, -t, [3.0, 6.0])
    >>> res.auc.round(6).tolist()
    [1.0, 1.0]
    """
    func = "time_dependent_auc"
    t0, e0 = survival_arrays(train_time, train_event, func, prefix="train_")
    t, e = survival_arrays(time, event, func)
    r = score_array(risk, func)
    check_same_length((t, "time"), (r, "risk"), func=func)
    grid = score_array(times, func, "times")
    lo, hi = t.min(), t.max()
    if ((grid < lo) | (grid >= hi)).any():
        raise ValueError(
            f"The 'times' parameter of {func} must lie in [{lo:g}, {hi:g}) (the scored times); got {grid.tolist()}."
        )
    if t.max() > t0.max():
        raise ValueError(f"The 'time' parameter of {func} has times beyond the largest training time ({t0.max():g}).")
    if not e.any():
        warn_degenerate(func, "no events were observed")
        return TimeDependentAUC(grid, np.full(grid.size, np.nan), np.nan)
    from sksurv.metrics import cumulative_dynamic_auc

    with np.errstate(divide="ignore", invalid="ignore"):
        auc, mean_auc = cumulative_dynamic_auc(structured_y(t0, e0), structured_y(t, e), r, grid)
    return TimeDependentAUC(grid, np.asarray(auc, dtype=float), float(mean_auc))


@validate_params(
    {
        "time": ["array-like"],
        "event": ["array-like"],
        "predicted_risk": ["array-like"],
        "horizon": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_groups": [Interval(numbers.Integral, 2, None)],
    }
)
def calibration_at_horizon(
    time: Any, event: Any, predicted_risk: Any, horizon: float, *, n_groups: int = 10
) -> pd.DataFrame:
    """Predicted against observed (Kaplan–Meier) risk by the horizon, by group of predicted risk.

    People are split into ``n_groups`` equal-sized groups of predicted risk
    (deciles by default); in each the observed risk is one minus the
    Kaplan–Meier survival at ``horizon``, which accounts for censoring.

    Parameters
    ----------
    time : array-like of float, shape (n_samples,)
        Time of the event or of censoring, > 0.
    event : array-like of 0/1 or bool, shape (n_samples,)
        1 if the event was observed.
    predicted_risk : array-like of float in [0, 1], shape (n_samples,)
        Predicted probability of the event by ``horizon``.
    horizon : float > 0
        The time at which risk is compared.
    n_groups : int >= 2, default 10
        Number of groups of predicted risk.

    Returns
    -------
    DataFrame
        One row per group: ``n``, ``predicted`` (mean), ``observed`` with ``low``
        and ``high`` (log-log Kaplan–Meier band).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> risk = rng.uniform(0.05, 0.6, 2000)
    >>> t = np.where(rng.random(2000) < risk, 5.0, 10.0)
    >>> table = calibration_at_horizon(t, t < 10, risk, 6.0, n_groups=4)
    >>> bool(np.abs(table["observed"] - table["predicted"]).max() < 0.05)
    True
    """
    func = "calibration_at_horizon"
    t, e = survival_arrays(time, event, func)
    p = score_array(predicted_risk, func, "predicted_risk")
    check_same_length((t, "time"), (p, "predicted_risk"), func=func)
    if ((p < 0) | (p > 1)).any():
        raise ValueError(f"The 'predicted_risk' parameter of {func} must lie in [0, 1] (probabilities).")
    if t.size < n_groups:
        raise ValueError(f"The 'n_groups' parameter of {func} ({n_groups}) exceeds the number of people ({t.size}).")
    order = np.argsort(p, kind="stable")
    rows = []
    for k, idx in enumerate(np.array_split(order, n_groups)):
        if e[idx].any():
            obs = kaplan_meier(t[idx], e[idx]).risk_at(horizon)
        else:
            obs = Estimate(0.0, np.nan, np.nan)
        rows.append(
            {
                "group": k + 1,
                "n": idx.size,
                "predicted": p[idx].mean(),
                "observed": obs.value,
                "low": obs.low,
                "high": obs.high,
            }
        )
    return pd.DataFrame(rows).set_index("group")


@validate_params(
    {
        "X": ["array-like"],
        "time": ["array-like"],
        "event": ["array-like"],
        "n_splits": [Interval(numbers.Integral, 2, None)],
        "random_state": ["random_state"],
    }
)
def cross_validated_c_index(
    X: Any, time: Any, event: Any, *, n_splits: int = 5, random_state: int | np.random.Generator | None = 0
) -> Estimate:
    """Harrell's C-index of a Cox model, each person scored by the fold model that did not see them.

    The people are shuffled into ``n_splits`` folds; a Cox model
    (:func:`~pmed_utils.survival.fit_cox`) is fitted on the other folds and
    scores the held-out one; the pooled held-out risk scores are ranked
    against the outcomes by :func:`harrell_c_index`.

    Parameters
    ----------
    X : DataFrame or array-like of float, shape (n_samples, n_features)
        Covariates.
    time : array-like of float, shape (n_samples,)
        Follow-up times (> 0).
    event : array-like of 0/1 or bool, shape (n_samples,)
        1 = the event happened at ``time``; 0 = censored.
    n_splits : int, default 5
        Folds (at least 2).
    random_state : int, Generator or None, default 0
        Seed of the fold assignment.

    Returns
    -------
    Estimate
        The cross-validated C-index with the interval of :func:`harrell_c_index`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(300, 1))
    >>> t = rng.exponential(np.exp(-x[:, 0])) + 0.01
    >>> c = cross_validated_c_index(x, t, np.ones(300, dtype=int), n_splits=3)
    >>> bool(0.6 < c.value < 0.8)
    True
    """
    from sklearn.model_selection import KFold

    from pmed_utils.reproducibility import derive_seed
    from pmed_utils.survival.estimators import fit_cox

    func = "cross_validated_c_index"
    frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X, dtype=float))
    t, e = survival_arrays(time, event, func)
    check_same_length((frame, "X"), (t, "time"), func=func)
    if len(t) < n_splits:
        raise ValueError(f"{func} cannot split {len(t)} people into {n_splits} folds; lower 'n_splits'.")
    risk = np.empty(len(t))
    folds = KFold(n_splits, shuffle=True, random_state=derive_seed(random_state, func=func))
    for train, test in folds.split(frame):
        risk[test] = fit_cox(frame.iloc[train], t[train], e[train]).risk_score(frame.iloc[test])
    return harrell_c_index(t, e, risk)
