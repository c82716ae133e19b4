"""pmed_utils.genomics.prs: clumping against a hand-built LD case and a brute-force reference, C+T,
penalized scores and the input contract. (PLINK 2 --score: tests/genomics/test_plink2_reference.py.)"""

import numpy as np
import pandas as pd
import pytest

from pmed_utils.genomics.gwas import gwas_linear
from pmed_utils.genomics.preprocessing import impute_mean, standardize
from pmed_utils.genomics.prs import (
    clump,
    clump_and_threshold,
    penalized_score,
    polygenic_score,
    prefiltered_penalized_score,
)


def _z(g):
    return standardize(impute_mean(g))[0]


@pytest.fixture(scope="module")
def ld_case():
    """v1 is v0 with 10 of 400 people changed (r² ≈ 0.9); v2 independent; v3 = v2 on another chromosome;
    v4 = v0 but 300 kb away."""
    rng = np.random.default_rng(0)
    n = 400
    v0 = rng.binomial(2, 0.4, n)
    v1 = v0.copy()
    v1[:10] = rng.binomial(2, 0.4, 10)
    v2 = rng.binomial(2, 0.3, n)
    g = np.column_stack([v0, v1, v2, v2, v0]).astype(np.int8)
    chrom = np.array([1, 1, 1, 2, 1])
    pos = np.array([1000, 2000, 3000, 3000, 302_000])
    p = np.array([1e-6, 1e-9, 1e-3, 1e-2, 1e-4])
    return g, chrom, pos, p


def test_clump_hand_built_ld(ld_case):
    g, chrom, pos, p = ld_case
    z = _z(g)
    r2_01 = np.corrcoef(g[:, 0], g[:, 1])[0, 1] ** 2
    assert 0.8 < r2_01 < 1
    # v1 (most significant) removes v0; v3 is on another chromosome, v4 outside the window
    assert clump(p, z, chrom, pos, r2_max=0.5, window_bp=250_000).tolist() == [1, 4, 2, 3]
    # with r2_max above their r², v0 and v1 both stay
    assert clump(p, z, chrom, pos, r2_max=(r2_01 + 1) / 2).tolist() == [1, 0, 4, 2, 3]
    # a window wide enough reaches v4 (identical to v0, r² with v1 as v0's)
    assert clump(p, z, chrom, pos, r2_max=0.5, window_bp=400_000).tolist() == [1, 2, 3]
    assert clump(p, z, chrom, pos, p_max=1e-5).tolist() == [1]
    # raw int8 genotypes are standardized inside
    assert clump(p, g, chrom, pos, r2_max=0.5).tolist() == [1, 4, 2, 3]
    # untested variants (NaN) are never index variants
    assert 1 not in clump(np.where(np.arange(5) == 1, np.nan, p), z, chrom, pos).tolist()


def _brute_force_clump(g, p, chrom, pos, p_max, r2_max, window_bp):
    """The textbook algorithm with r² from np.corrcoef on each pair (no missing calls)."""
    removed = np.zeros(len(p), bool)
    index = []
    for i in np.argsort(p, kind="stable"):
        if p[i] > p_max or removed[i]:
            continue
        index.append(int(i))
        removed[i] = True
        for j in np.flatnonzero((chrom == chrom[i]) & (np.abs(pos - pos[i]) <= window_bp) & ~removed):
            if np.corrcoef(g[:, i], g[:, j])[0, 1] ** 2 > r2_max:
                removed[j] = True
    return index


