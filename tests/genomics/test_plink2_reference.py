"""Our statistics against PLINK 2's on the same .bed files (outputs stored in tests/data/plink2,
made by tests/data/plink2/run_plink2.sh; plink2 is not needed to run these tests)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pmed_utils.genomics.gwas import gwas_linear, gwas_logistic
from pmed_utils.genomics.io import read_plink
from pmed_utils.genomics.prs import polygenic_score
from pmed_utils.genomics.stats import (
    allele_frequencies,
    call_rate_per_sample,
    call_rate_per_variant,
    hwe_exact_pvalues,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "plink2"


@pytest.fixture(scope="module", params=["in memory", "chunked"])
def fixture(request):
    # The same comparisons run on the .bed read into memory and read lazily as a Dask array of
    # 97-variant chunks (computed chunk by chunk on Dask's threads): both must match PLINK 2.
    chunks = 97 if request.param == "chunked" else None
    g, v, s = read_plink(DATA / "fixture", chunk_variants=chunks)
    pheno = pd.read_csv(DATA / "fixture.pheno", sep="\t")
    covar = pd.read_csv(DATA / "fixture.covar", sep="\t")
    return g, v, s, pheno, covar


def _read(name):
    return pd.read_csv(DATA / name, sep="\t")


def test_allele_frequencies_and_missingness(fixture):
    g, v, *_ = fixture
    afreq = _read("ref.afreq")
    assert (afreq["ID"] == v["id"]).all()
    # PLINK prints 6 significant digits
    np.testing.assert_allclose(allele_frequencies(g), afreq["ALT_FREQS"], rtol=6e-6)
    np.testing.assert_allclose(1 - call_rate_per_variant(g), _read("ref.vmiss")["F_MISS"], rtol=6e-6, atol=1e-9)
    np.testing.assert_allclose(1 - call_rate_per_sample(g), _read("ref.smiss")["F_MISS"], rtol=6e-6, atol=1e-9)


def test_hardy_weinberg_exact_pvalues(fixture):
    g, *_ = fixture
    ref = _read("ref.hardy")["P"].to_numpy()
    np.testing.assert_allclose(hwe_exact_pvalues(g), ref, rtol=1e-4)
    assert ref.min() < 1e-20  # the fixture includes variants far out of equilibrium


def _complete_variants(g):
    """Variants without a missing call: there pmed's mean imputation and PLINK's dropping agree exactly."""
    return np.flatnonzero(np.asarray((g >= 0).all(axis=0)))


# PLINK prints 6 significant digits: betas, SEs and p-values agree to ~5e-6 relative, except where
# PLINK's own iterations stop early (noted at each test).


def test_glm_linear_mean_imputation_on_complete_variants(fixture):
    g, v, _, pheno, covar = fixture
    cols = _complete_variants(g)
    assert cols.size > 100
    ours = gwas_linear(g[:, cols], pheno["biomarker"], covar[["age", "bmi"]], v["id"].to_numpy()[cols])
    ref = _read("ref_linear.biomarker.glm.linear").set_index("ID").loc[ours["id"]]
    np.testing.assert_allclose(ours["beta"], ref["BETA"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours["se"], ref["SE"], rtol=1e-5)
    np.testing.assert_allclose(ours["p"], ref["P"], rtol=1e-4)


def test_glm_linear_drops_missing_calls_as_plink(fixture):
    g, v, _, pheno, covar = fixture
    ours = gwas_linear(g, pheno["biomarker"], covar[["age", "bmi"]], v["id"], missing="drop")
    ref = _read("ref_linear.biomarker.glm.linear")
    assert (ref["ID"] == ours["id"]).all() and (ref["ERRCODE"] == ".").all()
    assert (ours["n_obs"] == ref["OBS_CT"]).all() and (ref["OBS_CT"] < len(g)).mean() > 0.8
    # max relative difference measured: 4.9e-6 (beta), 4.7e-6 (se), 4.8e-6 (p): PLINK's rounding
    np.testing.assert_allclose(ours["beta"], ref["BETA"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours["se"], ref["SE"], rtol=1e-5)
    np.testing.assert_allclose(ours["t"], ref["T_STAT"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours["p"], ref["P"], rtol=1e-5)
    # mean imputation is a different model: it differs wherever calls are missing
    mean = gwas_linear(g, pheno["biomarker"], covar[["age", "bmi"]], v["id"])
    assert np.abs(mean["beta"] - ref["BETA"]).max() > 1e-3


def _check_standard_rows(ours, ref, ok):
    """Rows PLINK fitted by ordinary logistic regression and finished (ERRCODE '.')."""
    # max relative difference measured: 5.3e-6 (OR), 4.1e-5 (se), 2.8e-4 (p); PLINK stops its
    # Newton iterations a little earlier than ours
    np.testing.assert_allclose(ours["odds_ratio"][ok], ref["OR"][ok], rtol=2e-5)
    np.testing.assert_allclose(ours["se"][ok], ref["LOG(OR)_SE"][ok], rtol=1e-4)
    np.testing.assert_allclose(ours["p"][ok], ref["P"][ok], rtol=5e-4)


def test_glm_logistic_without_firth(fixture):
    g, v, _, pheno, covar = fixture
    ours = gwas_logistic(g, pheno["disease"] - 1, covar[["age", "bmi"]], v["id"], missing="drop", firth_fallback=False)
    ref = _read("ref_logistic.disease.glm.logistic")
    assert (ref["ID"] == ours["id"]).all() and (ours["n_obs"] == ref["OBS_CT"]).all()
    separated = ref["ERRCODE"].str.startswith("SEPARATION").to_numpy()
    assert separated.sum() > 100  # 28 cases: many rare alleles are carried by no case
    # PLINK refuses separated variants; without the fallback so do we (NaN), and only those
    assert ours["beta"][separated].isna().all()
    ok = (ref["ERRCODE"] == ".").to_numpy()
    assert np.isfinite(ours["beta"][ok]).all()
    _check_standard_rows(ours, ref, ok)


@pytest.mark.parametrize("prefix, name", [("fixture", "ref_logistic_firth"), ("firth", "ref_firth")])
def test_glm_logistic_firth_fallback(fixture, prefix, name):
    _, _, _, pheno, covar = fixture
    g, v, _ = read_plink(DATA / prefix)
    ours = gwas_logistic(g, pheno["disease"] - 1, covar[["age", "bmi"]], v["id"], missing="drop")
    ref = _read(f"{name}.disease.glm.logistic.hybrid")
    assert (ref["ID"] == ours["id"]).all() and (ours["n_obs"] == ref["OBS_CT"]).all()
    # the same variants go to Firth regression (PLINK's FIRTH? column)
    np.testing.assert_array_equal(ours["firth"], ref["FIRTH?"] == "Y")
    assert np.isfinite(ours[["beta", "se", "p"]]).all().all()
    finished = (ref["ERRCODE"] == ".").to_numpy()
    firth = ours["firth"].to_numpy()
    _check_standard_rows(ours, ref, finished & ~firth)
    # PLINK 2.00a3.5 runs Firth regression in single precision and stops when steps, score and
    # penalized log-likelihood change are below 1e-4 (logistf's defaults x 0.8). Measured on these
    # fixtures: |log OR difference| median 7e-5, 90th percentile 6e-4, max 1.7e-2; se max relative 5.5e-3;
    # p max relative 2.4e-2. pmed's fit converges to 1e-8 (tested against a direct maximization of the
    # penalized likelihood in test_gwas.py).
    rows = finished & firth
    assert rows.sum() >= 50
    log_or_diff = np.abs(ours["beta"][rows] - np.log(ref["OR"][rows]))
    assert np.median(log_or_diff) < 2e-4 and np.quantile(log_or_diff, 0.9) < 1e-3 and log_or_diff.max() < 0.025
    np.testing.assert_allclose(ours["se"][rows], ref["LOG(OR)_SE"][rows], rtol=1e-2)
    np.testing.assert_allclose(ours["p"][rows], ref["P"][rows], rtol=4e-2)
    if prefix == "firth":  # the planted variants: each separates cases from controls
        planted = ours["id"].str.startswith("sep").to_numpy()
        assert planted.sum() == 7 and ours["firth"][planted].all()
        done = planted & finished
        np.testing.assert_allclose(ours["odds_ratio"][done], ref["OR"][done], rtol=7e-3)


def test_score_matches_plink_score_sums(fixture):
    g, v, *_ = fixture
    weights = pd.read_csv(DATA / "fixture.weights", sep="\t", header=None, names=["id", "allele", "w"])
    assert (weights["id"] == v["id"]).all() and (weights["allele"] == v["alt"]).all()
    ref = _read("ref_score.sscore")
    ours = polygenic_score(g, weights["w"].to_numpy(), impute="zero")
    np.testing.assert_allclose(ours, ref["SCORE1_SUM"], rtol=1e-5, atol=1e-6)
