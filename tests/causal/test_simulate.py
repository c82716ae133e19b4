"""The simulated studies keep a truth that matches the documented model."""

import numpy as np
import pytest

from pmed_utils.causal import simulate_observational, simulate_trial
from pmed_utils.genomics.simulate import simulate_cohort


def test_trial_truth_follows_the_documented_effect_formula(small_cohort):
    trial = simulate_trial(small_cohort, base_effect=-0.3, carrier_effect=1.2, score_effect=0.4, random_state=3)
    ef = trial.truth.effect_features
    np.testing.assert_allclose(trial.truth.cate, -0.3 + 1.2 * ef["carrier"] + 0.4 * ef["genetic_score"])
    np.testing.assert_array_equal(ef["carrier"], (trial.covariates["genotype"] >= 1).astype(float))
    assert trial.randomised and np.all(trial.truth.propensity == 0.5)
    np.testing.assert_allclose(trial.truth.mu1, trial.truth.mu0 + trial.truth.cate)
    # Untreated outcome is exactly linear in the baseline features (what the oracle assumes).
    bf = trial.truth.baseline_features.to_numpy()
    design = np.column_stack([np.ones(len(bf)), bf])
    coef, *_ = np.linalg.lstsq(design, trial.truth.mu0, rcond=None)
    np.testing.assert_allclose(design @ coef, trial.truth.mu0, atol=1e-10)


def test_outcome_noise_has_the_requested_sd(small_cohort):
    trial = simulate_trial(small_cohort, noise_sd=2.0, random_state=4)
    resid = trial.outcome - trial.truth.mu0 - trial.treatment * trial.truth.cate
    assert abs(resid.std() - 2.0) < 0.2
    assert abs(trial.treatment.mean() - 0.5) < 0.07


def test_observational_treats_high_risk_people_more(small_cohort):
    obs = simulate_observational(small_cohort, confounding=1.5, random_state=5)
    assert not obs.randomised
    assert np.corrcoef(obs.truth.propensity, obs.truth.mu0)[0, 1] < -0.5
    # confounding 0 is a trial
    assert simulate_observational(small_cohort, confounding=0.0).randomised


def test_policy_value_of_the_truth(small_cohort):
    trial = simulate_trial(small_cohort, random_state=6)
    tau, mu0 = trial.truth.cate, trial.truth.mu0
    assert trial.truth.policy_value(np.zeros(len(tau))) == pytest.approx(mu0.mean())
    assert trial.truth.policy_value(np.ones(len(tau))) == pytest.approx(mu0.mean() + tau.mean())
    best = trial.truth.policy_value((tau > 0).astype(int))
    assert best >= max(mu0.mean(), mu0.mean() + tau.mean())


def test_variant_choice_and_errors(small_cohort):
    vid = small_cohort.variants["id"].iloc[5]
    trial = simulate_trial(small_cohort, variant_id=vid)
    assert trial.truth.variant_id == vid
    np.testing.assert_array_equal(trial.covariates["genotype"], small_cohort.genotypes[:, 5])
    with pytest.raises(ValueError, match="'variant_id' parameter of simulate_trial must name a variant"):
        simulate_trial(small_cohort, variant_id="rs_nope")
    with pytest.raises(ValueError, match="'noise_sd' parameter of simulate_trial"):
        simulate_trial(small_cohort, noise_sd=0)


def test_messy_cohort_drops_the_duplicate_and_refuses_missing_calls():
    messy = simulate_cohort(100, n_chromosomes=1, segment_length=2e5, n_causal=20, random_state=2)
    trial = simulate_trial(messy, random_state=1)
    assert len(trial.outcome) == 100
    j = int(np.flatnonzero((messy.genotypes[:100] < 0).any(axis=0))[0])
    with pytest.raises(ValueError, match="missing calls"):
        simulate_trial(messy, variant_id=messy.variants["id"].iloc[j])


def test_same_seed_same_trial(small_cohort):
    a = simulate_trial(small_cohort, random_state=7)
    b = simulate_trial(small_cohort, random_state=7)
    np.testing.assert_array_equal(a.outcome, b.outcome)
    c = simulate_trial(small_cohort, random_state=8)
    assert not np.array_equal(a.treatment, c.treatment)
