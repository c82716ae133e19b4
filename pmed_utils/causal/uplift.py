"""Uplift (Qini) curves of an effect ranking, and the value of treatment policies.

A CATE model is used to rank people: treat those with the largest predicted
benefit first. The Qini curve asks, in a randomised trial, how much outcome the
top-ranked fraction gains; the policy value asks what the mean outcome would be
if exactly the people the model flags were treated.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from pmed_utils.causal._checks import outcome_array, propensity_array, treatment_array
from pmed_utils.results import Estimate
from pmed_utils.validation import Interval, check_same_length, validate_params, warn_degenerate

__all__ = ["QiniCurve", "qini_curve", "true_qini_curve", "policy_value"]


@dataclass(frozen=True)
class QiniCurve:
    """Cumulative gain of treating the top-ranked fraction of people.

    Attributes
    ----------
    fraction : ndarray of float, shape (n_samples + 1,)
        Fraction of people treated, from 0 to 1, in order of decreasing score.
    gain : ndarray of float, shape (n_samples + 1,)
        Gain per person of the whole population: ``(k / n) * (mean outcome of
        the treated - mean outcome of the untreated among the top k)``; with the
        truth, ``sum of the top k true effects / n``.
    coefficient : float
        Area between the curve and the straight line from (0, 0) to (1, gain[-1])
        (the gain of a random ranking); 0 for a ranking no better than chance.

    Examples
    --------
    >>> c = QiniCurve(np.array([0.0, 0.5, 1.0]), np.array([0.0, 1.0, 1.0]), 0.25)
    >>> float(c.gain[-1]), c.coefficient
    (1.0, 0.25)
    """

    fraction: np.ndarray
    gain: np.ndarray
    coefficient: float


def _order(score: np.ndarray) -> np.ndarray:
    return np.argsort(-score, kind="mergesort")  # stable: ties keep their input order


def _coefficient(fraction: np.ndarray, gain: np.ndarray) -> float:
    return float(np.trapezoid(gain - fraction * gain[-1], fraction))


@validate_params({"treatment": ["array-like"], "outcome": ["array-like"], "score": ["array-like"]})
def qini_curve(treatment: Any, outcome: Any, score: Any) -> QiniCurve:
    """Qini (uplift) curve of a ranking by ``score`` in a randomised trial.

    People are sorted by decreasing score; for the top ``k`` the gain is
    ``(k / n) * (ȳ_treated(k) - ȳ_untreated(k))``, which estimates the sum of the
    top ``k`` people's effects divided by ``n`` (Radcliffe's Qini, scaled per
    person). While the top ``k`` hold no treated or no untreated person the gain is 0.

    Parameters
    ----------
    treatment : array-like of 0/1, shape (n_samples,)
        1 = treated (randomised, so that the arms are comparable at every k).
    outcome : array-like of float, shape (n_samples,)
    score : array-like of float, shape (n_samples,)
        Predicted benefit (e.g. a CATE estimate); larger means treat first.

    Returns
    -------
    QiniCurve
        NaN coefficient with a warning if an arm is empty.

    Examples
    --------
    >>> t = [1, 0, 1, 0]; y = [3.0, 1.0, 1.0, 1.0]
    >>> curve = qini_curve(t, y, score=[4, 3, 2, 1])
    >>> curve.gain.tolist()
    [0.0, 0.0, 1.0, 0.75, 1.0]
    """
    func = "qini_curve"
    t = treatment_array(treatment, func)
    y = outcome_array(outcome, func)
    s = outcome_array(score, func, "score")
    n = check_same_length((t, "treatment"), (y, "outcome"), (s, "score"), func=func)
    fraction = np.arange(n + 1) / max(n, 1)
    if t.sum() == 0 or t.sum() == n:
        warn_degenerate(func, "one treatment arm is empty")
        return QiniCurve(fraction, np.full(n + 1, np.nan), float("nan"))
    order = _order(s)
    t_o, y_o = t[order].astype(float), y[order]
    n1, n0 = np.cumsum(t_o), np.cumsum(1 - t_o)
    s1, s0 = np.cumsum(t_o * y_o), np.cumsum((1 - t_o) * y_o)
    both = (n1 > 0) & (n0 > 0)
    diff = np.zeros(n)
    diff[both] = s1[both] / n1[both] - s0[both] / n0[both]
    gain = np.concatenate([[0.0], diff * np.arange(1, n + 1) / n])
    return QiniCurve(fraction, gain, _coefficient(fraction, gain))


@validate_params({"cate": ["array-like"], "score": ["array-like"]})
def true_qini_curve(cate: Any, score: Any) -> QiniCurve:
    """The Qini curve a ranking by ``score`` achieves, computed from the true effects.

    Gain at ``k``: the sum of the true effects of the top ``k`` people divided by
    ``n``. Ranking by the true effect gives the best possible curve.

    Parameters
    ----------
    cate : array-like of float, shape (n_samples,)
        True individual effects (known in a simulation).
    score : array-like of float, shape (n_samples,)
        Ranking score; larger means treat first.

    Returns
    -------
    QiniCurve

    Examples
    --------
    >>> true_qini_curve([1.0, -1.0], score=[2, 1]).gain.tolist()
    [0.0, 0.5, 0.0]
    """
    func = "true_qini_curve"
    tau = outcome_array(cate, func, "cate")
    s = outcome_array(score, func, "score")
    n = check_same_length((tau, "cate"), (s, "score"), func=func)
    fraction = np.arange(n + 1) / max(n, 1)
    if n == 0:
        warn_degenerate(func, "no people")
        return QiniCurve(fraction, np.zeros(1), float("nan"))
    gain = np.concatenate([[0.0], np.cumsum(tau[_order(s)]) / n])
    return QiniCurve(fraction, gain, _coefficient(fraction, gain))


@validate_params(
    {
        "treatment": ["array-like"],
        "outcome": ["array-like"],
        "policy": ["array-like"],
        "propensity": ["array-like"],
        "level": [Interval(numbers.Real, 0, 1, closed="neither")],
    }
)
def policy_value(treatment: Any, outcome: Any, policy: Any, propensity: Any, *, level: float = 0.95) -> Estimate:
    """Mean outcome if the people flagged by ``policy`` were treated and the others not.

    Estimated by inverse-probability weighting of the people whose actual
    treatment agrees with the policy (normalised):
    ``sum(w Y) / sum(w)``, ``w = 1[T = π] / P(T = π | x)``.

    Parameters
    ----------
    treatment : array-like of 0/1, shape (n_samples,)
        Treatment actually received.
    outcome : array-like of float, shape (n_samples,)
    policy : array-like of 0/1, shape (n_samples,)
        1 = the policy treats this person (e.g. ``cate_estimate > 0``).
    propensity : array-like of float in (0, 1), shape (n_samples,)
        Probability that each person was treated (0.5 in a 1:1 trial).
    level : float in (0, 1), default 0.95
        Coverage of the interval.

    Returns
    -------
    Estimate
        Value with a Wald interval from the influence function; NaN with a
        warning if nobody received what the policy prescribes.

    Examples
    --------
    >>> t = [1, 0, 1, 0]; y = [3.0, 1.0, 1.0, 2.0]
    >>> policy_value(t, y, policy=[1, 1, 0, 0], propensity=[0.5] * 4).value  # (3 + 2) / 2
    2.5
    """
    func = "policy_value"
    t = treatment_array(treatment, func)
    y = outcome_array(outcome, func)
    pi = np.ravel(np.asarray(policy))
    try:
        pi = treatment_array(pi, func)
    except ValueError:
        raise ValueError(
            f"The 'policy' parameter of {func} must contain only 0 (do not treat) and 1 (treat)."
        ) from None
    e = propensity_array(propensity, func)
    check_same_length((t, "treatment"), (y, "outcome"), (pi, "policy"), (e, "propensity"), func=func)
    agree = t == pi
    if not agree.any():
        warn_degenerate(func, "nobody received the treatment the policy prescribes")
        return Estimate(float("nan"), float("nan"), float("nan"), level, "IPW policy value")
    w = agree / np.where(pi == 1, e, 1 - e)
    value = float(np.sum(w * y) / np.sum(w))
    phi = w * (y - value) / w.mean()
    se = float(np.std(phi, ddof=1) / np.sqrt(len(y))) if len(y) > 1 else float("nan")
    z = float(stats.norm.ppf(0.5 + level / 2))
    return Estimate(value, value - z * se, value + z * se, level, "IPW policy value")
