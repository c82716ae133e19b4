import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score

from pmed_utils.genomics.gwas import genomic_inflation, gwas_linear, gwas_logistic
from pmed_utils.genomics.prs import penalized_score, polygenic_score
from pmed_utils.genomics.theory import (
    daetwyler_expected_r2,
    liability_auc_exact,
    liability_to_observed_h2,
    observed_to_liability_h2,
    wray_max_auc,
)


def test_gwas_linear_matches_statsmodels_free_ols_per_variant():
    rng = np.random.default_rng(0)
    g = rng.integers(0, 3, (300, 5)).astype(np.int8)
    cov = rng.normal(size=(300, 2))
    y = 0.3 * g[:, 1] + cov @ [0.5, -0.2] + rng.normal(size=300)
    res = gwas_linear(g, y, cov)
    for j in range(5):
        x = np.column_stack([np.ones(300), cov, g[:, j]])
        beta, rss, *_ = np.linalg.lstsq(x, y, rcond=None)
        se = np.sqrt(rss[0] / (300 - 4) * np.linalg.inv(x.T @ x)[-1, -1])
        assert res.beta[j] == pytest.approx(beta[-1]) and res.se[j] == pytest.approx(se)


def test_gwas_bad_input():
    g = np.zeros((10, 2), np.int8)
    with pytest.raises(ValueError, match="NaN"):
        gwas_linear(g, [np.nan] + [0.0] * 9)
    with pytest.raises(ValueError, match="Inconsistent lengths"):
        gwas_linear(g, np.zeros(9))
    with pytest.raises(ValueError, match="only 0 and 1"):
        gwas_logistic(g, np.arange(10))


def test_null_gwas_is_not_inflated():
    rng = np.random.default_rng(1)
    g = rng.binomial(2, 0.3, (400, 3000)).astype(np.int8)
    res = gwas_linear(g, rng.normal(size=400))
    assert genomic_inflation(res.p) == pytest.approx(1, abs=0.08)


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


def test_theory_closed_forms():
    assert daetwyler_expected_r2(0.5, 1e12, 1000) == pytest.approx(0.5)
    assert daetwyler_expected_r2(0.5, 4000, 1000) == pytest.approx(1 / 3)
    # Lee et al. (2012): for K = P = 0.5 the conversion factor is K²(1−K)²/(z² P(1−P)) = 0.25/φ(0)² = π/2
    assert observed_to_liability_h2(0.2, 0.5) == pytest.approx(0.2 * np.pi / 2)
    assert liability_to_observed_h2(observed_to_liability_h2(0.07, 0.01, 0.5), 0.01, 0.5) == pytest.approx(0.07)


@pytest.mark.parametrize("h2, k", [(0.1, 0.05), (0.5, 0.1), (0.8, 0.3)])
def test_liability_auc_matches_simulation_and_wray_for_small_h2(h2, k):
    rng = np.random.default_rng(0)
    g = rng.normal(0, np.sqrt(h2), 400_000)
    y = g + rng.normal(0, np.sqrt(1 - h2), g.size) > stats.norm.ppf(1 - k)
    assert liability_auc_exact(h2, k) == pytest.approx(roc_auc_score(y, g), abs=0.004)
    if h2 <= 0.5:
        assert wray_max_auc(h2, k) == pytest.approx(liability_auc_exact(h2, k), abs=0.003)
