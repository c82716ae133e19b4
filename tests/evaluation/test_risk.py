"""Risk-score summaries: quantile tables, top-percentile odds ratio, person-level splits, r² with CIs."""

import warnings

import numpy as np
import pandas as pd
import pytest

from pmed_utils.evaluation import (
    r2_by_group,
    r2_with_ci,
    risk_by_quantile,
    top_percentile_odds_ratio,
    wilson_interval,
)
from pmed_utils.results import Estimate
from pmed_utils.validation import DegenerateInputWarning, InvalidParameterError


def test_risk_by_quantile_counts_and_wilson_intervals():
    rng = np.random.default_rng(0)
    s = rng.normal(size=1000)
    y = (rng.random(1000) < 1 / (1 + np.exp(-2 * s))).astype(int)
    t = risk_by_quantile(s, y, n_quantiles=4)
    order = np.argsort(s, kind="stable")
    for q in range(4):
        people = order[q * 250 : (q + 1) * 250]
        assert t.loc[q, "n"] == 250 and t.loc[q, "cases"] == y[people].sum()
        w = wilson_interval(int(y[people].sum()), 250)
        assert t.loc[q, ["rate", "ci_low", "ci_high"]].tolist() == pytest.approx([w.value, w.low, w.high])
    with pytest.raises(ValueError, match="'n_quantiles' parameter of risk_by_quantile must be at most"):
        risk_by_quantile([1.0, 2.0], [0, 1], n_quantiles=3)


def test_top_percentile_odds_ratio_is_woolf_on_the_two_by_two_table():
    rng = np.random.default_rng(1)
    s = rng.normal(size=2000)
    y = (rng.random(2000) < 1 / (1 + np.exp(-(s - 2)))).astype(int)
    est = top_percentile_odds_ratio(s, y, top_percent=10)
    top = s >= np.quantile(s, 0.9)
    a, b = (top & (y == 1)).sum(), (top & (y == 0)).sum()
    c, d = (~top & (y == 1)).sum(), (~top & (y == 0)).sum()
    log_or, se = np.log(a * d / (b * c)), np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    assert isinstance(est, Estimate) and est.method == "Woolf" and est.level == 0.95
    assert est.value == pytest.approx(np.exp(log_or), rel=1e-12)
    assert (est.low, est.high) == pytest.approx((np.exp(log_or - 1.959964 * se), np.exp(log_or + 1.959964 * se)))
    ninety = top_percentile_odds_ratio(s, y, top_percent=10, confidence=0.9)
    assert ninety.value == est.value and est.low < ninety.low < ninety.high < est.high


@pytest.mark.parametrize(
    "y, what",
    [
        (np.r_[np.tile([0, 1], 47), [0], np.ones(5)], "there are no controls in the top group;"),
        (np.r_[np.zeros(95), np.ones(5)], "no controls in the top group and no cases in the rest"),
        (np.zeros(100), "no cases in the top group and no cases in the rest"),
    ],
)
def test_top_percentile_odds_ratio_with_an_empty_cell_warns_and_is_nan(y, what):
    s = np.r_[np.zeros(95), np.arange(1, 6)]  # the top 5% are the last five people
    with pytest.warns(DegenerateInputWarning, match=what):
        est = top_percentile_odds_ratio(s, y.astype(int))
    assert np.isnan(est.value) and np.isnan(est.low) and np.isnan(est.high)


def test_r2_by_group_matches_direct_computation_and_bootstrap_covers_it():
    rng = np.random.default_rng(0)
    groups = np.repeat(["A", "B", "C"], [400, 300, 300])
    s = rng.normal(size=1000)
    y = np.select([groups == "A", groups == "B"], [1.0, 0.6], 0.2) * s + rng.normal(size=1000)
    t = r2_by_group(s, y, groups, reference="A", n_bootstraps=300, random_state=1)
    for g in "ABC":
        direct = np.corrcoef(s[groups == g], y[groups == g])[0, 1] ** 2
        assert t.loc[g, "value"] == pytest.approx(direct)
        assert t.loc[g, "low"] < direct < t.loc[g, "high"]
    assert t.loc["A", "relative_r2"] == 1 and t.loc["C", "relative_ci_high"] < 0.5
    assert list(t.columns) == [
        "n",
        "value",
        "low",
        "high",
        "level",
        "relative_r2",
        "relative_ci_low",
        "relative_ci_high",
    ]
    assert t["n"].tolist() == [400, 300, 300] and (t["level"] == 0.95).all()
    # same seed, same intervals
    pd.testing.assert_frame_equal(t, r2_by_group(s, y, groups, reference="A", n_bootstraps=300, random_state=1))


