"""LD pruning against PLINK 2's --indep-pairwise (stored runs in tests/data/plink2, commands in run_plink2.sh)
and the genotype PCA."""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pmed_utils.genomics.dataset import GenotypeData
from pmed_utils.genomics.io import read_plink
from pmed_utils.genomics.structure import genotype_pca, ld_prune
from pmed_utils.validation import DegenerateInputWarning, InvalidParameterError

DATA = Path(__file__).resolve().parents[1] / "data" / "plink2"


@pytest.fixture(scope="module")
def fixture():
    return read_plink(DATA / "fixture")


def _plink_kept(name):
    return (DATA / f"{name}.prune.in").read_text().split()


@pytest.mark.parametrize(
    ("window", "step", "r2_max", "name"), [(50, 5, 0.2, "ref_prune"), (20, 3, 0.5, "ref_prune_20_3_0.5")]
)
def test_ld_prune_keeps_exactly_the_variants_plink2_keeps(fixture, window, step, r2_max, name):
    g, v, _ = fixture
    assert (g < 0).any(axis=0).mean() > 0.5  # most variants have missing calls: r² over pairwise-complete people
    kept = ld_prune(g, v, r2_max=r2_max, window=window, step=step)
    plink_in = _plink_kept(name)
    plink_out = (DATA / f"{name}.prune.out").read_text().split()
    assert len(plink_in) + len(plink_out) == len(v) and 0.2 < len(plink_in) / len(v) < 0.8
    assert v["id"].to_numpy()[kept].tolist() == plink_in  # same variants, in the same (genome) order


def test_ld_prune_on_degenerate_variants_matches_plink2():
    """PLINK 2 removes monomorphic, all-heterozygous and never-called variants; of two identical variants
    (equal minor-allele frequency) it keeps the first."""
    data = GenotypeData(*read_plink(DATA / "degenerate"))
    kept = ld_prune(data, r2_max=0.2, window=8, step=1)
    assert (
        data.variants["id"].to_numpy()[kept].tolist() == _plink_kept("ref_degenerate_prune") == ["ok_a", "ok_b", "ok_c"]
    )


def test_ld_prune_removes_the_rarer_variant_of_a_pair():
    rng = np.random.default_rng(0)
    common = rng.binomial(2, 0.5, 400)
    rare = np.where(rng.random(400) < 0.8, np.minimum(common, 1), 0)  # correlated, lower frequency
    g = np.column_stack([rare, common, rng.binomial(2, 0.3, 400)]).astype(np.int8)
    variants = pd.DataFrame({"chrom": 1, "pos": [1, 2, 3]})
    assert np.corrcoef(g[:, 0], g[:, 1])[0, 1] ** 2 > 0.2
    assert ld_prune(g, variants, r2_max=0.2).tolist() == [1, 2]
    assert ld_prune(g, variants, r2_max=0.99).tolist() == [0, 1, 2]
    # windows do not cross chromosomes
    assert ld_prune(g, variants.assign(chrom=[1, 2, 2]), r2_max=0.2).tolist() == [0, 1, 2]


def test_ld_prune_window_and_step_semantics():
    """Variants further apart than the window are never compared; the step only moves the window."""
    rng = np.random.default_rng(1)
    g = rng.binomial(2, 0.4, (300, 12)).astype(np.int8)
    g[:, 11] = g[:, 0]  # a copy, 11 variants later
    variants = pd.DataFrame({"chrom": 1, "pos": np.arange(12)})
    assert 11 not in ld_prune(g, variants, window=12, step=1)
    assert 11 in ld_prune(g, variants, window=11, step=1)
    assert 11 in ld_prune(g, variants, window=11, step=11)


def test_ld_prune_bad_input_is_named(fixture):
    g, v, _ = fixture
    with pytest.raises(ValueError, match="'step' parameter of ld_prune must be at most 'window'"):
        ld_prune(g, v, window=5, step=6)
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['chrom'\]"):
        ld_prune(g, v.drop(columns="chrom"))
    with pytest.raises(ValueError, match="'variants' has 10 rows"):
        ld_prune(g, v.iloc[:10])
    with pytest.raises(ValueError, match="pass 'variants' too"):
        ld_prune(g)
    with pytest.raises(InvalidParameterError, match="'window' parameter of ld_prune"):
        ld_prune(g, v, window=1)


@pytest.fixture(scope="module")
def two_populations():
    rng = np.random.default_rng(0)
    freq_a, freq_b = rng.uniform(0.1, 0.9, 400), rng.uniform(0.1, 0.9, 400)
    g = np.vstack([rng.binomial(2, freq_a, (60, 400)), rng.binomial(2, freq_b, (40, 400))]).astype(np.int8)
    g[rng.random(g.shape) < 0.02] = -1
    return g


def test_genotype_pca_same_seed_same_numbers_and_generators(two_populations):
    g = two_populations
    a, b = genotype_pca(g, n_components=3, random_state=5), genotype_pca(g, n_components=3, random_state=5)
    np.testing.assert_array_equal(a.scores, b.scores)
    c = genotype_pca(g, n_components=3, random_state=np.random.default_rng(5))
    # any seed gives the same axes up to sign (randomized SVD converges on these well-separated components)
    np.testing.assert_allclose(np.abs(c.scores[:, 0]), np.abs(a.scores[:, 0]), rtol=1e-3, atol=1e-3)
    assert abs(a.scores[:60, 0].mean() - a.scores[60:, 0].mean()) > 5 * a.scores[:60, 0].std()


def test_genotype_pca_equals_exact_svd_and_projects_new_people(two_populations):
    g = two_populations
    pca = genotype_pca(g[:80], n_components=2, random_state=0)
    z = pca.scaler.transform(g[:80], dtype="float64")
    _, s, vt = np.linalg.svd(z - z.mean(axis=0), full_matrices=False)
    # PC1 (the populations) is well separated from the rest; PC2 is noise, so only PC1 is identifiable
    np.testing.assert_allclose(np.abs(pca.loadings[0]), np.abs(vt[0]), atol=2e-4)
    np.testing.assert_allclose(pca.explained_variance_ratio[0], s[0] ** 2 / (s**2).sum(), rtol=1e-4)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-12)  # training z-scores are centred exactly
    new = pca.transform(g[80:])  # new people: the training means and SDs, then the training axes
    expected = pca.scaler.transform(g[80:], dtype="float64") @ pca.loadings.T.astype(float)
    np.testing.assert_allclose(new, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(pca.means, pca.scaler.means_)


def test_genotype_pca_parameters_and_degenerate_variants(two_populations):
    g = two_populations
    with pytest.raises(ValueError, match=r"'n_components' parameter of genotype_pca must be at most .* = 99"):
        genotype_pca(g, n_components=100)
    with pytest.raises(InvalidParameterError, match="'random_state' parameter of genotype_pca"):
        genotype_pca(g, random_state="seed")
    with pytest.raises(InvalidParameterError, match="'n_components' parameter of genotype_pca"):
        genotype_pca(g, n_components=0)
    holes = g.copy()
    holes[:, 5] = -1
    with pytest.warns(DegenerateInputWarning, match="1 of 400 variants have no called genotype; they are left out"):
        pca = genotype_pca(holes, n_components=2)
    assert np.abs(pca.loadings[:, 5]).max() < 1e-6 and np.isfinite(pca.scores).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(pca.transform(g[:3])).all()
