"""Homer et al. (2008): members of a mixture stand out from its published allele frequencies."""

import numpy as np
import pytest

from pmed_utils.genomics.simulate import simulate_cohort
from pmed_utils.privacy import allele_frequencies_of, homer_power, homer_statistic


def _pool(seed=0, n=300, m=3000):
    rng = np.random.default_rng(seed)
    f = rng.uniform(0.05, 0.95, m)
    return rng.binomial(2, f, (n, m)).astype(np.int8)


def test_statistic_by_hand():
    g = np.array([[0, 2, 1]], np.int8)
    mix, ref = np.array([0.1, 0.9, 0.5]), np.array([0.3, 0.6, 0.4])
    d = np.abs(g[0] / 2 - ref) - np.abs(g[0] / 2 - mix)
    t = d.mean() / (d.std(ddof=1) / np.sqrt(3))
    res = homer_statistic(g, mix, ref)
    assert res["T"][0] == pytest.approx(t) and res.n_snps[0] == 3


def test_non_members_are_standard_normal_and_members_are_not():
    g = _pool()
    mix, ref = allele_frequencies_of(g[:100]), allele_frequencies_of(g[200:])
    t = homer_statistic(g[:200], mix, ref)["T"].to_numpy()
    assert abs(t[100:].mean()) < 0.75 and 0.7 < t[100:].std() < 1.3
    assert t[:100].mean() > 3 and (t[:100] > 1).mean() > 0.9


def test_power_grows_with_snps_on_the_simulated_cohort():
    cohort = simulate_cohort(
        500,
        population_fractions={"CEU": 1.0},
        n_chromosomes=2,
        segment_length=2e6,
        n_causal=10,
        add_messiness=False,
        random_state=0,
    )
    g = cohort.genotypes
    # A study of 20 people; 20 others of the same population; the rest as the reference.
    table = homer_power(g[:20], g[20:40], g[100:], [10, 100, 1000], alpha=0.01, random_state=0)
    assert table.power.is_monotonic_increasing and table.power.iloc[-1] >= 0.6
    assert (table.false_positive_rate <= 0.1).all()
    assert table.auc.iloc[-1] > 0.9


def test_missing_calls_are_skipped():
    g = _pool(m=50)[:3].copy()
    g[0, :10] = -1
    res = homer_statistic(g, np.full(50, 0.5), np.full(50, 0.4))
    assert res.n_snps.tolist() == [40, 50, 50]


def test_errors():
    g = _pool(m=20)[:5]
    with pytest.raises(ValueError, match="mixture_frequencies"):
        homer_statistic(g, np.full(19, 0.5), np.full(20, 0.5))
    with pytest.raises(ValueError, match="reference_frequencies"):
        homer_statistic(g, np.full(20, 0.5), np.full(20, 1.5))
    with pytest.raises(ValueError, match="n_snps"):
        homer_power(g, g, g, [1, 5])
    with pytest.raises(ValueError, match="same variants"):
        homer_power(g, g[:, :10], g, [5])
