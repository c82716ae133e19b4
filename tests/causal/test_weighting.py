"""Average-effect estimators against hand computations and simulations with known truth."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

from pmed_utils.causal import aipw_ate, cross_fit_nuisance, difference_in_means, ipw_ate
from pmed_utils.validation import DegenerateInputWarning


def test_difference_in_means_matches_hand_computation():
    t = np.array([1, 1, 1, 0, 0, 0])
    y = np.array([4.0, 6.0, 5.0, 1.0, 2.0, 3.0])
    est = difference_in_means(t, y)
    se = np.sqrt(1 / 3 + 1 / 3)  # both arms have variance 1
    assert est.value == pytest.approx(3.0)
    assert est.high - est.value == pytest.approx(1.959964 * se, rel=1e-5)


def test_ipw_with_known_propensities_equals_hand_computed_value():
    t = np.array([1, 0, 1, 0, 1])
    y = np.array([2.0, 1.0, 4.0, 3.0, 1.0])
    e = np.array([0.5, 0.5, 0.25, 0.75, 0.8])
    ht = (2 / 0.5 + 4 / 0.25 + 1 / 0.8) / 5 - (1 / 0.5 + 3 / 0.25) / 5
    assert ipw_ate(t, y, e, normalize=False).value == pytest.approx(ht)
    w1 = np.array([1 / 0.5, 1 / 0.25, 1 / 0.8])
    w0 = np.array([1 / 0.5, 1 / 0.25])
    hajek = np.sum(w1 * [2, 4, 1]) / w1.sum() - np.sum(w0 * [1, 3]) / w0.sum()
    assert ipw_ate(t, y, e).value == pytest.approx(hajek)


def test_aipw_with_perfect_outcome_models_is_their_mean_difference():
    t = np.array([1, 0, 1, 0])
    mu0, mu1 = np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 3.0, 2.0, 5.0])
    y = np.where(t == 1, mu1, mu0)
    assert aipw_ate(t, y, [0.3, 0.6, 0.5, 0.2], mu0, mu1).value == pytest.approx(np.mean(mu1 - mu0))


def _confounded(n, rng):
    x = rng.normal(size=(n, 2))
    e = 1 / (1 + np.exp(-(0.8 * x[:, 0] - 0.5 * x[:, 1])))
    t = (rng.random(n) < e).astype(int)
    mu0 = 2 * x[:, 0] + x[:, 1]
    tau = 1.0 + x[:, 0]  # ATE 1
    y = mu0 + t * tau + rng.normal(size=n)
    return x, t, y, e, mu0, mu0 + tau


def test_aipw_is_doubly_robust():
    """Right propensity + wrong outcome model, and wrong propensity + right outcome model: both unbiased."""
    estimates = {"right e, wrong mu": [], "wrong e, right mu": [], "naive": []}
    for seed in range(30):
        rng = np.random.default_rng(seed)
        x, t, y, e, mu0, mu1 = _confounded(2000, rng)
        estimates["right e, wrong mu"].append(aipw_ate(t, y, e, np.zeros_like(y), np.zeros_like(y)).value)
        estimates["wrong e, right mu"].append(aipw_ate(t, y, np.full_like(e, 0.5), mu0, mu1).value)
        estimates["naive"].append(difference_in_means(t, y).value)
    for name in ("right e, wrong mu", "wrong e, right mu"):
        values = np.array(estimates[name])
        se = values.std(ddof=1) / np.sqrt(values.size)
        assert abs(values.mean() - 1.0) < 4 * se + 0.01, name
    assert np.mean(estimates["naive"]) > 1.5  # confounding biases the naive estimate


def test_ipw_interval_covers_the_truth_at_about_the_nominal_rate():
    covered = []
    for seed in range(60):
        x, t, y, e, mu0, mu1 = _confounded(1000, np.random.default_rng(100 + seed))
        covered.append(ipw_ate(t, y, e).contains(1.0))
    assert 0.85 <= np.mean(covered) <= 1.0


def test_cross_fit_nuisance_gives_consistent_aipw():
    x, t, y, e, mu0, mu1 = _confounded(3000, np.random.default_rng(1))
    nu = cross_fit_nuisance(
        x, t, y, outcome_model=LinearRegression(), propensity_model=LogisticRegression(), random_state=0
    )
    est = aipw_ate(t, y, nu.propensity, nu.mu0, nu.mu1)
    assert est.contains(1.0)
    assert np.corrcoef(nu.propensity, e)[0, 1] > 0.98
    assert set(np.unique(nu.folds)) == set(range(5))


def test_bad_content_is_refused():
    with pytest.raises(ValueError, match="'treatment' parameter of ipw_ate must contain only 0"):
        ipw_ate([0, 2, 1], [1.0, 2.0, 3.0], [0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="'propensity' parameter of ipw_ate must lie strictly inside"):
        ipw_ate([0, 1, 1], [1.0, 2.0, 3.0], [0.5, 1.0, 0.5])
    with pytest.raises(ValueError, match="'propensity' parameter of aipw_ate must lie strictly inside"):
        aipw_ate([0, 1], [1.0, 2.0], [0.0, 0.5], [0, 0], [1, 1])
    with pytest.raises(ValueError, match="Inconsistent lengths in difference_in_means"):
        difference_in_means([0, 1, 1], [1.0, 2.0])
    with pytest.raises(ValueError, match="'outcome' parameter of difference_in_means contains 1 NaN"):
        difference_in_means([0, 1], [1.0, np.nan])
    with pytest.raises(ValueError, match="Inconsistent lengths in cross_fit_nuisance"):
        cross_fit_nuisance(np.zeros((4, 1)), [0, 1, 0, 1], [1.0, 2.0, 3.0])


def test_degenerate_arms_warn_and_give_nan():
    with pytest.warns(DegenerateInputWarning, match="0 treated"):
        est = difference_in_means([0, 0, 0], [1.0, 2.0, 3.0])
    assert np.isnan(est.value) and np.isnan(est.low)
    with pytest.warns(DegenerateInputWarning):
        assert np.isnan(ipw_ate([1, 1, 1], [1.0, 2.0, 3.0], [0.5] * 3).value)
    with pytest.warns(DegenerateInputWarning, match="cannot fill 5 folds"):
        nu = cross_fit_nuisance(np.arange(20.0), [1] * 3 + [0] * 17, np.arange(20.0))
    assert np.isnan(nu.mu0).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        difference_in_means([0, 0, 1, 1], [1.0, 2.0, 3.0, 4.0])
