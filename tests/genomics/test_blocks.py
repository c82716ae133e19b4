"""The blockwise, multi-threaded genome-wide statistics against direct per-variant computations."""

import numpy as np
import pytest
from scipy.special import gammaln

from pmed_utils.genomics._blocks import map_variant_blocks
from pmed_utils.genomics.gwas import gwas_linear, gwas_logistic
from pmed_utils.genomics.preprocessing import impute_mean
from pmed_utils.genomics.prs import polygenic_score
from pmed_utils.genomics.stats import (
    allele_frequencies_from_counts,
    call_rate_per_sample,
    heterozygosity_f,
    hwe_exact_pvalues,
    hwe_exact_pvalues_from_counts,
    variant_counts,
)
from pmed_utils.validation import DegenerateInputWarning


@pytest.fixture(scope="module")
def messy():
    """Genotypes with missing calls, rare and monomorphic variants."""
    rng = np.random.default_rng(7)
    n, m = 400, 700
    g = rng.binomial(2, rng.uniform(0.002, 0.5, m), (n, m)).astype(np.int8)
    g[rng.random((n, m)) < 0.03] = -1
    g[:, 10] = 0  # monomorphic
    g[:, 11] = np.where(g[:, 11] < 0, -1, 2)  # monomorphic for the other allele, with missing calls
    return g


def _full_distribution_pvalue(het: int, hom_a: int, hom_c: int) -> float:
    """Textbook exact HWE test: every heterozygote count's probability, summed where ≤ observed."""
    n, n_a = het + hom_a + hom_c, 2 * hom_a + het
    hets = np.arange(n_a % 2, min(n_a, 2 * n - n_a) + 1, 2)
    ra, rc = (n_a - hets) // 2, n - hets - (n_a - hets) // 2
    logp = (
        gammaln(n + 1)
        - gammaln(ra + 1)
        - gammaln(hets + 1)
        - gammaln(rc + 1)
        + hets * np.log(2)
        + gammaln(n_a + 1)
        + gammaln(2 * n - n_a + 1)
        - gammaln(2 * n + 1)
    )
    obs = logp[hets == het][0]
    return float(np.exp(logp)[logp <= obs + 1e-7].sum())


def test_variant_counts_and_call_rates_match_direct_counts(messy):
    counts = variant_counts(messy)
    for code, col in ((-1, 0), (0, 1), (1, 2), (2, 3)):
        np.testing.assert_array_equal(counts[:, col], (messy == code).sum(axis=0))
    np.testing.assert_allclose(call_rate_per_sample(messy), (messy >= 0).mean(axis=1))
    # block size does not change the answer
    np.testing.assert_array_equal(variant_counts(messy, block_size=3), counts)


