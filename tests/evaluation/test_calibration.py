"""Calibration: Brier score, reliability table, intercept and slope against R's glm, recalibration."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss

from pmed_utils.evaluation import (
    CalibrationFit,
    Recalibrator,
    brier_score,
    calibration_intercept_slope,
    calibration_summary,
    calibration_table,
    recalibrate,
    wilson_interval,
)
from pmed_utils.results import Estimate
from pmed_utils.validation import DegenerateInputWarning, InvalidParameterError

R_DIR = Path(__file__).parents[1] / "data" / "r"


def _calibrated(n=20000, seed=0):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.02, 0.98, n)
    return (rng.random(n) < p).astype(int), p


def test_brier_matches_sklearn():
    y, p = _calibrated(500)
    assert brier_score(y, p) == pytest.approx(brier_score_loss(y, p))


def test_perfectly_calibrated_model_has_intercept_0_slope_1():
    y, p = _calibrated()
    fit = calibration_intercept_slope(y, p)
    assert isinstance(fit, CalibrationFit) and isinstance(fit.slope, Estimate)
    assert fit.intercept.contains(0) and fit.slope.contains(1) and fit.slope.width < 0.1


def test_overconfident_model_has_slope_below_1_and_shifted_model_has_nonzero_intercept():
    y, p = _calibrated()
    logit = np.log(p / (1 - p))
    over = 1 / (1 + np.exp(-2 * logit))  # twice as extreme: true slope 0.5
    assert calibration_intercept_slope(y, over).slope.contains(0.5)
    shifted = 1 / (1 + np.exp(-(logit + 1)))  # risks too high by one logit unit: intercept -1
    intercept = calibration_intercept_slope(y, shifted).intercept
    assert intercept.contains(-1) and not intercept.contains(0)


# R 4.2.2 glm on tests/data/r/calibration_input.csv; see tests/data/r/README.md.
@pytest.fixture(scope="module")
def glm():
    data = pd.read_csv(R_DIR / "calibration_input.csv")
    ref = pd.read_csv(R_DIR / "calibration_reference.csv").set_index("quantity")["value"]
    return data, ref


def test_slope_and_intercept_match_r_glm_to_1e_8(glm):
    data, ref = glm
    intercept, slope = calibration_intercept_slope(data["y"], data["p"])
    # glm(y ~ qlogis(p), family = binomial): the coefficient of qlogis(p)
    assert slope.value == pytest.approx(ref["slope"], rel=1e-8)
    # glm(y ~ offset(qlogis(p)), family = binomial): calibration-in-the-large
    assert intercept.value == pytest.approx(ref["intercept"], rel=1e-8)
    # Wald intervals, as confint.default
    assert (slope.low, slope.high) == pytest.approx((ref["slope_low"], ref["slope_high"]), rel=1e-8)
    assert (intercept.low, intercept.high) == pytest.approx((ref["intercept_low"], ref["intercept_high"]), rel=1e-8)
    assert slope.method == intercept.method == "Wald"


def test_a_default_tolerance_solver_misses_r_by_more_than_newton(glm):
    """Why Newton: lbfgs at its default tolerance stops short of the maximum likelihood."""
    data, ref = glm
    lp = np.log(data["p"] / (1 - data["p"])).to_numpy()[:, None]
    lbfgs = LogisticRegression(C=np.inf, max_iter=1000).fit(lp, data["y"]).coef_[0, 0]
    newton = calibration_intercept_slope(data["y"], data["p"]).slope.value
    assert abs(newton / ref["slope"] - 1) < 1e-8 < abs(lbfgs / ref["slope"] - 1)


def test_calibration_degenerate_input_warns_and_gives_nan():
    with pytest.warns(DegenerateInputWarning, match="no cases"):
        fit = calibration_intercept_slope([0, 0, 0], [0.1, 0.2, 0.3])
    assert np.isnan(fit.intercept.value) and np.isnan(fit.slope.value)
    with pytest.warns(DegenerateInputWarning, match="constant"):
        intercept, slope = calibration_intercept_slope([0, 1, 0, 1], [0.3] * 4)
    # with slope fixed at 1 the intercept is still defined: logit(1/2) - logit(0.3)
    assert np.isnan(slope.value) and intercept.value == pytest.approx(-np.log(0.3 / 0.7))
    with pytest.warns(DegenerateInputWarning, match="separates"):
        assert np.isnan(calibration_intercept_slope([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]).slope.value)


def test_calibration_table_observed_tracks_predicted_with_wilson_intervals():
    y, p = _calibrated()
    t = calibration_table(y, p, n_bins=10)
    assert len(t) == 10 and t["n"].sum() == len(y)
    assert np.abs(t["observed"] - t["mean_predicted"]).max() < 0.04
    first = p <= np.quantile(p, 0.1)
    w = wilson_interval(int(y[first].sum()), int(first.sum()))
    assert t.loc[0, ["observed", "low", "high"]].tolist() == pytest.approx([w.value, w.low, w.high])
    assert (t["level"] == 0.95).all() and t.columns.tolist() == [
        "bin",
        "n",
        "mean_predicted",
        "observed",
        "low",
        "high",
        "level",
    ]
    uniform = calibration_table(y, p, n_bins=4, strategy="uniform")
    assert uniform["bin"].tolist() == [0, 1, 2, 3] and uniform["n"].sum() == len(y)


@pytest.mark.parametrize("method", ["platt", "isotonic"])
def test_recalibration_fixes_a_miscalibrated_model_on_new_data(method):
    y, p = _calibrated(seed=1)
    logit = np.log(p / (1 - p))
    bad = 1 / (1 + np.exp(-(2 * logit + 1)))
    fitted = recalibrate(y[:10000], bad[:10000], method=method)
    assert isinstance(fitted, Recalibrator) and fitted.method == method
    fixed = fitted.predict(bad[10000:])
    summary = calibration_summary(y[10000:], fixed)
    assert abs(summary["intercept"]) < 0.1 and summary["slope"] == pytest.approx(1, abs=0.1)
    assert summary["brier"] < brier_score(y[10000:], bad[10000:])


def test_platt_undoes_a_known_logit_transform():
    # risks = expit(2 logit(q) + 1) with q the true risk: the inverse map is slope 1/2, intercept -1/2
    y, q = _calibrated(200_000, seed=2)
    logit = np.log(q / (1 - q))
    platt = Recalibrator("platt").fit(y, 1 / (1 + np.exp(-(2 * logit + 1))))
    assert platt.is_probability_ and platt.slope_ == pytest.approx(0.5, abs=0.01)
    assert platt.intercept_ == pytest.approx(-0.5, abs=0.02)
    # on raw scores (not probabilities) Platt works on the score itself
    raw = Recalibrator().fit(y, 2 * logit + 1)
    assert not raw.is_probability_ and raw.slope_ == pytest.approx(platt.slope_, rel=1e-9)


def test_platt_stays_finite_when_the_validation_score_separates_the_classes():
    fitted = recalibrate([0, 0, 0, 1, 1, 1], [0.1, 0.2, 0.3, 0.7, 0.8, 0.9])
    p = fitted.predict([0.1, 0.5, 0.9])
    assert np.isfinite(fitted.slope_) and np.all((p > 0) & (p < 1)) and p[0] < p[1] < p[2]


def test_recalibrator_errors_and_degenerate_fit():
    with pytest.raises(InvalidParameterError, match="'method' parameter of Recalibrator"):
        Recalibrator("beta")
    with pytest.raises(RuntimeError, match="not fitted"):
        Recalibrator().predict([0.5])
    with pytest.warns(DegenerateInputWarning, match="no cases"):
        fitted = recalibrate([0, 0, 0], [0.1, 0.2, 0.3])
    assert np.isnan(fitted.predict([0.5])).all()


def test_probabilities_outside_unit_interval_are_refused():
    with pytest.raises(ValueError, match="'y_prob' parameter of brier_score must hold probabilities in \\[0, 1\\]"):
        brier_score([0, 1], [-0.2, 1.3])
    with pytest.raises(ValueError, match="'y_prob' parameter of calibration_intercept_slope"):
        calibration_intercept_slope([0, 1], [0.2, 1.3])
