"""Monitoring a model in use: discrimination and calibration period by period, and drift detectors.

A deployed model meets new patients every month. These functions compute the
monthly (or rolling) AUC and calibration-in-the-large, run sequential change
detectors (CUSUM, Page–Hinkley) on any monitored statistic, and score a
detector against known drift points: its delay and its false alarms per year.
"""

from __future__ import annotations

import copy
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from pmed_utils.evaluation._calibration import _logit, _newton_logistic
from pmed_utils.evaluation._checks import check_probabilities, check_scores
from pmed_utils.evaluation._roc import _delong_components
from pmed_utils.models.updating import UpdateStrategy
from pmed_utils.results import Estimate
from pmed_utils.validation import (
    Interval,
    Options,
    check_finite,
    check_same_length,
    validate_params,
    warn_degenerate,
)

__all__ = [
    "DetectionSummary",
    "DetectorResult",
    "calibration_by_period",
    "calibration_in_the_large",
    "cusum",
    "detection_delays",
    "evaluate_detectors",
    "mean_shift_by_period",
    "page_hinkley",
    "rolling_auc",
    "run_update_strategy",
    "StrategyRun",
]

_LEVEL = Interval(numbers.Real, 0, 1, closed="neither")
_WINDOW = Interval(numbers.Integral, 1, None, closed="left")


def _periods(period: ArrayLike, n: int, func: str) -> tuple[np.ndarray, np.ndarray]:
    """The period labels (1-D, same length as the data) and their sorted unique values."""
    p = np.asarray(period).reshape(-1)
    check_same_length((np.empty(n), "y_true"), (p, "period"), func=func)
    if p.dtype.kind not in "iuf":
        raise ValueError(f"The 'period' parameter of {func} must hold numbers (e.g. month 0, 1, 2, ...).")
    check_finite(p, "period", func=func)
    return p, np.unique(p)


def _pooled(p: np.ndarray, levels: np.ndarray, window: int):
    """For each period, a mask of the observations in it and the ``window - 1`` periods before it."""
    for i, level in enumerate(levels):
        first = levels[max(0, i - window + 1)]
        yield level, (p >= first) & (p <= level)


def _citl(y: np.ndarray, prob: np.ndarray, confidence: float) -> Estimate:
    """Calibration-in-the-large: the intercept of logit P(y) = a + logit(p), with a Wald interval."""
    if len(y) == 0 or y.min() == y.max():
        return Estimate(np.nan, np.nan, np.nan, confidence, "Wald")
    fit = _newton_logistic(np.ones((len(y), 1)), y.astype(float), _logit(prob))
    if fit is None:
        return Estimate(np.nan, np.nan, np.nan, confidence, "Wald")
    a, se = float(fit[0][0]), float(np.sqrt(fit[1][0, 0]))
    z = stats.norm.ppf(0.5 + confidence / 2)
    return Estimate(a, a - z * se, a + z * se, confidence, "Wald")


@validate_params({"y_true": ["array-like"], "y_prob": ["array-like"], "confidence": [_LEVEL]})
def calibration_in_the_large(y_true: ArrayLike, y_prob: ArrayLike, *, confidence: float = 0.95) -> Estimate:
    """Calibration-in-the-large: how far the average predicted risk is from the observed rate, on the log-odds scale.

    The intercept ``a`` of the logistic model ``logit P(y = 1) = a + logit(p)``
    (the slope fixed at 1), fitted by maximum likelihood, with a Wald
    interval. ``a = 0`` for a calibrated model; ``a > 0`` means the model
    under-predicts (more events than it expects). After a pure prevalence
    (label) shift that multiplies the odds of disease by ``r``, a calibrated
    model's ``a`` becomes ``log r``.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 outcomes.
    y_prob : array-like of float, shape (n,)
        Predicted probabilities in [0, 1].
    confidence : float, default 0.95
        Coverage of the interval, in (0, 1).

    Returns
    -------
    Estimate
        The intercept with its Wald interval. A single class gives a
        :class:`~pmed_utils.validation.DegenerateInputWarning` and NaN.

    Examples
    --------
    >>> est = calibration_in_the_large([0, 1, 1, 0, 1, 1], [0.5] * 6)
    >>> round(est.value, 4), round(float(np.log(2)), 4)  # 4 events in 6: odds 2 against predicted 1
    (0.6931, 0.6931)
    >>> est.method
    'Wald'
    """
    y, p = check_scores(y_true, y_prob, "calibration_in_the_large", score_name="y_prob")
    check_probabilities(p, "calibration_in_the_large")
    if len(y) == 0 or y.min() == y.max():
        warn_degenerate("calibration_in_the_large", "y_true has a single class; the intercept is infinite")
    return _citl(y, p, confidence)


