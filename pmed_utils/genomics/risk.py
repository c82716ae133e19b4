"""Summaries of a risk score that clinicians ask for: risk by decile, top-percentile odds ratio."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils.evaluation import wilson_interval
from pmed_utils.validation import check_binary_labels, check_finite, check_in_range, check_same_length

__all__ = ["risk_by_quantile", "top_percentile_odds_ratio", "split_by_individual", "r2_with_ci", "r2_by_group"]


def risk_by_quantile(score: ArrayLike, disease: ArrayLike, n_quantiles: int = 10) -> pd.DataFrame:
    """Observed disease rate (with Wilson CI) in each quantile of a score.

    Examples
    --------
    >>> t = risk_by_quantile(np.arange(100), np.r_[np.zeros(80), np.ones(20)], n_quantiles=5)
    >>> t["rate"].tolist()
    [0.0, 0.0, 0.0, 0.0, 1.0]
    """
    s = check_finite(score, "score", func="risk_by_quantile")
    y = check_binary_labels(disease, "disease", func="risk_by_quantile")
    check_same_length((s, "score"), (y, "disease"), func="risk_by_quantile")
    q = pd.qcut(pd.Series(s).rank(method="first"), n_quantiles, labels=False) + 1
    t = pd.DataFrame({"quantile": q, "y": y}).groupby("quantile")["y"].agg(["size", "sum"])
    low, high = wilson_interval(t["sum"], t["size"])
    return pd.DataFrame({"n": t["size"], "cases": t["sum"], "rate": t["sum"] / t["size"], "ci_low": low,
                         "ci_high": high}).reset_index()


def top_percentile_odds_ratio(score: ArrayLike, disease: ArrayLike, top_percent: float = 5.0) -> dict[str, float]:
    """Odds ratio of disease for people in the top ``top_percent``% of the score against everyone else.

    The 95% CI uses Woolf's log-odds-ratio standard error.

    Examples
    --------
    >>> rng = np.random.default_rng(0); s = rng.normal(size=4000)
    >>> y = (rng.random(4000) < 1 / (1 + np.exp(-(s - 2)))).astype(int)
    >>> top_percentile_odds_ratio(s, y)["odds_ratio"] > 3
    True
    """
    s = check_finite(score, "score", func="top_percentile_odds_ratio")
    y = check_binary_labels(disease, "disease", func="top_percentile_odds_ratio")
    check_in_range(top_percent, "top_percent", 0, 100, func="top_percentile_odds_ratio", closed="neither")
    top = s >= np.quantile(s, 1 - top_percent / 100)
    a, b = int((top & (y == 1)).sum()), int((top & (y == 0)).sum())
    c, d = int((~top & (y == 1)).sum()), int((~top & (y == 0)).sum())
    if min(a, b, c, d) == 0:
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5  # Haldane correction for empty cells
    log_or = np.log(a * d / (b * c))
    se = np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return {"odds_ratio": float(np.exp(log_or)), "ci_low": float(np.exp(log_or - 1.96 * se)),
            "ci_high": float(np.exp(log_or + 1.96 * se)), "n_top": int(top.sum())}


def split_by_individual(n: int, fractions: Sequence[float] = (0.6, 0.2, 0.2), stratify: ArrayLike | None = None,
                        random_state: int = 0) -> dict[str, np.ndarray]:
    """Indices for train / validation / test, each person in exactly one set (optionally stratified).

    Examples
    --------
    >>> parts = split_by_individual(100)
    >>> [len(parts[k]) for k in ("train", "validation", "test")]
    [60, 20, 20]
    """
    from sklearn.model_selection import train_test_split

    if not np.isclose(sum(fractions), 1):
        raise ValueError(f"The 'fractions' parameter of split_by_individual must sum to 1; got {fractions}.")
    idx = np.arange(n)
    rest_frac = fractions[1] + fractions[2]
    train, rest = train_test_split(idx, test_size=rest_frac, stratify=stratify, random_state=random_state)
    strat_rest = None if stratify is None else np.asarray(stratify)[rest]
    val, test = train_test_split(rest, test_size=fractions[2] / rest_frac, stratify=strat_rest,
                                 random_state=random_state)
    return {"train": np.sort(train), "validation": np.sort(val), "test": np.sort(test)}


def _rowwise_r2(s: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Squared Pearson correlation of each row of ``s`` with the same row of ``y``."""
    sc = s - s.mean(axis=1, keepdims=True)
    yc = y - y.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (sc * yc).sum(axis=1) ** 2 / ((sc ** 2).sum(axis=1) * (yc ** 2).sum(axis=1))


