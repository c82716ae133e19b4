"""Subgroup tables: per-group numbers equal direct computation; degenerate groups warn and give NaN."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from pmed_utils.evaluation import (
    auc_delong,
    calibration_intercept_slope,
    subgroup_metrics,
    wilson_interval,
)
from pmed_utils.validation import DegenerateInputWarning, PmedWarning


def _data(n=600, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    return y, 1 / (1 + np.exp(-(y * 1.5 + rng.normal(size=n) - 0.75)))


def test_subgroup_table_matches_per_group_computation_and_warns_for_tiny_groups():
    y, s = _data()
    n = len(y)
    groups = np.where(np.arange(n) < 580, np.where(np.arange(n) % 2, "CEU", "YRI"), "tiny")
    with pytest.warns(PmedWarning, match="'tiny' has only 20 people"):
        table = subgroup_metrics(y, s, groups, threshold=0.5)
    ceu = groups == "CEU"
    d = auc_delong(y[ceu], s[ceu]).auc
    assert table.loc["CEU", "auc"] == pytest.approx(roc_auc_score(y[ceu], s[ceu]))
    assert (table.loc["CEU", "auc_low"], table.loc["CEU", "auc_high"]) == pytest.approx((d.low, d.high))
    sens = wilson_interval(int(((s >= 0.5) & (y == 1) & ceu).sum()), int((ceu & (y == 1)).sum()))
    assert table.loc["CEU", ["sensitivity", "sensitivity_low", "sensitivity_high"]].tolist() == pytest.approx(
        [sens.value, sens.low, sens.high]
    )
    intercept, slope = calibration_intercept_slope(y[ceu], s[ceu])
    assert table.loc["CEU", "calibration_slope"] == pytest.approx(slope.value)
    assert table.loc["CEU", "calibration_intercept"] == pytest.approx(intercept.value)
    assert table.loc["CEU", "n"] == ceu.sum() and bool(table.loc["tiny", "small"])
    assert not bool(table.loc["CEU", "small"]) and (table["level"] == 0.95).all()


def test_single_class_subgroup_gives_nan_auc_with_degenerate_warning():
    y = np.array([0, 1] * 40 + [0] * 40)
    s = np.linspace(0, 1, 120)
    g = np.array(["a"] * 80 + ["b"] * 40)
    with pytest.warns(DegenerateInputWarning, match="'b' has a single class"):
        t = subgroup_metrics(y, s, g, threshold=0.5)
    assert t.loc["b", ["auc", "auc_low", "calibration_slope", "sensitivity"]].isna().all()
    assert t.loc["b", "specificity"] == pytest.approx(np.mean(s[80:] < 0.5))
    assert not np.isnan(t.loc["a", "auc"])


def test_empty_category_gets_a_nan_row_with_degenerate_warning():
    y, s = _data(200, seed=1)
    g = pd.Categorical(np.repeat(["x", "y"], 100), categories=["x", "y", "z"])
    with pytest.warns(DegenerateInputWarning, match="'z' is empty"):
        t = subgroup_metrics(y, s, g, threshold=0.5)
    assert t.index.tolist() == ["x", "y", "z"] and t.loc["z", "n"] == 0
    assert t.loc["z", ["auc", "sensitivity", "specificity"]].isna().all()


def test_subgroup_bad_input():
    with pytest.raises(ValueError, match="Inconsistent lengths"):
        subgroup_metrics([0, 1], [0.2, 0.8], ["a"], threshold=0.5)
    with pytest.raises(ValueError, match="'threshold' parameter of subgroup_metrics"):
        subgroup_metrics([0, 1], [0.2, 0.8], ["a", "a"], threshold=np.nan)
