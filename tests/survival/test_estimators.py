"""Kaplan–Meier, log-rank and Cox against hand computations, R's survival package and scikit-survival."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pmed_utils.survival import cox_partial_likelihood, fit_cox, kaplan_meier, logrank_test
from pmed_utils.validation import DegenerateInputWarning

R_DIR = Path(__file__).parents[1] / "data" / "r" / "survival"


@pytest.fixture(scope="module")
def r_input():
    return pd.read_csv(R_DIR / "survival_input.csv")


def test_kaplan_meier_by_hand():
    # times 2, 3, 3+, 5, 8+: S = 4/5, then 4/5 * 3/4, then * 1/2 (2 at risk at 5)
    km = kaplan_meier([2, 3, 3, 5, 8], [1, 1, 0, 1, 0])
    np.testing.assert_allclose(km.survival, [0.8, 0.6, 0.3, 0.3])
    np.testing.assert_array_equal(km.n_at_risk, [5, 4, 2, 1])
    assert km.survival_at(1.0) == 1.0 and km.survival_at(4.0) == pytest.approx(0.6)
    risk = km.risk_at(6.0)
    assert risk.value == pytest.approx(0.7) and risk.low < 0.7 < risk.high


def test_kaplan_meier_matches_r_survfit(r_input):
    ref = pd.read_csv(R_DIR / "km_reference.csv")
    km = kaplan_meier(r_input["time"], r_input["event"])
    np.testing.assert_allclose(km.time, ref["time"])
    np.testing.assert_array_equal(km.n_at_risk, ref["n_risk"])
    np.testing.assert_allclose(km.survival, ref["surv"], rtol=1e-10)
    ok = ref["surv"] > 0
    np.testing.assert_allclose(km.low[ok], ref["lower"][ok], rtol=1e-6)
    np.testing.assert_allclose(km.high[ok], ref["upper"][ok], rtol=1e-6)


def test_logrank_by_hand():
    # Two groups, four events at distinct times: O - E = 2/3 and V = 13/18 for group 0.
    res = logrank_test([1, 2, 3, 4], [1, 1, 1, 1], [0, 1, 0, 1])
    assert res.statistic == pytest.approx((2 / 3) ** 2 / (13 / 18))
    assert res.df == 1
    np.testing.assert_allclose(res.table["expected"], [4 / 3, 8 / 3])


def test_logrank_matches_r_survdiff(r_input):
    ref = pd.read_csv(R_DIR / "logrank_reference.csv")
    res = logrank_test(r_input["time"], r_input["event"], r_input["group"])
    assert res.statistic == pytest.approx(ref["chisq"][0], rel=1e-8)
    assert res.pvalue == pytest.approx(ref["pvalue"][0], rel=1e-8)
    np.testing.assert_allclose(res.table["expected"], ref["expected"], rtol=1e-8)
    np.testing.assert_array_equal(res.table["observed"], ref["observed"])


def test_cox_matches_r_coxph_breslow(r_input):
    ref = pd.read_csv(R_DIR / "cox_reference.csv")
    fit = fit_cox(r_input[["x1", "x2"]], r_input["time"], r_input["event"])
    np.testing.assert_allclose(fit.coef, ref["coef"], rtol=1e-6)
    np.testing.assert_allclose(fit.se, ref["se"], rtol=1e-6)
    assert fit.loglik == pytest.approx(ref["loglik"][0], rel=1e-9)
    hr = fit.hazard_ratios["x1"]
    assert hr.value == pytest.approx(np.exp(ref["coef"][0]))
    assert hr.low == pytest.approx(np.exp(ref["coef"][0] - 1.959964 * ref["se"][0]), rel=1e-5)


def test_gradient_is_zero_at_the_fit_and_matches_finite_differences(r_input):
    X, t, e = r_input[["x1", "x2"]], r_input["time"], r_input["event"]
    fit = fit_cox(X, t, e)
    _, grad, hess = cox_partial_likelihood(fit.coef, X, t, e)
    np.testing.assert_allclose(grad, 0, atol=1e-8)
    b = np.array([0.2, -0.3])
    ll, grad, hess = cox_partial_likelihood(b, X, t, e)
    h = 1e-6
    for j in range(2):
        step = np.eye(2)[j] * h
        up, g_up, _ = cox_partial_likelihood(b + step, X, t, e)
        down, g_down, _ = cox_partial_likelihood(b - step, X, t, e)
        assert grad[j] == pytest.approx((up - down) / (2 * h), rel=1e-5)
        np.testing.assert_allclose(hess[:, j], (g_up - g_down) / (2 * h), rtol=1e-5)


def test_cox_recovers_the_simulated_hazard_ratio(onset_data):
    X = onset_data.covariates[["prs", "environment"]]
    fit = fit_cox(X, onset_data.time, onset_data.event)
    assert fit.hazard_ratios["prs"].contains(2.0)
    assert fit.hazard_ratios["environment"].contains(1.5)
    # Predicted risks by age 60 follow the true ones.
    pred = fit.event_probability(X, 60.0)
    assert np.corrcoef(pred, onset_data.truth.event_probability(60.0))[0, 1] > 0.99
    assert pred.mean() == pytest.approx(onset_data.truth.event_probability(60.0).mean(), abs=0.02)


def test_bad_input_is_refused_clearly():
    with pytest.raises(ValueError, match="'time' parameter of kaplan_meier must hold times > 0"):
        kaplan_meier([0.0, 1.0], [1, 1])
    with pytest.raises(ValueError, match="'event' parameter of logrank_test must contain only 0"):
        logrank_test([1.0, 2.0], [1, 2], [0, 1])
    with pytest.raises(ValueError, match="Inconsistent lengths in fit_cox"):
        fit_cox([[0.0], [1.0], [2.0]], [1.0, 2.0], [1, 0])
    with pytest.raises(ValueError, match="'time' parameter of fit_cox contains 1 NaN"):
        fit_cox([[0.0], [1.0]], [np.nan, 2.0], [1, 0])
    with pytest.raises(ValueError, match="constant column"):
        fit_cox(pd.DataFrame({"a": [1.0, 1.0, 1.0]}), [1.0, 2.0, 3.0], [1, 1, 0])
    x = np.arange(20.0)
    with pytest.raises(ValueError, match="fit_cox: the Cox model did not converge"):
        fit_cox(x[:, None], 20.5 - x, np.ones(20))  # the covariate orders the events perfectly
    with pytest.raises(ValueError, match="'coef' parameter of cox_partial_likelihood must have one value"):
        cox_partial_likelihood([0.0, 1.0], [[0.0], [1.0]], [1.0, 2.0], [1, 1])


def test_no_events_warn_and_give_nan():
    with pytest.warns(DegenerateInputWarning, match="no events"):
        res = logrank_test([1.0, 2.0, 3.0], [0, 0, 0], [0, 1, 1])
    assert np.isnan(res.statistic) and np.isnan(res.pvalue)
    with pytest.warns(DegenerateInputWarning, match="fewer than two groups"):
        assert np.isnan(logrank_test([1.0, 2.0], [1, 1], [0, 0]).pvalue)
    with pytest.warns(DegenerateInputWarning, match="no events"):
        fit = fit_cox([[0.0], [1.0], [2.0]], [1.0, 2.0, 3.0], [0, 0, 0])
    assert np.isnan(fit.hazard_ratios["x0"].value)
    with pytest.warns(DegenerateInputWarning, match="no events"):
        km = kaplan_meier([1.0, 2.0], [0, 0])
    assert np.all(km.survival == 1) and np.all(np.isnan(km.low))
