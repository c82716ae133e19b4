"""Genotype statistics against PLINK 2 (outputs stored in tests/data/plink2, commands in its run_plink2.sh),
closed forms, and on degenerate input (NaN with a DegenerateInputWarning, never a silent number)."""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pmed_utils.genomics.io import read_plink
from pmed_utils.genomics.stats import (
    allele_frequencies,
    allele_frequencies_from_counts,
    call_rate_per_sample,
    call_rate_per_variant,
    genotype_counts,
    heterozygosity_f,
    hwe_exact_pvalues,
    hwe_exact_pvalues_from_counts,
    variant_counts,
)
from pmed_utils.validation import DegenerateInputWarning

DATA = Path(__file__).resolve().parents[1] / "data" / "plink2"


def _read(name):
    return pd.read_csv(DATA / name, sep="\t")


@pytest.fixture(scope="module")
def fixture():
    return read_plink(DATA / "fixture")


@pytest.fixture(scope="module")
def degenerate():
    return read_plink(DATA / "degenerate")


def test_frequencies_missingness_and_hwe_match_plink2(fixture):
    g, v, _ = fixture
    afreq = _read("ref.afreq")
    assert (afreq["ID"] == v["id"]).all()
    np.testing.assert_allclose(allele_frequencies(g), afreq["ALT_FREQS"], rtol=6e-6)  # PLINK prints 6 digits
    np.testing.assert_allclose(1 - call_rate_per_variant(g), _read("ref.vmiss")["F_MISS"], rtol=6e-6, atol=1e-9)
    np.testing.assert_allclose(1 - call_rate_per_sample(g), _read("ref.smiss")["F_MISS"], rtol=6e-6, atol=1e-9)
    hardy = _read("ref.hardy")
    np.testing.assert_allclose(hwe_exact_pvalues(g), hardy["P"], rtol=1e-4)
    # .hardy's A1 is the reference allele: HOM_A1 / HET_A1 / TWO_AX are hom ref / het / hom alt
    assert (hardy["A1"] == v["ref"]).all()
    np.testing.assert_array_equal(genotype_counts(g), hardy[["HOM_A1_CT", "HET_A1_CT", "TWO_AX_CT"]].to_numpy())


def test_heterozygosity_f_matches_plink2_het(fixture):
    g, _, s = fixture
    het = _read("ref_het.het")
    assert (het["IID"] == s["id"]).all()
    f = heterozygosity_f(g)
    np.testing.assert_allclose(f, het["F"], atol=2e-6)  # 6 significant digits
    # F = (O(HOM) − E(HOM)) / (N − E(HOM)) over the called variants, as PLINK defines it
    np.testing.assert_array_equal((g >= 0).sum(axis=1), het["OBS_CT"])
    assert f.std() > 0.05  # the comparison covers a spread of values


def test_degenerate_variants_and_samples_against_plink2(degenerate):
    """monomorphic, all-heterozygous and never-called variants; a sample without calls and one called
    only at monomorphic variants: where PLINK prints nan, pmed gives NaN with a warning."""
    g, v, _ = degenerate
    assert v["id"].tolist() == ["ok_a", "ok_b", "mono_ref", "mono_alt", "all_het", "no_call", "copy_of_ok_a", "ok_c"]
    afreq, hardy, het = _read("ref_degenerate.afreq"), _read("ref_degenerate.hardy"), _read("ref_degenerate.het")
    with pytest.warns(DegenerateInputWarning, match="allele_frequencies: 1 of 8 variants have no called genotype"):
        freq = allele_frequencies(g)
    np.testing.assert_allclose(freq, afreq["ALT_FREQS"], rtol=6e-6)  # nan where PLINK prints nan
    assert np.isnan(freq[5]) and np.isnan(afreq["ALT_FREQS"][5])
    with pytest.warns(DegenerateInputWarning, match="hwe_exact_pvalues: 1 of 8 variants"):
        p = hwe_exact_pvalues(g)
    # Monomorphic variants: p = 1 in both. The one documented difference: PLINK prints P = 1 for the variant
    # with no call at all (OBS_CT 0), where the test is undefined; pmed gives NaN.
    informative = np.arange(8) != 5
    np.testing.assert_allclose(p[informative], hardy["P"][informative], rtol=1e-4)
    assert p[2] == p[3] == 1.0 and p[4] < 1e-15
    assert np.isnan(p[5]) and hardy["P"][5] == 1
    with pytest.warns(DegenerateInputWarning, match="heterozygosity_f: 2 of 60 samples have no informative"):
        f = heterozygosity_f(g)
    np.testing.assert_allclose(f, het["F"], atol=2e-6)  # nan for the two degenerate samples in both
    assert np.isnan(f[:2]).all() and het["F"][:2].isna().all()
    np.testing.assert_allclose(1 - call_rate_per_sample(g), _read("ref_degenerate.smiss")["F_MISS"], rtol=6e-6)
    np.testing.assert_allclose(1 - call_rate_per_variant(g), _read("ref_degenerate.vmiss")["F_MISS"], rtol=6e-6)