@validate_params(
    {
        "y_true": ["array-like"],
        "y_score": ["array-like"],
        "period": ["array-like"],
        "window": [_WINDOW],
        "confidence": [_LEVEL],
    }
)
def rolling_auc(
    y_true: ArrayLike, y_score: ArrayLike, period: ArrayLike, *, window: int = 1, confidence: float = 0.95
) -> pd.DataFrame:
    """AUC with a DeLong interval for each period, pooling the last ``window`` periods.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 outcomes.
    y_score : array-like of float, shape (n,)
        The model's scores (higher = more likely a case).
    period : array-like of int or float, shape (n,)
        The period of each observation (e.g. the month of the visit).
    window : int, default 1
        Number of consecutive periods pooled, ending at each period (1 = each
        period alone).
    confidence : float, default 0.95
        Coverage of the interval.

    Returns
    -------
    pandas.DataFrame
        One row per period (sorted): ``period``, ``n``, ``n_cases``, ``auc``,
        ``auc_low``, ``auc_high``. A window with a single class gives NaN
        (and one :class:`~pmed_utils.validation.DegenerateInputWarning`).

    Examples
    --------
    >>> y = [0, 1, 0, 1, 0, 1, 1, 0]
    >>> s = [0.1, 0.9, 0.2, 0.8, 0.7, 0.3, 0.6, 0.4]
    >>> rolling_auc(y, s, [0, 0, 0, 0, 1, 1, 1, 1])[["period", "n", "auc"]]
       period  n   auc
    0       0  4  1.00
    1       1  4  0.25
    """
    y, s = check_scores(y_true, y_score, "rolling_auc")
    p, levels = _periods(period, len(y), "rolling_auc")
    z = stats.norm.ppf(0.5 + confidence / 2)
    rows, degenerate = [], []
    for level, mask in _pooled(p, levels, window):
        yy, ss = y[mask], s[mask]
        n_cases = int(yy.sum())
        if 0 < n_cases < len(yy):
            aucs, cov = _delong_components(yy, ss[None, :])
            auc, se = float(aucs[0]), float(np.sqrt(cov[0, 0]))
            low, high = max(0.0, auc - z * se), min(1.0, auc + z * se)
        else:
            auc = low = high = np.nan
            degenerate.append(level)
        rows.append(
            {"period": level, "n": int(mask.sum()), "n_cases": n_cases, "auc": auc, "auc_low": low, "auc_high": high}
        )
    if degenerate:
        warn_degenerate("rolling_auc", f"periods {degenerate} have a single class; their AUC is NaN")
    return pd.DataFrame(rows)