def test_r2_by_group_bad_and_degenerate_input():
    s = np.arange(10.0)
    with pytest.raises(ValueError, match="reference group 'Z'"):
        r2_by_group(s, s, ["a"] * 10, reference="Z")
    with pytest.raises(ValueError, match="NaN"):
        r2_by_group(np.r_[np.nan, s[1:]], s, ["a"] * 10)
    with pytest.warns(DegenerateInputWarning, match="group 'b' has 2 people"):
        t = r2_by_group(s, s + np.r_[0.1, -0.1].repeat(5), ["a"] * 8 + ["b"] * 2, n_bootstraps=20)
    assert t.loc["b", ["value", "low", "high", "relative_r2"]].isna().all() and t.loc["a", "value"] > 0.9
    with pytest.warns(DegenerateInputWarning, match="score is constant in group 'b'"):
        t = r2_by_group(np.r_[s[:5], np.ones(5)], s, ["a"] * 5 + ["b"] * 5, n_bootstraps=20)
    assert np.isnan(t.loc["b", "value"]) and t.loc["a", "value"] == pytest.approx(1)


def test_r2_with_ci_covers_the_true_r2_and_agrees_with_one_group():
    rng = np.random.default_rng(3)
    s = rng.normal(size=3000)
    y = s + rng.normal(scale=np.sqrt(3), size=3000)  # true r² = 1 / (1 + 3) = 0.25
    r = r2_with_ci(s, y, n_bootstraps=400, random_state=5)
    assert isinstance(r, Estimate) and r.method == "bootstrap percentile"
    assert r.value == pytest.approx(np.corrcoef(s, y)[0, 1] ** 2)
    assert r.contains(0.25) and r.width < 0.08
    one_group = r2_by_group(s, y, ["all"] * 3000, n_bootstraps=400, random_state=5).loc["all"]
    assert [r.value, r.low, r.high] == one_group[["value", "low", "high"]].tolist()
    narrower = r2_with_ci(s, y, n_bootstraps=400, confidence=0.5, random_state=5)
    assert r.low < narrower.low < narrower.high < r.high
    with pytest.raises(InvalidParameterError, match="'n_bootstraps' parameter of r2_with_ci"):
        r2_with_ci(s, y, n_bootstraps=0)


def test_r2_of_a_constant_score_or_tiny_sample_is_nan_with_a_warning():
    with pytest.warns(DegenerateInputWarning, match="r2_with_ci: the score is constant"):
        r = r2_with_ci(np.ones(50), np.arange(50.0), n_bootstraps=20)
    assert np.isnan(r.value) and np.isnan(r.low) and np.isnan(r.high)
    with pytest.warns(DegenerateInputWarning, match="the sample has 2 people"):
        assert np.isnan(r2_with_ci([1.0, 2.0], [1.0, 3.0]).value)
    # resamples that happen to be constant are dropped, not counted as r² = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = r2_with_ci([0.0, 0.0, 0.0, 1.0], [0.0, 0.1, 0.0, 1.0], n_bootstraps=200)
    assert 0 < r.low <= r.value


def test_r2_with_ci_random_state_generator():
    rng = np.random.default_rng(0)
    s, y = rng.normal(size=200), rng.normal(size=200)
    gen = np.random.default_rng(9)
    a, b = r2_with_ci(s, y, n_bootstraps=50, random_state=gen), r2_with_ci(s, y, n_bootstraps=50, random_state=gen)
    assert a.value == b.value and (a.low, a.high) != (b.low, b.high)
    assert r2_with_ci(s, y, n_bootstraps=50, random_state=None) == r2_with_ci(s, y, n_bootstraps=50, random_state=0)
