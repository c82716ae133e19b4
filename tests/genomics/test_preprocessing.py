"""Mean imputation, standardize and the fitted GenotypeScaler against direct computations."""

import numpy as np
import pytest

from pmed_utils.genomics.preprocessing import GenotypeScaler, impute_mean, standardize
from pmed_utils.validation import DegenerateInputWarning, InvalidParameterError


@pytest.fixture(scope="module")
def messy():
    rng = np.random.default_rng(4)
    g = rng.binomial(2, rng.uniform(0.05, 0.5, 60), (200, 60)).astype(np.int8)
    g[rng.random(g.shape) < 0.05] = -1
    g[:, 3] = np.where(g[:, 3] < 0, -1, 1)  # monomorphic (every call heterozygous)
    return g


def _direct(g, means=None):
    """Mean-impute with numpy's nanmean, then z-score with numpy's mean and std."""
    x = np.where(g < 0, np.nan, g).astype(float)
    means = np.nanmean(x, axis=0) if means is None else means
    return np.where(np.isnan(x), means, x), means


def test_impute_and_standardize():
    g = np.array([[0, 2], [2, -1], [1, 0]], np.int8)
    x = impute_mean(g)
    assert x.dtype == np.float32 and x[1, 1] == 1.0
    z, m, s = standardize(x)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(z.std(axis=0), 1, atol=1e-6)
    with pytest.raises(ValueError, match="impute_mean first"):
        standardize(np.array([[np.nan]]))
    with pytest.raises(ValueError, match=r"'sds' parameter of standardize must have shape \(2,\)"):
        standardize(x, m, s[:1])


def test_scaler_fit_equals_numpy_on_the_training_people(messy):
    scaler = GenotypeScaler().fit(messy)
    x, means = _direct(messy)
    np.testing.assert_allclose(scaler.means_, means, rtol=1e-12)
    np.testing.assert_allclose(scaler.sds_, x.std(axis=0), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(scaler.centred_sum_squares_, ((x - means) ** 2).sum(axis=0), rtol=1e-10, atol=1e-12)
    z = scaler.transform(messy, dtype="float64")
    sds = x.std(axis=0)
    expected = np.where(sds > 0, (x - means) / np.where(sds > 0, sds, 1), 0)
    np.testing.assert_allclose(z, expected, rtol=1e-10, atol=1e-12)
    assert (z[:, 3] == 0).all()  # the monomorphic variant carries no information
    # the old two-step route gives the same scale
    z_old, _, s_old = standardize(impute_mean(messy))
    np.testing.assert_allclose(scaler.fit_transform(messy), z_old, atol=1e-5)
    np.testing.assert_allclose(scaler.sds_, s_old, rtol=1e-5)


def test_transform_applies_the_training_scale_to_new_people(messy):
    train, test = messy[:150], messy[150:]
    scaler = GenotypeScaler().fit(train)
    x_test, _ = _direct(test, means=scaler.means_)  # missing test calls get the training mean
    expected = (x_test - scaler.means_) / np.where(scaler.sds_ > 0, scaler.sds_, 1)
    np.testing.assert_allclose(scaler.transform(test, dtype="float64"), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(scaler.impute(test), x_test)
    # the test people's own mean is not used: their z-scores are not centred
    assert np.abs(scaler.transform(test).mean(axis=0)).max() > 0.05
    # a block of variants (as GWAS and scoring loop over blocks) gives the same columns
    cols = slice(10, 25)
    np.testing.assert_array_equal(scaler.transform(test[:, cols], variants=cols), scaler.transform(test)[:, cols])
    idx = np.array([0, 7, 59])
    np.testing.assert_array_equal(scaler.impute(test[:, idx], variants=idx), scaler.impute(test)[:, idx])
    mask = np.zeros(60, bool)
    mask[idx] = True
    np.testing.assert_array_equal(scaler.transform(test[:, idx], variants=mask), scaler.transform(test)[:, idx])


def test_variants_without_calls_are_nan_with_a_warning():
    g = np.array([[0, -1, 2], [1, -1, 2], [2, -1, 2]], np.int8)
    with pytest.warns(DegenerateInputWarning, match="GenotypeScaler.fit: 1 of 3 variants have no called genotype"):
        scaler = GenotypeScaler().fit(g)
    assert np.isnan(scaler.means_[1]) and np.isnan(scaler.sds_[1])
    z = scaler.transform(g)
    assert np.isnan(z[:, 1]).all() and (z[:, 2] == 0).all() and np.isfinite(z[:, 0]).all()
    with pytest.warns(DegenerateInputWarning, match="impute_mean: 1 of 3 variants"):
        assert np.isnan(impute_mean(g)[:, 1]).all()


def test_scaler_misuse_is_refused_with_a_clear_message(messy):
    with pytest.raises(ValueError, match="not fitted yet"):
        GenotypeScaler().transform(messy)
    scaler = GenotypeScaler().fit(messy)
    with pytest.raises(ValueError, match="'genotypes' has 10 columns but 60 fitted variants"):
        scaler.transform(messy[:, :10])
    with pytest.raises(ValueError, match="'variants' parameter of GenotypeScaler.impute must hold positions"):
        scaler.impute(messy[:, :2], variants=[0, 60])
    with pytest.raises(ValueError, match="boolean mask of shape"):
        scaler.transform(messy[:, :2], variants=np.ones(3, bool))
    with pytest.raises(InvalidParameterError, match="'dtype' parameter of transform"):
        scaler.transform(messy, dtype="int8")
    with pytest.raises(ValueError, match="only 0, 1, 2"):
        scaler.fit(np.full((3, 2), 5))


def test_scaler_from_frequencies_uses_hardy_weinberg_moments():
    p = np.array([0.1, 0.5, 0.0])
    scaler = GenotypeScaler.from_frequencies(p)
    np.testing.assert_allclose(scaler.means_, 2 * p)
    np.testing.assert_allclose(scaler.sds_, np.sqrt(2 * p * (1 - p)))
    g = np.array([[-1, 2, -1], [1, -1, 1]], np.int8)
    np.testing.assert_allclose(scaler.impute(g), [[0.2, 2, 0], [1, 1, 1]])
    np.testing.assert_allclose(scaler.transform(g, dtype="float64")[1, :2], [(1 - 0.2) / np.sqrt(0.18), 0])
    with pytest.raises(ValueError, match=r"values in \[0, 1\]"):
        GenotypeScaler.from_frequencies([0.2, 1.5])


def test_scaler_gives_what_the_gwas_and_score_loops_use(messy):
    """The replacement for the private helpers gwas.py and prs.py import from qc today."""
    from pmed_utils.genomics.preprocessing import _imputed_moments, _mean_imputed_block
    from pmed_utils.genomics.stats import variant_counts

    means, centred_ss = _imputed_moments(variant_counts(messy))
    scaler = GenotypeScaler().fit(messy)
    np.testing.assert_allclose(scaler.means_, means, rtol=1e-15)
    np.testing.assert_allclose(scaler.centred_sum_squares_, centred_ss, rtol=1e-15)
    cols = slice(20, 40)
    np.testing.assert_array_equal(
        scaler.impute(messy[:, cols], variants=cols), _mean_imputed_block(messy[:, cols], means[cols])
    )
    zero = GenotypeScaler.from_frequencies(np.zeros(messy.shape[1]))
    np.testing.assert_array_equal(zero.impute(messy), np.where(messy < 0, 0, messy))