@validate_params(
    {
        "y_true": ["array-like"],
        "y_prob": ["array-like"],
        "period": ["array-like"],
        "window": [_WINDOW],
        "confidence": [_LEVEL],
    }
)
def calibration_by_period(
    y_true: ArrayLike, y_prob: ArrayLike, period: ArrayLike, *, window: int = 1, confidence: float = 0.95
) -> pd.DataFrame:
    """Observed and expected events, calibration-in-the-large and the O−E z statistic for each period.

    ``oe_z = (O − E) / sqrt(Σ p (1 − p))`` is the standardized difference
    between observed events ``O = Σ y`` and expected events ``E = Σ p``: for a
    calibrated model it is approximately standard normal in every period, so
    it is the natural input of :func:`cusum` with ``target=0, sigma=1``.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 outcomes.
    y_prob : array-like of float, shape (n,)
        Predicted probabilities in [0, 1].
    period : array-like of int or float, shape (n,)
        The period of each observation.
    window : int, default 1
        Number of consecutive periods pooled, ending at each period.
    confidence : float, default 0.95
        Coverage of the calibration-in-the-large interval.

    Returns
    -------
    pandas.DataFrame
        One row per period: ``period``, ``n``, ``observed`` (event rate),
        ``expected`` (mean predicted risk), ``citl``, ``citl_low``,
        ``citl_high`` (see :func:`calibration_in_the_large`; NaN for a window
        with one class), ``oe_z`` and ``log_loss`` (mean per patient).

    Examples
    --------
    >>> y = [0, 1, 0, 0, 1, 1, 1, 0]
    >>> p = [0.5] * 8
    >>> calibration_by_period(y, p, [0, 0, 0, 0, 1, 1, 1, 1])[["period", "observed", "oe_z"]]
       period  observed  oe_z
    0       0      0.25  -1.0
    1       1      0.75   1.0
    """
    y, prob = check_scores(y_true, y_prob, "calibration_by_period", score_name="y_prob")
    check_probabilities(prob, "calibration_by_period")
    p, levels = _periods(period, len(y), "calibration_by_period")
    rows = []
    clipped = np.clip(prob, 1e-12, 1 - 1e-12)
    loss = -(y * np.log(clipped) + (1 - y) * np.log(1 - clipped))
    for level, mask in _pooled(p, levels, window):
        yy, pp = y[mask], prob[mask]
        est = _citl(yy, pp, confidence)
        var = float(np.sum(pp * (1 - pp)))
        rows.append(
            {
                "period": level,
                "n": int(mask.sum()),
                "observed": float(yy.mean()),
                "expected": float(pp.mean()),
                "citl": est.value,
                "citl_low": est.low,
                "citl_high": est.high,
                "oe_z": float((yy.sum() - pp.sum()) / np.sqrt(var)) if var > 0 else np.nan,
                "log_loss": float(loss[mask].mean()),
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class DetectorResult:
    """What a sequential change detector saw: its statistic at each step and where it raised alarms.

    Attributes
    ----------
    method : str
        "CUSUM" or "Page–Hinkley".
    statistic : ndarray of float, shape (n,)
        The decision statistic after each observation (the larger of the
        upper and lower statistics for a two-sided detector; 0 during a
        warm-up); an alarm when it exceeds ``threshold``.
    alarm_index : ndarray of int
        Positions (0-based) of the observations at which an alarm was raised.
    alarms : ndarray
        The periods of those observations (``period[alarm_index]``, or the
        positions when no period was given), one per alarm.
    threshold : float
        The decision threshold (``h`` or ``lambda``).
    params : dict
        The detector's parameters, for tables.
    periods : ndarray, shape (n,)
        The period of every observation (its position when none was given).

    Examples
    --------
    >>> r = cusum([0, 0, 3, 3, 3], k=0.5, h=4)
    >>> r.alarm_index.tolist(), r.method
    ([3], 'CUSUM')
    """

    method: str
    statistic: np.ndarray
    alarm_index: np.ndarray
    alarms: np.ndarray
    threshold: float
    params: dict = field(default_factory=dict)
    periods: np.ndarray = field(default_factory=lambda: np.array([]))

    @property
    def n_alarms(self) -> int:
        """Number of alarms raised."""
        return len(self.alarm_index)


def _series(x: ArrayLike, period: ArrayLike | None, func: str) -> tuple[np.ndarray, np.ndarray]:
    values = check_finite(np.asarray(x, dtype=float).reshape(-1), "x", func=func)
    if period is None:
        return values, np.arange(len(values))
    p = np.asarray(period).reshape(-1)
    check_same_length((values, "x"), (p, "period"), func=func)
    return values, p


_DIRECTION = Options({"both", "up", "down"})


@validate_params(
    {
        "x": ["array-like"],
        "target": [numbers.Real, None],
        "sigma": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "k": [Interval(numbers.Real, 0, None, closed="left")],
        "h": [Interval(numbers.Real, 0, None, closed="neither")],
        "direction": [_DIRECTION],
        "n_reference": [Interval(numbers.Integral, 2, None, closed="left")],
        "restart": [Options({"rebaseline", "reset"})],
        "period": ["array-like", None],
    }
)
def cusum(
    x: ArrayLike,
    *,
    target: float | None = 0.0,
    sigma: float | None = 1.0,
    k: float = 0.5,
    h: float = 5.0,
    direction: str = "both",
    n_reference: int = 6,
    restart: str = "rebaseline",
    period: ArrayLike | None = None,
) -> DetectorResult:
    """Tabular CUSUM (Page 1954): cumulative sums of standardized deviations from a reference mean.

    With ``z_t = (x_t − target) / sigma``, the upper statistic is
    ``S⁺_t = max(0, S⁺_{t−1} + z_t − k)`` and the lower one
    ``S⁻_t = max(0, S⁻_{t−1} − z_t − k)``; an alarm is raised when either
    exceeds ``h``. ``k`` is half the shift (in sigmas) the chart is tuned to
    detect. For a standard normal in-control series with ``k = 0.5, h = 5``
    the average run length between false alarms is about 465 observations
    two-sided (about 930 one-sided), and a one-sigma shift is found after
    about 10 (Siegmund's approximation; Montgomery, *Statistical Quality
    Control*, table of CUSUM ARLs).

    After an alarm the statistics return to 0. With ``restart="rebaseline"``
    the detector also accepts the new normal: the reference mean (and
    ``sigma``, if it was None) is re-estimated from the next ``n_reference``
    observations, during which no alarm is raised; with ``"reset"`` the
    reference stays (the textbook chart, whose run lengths the ARL tables
    give). A None ``target`` or ``sigma`` is estimated the same way from the
    first ``n_reference`` observations.

    Parameters
    ----------
    x : array-like of float, shape (n,)
        The monitored statistic in time order (a per-period statistic such
        as ``oe_z`` from :func:`calibration_by_period`, or per-patient values
        such as log-loss).
    target : float or None, default 0.0
        In-control mean of ``x`` (None: estimated).
    sigma : float > 0 or None, default 1.0
        In-control standard deviation of ``x`` (None: estimated).
    k : float >= 0, default 0.5
        Allowance (slack), in units of ``sigma``.
    h : float > 0, default 5.0
        Decision threshold, in units of ``sigma``.
    direction : {"both", "up", "down"}, default "both"
        Which shifts raise an alarm.
    n_reference : int >= 2, default 6
        Length of each warm-up used to (re-)estimate the reference.
    restart : {"rebaseline", "reset"}, default "rebaseline"
        What happens after an alarm (see above).
    period : array-like of shape (n,) or None, default None
        The period of each observation; alarms are reported as periods.

    Returns
    -------
    DetectorResult
        Statistic, alarm positions and alarm periods.

    Examples
    --------
    >>> r = cusum([0.1, -0.2, 0.0, 2.0, 2.5, 2.0, 1.8], k=0.5, h=4, direction="up")
    >>> r.alarm_index.tolist(), r.statistic.round(1).tolist()
    ([5], [0.0, 0.0, 0.0, 1.5, 3.5, 5.0, 0.0])
    """
    values, periods = _series(x, period, "cusum")
    stat = np.zeros(len(values))
    alarms: list[int] = []
    mu, sd = target, sigma
    warm: list[float] = []
    warming = target is None or sigma is None
    upper = lower = 0.0
    for t, v in enumerate(values):
        if warming:
            warm.append(v)
            if len(warm) == n_reference:
                mu = float(np.mean(warm)) if (target is None or alarms) else target
                if sigma is None:
                    s = float(np.std(warm, ddof=1))
                    sd = s if s > 0 else 1e-12
                warming, warm = False, []
            continue
        z = (v - mu) / sd
        upper = max(0.0, upper + z - k) if direction != "down" else 0.0
        lower = max(0.0, lower - z - k) if direction != "up" else 0.0
        stat[t] = max(upper, lower)
        if stat[t] > h:
            alarms.append(t)
            upper = lower = 0.0
            warming = restart == "rebaseline" or target is None or sigma is None
    index = np.asarray(alarms, dtype=int)
    params = {"target": target, "sigma": sigma, "k": k, "h": h, "direction": direction}
    params.update(n_reference=n_reference, restart=restart)
    return DetectorResult("CUSUM", stat, index, periods[index], float(h), params, periods)


@validate_params(
    {
        "x": ["array-like"],
        "delta": [Interval(numbers.Real, 0, None, closed="left")],
        "threshold": [Interval(numbers.Real, 0, None, closed="neither")],
        "direction": [_DIRECTION],
        "min_samples": [Interval(numbers.Integral, 1, None, closed="left")],
        "period": ["array-like", None],
    }
)
def page_hinkley(
    x: ArrayLike,
    *,
    delta: float = 0.5,
    threshold: float = 5.0,
    direction: str = "both",
    min_samples: int = 3,
    period: ArrayLike | None = None,
) -> DetectorResult:
    """Page–Hinkley test: cumulative deviations from the running mean since the last alarm.

    With ``x̄_i`` the running mean of the observations since the last restart
    (up to and including ``x_i``), ``m_t = Σ_{i ≤ t} (x_i − x̄_i − delta)`` and
    ``M_t = min(0, m_1, ..., m_t)``; an upward change is
    signalled when ``m_t − M_t > threshold`` (and a downward one by the
    mirror statistic). Unlike :func:`cusum` it needs no reference mean: the
    running mean is the reference, so after an alarm it restarts on the new
    regime by itself. No alarm is raised in the first ``min_samples``
    observations after a (re)start.

    Parameters
    ----------
    x : array-like of float, shape (n,)
        The monitored statistic in time order.
    delta : float >= 0, default 0.5
        Magnitude of change tolerated (same units as ``x``).
    threshold : float > 0, default 5.0
        Decision threshold ``lambda`` (same units as ``x``).
    direction : {"both", "up", "down"}, default "both"
        Which changes raise an alarm.
    min_samples : int >= 1, default 3
        Observations after a (re)start before an alarm may be raised.
    period : array-like of shape (n,) or None, default None
        The period of each observation; alarms are reported as periods.

    Returns
    -------
    DetectorResult
        Statistic, alarm positions and alarm periods.

    Examples
    --------
    >>> r = page_hinkley([0, 0, 0, 0, 4, 4, 4, 4], delta=0.5, threshold=4)
    >>> r.alarm_index.tolist(), r.alarms.tolist()
    ([5], [5])
    """
    values, periods = _series(x, period, "page_hinkley")
    stat = np.zeros(len(values))
    alarms: list[int] = []
    count, total = 0, 0.0
    up = down = low_up = low_down = 0.0
    for t, v in enumerate(values):
        count += 1
        total += v
        dev = v - total / count
        up += dev - delta
        down += -dev - delta
        low_up, low_down = min(low_up, up), min(low_down, down)
        ph_up = up - low_up if direction != "down" else 0.0
        ph_down = down - low_down if direction != "up" else 0.0
        stat[t] = max(ph_up, ph_down)
        if count >= min_samples and stat[t] > threshold:
            alarms.append(t)
            count, total = 0, 0.0
            up = down = low_up = low_down = 0.0
    index = np.asarray(alarms, dtype=int)
    params = {"delta": delta, "threshold": threshold, "direction": direction, "min_samples": min_samples}
    return DetectorResult("Page–Hinkley", stat, index, periods[index], float(threshold), params, periods)


@dataclass(frozen=True)
class DetectionSummary:
    """A detector scored against known drift points.

    Attributes
    ----------
    delays : pandas.DataFrame
        One row per drift: ``drift`` (its first period), ``detected_at`` (the
        first alarm at or after it and before the next drift, within
        ``max_delay``; NaN if missed) and ``delay`` (periods from the drift to
        that alarm, 0 = in the drift's own period; NaN if missed).
    n_false_alarms : int
        Alarms that are not the detection of a drift (before the first drift,
        repeated within one regime, or too late).
    false_alarms_per_year : float
        ``n_false_alarms`` divided by the number of simulated years.
    n_years : float
        ``n_periods / periods_per_year``.

    Examples
    --------
    >>> s = detection_delays([3, 13, 14], [12], n_periods=24)
    >>> s.delays.to_dict("records"), s.n_false_alarms, s.false_alarms_per_year
    ([{'drift': 12, 'detected_at': 13.0, 'delay': 1.0}], 2, 1.0)
    """

    delays: pd.DataFrame
    n_false_alarms: int
    false_alarms_per_year: float
    n_years: float

    @property
    def max_delay(self) -> float:
        """The longest delay (inf if a drift was missed)."""
        d = self.delays["delay"].to_numpy(dtype=float)
        return float(np.inf) if np.isnan(d).any() else float(d.max()) if d.size else float("nan")


@validate_params(
    {
        "alarms": ["array-like"],
        "drifts": ["array-like"],
        "n_periods": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_delay": [Interval(numbers.Real, 0, None, closed="left"), None],
        "periods_per_year": [Interval(numbers.Real, 0, None, closed="neither")],
    }
)
def detection_delays(
    alarms: ArrayLike,
    drifts: ArrayLike,
    *,
    n_periods: int,
    max_delay: float | None = None,
    periods_per_year: float = 12,
) -> DetectionSummary:
    """Each drift's detection delay and the false alarms per simulated year.

    An alarm detects drift ``d`` if it is the first alarm at or after ``d``,
    before the next drift and at most ``max_delay`` periods after ``d``. Every
    other alarm is false: alarms before the first drift, second alarms in the
    same regime (the detector restarted and should have accepted the new
    normal), and alarms after ``max_delay``.

    Parameters
    ----------
    alarms : array-like of float, shape (n_alarms,)
        Periods at which the detector raised alarms (``DetectorResult.alarms``).
    drifts : array-like of float, shape (n_drifts,)
        The first period of each known drift (the truth).
    n_periods : int >= 1
        Number of periods monitored (for the false-alarm rate).
    max_delay : float >= 0 or None, default None
        Longest delay that still counts as a detection (None: until the next drift).
    periods_per_year : float > 0, default 12
        Periods in a year (12 for months).

    Returns
    -------
    DetectionSummary
        Delays per drift and the false-alarm count and rate.

    Examples
    --------
    >>> s = detection_delays([9, 10, 19, 30], [9, 18, 27], n_periods=36)
    >>> s.delays["delay"].tolist(), s.n_false_alarms, round(s.false_alarms_per_year, 3)
    ([0.0, 1.0, 3.0], 1, 0.333)
    """
    a = np.sort(check_finite(np.asarray(alarms, dtype=float).reshape(-1), "alarms", func="detection_delays"))
    d = np.sort(check_finite(np.asarray(drifts, dtype=float).reshape(-1), "drifts", func="detection_delays"))
    limit = np.inf if max_delay is None else float(max_delay)
    used = np.zeros(len(a), dtype=bool)
    rows = []
    for i, start in enumerate(d):
        end = d[i + 1] if i + 1 < len(d) else np.inf
        hits = np.flatnonzero((a >= start) & (a < end) & (a - start <= limit))
        if hits.size:
            used[hits[0]] = True
            rows.append({"drift": start.item(), "detected_at": float(a[hits[0]]), "delay": float(a[hits[0]] - start)})
        else:
            rows.append({"drift": start.item(), "detected_at": np.nan, "delay": np.nan})
    delays = pd.DataFrame(rows, columns=["drift", "detected_at", "delay"])
    if len(d) and np.all(d == np.round(d)):
        delays["drift"] = delays["drift"].astype(int)
    n_false = int((~used).sum())
    years = n_periods / periods_per_year
    return DetectionSummary(delays, n_false, n_false / years, years)


@dataclass(frozen=True)
class StrategyRun:
    """An update strategy run over a stream: its predictions and its monthly scores.

    Attributes
    ----------
    name : str
        The strategy's name ("frozen", "recalibrated", "online", "refit").
    predictions : ndarray of float, shape (n,)
        Each patient's predicted risk, made before their outcome was known
        (prequential: month ``m`` is predicted by the model updated through
        month ``m − 1``).
    by_month : pandas.DataFrame
        One row per period: the columns of :func:`rolling_auc` and
        :func:`calibration_by_period`.
    n_updates : int
        How many times the strategy changed its model.

    Examples
    --------
    >>> from pmed_utils.models.updating import FrozenModel
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(600, 2)); y = (X[:, 0] + rng.normal(size=600) > 0).astype(int)
    >>> run = run_update_strategy(FrozenModel().fit(X[:200], y[:200]), X[200:], y[200:], np.repeat([0, 1], 200))
    >>> run.name, run.by_month["period"].tolist(), run.n_updates
    ('frozen', [0, 1], 0)
    """

    name: str
    predictions: np.ndarray
    by_month: pd.DataFrame
    n_updates: int


@validate_params(
    {
        "strategy": [UpdateStrategy],
        "X": ["array-like"],
        "y": ["array-like"],
        "period": ["array-like"],
        "confidence": [_LEVEL],
    }
)
def run_update_strategy(
    strategy: UpdateStrategy, X: ArrayLike, y: ArrayLike, period: ArrayLike, *, confidence: float = 0.95
) -> StrategyRun:
    """Run a fitted update strategy over a stream, month by month, and score each month.

    For each period in order: predict the period's patients with the
    current model, then give the strategy their outcomes
    (``strategy.update``). A copy of ``strategy`` is run; the one passed in
    is left as it was.

    Parameters
    ----------
    strategy : pmed_utils.models.updating.UpdateStrategy
        A strategy already fitted on the development data.
    X : array-like of float, shape (n, n_features)
        The stream's features, in any order.
    y : array-like of int, shape (n,)
        Their outcomes.
    period : array-like of int, shape (n,)
        Each patient's period (month).
    confidence : float, default 0.95
        Coverage of the monthly intervals.

    Returns
    -------
    StrategyRun
        Predictions and monthly AUC and calibration.

    Examples
    --------
    >>> from pmed_utils.models.updating import OnlineUpdating
    >>> rng = np.random.default_rng(1)
    >>> X = rng.normal(size=(900, 2)); y = (X[:, 0] + rng.normal(size=900) > 0).astype(int)
    >>> run = run_update_strategy(OnlineUpdating().fit(X[:300], y[:300]), X[300:], y[300:], np.repeat([0, 1, 2], 200))
    >>> run.n_updates, list(run.by_month.columns[:4])
    (3, ['period', 'n', 'n_cases', 'auc'])
    """
    if not hasattr(strategy, "model_"):
        raise ValueError(
            "The 'strategy' parameter of run_update_strategy must be fitted on the development data first "
            "(strategy.fit(X_dev, y_dev))."
        )
    labels = np.asarray(y).reshape(-1)
    x = np.asarray(X, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"The 'X' parameter of run_update_strategy must be 2-D; got shape {x.shape}.")
    check_same_length((x, "X"), (labels, "y"), func="run_update_strategy")
    p, levels = _periods(period, len(labels), "run_update_strategy")
    model = copy.deepcopy(strategy)
    start = model.n_updates_
    predictions = np.full(len(labels), np.nan)
    for level in levels:
        mask = p == level
        predictions[mask] = model.predict_proba(x[mask])
        model.update(x[mask], labels[mask])
    auc = rolling_auc(labels, predictions, p, confidence=confidence)
    cal = calibration_by_period(labels, predictions, p, confidence=confidence)
    by_month = auc.merge(cal.drop(columns="n"), on="period")
    return StrategyRun(model.name, predictions, by_month, model.n_updates_ - start)


@validate_params(
    {
        "values": ["array-like"],
        "period": ["array-like"],
        "reference_mean": [numbers.Real],
        "reference_sd": [Interval(numbers.Real, 0, None, closed="neither")],
    }
)
def mean_shift_by_period(
    values: ArrayLike, period: ArrayLike, *, reference_mean: float, reference_sd: float
) -> pd.DataFrame:
    """Each period's mean of an input (a risk factor, an image statistic, a score) against its reference.

    ``z = (mean − reference_mean) / (reference_sd / sqrt(n))``: for patients
    drawn from the reference population it is approximately standard
    normal in every period, so it feeds :func:`cusum` with ``sigma=1``. This
    is *data* drift monitoring: it needs no outcomes, so it can alarm in the
    month the inputs change, before any label arrives.

    Parameters
    ----------
    values : array-like of float, shape (n,)
        The monitored input, one value per patient.
    period : array-like of int or float, shape (n,)
        Each patient's period.
    reference_mean : float
        Mean in the development data.
    reference_sd : float > 0
        Standard deviation in the development data.

    Returns
    -------
    pandas.DataFrame
        One row per period: ``period``, ``n``, ``mean``, ``z``.

    Examples
    --------
    >>> mean_shift_by_period([1, 3, 5, 7], [0, 0, 1, 1], reference_mean=2, reference_sd=2)
       period  n  mean         z
    0       0  2   2.0  0.000000
    1       1  2   6.0  2.828427
    """
    v = check_finite(np.asarray(values, dtype=float).reshape(-1), "values", func="mean_shift_by_period")
    check_same_length((v, "values"), (np.asarray(period).reshape(-1), "period"), func="mean_shift_by_period")
    p, levels = _periods(period, len(v), "mean_shift_by_period")
    rows = []
    for level in levels:
        x = v[p == level]
        rows.append(
            {
                "period": level,
                "n": len(x),
                "mean": float(x.mean()),
                "z": float((x.mean() - reference_mean) / (reference_sd / np.sqrt(len(x)))),
            }
        )
    return pd.DataFrame(rows)


@validate_params(
    {
        "statistics": ["dataframe"],
        "drifts": ["array-like"],
        "periods_per_year": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_delay": [Interval(numbers.Real, 0, None, closed="left"), None],
        "cusum_params": ["mapping", None],
        "page_hinkley_params": ["mapping", None],
    }
)
def evaluate_detectors(
    statistics: pd.DataFrame,
    drifts: ArrayLike,
    *,
    periods_per_year: float = 12,
    max_delay: float | None = None,
    cusum_params: dict | None = None,
    page_hinkley_params: dict | None = None,
) -> pd.DataFrame:
    """Run CUSUM and Page–Hinkley on each monitored statistic and score them against the known drifts.

    Each column of ``statistics`` is one standardized per-period statistic
    (``oe_z`` from :func:`calibration_by_period`, ``z`` from
    :func:`mean_shift_by_period`). Both detectors run on each column, and a
    combined monitor per detector raises an alarm in a period when any of
    its statistics does (row ``statistic = "any"``).

    Parameters
    ----------
    statistics : pandas.DataFrame
        Index: the periods, in order; columns: the monitored statistics.
    drifts : array-like of float, shape (n_drifts,)
        The first period of each known drift.
    periods_per_year : float > 0, default 12
        Periods in a year.
    max_delay : float >= 0 or None, default None
        See :func:`detection_delays`.
    cusum_params : dict or None, default None
        Keyword arguments of :func:`cusum` (default: ``target=None,
        sigma=1.0``, i.e. the reference mean from the first months in use and
        the theoretical standard deviation of a z statistic).
    page_hinkley_params : dict or None, default None
        Keyword arguments of :func:`page_hinkley`.

    Returns
    -------
    pandas.DataFrame
        One row per (detector, statistic): ``detector``, ``statistic``,
        ``alarms`` (list of periods), ``delay_<drift>`` for each drift (NaN =
        missed), ``n_false_alarms`` and ``false_alarms_per_year``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=36); z[12:] += 4
    >>> table = evaluate_detectors(pd.DataFrame({"z": z}), [12])
    >>> table[["detector", "statistic", "delay_12"]].to_dict("records")[:2]
    [{'detector': 'CUSUM', 'statistic': 'z', 'delay_12': 2.0}, {'detector': 'CUSUM', 'statistic': 'any', 'delay_12': 2.0}]
    """
    frame = statistics.sort_index()
    values = frame.to_numpy(dtype=float)
    if values.ndim != 2 or values.shape[1] == 0 or len(frame) == 0:
        raise ValueError("The 'statistics' parameter of evaluate_detectors must have at least one column and one row.")
    check_finite(values, "statistics", func="evaluate_detectors")
    periods = frame.index.to_numpy()
    d = np.asarray(drifts, dtype=float).reshape(-1)
    detectors = {
        "CUSUM": lambda x: cusum(x, **{"target": None, "sigma": 1.0, **(cusum_params or {})}, period=periods),
        "Page–Hinkley": lambda x: page_hinkley(x, **(page_hinkley_params or {}), period=periods),
    }
    rows = []
    for name, detect in detectors.items():
        union: set = set()
        results = []
        for col in frame.columns:
            alarms = detect(frame[col].to_numpy(dtype=float)).alarms
            union.update(alarms.tolist())
            results.append((str(col), np.asarray(alarms)))
        results.append(("any", np.asarray(sorted(union))))
        for col, alarms in results:
            summary = detection_delays(
                alarms, d, n_periods=len(frame), max_delay=max_delay, periods_per_year=periods_per_year
            )
            row = {"detector": name, "statistic": col, "alarms": alarms.tolist()}
            for drift, delay in zip(summary.delays["drift"], summary.delays["delay"], strict=True):
                row[f"delay_{drift}"] = delay
            row["n_false_alarms"] = summary.n_false_alarms
            row["false_alarms_per_year"] = summary.false_alarms_per_year
            rows.append(row)
    return pd.DataFrame(rows)
