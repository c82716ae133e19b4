"""pmed_utils.genomics.gwas against closed forms, direct per-variant fits and its input contract.
(PLINK 2 comparisons: tests/genomics/test_plink2_reference.py.)"""

import numpy as np
import pytest
from scipy import optimize

from pmed_utils.genomics.gwas import (
    _firth_fit,
    genomic_inflation,
    gwas_linear,
    gwas_logistic,
)
from pmed_utils.validation import DegenerateInputWarning


def test_gwas_linear_matches_ols_per_variant():
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
    assert (res["n_obs"] == 300).all()


def test_missing_drop_equals_ols_on_the_called_people_and_mean_keeps_everyone():
    rng = np.random.default_rng(3)
    g = rng.integers(0, 3, (200, 4)).astype(np.int8)
    g[rng.random(g.shape) < 0.1] = -1
    cov = np.column_stack([rng.normal(50, 10, 200), rng.normal(size=200)])
    y = 0.4 * np.where(g[:, 0] >= 0, g[:, 0], 1) + rng.normal(size=200)
    drop = gwas_linear(g, y, cov, missing="drop")
    mean = gwas_linear(g, y, cov, missing="mean")
    for j in range(4):
        ok = g[:, j] >= 0
        x = np.column_stack([np.ones(ok.sum()), cov[ok], g[ok, j]])
        beta, rss, *_ = np.linalg.lstsq(x, y[ok], rcond=None)
        se = np.sqrt(rss[0] / (ok.sum() - 4) * np.linalg.inv(x.T @ x)[-1, -1])
        assert drop.beta[j] == pytest.approx(beta[-1], rel=1e-9)
        assert drop.se[j] == pytest.approx(se, rel=1e-9)
        assert drop.n_obs[j] == ok.sum()
    assert (mean["n_obs"] == 200).all() and not np.allclose(mean.beta, drop.beta)


def test_logistic_drop_equals_a_fit_on_the_called_people():
    rng = np.random.default_rng(4)
    g = rng.integers(0, 3, (400, 3)).astype(np.int8)
    d = (rng.random(400) < 1 / (1 + np.exp(-(-1 + 0.5 * g[:, 0])))).astype(int)
    g[rng.random(g.shape) < 0.1] = -1
    drop = gwas_logistic(g, d, missing="drop")
    for j in range(3):
        ok = g[:, j] >= 0
        ref = gwas_logistic(g[ok][:, [j]], d[ok])
        assert drop.beta[j] == pytest.approx(ref.beta[0], rel=1e-7)
        assert drop.se[j] == pytest.approx(ref.se[0], rel=1e-7)
        assert drop.n_obs[j] == ok.sum()


def _penalized_loglik(b, x, y):
    eta = x @ b
    mu = 1 / (1 + np.exp(-eta))
    return -(y @ eta - np.logaddexp(0, eta).sum() + 0.5 * np.linalg.slogdet(x.T @ (x * (mu * (1 - mu))[:, None]))[1])


def test_firth_fit_maximizes_the_penalized_likelihood():
    rng = np.random.default_rng(5)
    n = 150
    cov = rng.normal(size=n)
    d = (rng.random(n) < 0.15).astype(float)
    g = np.zeros(n)
    g[np.flatnonzero(d)[:3]] = 1  # quasi-complete separation: carriers are all cases
    x = np.column_stack([np.ones(n), cov, g])
    beta, se = _firth_fit(x, d, np.zeros(3))
    best = optimize.minimize(_penalized_loglik, np.zeros(3), args=(x, d), method="BFGS", options={"gtol": 1e-10})
    assert beta == pytest.approx(best.x[-1], abs=1e-6)
    mu = 1 / (1 + np.exp(-x @ best.x))
    assert se == pytest.approx(np.sqrt(np.linalg.inv(x.T @ (x * (mu * (1 - mu))[:, None]))[-1, -1]), rel=1e-5)


def test_separated_variants_fall_back_to_firth():
    rng = np.random.default_rng(6)
    n = 300
    d = (rng.random(n) < 0.2).astype(int)
    g = rng.binomial(2, 0.3, (n, 4)).astype(np.int8)
    g[:, 1] = 0
    g[np.flatnonzero(d)[:4], 1] = 1  # four case carriers, no control
    g[:, 2] = d  # complete separation
    res = gwas_logistic(g, d)
    assert res["firth"].tolist() == [False, True, True, False]
    assert np.isfinite(res.loc[[1, 2], ["beta", "se", "p"]]).all().all()
    assert res.beta[2] > res.beta[1] > 0
    without = gwas_logistic(g, d, firth_fallback=False)
    assert without.loc[[1, 2], "beta"].isna().all() and not without["firth"].any()
    np.testing.assert_allclose(without.beta[[0, 3]], res.beta[[0, 3]])