@pytest.mark.parametrize("n", [15, 120, 3000])
def test_windowed_hwe_equals_the_full_distribution(n):
    rng = np.random.default_rng(n)
    rows = []
    for freq in rng.uniform(0.001, 0.999, 150):
        g = rng.binomial(2, freq, n)
        rows.append([(g == 0).sum(), (g == 1).sum(), (g == 2).sum()])
    rows += [[n // 2, 0, n - n // 2], [0, n, 0], [n, 0, 0], [n - 1, 1, 0]]  # extreme excess / deficit
    counts = np.array(rows)
    ours = hwe_exact_pvalues_from_counts(counts)
    truth = np.array([_full_distribution_pvalue(c[1], c[2], c[0]) for c in counts])
    np.testing.assert_allclose(ours, np.minimum(truth, 1), rtol=1e-9, atol=1e-300)


def test_hwe_from_counts_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"shape \(n_variants, 3\)"):
        hwe_exact_pvalues_from_counts([[1, 2]])
    with pytest.raises(ValueError, match="non-negative"):
        hwe_exact_pvalues_from_counts([[1, -2, 3]])


def test_allele_frequencies_from_counts_match_called_genotypes(messy):
    freq = allele_frequencies_from_counts(variant_counts(messy)[:, 1:])
    called = np.where(messy >= 0, messy, np.nan)
    np.testing.assert_allclose(freq, np.nanmean(called, axis=0) / 2, rtol=1e-12)
    assert freq[10] == 0 and freq[11] == 1
    with pytest.warns(DegenerateInputWarning, match="1 of 1 variants have no called genotype"):
        assert np.isnan(allele_frequencies_from_counts([[0, 0, 0]])[0])
    with pytest.raises(ValueError, match=r"allele_frequencies_from_counts.*shape \(n_variants, 3\)"):
        allele_frequencies_from_counts(np.zeros((4, 4), int))


def test_hwe_is_the_same_from_genotypes_and_from_counts(messy):
    np.testing.assert_array_equal(hwe_exact_pvalues(messy), hwe_exact_pvalues_from_counts(variant_counts(messy)[:, 1:]))


def test_gwas_does_not_depend_on_block_size_and_skips_monomorphic_variants(messy):
    rng = np.random.default_rng(1)
    cov = rng.normal(size=(len(messy), 3))
    y = rng.normal(size=len(messy))
    d = (rng.random(len(messy)) < 0.3).astype(int)
    lin = gwas_linear(messy, y, cov)
    log_a = gwas_logistic(messy, d, cov, block_size=5)
    log_b = gwas_logistic(messy, d, cov, block_size=300)
    assert lin.loc[[10, 11], ["beta", "se", "p"]].isna().all().all()
    assert log_a.loc[[10, 11], ["beta", "se", "p"]].isna().all().all()
    np.testing.assert_allclose(log_a["beta"], log_b["beta"], rtol=1e-9, atol=1e-12)
    # the linear fit of a variant with mean-imputed missing calls equals OLS on the imputed column
    x = messy.astype(float)
    x[messy < 0] = np.nan
    x = np.where(np.isnan(x), np.nanmean(x, axis=0), x)
    for j in (0, 50, 400):
        design = np.column_stack([np.ones(len(y)), cov, x[:, j]])
        beta = np.linalg.lstsq(design, y, rcond=None)[0][-1]
        assert lin.beta[j] == pytest.approx(beta, rel=1e-9)


def test_sparse_weights_score_equals_the_dense_product(messy):
    rng = np.random.default_rng(2)
    w = np.where(rng.random(messy.shape[1]) < 0.1, rng.normal(size=messy.shape[1]), 0.0)
    dense = impute_mean(messy).astype(float) @ w
    np.testing.assert_allclose(polygenic_score(messy, w), dense, rtol=1e-5)
    np.testing.assert_allclose(polygenic_score(messy, np.zeros_like(w)), 0)


def test_heterozygosity_ignores_missing_calls_in_the_expectation():
    g = np.array([[1, 1, -1, 0], [0, 2, 1, 1], [2, 1, 1, 2]], np.int8)
    p = np.array([0.5, 0.5, 0.2, 0.4])
    h = 2 * p * (1 - p)
    called = g >= 0
    expected = 1 - (g == 1).sum(axis=1) / (called * h).sum(axis=1)
    np.testing.assert_allclose(heterozygosity_f(g, frequencies=p), expected)
    with pytest.raises(ValueError, match="frequencies"):
        heterozygosity_f(g, frequencies=p[:2])


def test_impute_mean_gives_nan_with_a_warning_for_variants_without_calls():
    with pytest.warns(DegenerateInputWarning, match="impute_mean: 1 of 2 variants have no called genotype"):
        x = impute_mean(np.array([[0, -1], [1, -1]], np.int8))
    assert x[:, 0].tolist() == [0.0, 1.0] and np.isnan(x[:, 1]).all()


def test_map_variant_blocks_keeps_order_with_threads():
    out = map_variant_blocks(lambda s: list(range(s.start, s.stop)), 1000, 7, n_threads=2)
    assert [i for part in out for i in part] == list(range(1000))
