import pytest

from pmed_utils.genomics.simulate import simulate_cohort
from pmed_utils.survival import simulate_onset


@pytest.fixture(scope="session")
def small_cohort():
    return simulate_cohort(1500, n_chromosomes=1, segment_length=3e5, n_causal=40, add_messiness=False, random_state=1)


@pytest.fixture(scope="session")
def onset_data(small_cohort):
    return simulate_onset(small_cohort, hazard_ratio_prs=2.0, weibull_scale=80.0, random_state=3)
