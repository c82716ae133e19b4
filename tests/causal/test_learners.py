"""Meta-learners against closed forms and the simulated truth."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

from pmed_utils.causal import (
    dr_learner_cate,
    oracle_cate,
    pehe,
    s_learner_cate,
    simulate_trial,
    t_learner_cate,
    x_learner_cate,
)
from pmed_utils.validation import DegenerateInputWarning


def _linear(n=2000, seed=0, noise=1.0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    t = rng.integers(0, 2, n)
    mu0 = 1.0 + x @ np.array([1.0, -2.0, 0.5])
    tau = 0.5 + x @ np.array([1.5, 0.0, -1.0])
    y = mu0 + t * tau + noise * rng.normal(size=n)
    return x, t, y, tau


def test_t_learner_with_linear_regression_recovers_the_coefficients():
    x, t, y, tau = _linear(noise=0.0)
    grid = np.vstack([np.zeros(3), np.eye(3)])
    est = t_learner_cate(x, t, y, model=LinearRegression(), X_test=grid)
    np.testing.assert_allclose(est, [0.5, 2.0, 0.5, -0.5], atol=1e-10)
    x, t, y, tau = _linear(noise=1.0)
    est = t_learner_cate(x, t, y, model=LinearRegression(), X_test=grid)
    # intercept and slopes each within ~4 standard errors (se ≈ 2 / sqrt(n) per arm difference)
    np.testing.assert_allclose(est, [0.5, 2.0, 0.5, -0.5], atol=4 * 2 / np.sqrt(2000) * 1.5)


@pytest.mark.parametrize("learner", ["t", "x", "dr"])
def test_linear_learners_are_close_to_the_truth(learner):
    x, t, y, tau = _linear(n=3000, seed=1)
    if learner == "t":
        est = t_learner_cate(x, t, y, model=LinearRegression())
    elif learner == "x":
        est = x_learner_cate(x, t, y, model=LinearRegression(), propensity_model=LogisticRegression())
    else:
        est = dr_learner_cate(x, t, y, model=LinearRegression(), propensity=np.full(len(t), 0.5))
    assert pehe(tau, est) < 0.15


def test_s_learner_with_a_linear_model_cannot_see_heterogeneity():
    x, t, y, tau = _linear(n=3000, seed=2)
    est = s_learner_cate(x, t, y, model=LinearRegression())
    assert np.ptp(est) < 1e-9  # a constant effect: the model has no treatment interactions
    assert est[0] == pytest.approx(tau.mean(), abs=0.15)


def test_pehe_of_the_truth_is_zero_and_of_a_constant_is_the_sd():
    tau = np.random.default_rng(0).normal(size=500)
    assert pehe(tau, tau) == 0.0
    assert pehe(tau, np.full(500, tau.mean())) == pytest.approx(tau.std())


def test_oracle_recovers_the_simulated_effect(small_cohort):
    trial = simulate_trial(small_cohort, noise_sd=0.01, random_state=0)
    tr = trial.truth
    est = oracle_cate(tr.baseline_features, tr.effect_features, trial.treatment, trial.outcome)
    assert pehe(tr.cate, est) < 0.01


def test_dr_learner_beats_the_t_learner_on_the_trial_with_linear_models(small_cohort):
    trial = simulate_trial(small_cohort, random_state=1)
    X, t, y, tau = trial.covariates, trial.treatment, trial.outcome, trial.truth.cate
    dr = dr_learner_cate(X, t, y, model=LinearRegression(), propensity=trial.truth.propensity)
    oracle = oracle_cate(trial.truth.baseline_features, trial.truth.effect_features, t, y)
    assert pehe(tau, oracle) < pehe(tau, dr) < 1.0


def test_dr_learner_with_controls_models_the_effect_on_x_only():
    # effect 1 + x1; the baseline depends strongly on w, which only adjusts
    rng = np.random.default_rng(2)
    n = 2000
    x1, w = rng.normal(size=(n, 1)), rng.normal(size=(n, 2))
    t = rng.integers(0, 2, n)
    tau = 1 + x1[:, 0]
    y = 3 * w[:, 0] - 2 * w[:, 1] + t * tau + 0.5 * rng.normal(size=n)
    kwargs = {"model": LinearRegression(), "propensity": np.full(n, 0.5), "random_state": 0}
    adjusted = dr_learner_cate(x1, t, y, W=w, **kwargs)
    unadjusted = dr_learner_cate(x1, t, y, **kwargs)
    assert pehe(tau, adjusted) < 0.1 < pehe(tau, unadjusted)
    with pytest.raises(ValueError, match="Inconsistent lengths in dr_learner_cate"):
        dr_learner_cate(x1, t, y, W=w[:-1], **kwargs)


def test_learners_are_reproducible():
    x, t, y, _ = _linear(n=300, seed=3)
    a = dr_learner_cate(x, t, y, random_state=5)
    b = dr_learner_cate(x, t, y, random_state=5)
    np.testing.assert_array_equal(a, b)


def test_bad_content_is_refused():
    x, t, y, _ = _linear(n=50)
    with pytest.raises(ValueError, match="'treatment' parameter of t_learner_cate must contain only 0"):
        t_learner_cate(x, np.where(t == 1, 2, 0), y)
    with pytest.raises(ValueError, match="Inconsistent lengths in s_learner_cate"):
        s_learner_cate(x, t[:-1], y)
    with pytest.raises(ValueError, match="'X_test' parameter of x_learner_cate must have the 3 columns"):
        x_learner_cate(x, t, y, X_test=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="'propensity' parameter of dr_learner_cate must lie strictly"):
        dr_learner_cate(x, t, y, propensity=np.ones(50))
    with pytest.raises(ValueError, match="Inconsistent lengths in pehe"):
        pehe([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="'X' parameter of t_learner_cate contains"):
        t_learner_cate(np.full((50, 3), np.nan), t, y)


def test_degenerate_input_warns_and_gives_nan():
    x, t, y, _ = _linear(n=40)
    for learner in (s_learner_cate, t_learner_cate, x_learner_cate, dr_learner_cate):
        with pytest.warns(DegenerateInputWarning, match="0 treated"):
            assert np.isnan(learner(x, np.zeros(40, int), y, model=LinearRegression())).all()
    # A DR fold without treated people: 3 treated cannot fill 5 folds.
    few = np.zeros(40, int)
    few[:3] = 1
    with pytest.warns(DegenerateInputWarning):
        assert np.isnan(dr_learner_cate(x, few, y, model=LinearRegression())).all()
    with pytest.warns(DegenerateInputWarning, match="NaN"):
        assert np.isnan(pehe([1.0, 2.0], [1.0, np.nan]))


def test_dr_learner_agrees_with_econml():
    econml_dr = pytest.importorskip("econml.dr")
    x, t, y, tau = _linear(n=3000, seed=4)
    ours = dr_learner_cate(
        x,
        t,
        y,
        model=LinearRegression(),
        propensity_model=LogisticRegression(),
        final_model=LinearRegression(),
        clip=0.01,
        random_state=0,
    )
    est = econml_dr.DRLearner(
        model_propensity=LogisticRegression(),
        model_regression=LinearRegression(),
        model_final=LinearRegression(),
        cv=5,
        min_propensity=0.01,
        random_state=0,
    )
    est.fit(y, t, X=x)
    theirs = est.effect(x)
    assert np.sqrt(np.mean((ours - theirs) ** 2)) < 0.05
    assert pehe(tau, theirs) == pytest.approx(pehe(tau, ours), abs=0.03)
