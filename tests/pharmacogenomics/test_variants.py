"""Pharmacogene genotypes follow Hardy–Weinberg at the input allele frequencies."""

import numpy as np
import pandas as pd
import pytest

from pmed_utils.pharmacogenomics import PGX_ALLELE_FREQUENCIES, simulate_pharmacogenes


def _people(n=20_000):
    return pd.DataFrame({"id": np.arange(3 * n), "population": np.repeat(["YRI", "CEU", "CHB"], n)})


def test_genotype_frequencies_match_hardy_weinberg_at_the_input_frequencies():
    n = 20_000
    genes = simulate_pharmacogenes(_people(n), random_state=7)
    for pop, freqs in PGX_ALLELE_FREQUENCIES.items():
        rows = genes[genes.population == pop]
        for col, p in freqs.items():
            counts = rows[col].to_numpy()
            expected = np.array([(1 - p) ** 2, 2 * p * (1 - p), p**2])
            observed = np.bincount(counts, minlength=3) / n
            se = np.sqrt(expected * (1 - expected) / n)
            # five binomial standard errors (plus one person, for frequencies near 0)
            assert np.all(np.abs(observed - expected) <= 5 * se + 1 / n), (pop, col, observed, expected)


def test_diplotype_and_counts_agree_and_ids_are_kept():
    genes = simulate_pharmacogenes(_people(500), random_state=1)
    for star, col in (("*2", "cyp2c9_2"), ("*3", "cyp2c9_3"), ("*8", "cyp2c9_8")):
        assert (genes.cyp2c9.str.count(f"\\{star}") == genes[col]).all()
    assert (genes.vkorc1.map({"G/G": 0, "A/G": 1, "A/A": 2}) == genes.vkorc1_a).all()
    assert genes.id.tolist() == list(range(1500))
    # each haplotype carries at most one variant: a person has at most two variant alleles
    assert (genes[["cyp2c9_2", "cyp2c9_3", "cyp2c9_8"]].sum(axis=1) <= 2).all()


def test_star8_is_common_only_in_the_african_like_group():
    genes = simulate_pharmacogenes(_people(5000), random_state=2)
    carriers = genes.groupby("population").cyp2c9_8.apply(lambda c: (c > 0).mean())
    assert carriers["YRI"] > 0.07 and carriers["CHB"] == 0 and carriers["CEU"] < 0.02


def test_same_seed_same_genotypes_and_a_cohort_is_accepted():
    a = simulate_pharmacogenes(_people(100), random_state=3)
    b = simulate_pharmacogenes(_people(100), random_state=3)
    pd.testing.assert_frame_equal(a, b)

    class FakeCohort:
        samples = _people(10)

    assert len(simulate_pharmacogenes(FakeCohort(), random_state=0)) == 30


def test_bad_input_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="population"):
        simulate_pharmacogenes(pd.DataFrame({"pop": ["YRI"]}))
    with pytest.raises(ValueError, match=r"no frequencies for the population\(s\) \['XYZ'\]"):
        simulate_pharmacogenes(pd.DataFrame({"population": ["XYZ"]}))
    bad = {"YRI": {"cyp2c9_2": 0.6, "cyp2c9_3": 0.6, "cyp2c9_8": 0.0, "vkorc1_a": 0.1}}
    with pytest.raises(ValueError, match="sum to 1.2 > 1"):
        simulate_pharmacogenes(pd.DataFrame({"population": ["YRI"]}), allele_frequencies=bad)
    bad = {"YRI": {"cyp2c9_2": -0.1, "cyp2c9_3": 0.0, "cyp2c9_8": 0.0, "vkorc1_a": 0.1}}
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        simulate_pharmacogenes(pd.DataFrame({"population": ["YRI"]}), allele_frequencies=bad)
    with pytest.raises(TypeError, match="must be a DataFrame or a Cohort"):
        simulate_pharmacogenes([1, 2, 3])
