"""Summaries of a risk score that clinicians ask for: risk by quantile, top-percentile odds ratio, r²."""

from __future__ import annotations

import numbers
from collections.abc import Hashable

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from pmed_utils.evaluation._thresholds import wilson_bounds
from pmed_utils.reproducibility import (
    check_random_state,
)
from pmed_utils.results import Estimate
from pmed_utils.validation import (
    Interval,
    check_binary_labels,
    check_finite,
    check_same_length,
    validate_params,
    warn_degenerate,
)

__all__ = ["r2_by_group", "r2_with_ci", "risk_by_quantile", "top_percentile_odds_ratio"]

_LEVEL = Interval(numbers.Real, 0, 1, closed="neither")
_BOOTSTRAP = "bootstrap percentile"


@validate_params(
    {"score": ["array-like"], "disease": ["array-like"], "n_quantiles": [Interval(numbers.Integral, 1, None)]}
)
def risk_by_quantile(score: ArrayLike, disease: ArrayLike, n_quantiles: int = 10) -> pd.DataFrame:
    """Observed disease rate (with Wilson 95% CI) in each quantile of a score.

    Ties in the score are broken by order of appearance, so the quantiles
    have equal sizes (to within one person).

    Parameters
    ----------
    score : array-like of float, shape (n,)
        The risk score (e.g. a polygenic score).
    disease : array-like of int, shape (n,)
        0/1 disease status.
    n_quantiles : int, default 10
        Number of groups (10 = deciles); at most n.

    Returns
    -------
    DataFrame
        One row per quantile; columns quantile (1 = lowest), n, cases (int),
        rate, ci_low, ci_high (float).

    Examples
    --------
    >>> t = risk_by_quantile(np.arange(100), np.r_[np.zeros(80), np.ones(20)], n_quantiles=5)
    >>> t["rate"].tolist(), t["n"].tolist()
    ([0.0, 0.0, 0.0, 0.0, 1.0], [20, 20, 20, 20, 20])
    """
    s = check_finite(score, "score", func="risk_by_quantile")
    y = check_binary_labels(disease, "disease", func="risk_by_quantile")
    check_same_length((s, "score"), (y, "disease"), func="risk_by_quantile")
    if n_quantiles > s.size:
        raise ValueError(
            f"The 'n_quantiles' parameter of risk_by_quantile must be at most the number of "
            f"people ({s.size}); got {n_quantiles}."
        )
    q = pd.qcut(pd.Series(s).rank(method="first"), n_quantiles, labels=False) + 1
    t = pd.DataFrame({"quantile": q, "y": y}).groupby("quantile")["y"].agg(["size", "sum"])
    low, high = wilson_bounds(t["sum"], t["size"])
    return pd.DataFrame(
        {"n": t["size"], "cases": t["sum"], "rate": t["sum"] / t["size"], "ci_low": low, "ci_high": high}
    ).reset_index()


@validate_params(
    {
        "score": ["array-like"],
        "disease": ["array-like"],
        "top_percent": [Interval(numbers.Real, 0, 100, closed="neither")],
        "confidence": [_LEVEL],
    }
)
def top_percentile_odds_ratio(
    score: ArrayLike, disease: ArrayLike, top_percent: float = 5.0, *, confidence: float = 0.95
) -> Estimate:
    """Odds ratio of disease for people in the top ``top_percent``% of the score against everyone else.

    The interval uses Woolf's standard error of the log odds ratio,
    ``sqrt(1/a + 1/b + 1/c + 1/d)`` over the four cells of the 2 × 2 table.
    When a cell is empty (no cases or no controls in the top group or in the
    rest) the odds ratio is 0 or infinite and its interval undefined: a
    :class:`~pmed_utils.validation.DegenerateInputWarning` and NaN.

    Parameters
    ----------
    score : array-like of float, shape (n,)
        The risk score; the top group is ``score >= quantile(1 - top_percent / 100)``.
    disease : array-like of int, shape (n,)
        0/1 disease status.
    top_percent : float in (0, 100), default 5.0
        Size of the top group, in percent.
    confidence : float, default 0.95
        Coverage of the interval.

    Returns
    -------
    Estimate
        The odds ratio and its interval (``method="Woolf"``).

    Examples
    --------
    >>> rng = np.random.default_rng(0); s = rng.normal(size=4000)
    >>> y = (rng.random(4000) < 1 / (1 + np.exp(-(s - 2)))).astype(int)
    >>> top5 = top_percentile_odds_ratio(s, y)
    >>> top5.value > 3, top5.low > 1, top5.method
    (True, True, 'Woolf')
    """
    s = check_finite(score, "score", func="top_percentile_odds_ratio")
    y = check_binary_labels(disease, "disease", func="top_percentile_odds_ratio")
    check_same_length((s, "score"), (y, "disease"), func="top_percentile_odds_ratio")
    nan = Estimate(np.nan, np.nan, np.nan, confidence, "Woolf")
    if s.size == 0:
        warn_degenerate("top_percentile_odds_ratio", "there are no people")
        return nan
    top = s >= np.quantile(s, 1 - top_percent / 100)
    cells = {
        "cases in the top group": int((top & (y == 1)).sum()),
        "controls in the top group": int((top & (y == 0)).sum()),
        "cases in the rest": int((~top & (y == 1)).sum()),
        "controls in the rest": int((~top & (y == 0)).sum()),
    }
    empty = [name for name, count in cells.items() if count == 0]
    if empty:
        warn_degenerate("top_percentile_odds_ratio", f"there are no {' and no '.join(empty)}")
        return nan
    a, b, c, d = cells.values()
    log_or = np.log(a * d / (b * c))
    half = stats.norm.ppf(0.5 + confidence / 2) * np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return Estimate(
        float(np.exp(log_or)), float(np.exp(log_or - half)), float(np.exp(log_or + half)), confidence, "Woolf"
    )


