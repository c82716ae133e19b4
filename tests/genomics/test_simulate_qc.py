import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pmed_utils.genomics.io import read_plink, read_vcf, write_plink, write_vcf
from pmed_utils.genomics.qc import hwe_exact_pvalues, impute_mean, quality_control, standardize
from pmed_utils.genomics.simulate import simulate_cohort


@pytest.fixture(scope="module")
def cohort():
    return simulate_cohort(900, n_chromosomes=2, segment_length=1e6, n_causal=200, random_state=3)


def test_truth_matches_the_requested_model(cohort):
    t = cohort.truth
    assert np.var(t.genetic_value) == pytest.approx(0.5, rel=1e-6)
    assert np.var(t.liability) == pytest.approx(1, abs=0.15)
    assert cohort.samples["disease"].iloc[:-1].mean() == pytest.approx(0.1, abs=0.04)
    assert len(t.causal_ids) == 200 and set(t.causal_ids) <= set(cohort.variants["id"])
    # per-allele effects reproduce the genetic value up to one constant per population
    cols = cohort.variants["id"].isin(t.causal_ids).to_numpy()
    clean = simulate_cohort(900, n_chromosomes=2, segment_length=1e6, n_causal=200, random_state=3,
                            add_messiness=False)
    raw = clean.genotypes[:, cols] @ clean.truth.causal_effects
    diff = pd.Series(raw - clean.truth.genetic_value).groupby(clean.samples["population"]).std()
    assert (diff < 1e-6).all()
    # the biomarker shares the genetic value: corr² ≈ h2
    r = np.corrcoef(clean.samples["biomarker"], clean.truth.genetic_value)[0, 1]
    assert r ** 2 == pytest.approx(0.5, abs=0.08)


def test_same_seed_same_cohort():
    a = simulate_cohort(60, n_chromosomes=1, segment_length=2e5, n_causal=10, random_state=5)
    b = simulate_cohort(60, n_chromosomes=1, segment_length=2e5, n_causal=10, random_state=5)
    np.testing.assert_array_equal(a.genotypes, b.genotypes)
    assert a.samples.equals(b.samples)


@pytest.mark.parametrize("kwargs, match", [({"h2": 1.2}, "'h2' parameter"), ({"prevalence": 0}, "'prevalence'"),
                                           ({"n_samples": 5}, "at least 30")])
def test_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        simulate_cohort(**{"n_samples": 60, **kwargs})


def test_qc_removes_exactly_the_planted_problems(cohort):
    t = cohort.truth
    qc = quality_control(cohort.genotypes, cohort.variants, cohort.samples)
    removed = qc.removed_samples.set_index("id")["reason"]
    assert set(t.low_call_rate_samples) <= set(removed[removed == "low call rate"].index)
    assert set(t.duplicate_of) == set(removed[removed == "duplicate"].index)
    hwe_removed = set(qc.removed_variants.query("reason == 'Hardy–Weinberg'")["id"])
    assert len(set(t.hwe_error_ids) & hwe_removed) >= 0.8 * len(t.hwe_error_ids)
    assert qc.genotypes.shape == (len(qc.samples), len(qc.variants))
    assert qc.report.set_index("step").loc["kept", "removed"].tolist() == [len(qc.samples), len(qc.variants)]


def test_hwe_pvalues_are_uniform_under_equilibrium():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.1, 0.9, 3000)
    g = rng.binomial(2, p, (500, 3000)).astype(np.int8)
    pv = hwe_exact_pvalues(g)
    assert 0.03 < np.mean(pv < 0.05) < 0.06  # exact test is slightly conservative


def test_impute_and_standardize():
    g = np.array([[0, 2], [2, -1], [1, 0]], np.int8)
    x = impute_mean(g)
    assert x[1, 1] == 1.0
    z, m, s = standardize(x)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-6)
    with pytest.raises(ValueError, match="impute_mean first"):
        standardize(np.array([[np.nan]]))


def test_plink_and_vcf_round_trip(cohort, tmp_path):
    g, v, s = cohort.genotypes[:50, :200], cohort.variants.iloc[:200], cohort.samples.iloc[:50]
    write_plink(tmp_path / "c", g, v, s)
    g2, v2, s2 = read_plink(tmp_path / "c")
    np.testing.assert_array_equal(g2, g)
    assert (v2["alt"] == v["alt"].to_numpy()).all() and (s2["id"] == s["id"].to_numpy()).all()
    write_vcf(tmp_path / "c.vcf.gz", g, v, s)
    g3, v3, s3 = read_vcf(tmp_path / "c.vcf.gz")
    np.testing.assert_array_equal(g3, g)


def test_bad_bed_files_are_named(cohort, tmp_path):
    g, v, s = cohort.genotypes[:20, :30], cohort.variants.iloc[:30], cohort.samples.iloc[:20]
    write_plink(tmp_path / "c", g, v, s)
    bed = tmp_path / "c.bed"
    data = bed.read_bytes()
    bed.write_bytes(b"\x00\x00\x00" + data[3:])
    with pytest.raises(ValueError, match="first bytes are 00 00 00"):
        read_plink(tmp_path / "c")
    bed.write_bytes(data[:-5])
    with pytest.raises(ValueError, match="does not match its .fam/.bim"):
        read_plink(tmp_path / "c")
    with pytest.raises(ValueError, match="only 0, 1, 2"):
        write_plink(tmp_path / "d", np.full((20, 30), 3, np.int8), v, s)
    with pytest.raises(ValueError, match="tables have"):
        write_plink(tmp_path / "d", g[:, :10], v, s)


def test_qc_report_names_the_hwe_population_only_when_there_is_one():
    rng = np.random.default_rng(0)
    g = rng.binomial(2, 0.3, size=(60, 5)).astype(np.int8)
    variants = pd.DataFrame({"id": [f"v{j}" for j in range(5)]})
    with_pop = quality_control(g, variants, pd.DataFrame({"id": [f"s{i}" for i in range(60)],
                                                          "population": ["CEU"] * 40 + ["YRI"] * 20}))
    without = quality_control(g, variants, pd.DataFrame({"id": [f"s{i}" for i in range(60)]}))
    assert "Hardy–Weinberg (in CEU)" in set(with_pop.report["step"])
    assert "Hardy–Weinberg" in set(without.report["step"])
    assert not any("in 0" in step for step in without.report["step"])