def test_no_warning_when_every_statistic_is_defined(fixture):
    g, *_ = fixture
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        allele_frequencies(g), hwe_exact_pvalues(g), heterozygosity_f(g), call_rate_per_sample(g)


def test_empty_dimensions_give_nan_with_a_warning():
    no_variants = np.zeros((3, 0), np.int8)
    no_samples = np.zeros((0, 2), np.int8)
    with pytest.warns(DegenerateInputWarning, match="call_rate_per_sample: there are no variants"):
        assert np.isnan(call_rate_per_sample(no_variants)).all()
    with pytest.warns(DegenerateInputWarning, match="call_rate_per_variant: there are no samples"):
        assert np.isnan(call_rate_per_variant(no_samples)).all()
    with pytest.warns(DegenerateInputWarning, match="2 of 2 variants"):
        assert np.isnan(allele_frequencies(no_samples)).all()
    assert variant_counts(no_variants).shape == (0, 4) and hwe_exact_pvalues_from_counts(np.zeros((0, 3))).size == 0


def test_hwe_pvalues_are_uniform_under_equilibrium():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.1, 0.9, 3000)
    g = rng.binomial(2, p, (500, 3000)).astype(np.int8)
    pv = hwe_exact_pvalues(g)
    assert 0.03 < np.mean(pv < 0.05) < 0.06  # the exact test is slightly conservative


def test_heterozygosity_f_closed_form_and_bad_frequencies():
    g = np.array([[1, 1, 1, 1], [0, 2, 0, 2], [1, 0, 1, 2]], np.int8)
    np.testing.assert_allclose(heterozygosity_f(g, frequencies=[0.5] * 4), [-1, 1, 0])
    with pytest.raises(ValueError, match="'genotypes' has 4 variants but 'frequencies' has shape"):
        heterozygosity_f(g, frequencies=[0.5] * 3)
    with pytest.raises(ValueError, match=r"'frequencies' parameter of heterozygosity_f must be in \[0, 1\]"):
        heterozygosity_f(g, frequencies=[0.5, 0.5, 0.5, 1.5])


def test_bad_counts_and_genotypes_are_named():
    with pytest.raises(ValueError, match=r"'counts' parameter of hwe_exact_pvalues_from_counts .*\(n_variants, 3\)"):
        hwe_exact_pvalues_from_counts([[1, 2]])
    with pytest.raises(ValueError, match="non-negative integers"):
        allele_frequencies_from_counts([[1, -2, 3]])
    with pytest.raises(ValueError, match="non-negative integers"):
        allele_frequencies_from_counts([[1.5, 2, 3]])
    with pytest.raises(ValueError, match="'genotypes' parameter of allele_frequencies must contain only 0, 1, 2"):
        allele_frequencies(np.array([[0, 3]]))
    with pytest.raises(ValueError, match="codes missing calls as -1, not NaN"):
        call_rate_per_variant(np.array([[0.0, np.nan]]))
    with pytest.raises(ValueError, match="must be 2-D"):
        variant_counts(np.zeros(3, np.int8))
