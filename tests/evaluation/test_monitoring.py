"""Monitoring functions against closed forms and known truth (seeded)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit, logit

from pmed_utils.evaluation import (
    auc_delong,
    calibration_by_period,
    calibration_in_the_large,
    cusum,
    detection_delays,
    evaluate_detectors,
    mean_shift_by_period,
    page_hinkley,
    rolling_auc,
    run_update_strategy,
)
from pmed_utils.models import FrozenModel, OnlineUpdating
from pmed_utils.validation import DegenerateInputWarning, InvalidParameterError


def test_citl_closed_form_for_a_constant_prediction():
    # With p constant the MLE intercept is logit(observed rate) − logit(p).
    rng = np.random.default_rng(0)
    y = rng.binomial(1, 0.3, 500)
    est = calibration_in_the_large(y, np.full(500, 0.2))
    assert est.value == pytest.approx(logit(y.mean()) - logit(0.2), abs=1e-8)
    # Wald SE of a logit-proportion: 1 / sqrt(n p (1 − p)).
    se = 1 / np.sqrt(500 * y.mean() * (1 - y.mean()))
    assert (est.high - est.low) / 2 == pytest.approx(1.959964 * se, rel=1e-4)


def test_citl_after_label_shift_is_log_odds_ratio():
    rng = np.random.default_rng(1)
    p = expit(rng.normal(-1, 1, 200_000))
    y = rng.binomial(1, expit(logit(p) + np.log(2.0)))
    assert calibration_in_the_large(y, p).contains(np.log(2.0))


def test_citl_single_class_warns():
    with pytest.warns(DegenerateInputWarning):
        assert np.isnan(calibration_in_the_large([0, 0, 0], [0.1, 0.2, 0.3]).value)


def test_rolling_auc_matches_delong_per_period_and_pools_windows():
    rng = np.random.default_rng(2)
    y = rng.binomial(1, 0.3, 600)
    s = y + rng.normal(size=600)
    period = np.repeat(np.arange(3), 200)
    table = rolling_auc(y, s, period)
    for i in range(3):
        ref = auc_delong(y[period == i], s[period == i]).auc
        assert table.loc[i, "auc"] == pytest.approx(ref.value)
        assert table.loc[i, "auc_low"] == pytest.approx(ref.low)
    pooled = rolling_auc(y, s, period, window=2)
    assert pooled.loc[2, "auc"] == pytest.approx(auc_delong(y[200:], s[200:]).auc.value)
    assert pooled["n"].tolist() == [200, 400, 400]


def test_rolling_auc_single_class_period_is_nan_with_warning():
    with pytest.warns(DegenerateInputWarning):
        t = rolling_auc([0, 1, 0, 0], [0.1, 0.9, 0.2, 0.3], [0, 0, 1, 1])
    assert np.isnan(t.loc[1, "auc"]) and t.loc[0, "auc"] == 1.0


def test_oe_z_is_standard_normal_for_a_calibrated_model():
    rng = np.random.default_rng(3)
    p = expit(rng.normal(-1.5, 1, 300 * 200))
    y = rng.binomial(1, p)
    z = calibration_by_period(y, p, np.repeat(np.arange(200), 300))["oe_z"]
    assert abs(z.mean()) < 0.2 and 0.8 < z.std() < 1.2


def test_period_length_and_probability_checks():
    with pytest.raises(ValueError, match="period"):
        rolling_auc([0, 1], [0.1, 0.2], [0])
    with pytest.raises(ValueError, match="probabilities"):
        calibration_by_period([0, 1], [0.1, 1.2], [0, 0])
    with pytest.raises(ValueError, match="numbers"):
        calibration_by_period([0, 1], [0.1, 0.2], ["a", "b"])


def test_cusum_average_run_length_matches_the_table():
    # Two-sided tabular CUSUM, k = 0.5, h = 5: ARL0 ≈ 465 (Montgomery); one-sided ≈ 930.
    x = np.random.default_rng(4).normal(size=120_000)
    arl_two = len(x) / cusum(x, restart="reset").n_alarms
    arl_up = len(x) / cusum(x, restart="reset", direction="up").n_alarms
    assert 380 < arl_two < 560
    assert 760 < arl_up < 1200


def test_cusum_finds_a_one_sigma_step_in_about_ten_observations():
    # One-sided ARL1 for a 1-sigma shift with k = 0.5, h = 5 is about 10.4 (Siegmund).
    delays = []
    for seed in range(150):
        x = np.random.default_rng(seed).normal(size=200)
        x[100:] += 1.0
        r = cusum(x, direction="up", restart="reset")
        after = r.alarm_index[r.alarm_index >= 100]
        delays.append(after[0] - 100 + 1)
    assert 8.5 < np.mean(delays) < 12.5


def test_step_in_monthly_mean_is_detected_within_two_periods():
    # A 4-sigma step: found within 2 periods unless a false alarm just before it
    # put the shifted months into the new reference (rare; at most 1 seed in 10).
    found = {"cusum": 0, "ph": 0}
    for seed in range(40):
        z = np.random.default_rng(seed).normal(size=36)
        z[12:] += 4.0
        for name, result in (("cusum", cusum(z, target=None)), ("ph", page_hinkley(z))):
            found[name] += detection_delays(result.alarms, [12], n_periods=36).delays["delay"].iloc[0] <= 2
    assert found["cusum"] >= 36 and found["ph"] >= 36


def test_no_alarm_on_stationary_noise_at_the_stated_rate():
    # Rebaselining CUSUM and Page–Hinkley on 3-year monthly z streams: well under one false alarm a year.
    rates = {"cusum": [], "ph": []}
    for seed in range(100):
        z = np.random.default_rng(seed).normal(size=36)
        rates["cusum"].append(detection_delays(cusum(z, target=None).alarms, [], n_periods=36).false_alarms_per_year)
        rates["ph"].append(detection_delays(page_hinkley(z).alarms, [], n_periods=36).false_alarms_per_year)
    assert np.mean(rates["cusum"]) < 0.25
    assert np.mean(rates["ph"]) < 0.1


def test_page_hinkley_restarts_on_the_new_regime():
    x = np.r_[np.zeros(20), np.full(40, 5.0)]
    r = page_hinkley(x, delta=0.5, threshold=5)
    assert r.n_alarms == 1 and 20 <= r.alarm_index[0] <= 22


def test_detector_parameters_are_validated():
    with pytest.raises(InvalidParameterError, match="'k' parameter of cusum"):
        cusum([0, 1], k=-1)
    with pytest.raises(InvalidParameterError, match="'threshold' parameter of page_hinkley"):
        page_hinkley([0, 1], threshold=0)
    with pytest.raises(ValueError, match="period"):
        cusum([0, 1, 2], period=[0, 1])
    with pytest.raises(ValueError, match="'x'"):
        page_hinkley([0, np.nan])


def test_detection_delays_rules():
    s = detection_delays([2, 9, 12, 19, 40], [9, 18, 27], n_periods=48, max_delay=6)
    assert s.delays["delay"].tolist()[:2] == [0.0, 1.0]
    assert np.isnan(s.delays["delay"].iloc[2])  # the alarm at 40 is too late
    assert s.n_false_alarms == 3  # 2 (before), 12 (repeat), 40 (late)
    assert s.false_alarms_per_year == pytest.approx(3 / 4)
    assert s.max_delay == np.inf


def test_mean_shift_z_and_evaluate_detectors():
    rng = np.random.default_rng(5)
    month = np.repeat(np.arange(24), 100)
    x = rng.normal(27, 4, 2400) + np.where(month >= 12, 2.0, 0.0)
    z = mean_shift_by_period(x, month, reference_mean=27, reference_sd=4)
    assert z.loc[12:, "z"].mean() == pytest.approx(2 / 0.4, abs=1.0)
    table = evaluate_detectors(pd.DataFrame({"bmi": z["z"].to_numpy()}, index=z["period"]), [12])
    assert set(table["detector"]) == {"CUSUM", "Page–Hinkley"}
    assert (table["delay_12"] <= 1).all()


def test_run_update_strategy_is_prequential_and_leaves_the_input_unchanged():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(1200, 2))
    y = (X[:, 0] + rng.normal(size=1200) > 0).astype(int)
    y[600:] = (X[600:, 0] + rng.normal(size=600) > -1.5).astype(int)  # many more events later
    period = np.repeat(np.arange(6), 200)
    online = OnlineUpdating(learning_rate=0.05).fit(X[:400], y[:400])
    run = run_update_strategy(online, X, y, period)
    frozen = run_update_strategy(FrozenModel().fit(X[:400], y[:400]), X, y, period)
    assert online.n_updates_ == 0 and run.n_updates == 6
    # Month 0 is predicted before any update: identical to the frozen model.
    assert np.allclose(run.predictions[:200], frozen.predictions[:200])
    late = run.by_month["period"] >= 4
    assert (run.by_month.loc[late, "citl"].abs() < frozen.by_month.loc[late, "citl"].abs()).all()
    with pytest.raises(ValueError, match="fitted"):
        run_update_strategy(FrozenModel(), X, y, period)