def test_clump_equals_brute_force_on_correlated_genotypes():
    rng = np.random.default_rng(1)
    n, m = 300, 120
    # haplotype-like LD: each variant copies its neighbour with probability 0.7
    g = np.empty((n, m), np.int8)
    g[:, 0] = rng.binomial(2, 0.3, n)
    for j in range(1, m):
        fresh = rng.binomial(2, rng.uniform(0.1, 0.5), n)
        g[:, j] = np.where(rng.random(n) < 0.7, g[:, j - 1], fresh)
    chrom = np.repeat([1, 2], m // 2)
    pos = np.tile(np.arange(m // 2) * 20_000, 2)
    p = rng.uniform(size=m) ** 3
    for r2_max, window in ((0.1, 250_000), (0.5, 100_000)):
        ours = clump(p, _z(g), chrom, pos, p_max=0.5, r2_max=r2_max, window_bp=window).tolist()
        assert ours == _brute_force_clump(g, p, chrom, pos, 0.5, r2_max, window)


def test_clump_and_threshold_picks_the_best_validation_threshold():
    rng = np.random.default_rng(2)
    n, m = 900, 30
    g = rng.binomial(2, 0.3, (n, m)).astype(np.int8)
    g[:, 1] = g[:, 0]  # perfect LD with the causal variant 0
    y = 0.8 * g[:, 0] + 0.8 * g[:, 5] + rng.normal(size=n)
    train, val = slice(0, 600), slice(600, n)
    gwas = gwas_linear(g[train], y[train])
    variants = pd.DataFrame({"chrom": 1, "pos": np.arange(m) * 1000})
    thresholds = (1e-8, 0.05, 1.0)
    result = clump_and_threshold(gwas, g[train], variants, g[val], y[val], thresholds=thresholds)
    index = clump(gwas["p"], g[train], variants["chrom"], variants["pos"])
    tuning = result.tuning
    assert tuning["p_threshold"].tolist() == list(thresholds)
    for t, k, value in tuning.itertuples(index=False):
        chosen = index[gwas["p"].to_numpy()[index] <= t]
        assert k == chosen.size
        w = np.zeros(m)
        w[chosen] = gwas["beta"].to_numpy()[chosen]
        assert value == pytest.approx(np.corrcoef(y[val], polygenic_score(g[val], w))[0, 1] ** 2)
    best = tuning.loc[tuning["validation_metric"].idxmax()]
    assert result.threshold == best["p_threshold"] and result.n_variants == best["n_variants"]
    assert np.count_nonzero(result.weights[[0, 1]]) == 1 and result.weights[5] > 0.5
    # a custom metric (larger is better) is what is maximized: minus r² picks the worst threshold
    worst = clump_and_threshold(
        gwas,
        g[train],
        variants,
        g[val],
        y[val],
        thresholds=thresholds,
        metric=lambda target, score: -float(np.corrcoef(target, score)[0, 1] ** 2),
    )
    assert worst.threshold == tuning.loc[tuning["validation_metric"].idxmin(), "p_threshold"] != result.threshold


def test_clump_and_threshold_contract():
    rng = np.random.default_rng(3)
    g = rng.binomial(2, 0.3, (100, 5)).astype(np.int8)
    y = rng.normal(size=100)
    gwas = gwas_linear(g, y)
    variants = pd.DataFrame({"chrom": 1, "pos": np.arange(5)})
    with pytest.raises(ValueError, match=r"'gwas' parameter of clump_and_threshold lacks the column\(s\) \['beta'\]"):
        clump_and_threshold(gwas.drop(columns="beta"), g, variants, g, y)
    with pytest.raises(ValueError, match=r"'variants' parameter .* lacks the column\(s\) \['pos'\]"):
        clump_and_threshold(gwas, g, variants[["chrom"]], g, y)
    with pytest.raises(ValueError, match=r"thresholds.*\(0, 1\]"):
        clump_and_threshold(gwas, g, variants, g, y, thresholds=(0.0, 0.5))
    with pytest.raises(ValueError, match=r"thresholds.*\(0, 1\]"):
        clump_and_threshold(gwas, g, variants, g, y, thresholds=(1.5,))
    with pytest.raises(ValueError, match="Inconsistent lengths in clump_and_threshold: gwas has 4 rows"):
        clump_and_threshold(gwas.iloc[:4], g, variants, g, y)
    with pytest.raises(ValueError, match="Inconsistent lengths"):
        clump_and_threshold(gwas, g, variants, g, y[:50])
    with pytest.raises(ValueError, match="no variant has a GWAS p-value below"):
        clump_and_threshold(gwas.assign(p=0.9), g, variants, g, y, thresholds=(0.01,))


def test_clump_contract(ld_case):
    g, chrom, pos, p = ld_case
    with pytest.raises(ValueError, match=r"'p_values' parameter of clump must have one p-value per variant \(5\)"):
        clump(p[:4], g, chrom, pos)
    with pytest.raises(ValueError, match=r"p-values in \[0, 1\]"):
        clump(p * 1e9, g, chrom, pos)
    with pytest.raises(ValueError, match="'pos' parameter of clump must have one value per variant"):
        clump(p, g, chrom, pos[:3])
    with pytest.raises(ValueError, match="'p_max' parameter of clump must be a float in \\(0, 1\\]"):
        clump(p, g, chrom, pos, p_max=0)


def test_polygenic_score_contract():
    g = np.array([[0, 2], [1, -1]], np.int8)
    with pytest.raises(ValueError, match=r"'weights' parameter of polygenic_score must have one value per variant \(2"):
        polygenic_score(g, [1.0])
    with pytest.raises(ValueError, match="'weights' parameter of polygenic_score contains 1 NaN"):
        polygenic_score(g, [1.0, np.nan])
    with pytest.raises(ValueError, match=r"allele frequencies in \[0, 1\]"):
        polygenic_score(g, [1.0, 1.0], frequencies=[0.2, 1.2])
    with pytest.raises(ValueError, match="'impute' parameter of polygenic_score must be one of 'mean', 'zero'"):
        polygenic_score(g, [1.0, 1.0], impute="median")
    # given frequencies: a missing call counts 2·f·w
    assert polygenic_score(g, [0.5, 1.0], frequencies=[0.5, 0.25]).tolist() == [2.0, 1.0]


def test_penalized_score_recovers_a_sparse_signal():
    rng = np.random.default_rng(2)
    g = rng.binomial(2, 0.3, (1500, 400)).astype(np.int8)
    w = np.zeros(400)
    w[:10] = 0.4
    y = g @ w + rng.normal(size=1500)
    fit = penalized_score(g[:1000], y[:1000], g[1000:1250], y[1000:1250])
    test_score = polygenic_score(g[1250:], fit.weights)
    assert np.corrcoef(test_score, y[1250:])[0, 1] ** 2 > 0.5 * np.var(g[1250:] @ w) / np.var(y[1250:])
    assert fit.n_nonzero >= 10


def test_penalized_score_random_state_contract():
    rng = np.random.default_rng(4)
    g = rng.binomial(2, 0.3, (300, 30)).astype(np.int8)
    y = g[:, :3].sum(axis=1) + rng.normal(size=300)
    a = penalized_score(g[:200], y[:200], g[200:], y[200:], l1_ratio=0.5, random_state=7)
    b = penalized_score(g[:200], y[:200], g[200:], y[200:], l1_ratio=0.5, random_state=7)
    np.testing.assert_array_equal(a.weights, b.weights)
    c = penalized_score(g[:200], y[:200], g[200:], y[200:], l1_ratio=0.5, random_state=np.random.default_rng(7))
    np.testing.assert_allclose(c.weights, a.weights, atol=1e-3)  # another seed, the same optimum
    with pytest.raises(ValueError, match="'random_state' parameter of penalized_score must be None"):
        penalized_score(g[:200], y[:200], g[200:], y[200:], random_state=-1)
    with pytest.raises(ValueError, match="'alphas' parameter of penalized_score must be a non-empty list of positive"):
        penalized_score(g[:200], y[:200], g[200:], y[200:], alphas=[0.1, -1.0])
    with pytest.raises(ValueError, match="'train_target' parameter of penalized_score is constant"):
        penalized_score(g[:200], np.ones(200), g[200:], y[200:])
    with pytest.raises(ValueError, match="'val_genotypes' parameter of penalized_score must have 30 columns"):
        penalized_score(g[:200], y[:200], g[200:, :5], y[200:])


def test_penalized_score_path_stops_after_patience_worse_penalties():
    rng = np.random.default_rng(6)
    g = rng.binomial(2, 0.3, (600, 200)).astype(np.int8)
    y = g[:, :20] @ rng.normal(0, 0.3, 20) + rng.normal(size=600)
    full = penalized_score(g[:400], y[:400], g[400:], y[400:], l1_ratio=(0.1, 0.5), patience=None)
    stopped = penalized_score(g[:400], y[:400], g[400:], y[400:], l1_ratio=(0.1, 0.5), patience=1)
    assert len(full.tuning) == 18 and len(stopped.tuning) < 18
    visited = []
    for ratio, path in stopped.tuning.groupby("l1_ratio"):
        r2 = path["validation_r2"].to_numpy()
        whole = full.tuning[full.tuning["l1_ratio"] == ratio]
        np.testing.assert_allclose(r2, whole["validation_r2"].to_numpy()[: len(r2)])  # the same fits, in order
        if len(r2) < 9:  # stopped: its last penalty is the first that scored below the path's best
            assert r2[-1] < r2[:-1].max() and r2[-2] == r2[:-1].max()
        visited.append(whole.iloc[: len(r2)])
    best = pd.concat(visited).sort_values("validation_r2").iloc[-1]
    assert (stopped.l1_ratio, stopped.alpha) == (best["l1_ratio"], best["alpha"])


def test_prefiltered_penalized_score_equals_the_fit_on_the_kept_variants():
    rng = np.random.default_rng(5)
    g = rng.binomial(2, 0.3, (400, 60)).astype(np.int8)
    y = g[:, :5].sum(axis=1) + rng.normal(size=400)
    p = gwas_linear(g[:300], y[:300])["p"].to_numpy()
    fit = prefiltered_penalized_score(g[:300], y[:300], g[300:], y[300:], p, p_max=0.2, l1_ratio=0.5)
    keep = np.flatnonzero(p < 0.2)
    direct = penalized_score(g[:300][:, keep], y[:300], g[300:][:, keep], y[300:], l1_ratio=0.5)
    assert fit.weights.shape == (60,)
    # the same fit; only float32 rounding of the standardized genotypes may differ with memory layout
    np.testing.assert_allclose(fit.weights[keep], direct.weights, rtol=1e-4, atol=1e-6)
    assert not fit.weights[np.setdiff1d(np.arange(60), keep)].any()
    assert (fit.alpha, fit.n_nonzero) == (direct.alpha, direct.n_nonzero)
    with pytest.raises(ValueError, match="no variant has p < p_max"):
        prefiltered_penalized_score(g[:300], y[:300], g[300:], y[300:], np.ones(60), p_max=0.2)