def r2_with_ci(score: ArrayLike, target: ArrayLike, *, n_bootstraps: int = 1000, random_state: int = 0) -> pd.Series:
    """Squared correlation of a score with a trait, with a percentile-bootstrap 95% confidence interval.

    Parameters
    ----------
    score, target : array-like of float, shape (n,)
    n_bootstraps : int
        Resamples of people (with replacement).
    random_state : int

    Returns
    -------
    Series
        n, r2, r2_ci_low, r2_ci_high.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> s = rng.normal(size=2000)
    >>> r = r2_with_ci(s, s + rng.normal(size=2000), n_bootstraps=200)  # true r² = 0.5
    >>> bool(r["r2_ci_low"] < 0.5 < r["r2_ci_high"])
    True
    """
    s, y = _check_score_target(score, target, "r2_with_ci")
    r2, draws = _r2_and_bootstrap(s, y, np.random.default_rng(random_state), n_bootstraps, "r2_with_ci")
    low, high = np.nanpercentile(draws, [2.5, 97.5])
    return pd.Series({"n": s.size, "r2": r2, "r2_ci_low": low, "r2_ci_high": high})


def _check_score_target(score, target, func: str) -> tuple[np.ndarray, np.ndarray]:
    s = check_finite(score, "score", func=func)
    y = check_finite(target, "target", func=func)
    check_same_length((s, "score"), (y, "target"), func=func)
    return s, y


def _r2_and_bootstrap(s: np.ndarray, y: np.ndarray, rng: np.random.Generator, n_bootstraps: int, func: str,
                      who: str = "the sample") -> tuple[float, np.ndarray]:
    """r² of (s, y) and its ``n_bootstraps`` resampled values."""
    if s.size < 3:
        raise ValueError(f"{func}: {who} has {s.size} people; at least 3 are needed for an r² with a CI.")
    check_in_range(n_bootstraps, "n_bootstraps", 1, np.inf, func=func)
    boot = rng.integers(0, s.size, (int(n_bootstraps), s.size))
    return float(_rowwise_r2(s[None, :], y[None, :])[0]), _rowwise_r2(s[boot], y[boot])


def r2_by_group(score: ArrayLike, target: ArrayLike, groups: ArrayLike, *, reference: Hashable | None = None,
                n_bootstraps: int = 1000, random_state: int = 0) -> pd.DataFrame:
    """Squared correlation of a score with a trait within each group, relative to a reference group,
    with percentile-bootstrap 95% confidence intervals.

    People are resampled within each group; the b-th draws of two groups give the
    b-th draw of their ratio (the groups are independent samples).

    Parameters
    ----------
    score, target : array-like of float, shape (n,)
    groups : array-like, shape (n,)
        Group label per person, e.g. the population.
    reference : label, optional
        Group whose r² is the denominator of ``relative_r2`` (default: the first group).
    n_bootstraps : int
    random_state : int

    Returns
    -------
    DataFrame
        One row per group: n, r2, r2_ci_low, r2_ci_high, relative_r2, relative_ci_low, relative_ci_high.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = np.repeat(["A", "B"], 500)
    >>> s = rng.normal(size=1000)
    >>> y = np.where(g == "A", 1.0, 0.5) * s + rng.normal(size=1000)
    >>> t = r2_by_group(s, y, g, n_bootstraps=200)
    >>> bool(t.loc["A", "r2"] > t.loc["B", "r2"]), bool(t.loc["B", "relative_ci_high"] < 1)
    (True, True)
    """
    s, y = _check_score_target(score, target, "r2_by_group")
    g = np.asarray(groups)
    check_same_length((s, "score"), (y, "target"), (g, "groups"), func="r2_by_group")
    labels = [label.item() if isinstance(label, np.generic) else label for label in pd.unique(g)]
    reference = labels[0] if reference is None else reference
    if reference not in labels:
        raise ValueError(f"r2_by_group: reference group {reference!r} is not among the groups {labels}.")
    rng = np.random.default_rng(random_state)
    rows, draws = {}, {}
    for label in labels:
        idx = np.flatnonzero(g == label)
        r2, draws[label] = _r2_and_bootstrap(s[idx], y[idx], rng, n_bootstraps, "r2_by_group",
                                          f"group {label!r}")
        low, high = np.nanpercentile(draws[label], [2.5, 97.5])
        rows[label] = {"n": idx.size, "r2": r2, "r2_ci_low": low, "r2_ci_high": high}
    table = pd.DataFrame(rows).T
    table["n"] = table["n"].astype(int)
    table["relative_r2"] = table["r2"] / table.loc[reference, "r2"]
    for label in labels:
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = draws[label] / draws[reference]
        table.loc[label, ["relative_ci_low", "relative_ci_high"]] = np.nanpercentile(ratio, [2.5, 97.5])
    return table
