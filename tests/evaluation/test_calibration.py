import numpy as np
import pytest
from sklearn.metrics import brier_score_loss

from pmed_utils.evaluation import (
    brier_score,
    calibration_intercept_slope,
    calibration_summary,
    calibration_table,
    recalibrate,
)


def _calibrated(n=20000, seed=0):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.02, 0.98, n)
    return (rng.random(n) < p).astype(int), p


def test_brier_matches_sklearn():
    y, p = _calibrated(500)
    assert brier_score(y, p) == pytest.approx(brier_score_loss(y, p))


def test_perfectly_calibrated_model_has_intercept_0_slope_1():
    y, p = _calibrated()
    a, b = calibration_intercept_slope(y, p)
    assert abs(a) < 0.05 and b == pytest.approx(1, abs=0.05)


def test_overconfident_model_has_slope_below_1_and_shifted_model_has_nonzero_intercept():
    y, p = _calibrated()
    logit = np.log(p / (1 - p))
    over = 1 / (1 + np.exp(-2 * logit))  # twice as extreme: true slope 0.5
    assert calibration_intercept_slope(y, over)[1] == pytest.approx(0.5, abs=0.05)
    shifted = 1 / (1 + np.exp(-(logit + 1)))  # risks too high by one logit unit: intercept -1
    assert calibration_intercept_slope(y, shifted)[0] == pytest.approx(-1, abs=0.07)


def test_calibration_table_observed_tracks_predicted():
    y, p = _calibrated()
    t = calibration_table(y, p, n_bins=10)
    assert len(t) == 10 and t["n"].sum() == len(y)
    assert np.abs(t["observed"] - t["mean_predicted"]).max() < 0.04
    assert (t["ci_low"] <= t["observed"]).all()


@pytest.mark.parametrize("method", ["platt", "isotonic"])
def test_recalibration_fixes_a_miscalibrated_model_on_new_data(method):
    y, p = _calibrated(seed=1)
    logit = np.log(p / (1 - p))
    bad = 1 / (1 + np.exp(-(2 * logit + 1)))
    f = recalibrate(y[:10000], bad[:10000], method=method)
    fixed = f(bad[10000:])
    summary = calibration_summary(y[10000:], fixed)
    assert abs(summary["intercept"]) < 0.1 and summary["slope"] == pytest.approx(1, abs=0.1)
    assert summary["brier"] < brier_score(y[10000:], bad[10000:])


def test_probabilities_outside_unit_interval_are_refused():
    with pytest.raises(ValueError, match="probabilities in \\[0, 1\\]"):
        brier_score([0, 1], [-0.2, 1.3])
