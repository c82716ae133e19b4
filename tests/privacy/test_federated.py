"""Federated learning: site splits, FedAvg's weighted average, and federated GWAS equal to the pooled fit."""

import numpy as np
import pandas as pd
import pytest

from pmed_utils.genomics.gwas import gwas_linear
from pmed_utils.privacy import (
    compare_federated,
    dp_cnn,
    fed_avg,
    federated_gwas,
    inverse_variance_meta,
    site_split,
)


def _sites(seed=0, n=(300, 500, 400), m=5, heterogeneous=True):
    rng = np.random.default_rng(seed)
    out = []
    for k, nk in enumerate(n):
        g = rng.binomial(2, rng.uniform(0.1, 0.5, m), (nk, m)).astype(np.int8)
        age = rng.normal(50 + 5 * k, 10, nk)
        # Different baselines and covariate slopes per site; the same genetic effect.
        slope = 0.02 * (k + 1) if heterogeneous else 0.02
        y = 0.3 * g[:, 0] + slope * age + k + rng.normal(0, 1, nk)
        out.append((g, y, age[:, None]))
    return out


def _pooled_stratified(sites):
    """The pooled regression with an intercept and a covariate slope for each site."""
    g = np.vstack([s[0] for s in sites])
    y = np.concatenate([s[1] for s in sites])
    blocks = []
    for k, (gk, _, ck) in enumerate(sites):
        block = np.zeros((len(gk), 2 * len(sites)))
        block[:, k] = 1
        block[:, len(sites) + k] = ck[:, 0]
        blocks.append(block)
    cov = np.vstack(blocks)[:, 1:]  # gwas_linear adds the intercept itself
    return gwas_linear(g, y, cov)


def test_sufficient_statistics_equal_the_pooled_fit_exactly():
    sites = _sites()
    fed = federated_gwas(sites, method="sufficient_statistics")
    pooled = _pooled_stratified(sites)
    for col in ("beta", "se", "p"):
        np.testing.assert_allclose(fed[col], pooled[col], rtol=1e-8)
    assert fed.n_obs.tolist() == pooled.n_obs.tolist()


def test_inverse_variance_meta_equals_pooled_when_residual_variances_are_equal():
    # IVW weighs site k by g'M_k g / s_k^2; with a common s^2 it is the pooled estimate.
    sites = _sites()
    per_site = [gwas_linear(*s) for s in sites]
    gmg = []
    for g, y, cov in sites:
        x = np.column_stack([np.ones(len(y)), cov])
        q, _ = np.linalg.qr(x)
        gr = g - q @ (q.T @ g)
        gmg.append((gr**2).sum(axis=0))
    common = [np.sqrt(1.0 / w) for w in gmg]  # SEs with s^2 = 1 at every site
    meta = inverse_variance_meta(np.vstack([r.beta for r in per_site]), np.vstack(common))
    np.testing.assert_allclose(meta.beta, _pooled_stratified(sites).beta, rtol=1e-8)


def test_inverse_variance_meta_is_close_to_pooled_with_estimated_variances():
    sites = _sites()
    ivw = federated_gwas(sites)
    pooled = _pooled_stratified(sites)
    assert np.all(np.abs(ivw.beta - pooled.beta) < 0.15 * pooled.se)
    np.testing.assert_allclose(ivw.se, pooled.se, rtol=0.02)


def test_pooling_without_site_terms_is_biased_when_sites_differ():
    sites = _sites()
    g = np.vstack([s[0] for s in sites])
    y = np.concatenate([s[1] for s in sites])
    naive = gwas_linear(g, y, np.vstack([s[2] for s in sites]))
    fed = federated_gwas(sites, method="sufficient_statistics")
    assert abs(fed.beta[0] - 0.3) < 2.5 * fed.se[0]
    assert not np.allclose(naive.beta, fed.beta, rtol=1e-3)


def test_meta_by_hand_and_missing_site():
    res = inverse_variance_meta([[0.2, np.nan], [0.4, 1.0]], [[0.1, 0.1], [0.2, 0.5]])
    w = np.array([100, 25])
    assert res.beta[0] == pytest.approx((w * [0.2, 0.4]).sum() / w.sum())
    assert res.se[0] == pytest.approx(1 / np.sqrt(125))
    assert res.n_sites.tolist() == [2, 1] and res.beta[1] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same shape"):
        inverse_variance_meta([[0.1]], [[0.1, 0.2]])
    with pytest.raises(ValueError, match="positive"):
        inverse_variance_meta([[0.1]], [[-0.1]])


def test_site_split_iid_and_skewed():
    y = np.r_[np.zeros(600, int), np.ones(600, int)]
    iid = site_split(y, 3, random_state=0)
    assert sorted(np.concatenate(iid).tolist()) == list(range(1200))
    assert all(abs(y[s].mean() - 0.5) < 0.08 for s in iid)
    skewed = site_split(y, 3, skew=0.8, random_state=0)
    prev = [y[s].mean() for s in skewed]
    assert prev[0] < 0.2 and prev[1] > 0.8
    with pytest.raises(ValueError, match="NaN"):
        site_split([0.0, np.nan, 1.0], 2)


def test_fedavg_is_the_size_weighted_average_of_one_local_round():
    rng = np.random.default_rng(0)
    sites = [(rng.random((n, 8, 8, 1)).astype("float32"), np.tile([0, 1], n // 2)) for n in (8, 24)]
    res = fed_avg(lambda: dp_cnn((8, 8, 1), (2,), 4), sites, rounds=1, batch_size=8, random_state=0, progress=False)
    assert res.site_sizes == [8, 24] and len(res.history) == 1
    assert all(np.isfinite(w).all() for w in res.model.get_weights())


def test_compare_federated_table_and_errors():
    rng = np.random.default_rng(0)
    sites = [(rng.random((8, 8, 8, 1)).astype("float32"), [0, 1] * 4) for _ in range(3)]
    t = compare_federated(
        lambda: dp_cnn((8, 8, 1), (2,), 4), sites, sites[0][0], sites[0][1], rounds=1, random_state=0, progress=False
    )
    assert isinstance(t, pd.DataFrame) and len(t) == 5 and t.auc.between(0, 1).all()
    with pytest.raises(ValueError, match="at least two"):
        fed_avg(lambda: dp_cnn((8, 8, 1), (2,), 4), sites[:1], progress=False)
    with pytest.raises(ValueError, match="same"):
        federated_gwas([(np.zeros((5, 2), np.int8), np.zeros(5)), (np.zeros((5, 3), np.int8), np.zeros(5))])