def test_monomorphic_variants_are_nan():
    rng = np.random.default_rng(7)
    g = rng.integers(0, 3, (100, 3)).astype(np.int8)
    g[:, 1] = 2
    y = rng.normal(size=100)
    d = (y > 0).astype(int)
    for res in (
        gwas_linear(g, y),
        gwas_linear(g, y, missing="drop"),
        gwas_logistic(g, d),
        gwas_logistic(g, d, missing="drop"),
    ):
        assert np.isnan(res.loc[1, ["beta", "se", "p"]].to_numpy(float)).all()
        assert np.isfinite(res.loc[[0, 2], "p"]).all()


def test_constant_phenotype_warns_and_gives_nan():
    rng = np.random.default_rng(8)
    g = rng.integers(0, 3, (200, 50)).astype(np.int8)
    with pytest.warns(DegenerateInputWarning, match="phenotype is constant"):
        res = gwas_linear(g, np.full(200, 0.1))
    assert res[["beta", "se", "t", "p"]].isna().all().all()
    cov = rng.normal(size=(200, 2))
    with pytest.warns(DegenerateInputWarning, match="after the covariates"):
        res = gwas_linear(g, 3 * cov[:, 0] - cov[:, 1], cov)
    assert res["p"].isna().all()


@pytest.mark.parametrize("value", [0, 1])
def test_no_cases_or_no_controls_warns_and_gives_nan(value):
    g = np.random.default_rng(9).integers(0, 3, (100, 4)).astype(np.int8)
    with pytest.warns(DegenerateInputWarning, match="no controls" if value else "no cases"):
        res = gwas_logistic(g, np.full(100, value))
    assert res[["beta", "se", "p", "odds_ratio"]].isna().all().all()


def test_gwas_bad_input():
    g = np.zeros((10, 2), np.int8)
    with pytest.raises(ValueError, match="'phenotype' parameter of gwas_linear contains 1 NaN"):
        gwas_linear(g, [np.nan] + [0.0] * 9)
    with pytest.raises(ValueError, match="Inconsistent lengths"):
        gwas_linear(g, np.zeros(9))
    with pytest.raises(ValueError, match="only 0 and 1"):
        gwas_logistic(g, np.arange(10))
    with pytest.raises(ValueError, match="'covariates' parameter of gwas_linear contains"):
        gwas_linear(g, np.arange(10.0), np.r_[np.nan, np.ones(9)])
    with pytest.raises(ValueError, match="Inconsistent lengths in gwas_logistic: genotypes has 10 rows, covariates"):
        gwas_logistic(g, np.tile([0, 1], 5), np.zeros((9, 1)))
    with pytest.raises(ValueError, match="'variant_ids' parameter of gwas_linear must have one id per variant"):
        gwas_linear(g, np.arange(10.0), variant_ids=["a"])
    with pytest.raises(ValueError, match="'genotypes' parameter of gwas_linear must contain only 0, 1, 2"):
        gwas_linear(np.full((10, 2), 3), np.arange(10.0))
    with pytest.raises(ValueError, match="'missing' parameter of gwas_linear must be one of 'drop', 'mean'"):
        gwas_linear(g, np.arange(10.0), missing="zero")


def test_collinear_or_constant_covariates_are_refused():
    rng = np.random.default_rng(10)
    g = rng.integers(0, 3, (50, 2)).astype(np.int8)
    y = rng.normal(size=50)
    age = rng.normal(60, 5, 50)
    with pytest.raises(ValueError, match=r"collinear: column\(s\) \[2\]"):
        gwas_linear(g, y, np.column_stack([age, rng.normal(size=50), 2 * age + 1]))
    with pytest.raises(ValueError, match=r"constant column\(s\) \[1\]"):
        gwas_logistic(g, (y > 0).astype(int), np.column_stack([age, np.ones(50)]))
    with pytest.raises(ValueError, match="too few"):
        gwas_linear(g[:3], y[:3], np.column_stack([age, y])[:3])


def test_null_gwas_is_not_inflated():
    rng = np.random.default_rng(1)
    g = rng.binomial(2, 0.3, (400, 3000)).astype(np.int8)
    res = gwas_linear(g, rng.normal(size=400))
    assert genomic_inflation(res.p) == pytest.approx(1, abs=0.08)


def test_genomic_inflation_closed_form_and_contract():
    # chi2 quantile of p = 0.5 ** k: the median statistic of a uniform grid is the null median
    assert genomic_inflation([0.5]) == pytest.approx(1.0)
    assert genomic_inflation([0.5, np.nan]) == pytest.approx(1.0)
    with pytest.warns(DegenerateInputWarning):
        assert np.isnan(genomic_inflation([np.nan, np.nan]))
    with pytest.raises(ValueError, match=r"p-values in \[0, 1\]"):
        genomic_inflation([0.5, 1.5])
