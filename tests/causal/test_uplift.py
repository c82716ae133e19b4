"""Qini curves and policy values against hand computations and the truth."""

import numpy as np
import pytest

from pmed_utils.causal import policy_value, qini_curve, simulate_trial, true_qini_curve
from pmed_utils.validation import DegenerateInputWarning


def test_qini_matches_hand_computation():
    t = [1, 0, 1, 0]
    y = [3.0, 1.0, 1.0, 1.0]
    curve = qini_curve(t, y, [4, 3, 2, 1])
    np.testing.assert_allclose(curve.gain, [0, 0, (3 - 1) * 2 / 4, (2 - 1) * 3 / 4, (2 - 1) * 4 / 4])
    np.testing.assert_allclose(curve.fraction, [0, 0.25, 0.5, 0.75, 1])
    expected = np.trapezoid(curve.gain - curve.fraction * curve.gain[-1], curve.fraction)
    assert curve.coefficient == pytest.approx(expected)


def test_qini_of_a_random_ranking_is_about_zero_and_of_the_truth_positive():
    rng = np.random.default_rng(0)
    coefs = []
    n = 2000
    x = rng.normal(size=n)
    tau = x  # effect varies a lot
    for seed in range(20):
        r = np.random.default_rng(seed)
        t = r.integers(0, 2, n)
        y = x + t * tau + r.normal(size=n)
        coefs.append(qini_curve(t, y, r.random(n)).coefficient)
    coefs = np.array(coefs)
    assert abs(coefs.mean()) < 3 * coefs.std(ddof=1) / np.sqrt(coefs.size) + 0.005
    best = true_qini_curve(tau, tau).coefficient
    assert best > 10 * coefs.std()
    # the curve's end is the estimated ATE
    t = rng.integers(0, 2, n)
    y = x + t * tau + rng.normal(size=n)
    curve = qini_curve(t, y, tau)
    assert curve.gain[-1] == pytest.approx(y[t == 1].mean() - y[t == 0].mean())


def test_true_qini_of_the_true_ranking_dominates():
    tau = np.array([2.0, -1.0, 0.5, 0.0])
    best = true_qini_curve(tau, tau)
    np.testing.assert_allclose(best.gain, [0, 0.5, 0.625, 0.625, 0.375])
    worse = true_qini_curve(tau, -tau)
    assert best.coefficient > 0 > worse.coefficient
    assert np.all(best.gain >= worse.gain - 1e-12)


def test_policy_value_matches_hand_computation_and_the_truth(small_cohort):
    t = np.array([1, 0, 1, 0])
    y = np.array([3.0, 1.0, 1.0, 2.0])
    # agree: person 0 (treated, pi=1) and person 3 (untreated, pi=0), weights 2 each
    assert policy_value(t, y, [1, 1, 0, 0], [0.5] * 4).value == pytest.approx(2.5)
    trial = simulate_trial(small_cohort, noise_sd=0.5, random_state=2)
    tau = trial.truth.cate
    for pi in (np.ones_like(tau), np.zeros_like(tau), (tau > 0).astype(float)):
        est = policy_value(trial.treatment, trial.outcome, pi.astype(int), trial.truth.propensity)
        assert est.contains(trial.truth.policy_value(pi)) or abs(est.value - trial.truth.policy_value(pi)) < 0.1


def test_bad_and_degenerate_input():
    with pytest.raises(ValueError, match="'policy' parameter of policy_value must contain only 0"):
        policy_value([0, 1], [1.0, 2.0], [0, 3], [0.5, 0.5])
    with pytest.raises(ValueError, match="'propensity' parameter of policy_value must lie strictly"):
        policy_value([0, 1], [1.0, 2.0], [0, 1], [0.5, 1.5])
    with pytest.raises(ValueError, match="Inconsistent lengths in qini_curve"):
        qini_curve([0, 1], [1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="'treatment' parameter of qini_curve must contain only 0"):
        qini_curve([0, -1], [1.0, 2.0], [1.0, 2.0])
    with pytest.warns(DegenerateInputWarning, match="one treatment arm is empty"):
        assert np.isnan(qini_curve([1, 1], [1.0, 2.0], [1.0, 2.0]).coefficient)
    with pytest.warns(DegenerateInputWarning, match="nobody received"):
        assert np.isnan(policy_value([1, 1], [1.0, 2.0], [0, 0], [0.5, 0.5]).value)
