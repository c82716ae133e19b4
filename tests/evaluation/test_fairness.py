"""Tests for pmed_utils.evaluation._fairness (and the NaN-group check of the subgroup table)."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix, precision_score, recall_score, roc_auc_score

from pmed_utils.evaluation import (
    GroupRecalibrator,
    calibrated_error_rates,
    chouldechova_fpr,
    decision_curve,
    fairness_metrics,
    flag_by_group,
    group_thresholds,
    net_benefit_of_decisions,
    subgroup_metrics,
)
from pmed_utils.validation import DegenerateInputWarning


def _data(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    groups = rng.choice(["A", "B", "C"], n, p=[0.5, 0.3, 0.2])
    shift = np.select([groups == "A", groups == "B"], [0.0, 0.1], 0.2)
    p = np.clip(rng.uniform(0.02, 0.6, n) + shift, 0, 0.95)
    y = (rng.random(n) < p).astype(int)
    return y, p, groups


# --- the impossibility result -------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_chouldechova_identity_is_exact_on_any_confusion_matrix(seed):
    rng = np.random.default_rng(seed)
    tp, fp, fn, tn = (int(v) for v in rng.integers(1, 500, 4))
    n = tp + fp + fn + tn
    fpr = chouldechova_fpr(Fraction(tp + fn, n), Fraction(tp, tp + fp), Fraction(tp, tp + fn))
    assert fpr == Fraction(fp, fp + tn)  # exact rational arithmetic, no tolerance


def test_calibrated_error_rates_obey_the_identity_and_differ_with_base_rate():
    rates = calibrated_error_rates({"low": 0.1, "mid": 0.2, "high": 0.4}, threshold=0.25, concentration=8)
    for _, row in rates.iterrows():
        assert chouldechova_fpr(row.base_rate, row.ppv, row.tpr) == pytest.approx(row.fpr, rel=1e-12)
        assert row.fnr == pytest.approx(1 - row.tpr, abs=1e-15)
        # flagged share = P(S >= t) = p·TPR + (1 − p)·FPR
        assert row.flagged == pytest.approx(row.base_rate * row.tpr + (1 - row.base_rate) * row.fpr, rel=1e-12)
    # the higher the base rate, the more false positives and the fewer false negatives
    assert rates["fpr"].is_monotonic_increasing and rates["fnr"].is_monotonic_decreasing
    same = calibrated_error_rates({"a": 0.3, "b": 0.3}, threshold=0.25)
    assert same.loc["a"].tolist() == same.loc["b"].tolist()


def test_calibrated_error_rates_match_a_simulation():
    rng = np.random.default_rng(1)
    p, kappa, t, n = 0.2, 6.0, 0.3, 400_000
    s = rng.beta(kappa * p, kappa * (1 - p), n)
    y = rng.random(n) < s  # calibrated by construction
    flagged = s >= t
    exact = calibrated_error_rates({"g": p}, threshold=t, concentration=kappa).loc["g"]
    for value, k, m in [
        (exact.tpr, (flagged & y).sum(), y.sum()),
        (exact.fpr, (flagged & ~y).sum(), (~y).sum()),
        (exact.ppv, (flagged & y).sum(), flagged.sum()),
    ]:
        se = np.sqrt(value * (1 - value) / m)
        assert abs(k / m - value) < 5 * se


def test_calibrated_error_rates_refuse_base_rates_outside_0_1():
    with pytest.raises(ValueError, match="'base_rates' parameter of calibrated_error_rates"):
        calibrated_error_rates({"a": 0.2, "b": 1.0}, threshold=0.3)


# --- per-group metrics ----------------------------------------------------------------------


def test_fairness_metrics_match_sklearn_per_group():
    y, p, groups = _data()
    threshold = 0.35
    table = fairness_metrics(y, p, groups, threshold)
    assert table.index.tolist() == list(pd.unique(groups))
    for g, row in table.iterrows():
        yg, pg = y[groups == g], p[groups == g]
        pred = (pg >= threshold).astype(int)
        tn, fp, fn, tp = confusion_matrix(yg, pred, labels=[0, 1]).ravel()
        assert row.n == len(yg) and row.cases == yg.sum()
        assert row.auc == pytest.approx(roc_auc_score(yg, pg), abs=1e-12)
        assert row.tpr == pytest.approx(recall_score(yg, pred), abs=1e-12)
        assert row.ppv == pytest.approx(precision_score(yg, pred), abs=1e-12)
        assert row.fpr == pytest.approx(fp / (fp + tn), abs=1e-12)
        assert row.base_rate == pytest.approx(yg.mean()) and row.flagged == pytest.approx(pred.mean())
        assert row.calibration_in_the_large == pytest.approx(yg.mean() - pg.mean(), abs=1e-12)
        for m in ["auc", "tpr", "fpr", "ppv", "calibration_in_the_large", "calibration_intercept", "calibration_slope"]:
            assert row[f"{m}_low"] < row[m] < row[f"{m}_high"], m
    # calibrated by construction: every interval of the intercept covers 0, of the slope 1
    assert ((table.calibration_intercept_low < 0) & (table.calibration_intercept_high > 0)).all()
    assert ((table.calibration_slope_low < 1) & (table.calibration_slope_high > 1)).all()
    # the shared columns are the subgroup table's
    base = subgroup_metrics(y, p, groups, threshold)
    np.testing.assert_allclose(table["tpr"], base["sensitivity"])
    np.testing.assert_allclose(table["fpr_high"], 1 - base["specificity_low"])


@pytest.mark.parametrize("bad", [np.nan, None])
@pytest.mark.parametrize("func", [fairness_metrics, subgroup_metrics])
def test_missing_group_labels_are_an_error(func, bad):
    y, p, groups = _data(200)
    groups = groups.astype(object)
    groups[7] = bad
    with pytest.raises(ValueError, match=r"'groups' parameter of \w+ has 1 missing label"):
        func(y, p, groups, 0.3)


def test_categorical_with_nan_is_an_error():
    y, p, groups = _data(200)
    cat = pd.Categorical(groups).remove_categories(["C"])  # "C" becomes NaN
    with pytest.raises(ValueError, match="missing label"):
        fairness_metrics(y, p, cat, 0.3)


def test_one_class_and_empty_groups_warn_and_give_nan():
    y, p, groups = _data(600)
    y = y.copy()
    y[groups == "C"] = 0
    cat = pd.Categorical(groups, categories=["A", "B", "C", "D"])
    with pytest.warns(DegenerateInputWarning) as record:
        table = fairness_metrics(y, p, cat, 0.3)
    messages = " ".join(str(w.message) for w in record)
    assert "'C' has a single class" in messages and "'D' is empty" in messages
    assert np.isnan(table.loc["C", ["auc", "auc_low", "tpr", "calibration_slope"]].astype(float)).all()
    assert table.loc["C", "ppv"] == 0 and table.loc["C", "fpr"] > 0  # defined without cases
    assert table.loc["D", "n"] == 0 and table.loc["D"].drop(["n", "cases", "level", "small"]).isna().all()
    assert not np.isnan(table.loc["A", "auc"])


def test_no_one_flagged_gives_nan_ppv_with_a_warning():
    y, p, groups = _data(600)
    p = np.where(groups == "A", np.minimum(p, 0.2), p)
    with pytest.warns(DegenerateInputWarning, match="no one in subgroup 'A' is flagged"):
        table = fairness_metrics(y, p, groups, 0.5)
    assert np.isnan(table.loc["A", "ppv"]) and table.loc["A", "tpr"] == 0


def test_fairness_metrics_need_probabilities():
    with pytest.raises(ValueError):
        fairness_metrics([0, 1, 0, 1], [0.1, 2.0, 0.3, 0.4], ["a", "a", "b", "b"], 0.5)


# --- mitigations ----------------------------------------------------------------------------


def test_group_recalibration_calibrates_each_group():
    rng = np.random.default_rng(2)
    n = 6000
    groups = rng.choice(["A", "B"], n)
    p_true = rng.uniform(0.05, 0.5, n)
    y = (rng.random(n) < p_true).astype(int)
    p_model = np.where(groups == "B", np.clip(p_true * 1.8, 0, 0.99), p_true)  # over-predicts in B
    half = np.arange(n) < n // 2
    rec = GroupRecalibrator().fit(y[half], p_model[half], groups[half])
    q = rec.predict(p_model[~half], groups[~half])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        before = fairness_metrics(y[~half], p_model[~half], groups[~half], 0.3)
        after = fairness_metrics(y[~half], q, groups[~half], 0.3)
    assert before.loc["B", "calibration_in_the_large_high"] < 0
    assert (after["calibration_in_the_large_low"] < 0).all() and (after["calibration_in_the_large_high"] > 0).all()
    with pytest.raises(ValueError, match="not seen in fit"):
        rec.predict([0.2], ["Z"])
    with pytest.raises(ValueError, match="missing label"):
        rec.predict([0.2, 0.3], np.array(["A", None], dtype=object))
    with pytest.raises(RuntimeError, match="not fitted"):
        GroupRecalibrator().predict([0.2], ["A"])


def test_group_recalibrator_single_class_group_warns_and_gives_nan():
    with pytest.warns(DegenerateInputWarning):
        rec = GroupRecalibrator().fit([0, 1, 0, 1, 0, 0], [0.2, 0.7, 0.3, 0.6, 0.1, 0.4], list("AAAABB"))
    assert np.isnan(rec.predict([0.5], ["B"])).all() and not np.isnan(rec.predict([0.5], ["A"])).any()


@pytest.mark.parametrize("target", [0.5, 0.8, 0.93])
def test_group_thresholds_reach_the_target_tpr(target):
    y, p, groups = _data()
    cut = group_thresholds(y, p, groups, metric="tpr", target=target)
    flagged = flag_by_group(p, groups, cut)
    for g in cut.index:
        cases = (groups == g) & (y == 1)
        tpr = flagged[cases].mean()
        assert target <= tpr < target + 1 / cases.sum() + 1e-12  # the highest threshold that reaches it


@pytest.mark.parametrize("target", [0.1, 0.3])
def test_group_thresholds_cap_the_fpr(target):
    y, p, groups = _data()
    cut = group_thresholds(y, p, groups, metric="fpr", target=target)
    flagged = flag_by_group(p, groups, cut)
    for g in cut.index:
        controls = (groups == g) & (y == 0)
        fpr = flagged[controls].mean()
        assert target - 1 / controls.sum() - 1e-12 < fpr <= target


def test_group_thresholds_degenerate_group_warns_and_gives_nan():
    with pytest.warns(DegenerateInputWarning, match="'B' has no cases"):
        cut = group_thresholds([0, 1, 0, 0], [0.2, 0.7, 0.3, 0.4], list("AABB"), metric="tpr")
    assert np.isnan(cut["B"]) and cut["A"] == 0.7
    assert flag_by_group([0.9], ["B"], cut).tolist() == [False]


def test_flag_by_group_needs_every_threshold():
    with pytest.raises(ValueError, match="no threshold for groups"):
        flag_by_group([0.1, 0.2], ["A", "B"], {"A": 0.5})


def test_net_benefit_of_decisions_equals_the_decision_curve_for_one_threshold():
    y, p, _ = _data()
    for t in [0.1, 0.25, 0.5]:
        nb = decision_curve(y, p, thresholds=[t])["net_benefit_model"].item()
        assert net_benefit_of_decisions(y, p >= t, t) == pytest.approx(nb, abs=1e-15)
    with pytest.raises(ValueError):
        net_benefit_of_decisions([0, 1], [True], 0.2)
    with pytest.warns(DegenerateInputWarning):
        assert np.isnan(net_benefit_of_decisions([], [], 0.2))
