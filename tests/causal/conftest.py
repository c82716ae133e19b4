import pytest

from pmed_utils.genomics.simulate import simulate_cohort


@pytest.fixture(scope="session")
def small_cohort():
    return simulate_cohort(600, n_chromosomes=1, segment_length=3e5, n_causal=40, add_messiness=False, random_state=1)