def _rowwise_r2(s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Squared Pearson correlation of each row of ``s`` with the same row of ``y`` (NaN if one is constant)."""
    sc = s - s.mean(axis=1, keepdims=True)
    yc = y - y.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (sc * yc).sum(axis=1) ** 2 / ((sc**2).sum(axis=1) * (yc**2).sum(axis=1))


def _check_score_target(score, target, func: str) -> tuple[np.ndarray, np.ndarray]:
    s = check_finite(score, "score", func=func)
    y = check_finite(target, "target", func=func)
    for arr, name in ((s, "score"), (y, "target")):
        if arr.ndim != 1:
            raise ValueError(
                f"The '{name}' parameter of {func} must be 1-D (one value per person); got shape {arr.shape}."
            )
    check_same_length((s, "score"), (y, "target"), func=func)
    return s, y


def _r2_and_bootstrap(
    s: np.ndarray, y: np.ndarray, rng: np.random.Generator, n_bootstraps: int, func: str, who: str = "the sample"
) -> tuple[float, np.ndarray]:
    """r² of (s, y) and its ``n_bootstraps`` resampled values; NaN with a warning when undefined."""
    reason = None
    if s.size < 3:
        reason = f"{who} has {s.size} people (an r² with an interval needs at least 3)"
    elif np.ptp(s) == 0:
        reason = f"the score is constant in {who}"
    elif np.ptp(y) == 0:
        reason = f"the target is constant in {who}"
    if reason:
        warn_degenerate(func, reason)
        return float("nan"), np.full(int(n_bootstraps), np.nan)
    boot = rng.integers(0, s.size, (int(n_bootstraps), s.size))
    return float(_rowwise_r2(s[None, :], y[None, :])[0]), _rowwise_r2(s[boot], y[boot])


def _percentiles(draws: np.ndarray, confidence: float) -> tuple[float, float]:
    if np.isnan(draws).all():
        return float("nan"), float("nan")
    alpha = 100 * (1 - confidence) / 2
    low, high = np.nanpercentile(draws, [alpha, 100 - alpha])
    return float(low), float(high)


@validate_params(
    {
        "score": ["array-like"],
        "target": ["array-like"],
        "n_bootstraps": [Interval(numbers.Integral, 1, None)],
        "confidence": [_LEVEL],
        "random_state": ["random_state"],
    }
)
def r2_with_ci(
    score: ArrayLike,
    target: ArrayLike,
    *,
    n_bootstraps: int = 1000,
    confidence: float = 0.95,
    random_state: int | np.random.Generator | None = 0,
) -> Estimate:
    """Squared correlation of a score with a trait, with a percentile-bootstrap confidence interval.

    People are resampled with replacement. Fewer than 3 people, or a
    constant score or target, leave r² undefined: a
    :class:`~pmed_utils.validation.DegenerateInputWarning` and NaN.

    Parameters
    ----------
    score : array-like of float, shape (n,)
        The score (e.g. a polygenic score).
    target : array-like of float, shape (n,)
        The trait.
    n_bootstraps : int, default 1000
        Resamples of people.
    confidence : float, default 0.95
        Coverage of the interval, in (0, 1).
    random_state : int, numpy.random.Generator or None, default 0
        Seed or generator of the resampling.

    Returns
    -------
    Estimate
        r² and its interval (``method="bootstrap percentile"``).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> s = rng.normal(size=2000)
    >>> r = r2_with_ci(s, s + rng.normal(size=2000), n_bootstraps=200)  # true r² = 0.5
    >>> r.contains(0.5), r.method
    (True, 'bootstrap percentile')
    """
    s, y = _check_score_target(score, target, "r2_with_ci")
    rng = check_random_state(random_state, func="r2_with_ci")
    r2, draws = _r2_and_bootstrap(s, y, rng, n_bootstraps, "r2_with_ci")
    low, high = _percentiles(draws, confidence)
    return Estimate(r2, low, high, confidence, _BOOTSTRAP)


@validate_params(
    {
        "score": ["array-like"],
        "target": ["array-like"],
        "groups": ["array-like"],
        "reference": [Hashable, None],
        "n_bootstraps": [Interval(numbers.Integral, 1, None)],
        "confidence": [_LEVEL],
        "random_state": ["random_state"],
    }
)
def r2_by_group(
    score: ArrayLike,
    target: ArrayLike,
    groups: ArrayLike,
    *,
    reference: Hashable | None = None,
    n_bootstraps: int = 1000,
    confidence: float = 0.95,
    random_state: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """Squared correlation of a score with a trait within each group, and relative to a reference group.

    People are resampled within each group; the b-th draws of two groups give
    the b-th draw of their ratio (the groups are independent samples). A
    group where r² is undefined (fewer than 3 people, constant score or
    target) gets NaN with a :class:`~pmed_utils.validation.DegenerateInputWarning`.

    Parameters
    ----------
    score : array-like of float, shape (n,)
        The score.
    target : array-like of float, shape (n,)
        The trait.
    groups : array-like, shape (n,)
        Group label per person, e.g. the population.
    reference : hashable, optional
        Group whose r² is the denominator of ``relative_r2`` (default: the first group).
    n_bootstraps : int, default 1000
        Resamples of people within each group.
    confidence : float, default 0.95
        Coverage of the intervals, in (0, 1).
    random_state : int, numpy.random.Generator or None, default 0
        Seed or generator of the resampling.

    Returns
    -------
    DataFrame
        One row per group (index: group, in order of appearance); columns n
        (int), value, low, high, level (r² with its percentile-bootstrap
        interval, as an :class:`~pmed_utils.results.Estimate` has them),
        relative_r2, relative_ci_low, relative_ci_high (r² over the
        reference group's r², with its interval).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = np.repeat(["A", "B"], 500)
    >>> s = rng.normal(size=1000)
    >>> y = np.where(g == "A", 1.0, 0.5) * s + rng.normal(size=1000)
    >>> t = r2_by_group(s, y, g, n_bootstraps=200)
    >>> t.columns.tolist()[:5]
    ['n', 'value', 'low', 'high', 'level']
    >>> bool(t.loc["A", "value"] > t.loc["B", "value"]), bool(t.loc["B", "relative_ci_high"] < 1)
    (True, True)
    """
    s, y = _check_score_target(score, target, "r2_by_group")
    g = np.asarray(groups)
    check_same_length((s, "score"), (y, "target"), (g, "groups"), func="r2_by_group")
    labels = [label.item() if isinstance(label, np.generic) else label for label in pd.unique(g)]
    if not labels:
        raise ValueError("The 'groups' parameter of r2_by_group must hold at least one group; got 0 people.")
    reference = labels[0] if reference is None else reference
    if reference not in labels:
        raise ValueError(f"r2_by_group: reference group {reference!r} is not among the groups {labels}.")
    rng = check_random_state(random_state, func="r2_by_group")
    rows, draws = {}, {}
    for label in labels:
        idx = np.flatnonzero(g == label)
        r2, draws[label] = _r2_and_bootstrap(s[idx], y[idx], rng, n_bootstraps, "r2_by_group", f"group {label!r}")
        low, high = _percentiles(draws[label], confidence)
        rows[label] = {"n": idx.size, "value": r2, "low": low, "high": high, "level": float(confidence)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["n"] = table["n"].astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        table["relative_r2"] = table["value"] / table.loc[reference, "value"]
    for label in labels:
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = draws[label] / draws[reference]
        ratio[~np.isfinite(ratio)] = np.nan
        table.loc[label, ["relative_ci_low", "relative_ci_high"]] = _percentiles(ratio, confidence)
    return table
