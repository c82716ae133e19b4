"""The simulated onset ages follow the documented proportional-hazards model."""

import numpy as np
import pytest
from scipy import stats

from pmed_utils.genomics.simulate import simulate_cohort
from pmed_utils.survival import simulate_onset


def test_cumulative_hazard_at_the_onset_age_is_standard_exponential(onset_data):
    truth = onset_data.truth
    cumhaz = (truth.onset_age / truth.weibull_scale) ** truth.weibull_shape * np.exp(truth.log_hazard_ratio)
    assert stats.kstest(cumhaz, "expon").pvalue > 0.01
    np.testing.assert_allclose(
        truth.log_hazard_ratio,
        np.log(2.0) * onset_data.covariates["prs"] + np.log(1.5) * onset_data.covariates["environment"],
    )


def test_observed_time_is_onset_or_censoring(onset_data, small_cohort):
    t, e, truth = onset_data.time, onset_data.event, onset_data.truth
    np.testing.assert_allclose(t, np.minimum(truth.onset_age, truth.censoring_age))
    np.testing.assert_array_equal(e, truth.onset_age <= truth.censoring_age)
    assert np.all(truth.censoring_age <= small_cohort.samples["age"].to_numpy()[: len(t)])
    assert 0.05 < e.mean() < 0.6 and np.all(t > 0)


def test_higher_liability_means_earlier_onset(onset_data, small_cohort):
    rho = stats.spearmanr(small_cohort.truth.genetic_value, onset_data.truth.onset_age)[0]
    assert rho < -0.2


def test_no_dropout_censors_only_at_the_end(small_cohort):
    data = simulate_onset(small_cohort, dropout_rate=0.0, random_state=1)
    np.testing.assert_allclose(data.truth.censoring_age, small_cohort.samples["age"].to_numpy()[:1500])


def test_event_probability_matches_the_simulated_share(small_cohort):
    data = simulate_onset(small_cohort, weibull_scale=70.0, random_state=2)
    observed = np.mean(data.truth.onset_age <= 60)
    assert observed == pytest.approx(data.truth.event_probability(60.0).mean(), abs=0.03)
    with pytest.raises(ValueError, match="'age' must be a finite number > 0"):
        data.truth.event_probability(-1.0)


def test_messy_cohort_drops_the_duplicate_and_bad_parameters_are_named():
    messy = simulate_cohort(80, n_chromosomes=1, segment_length=2e5, n_causal=10, random_state=2)
    assert len(simulate_onset(messy).time) == 80
    with pytest.raises(ValueError, match="'hazard_ratio_prs' parameter of simulate_onset"):
        simulate_onset(messy, hazard_ratio_prs=0)


def test_same_seed_same_data(small_cohort):
    a, b = simulate_onset(small_cohort, random_state=5), simulate_onset(small_cohort, random_state=5)
    np.testing.assert_array_equal(a.time, b.time)
    assert not np.array_equal(a.time, simulate_onset(small_cohort, random_state=6).time)
