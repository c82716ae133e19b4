"""QC filters and report: the planted problems of the simulation are found, and each rule does what it says."""

import warnings

import numpy as np
import pandas as pd
import pytest

from pmed_utils.genomics.dataset import GenotypeData
from pmed_utils.genomics.qc import (
    QCResult,
    filter_samples,
    filter_variants,
    find_duplicates,
    quality_control,
)
from pmed_utils.genomics.simulate import simulate_cohort
from pmed_utils.genomics.stats import call_rate_per_sample, heterozygosity_f
from pmed_utils.validation import InvalidParameterError


@pytest.fixture(scope="module")
def cohort():
    return simulate_cohort(900, n_chromosomes=2, segment_length=1e6, n_causal=200, random_state=3)


@pytest.fixture(scope="module")
def data(cohort):
    return GenotypeData(cohort.genotypes, cohort.variants, cohort.samples)


@pytest.fixture(scope="module")
def qc(data):
    return quality_control(data)


def _toy(n=60, m=5, population=None, seed=0):
    rng = np.random.default_rng(seed)
    g = rng.binomial(2, 0.3, size=(n, m)).astype(np.int8)
    variants = pd.DataFrame(
        {"chrom": 1, "pos": np.arange(m), "id": [f"v{j}" for j in range(m)], "ref": "A", "alt": "G"}
    )
    samples = pd.DataFrame({"id": [f"s{i}" for i in range(n)]})
    if population is not None:
        samples["population"] = population
    return GenotypeData(g, variants, samples)


def test_qc_removes_exactly_the_planted_problems(cohort, qc):
    t = cohort.truth
    removed = qc.removed_samples.set_index("id")["reason"]
    assert set(t.low_call_rate_samples) <= set(removed[removed == "low call rate"].index)
    assert set(t.duplicate_of) == set(removed[removed == "duplicate"].index)
    hwe_removed = set(qc.removed_variants.query("reason == 'Hardy–Weinberg'")["id"])
    assert len(set(t.hwe_error_ids) & hwe_removed) >= 0.8 * len(t.hwe_error_ids)
    assert isinstance(qc, QCResult) and isinstance(qc.data, GenotypeData)
    assert qc.genotypes.shape == (len(qc.samples), len(qc.variants)) == (qc.data.n_samples, qc.data.n_variants)
    assert qc.report.set_index("step").loc["kept", "removed"].tolist() == [len(qc.samples), len(qc.variants)]
    # the report adds up: kept + removed = everyone / every variant
    steps = qc.report[qc.report["step"] != "kept"].groupby("what")["removed"].sum()
    assert steps["samples"] + len(qc.samples) == len(cohort.samples) == len(qc.removed_samples) + len(qc.samples)
    assert steps["variants"] + len(qc.variants) == len(cohort.variants)


def test_what_qc_keeps_passes_every_rule(cohort, qc):
    # samples are filtered on all variants, before the variant filters
    rows = cohort.samples["id"].reset_index(drop=True).pipe(lambda ids: ids[ids.isin(qc.samples["id"])].index)
    assert call_rate_per_sample(cohort.genotypes[rows]).min() >= 0.95
    g = qc.genotypes
    assert ((g >= 0).mean(axis=0) >= 0.95).all()
    freq = np.where(g >= 0, g, 0).sum(axis=0) / (2 * (g >= 0).sum(axis=0))
    assert (np.minimum(freq, 1 - freq) >= 0.01).all()
    # kept rows are the same people, in order, with their own genotypes
    assert qc.samples["id"].is_unique and not set(qc.samples["id"]) & set(qc.removed_samples["id"])


def test_the_old_triple_call_gives_the_same_result(cohort, qc):
    old = quality_control(cohort.genotypes, cohort.variants, cohort.samples)
    np.testing.assert_array_equal(old.genotypes, qc.genotypes)
    pd.testing.assert_frame_equal(old.report, qc.report)
    pd.testing.assert_frame_equal(old.removed_variants, qc.removed_variants)


def test_quality_control_is_filter_samples_then_filter_variants(data, qc):
    by_sample = filter_samples(data)
    by_variant = filter_variants(by_sample.data)
    np.testing.assert_array_equal(by_variant.genotypes, qc.genotypes)
    pd.testing.assert_frame_equal(by_sample.removed_samples, qc.removed_samples)
    pd.testing.assert_frame_equal(by_variant.removed_variants, qc.removed_variants)
    assert by_sample.data.n_variants == data.n_variants and by_variant.data.n_samples == by_sample.data.n_samples


def test_each_sample_rule_removes_what_it_says():
    data = _toy(n=80, m=300, seed=1)
    g = data.genotypes.copy()
    g[5, :200] = -1  # low call rate
    g[9] = g[4]  # a duplicate of sample 4
    g[12] = 1  # heterozygous everywhere: F far below everyone else
    result = filter_samples(GenotypeData(g, data.variants, data.samples))
    assert result.removed_samples.values.tolist() == [
        ["s5", "low call rate"],
        ["s9", "duplicate"],
        ["s12", "heterozygosity outlier"],
    ]
    f = heterozygosity_f(np.delete(g, [5, 9], axis=0))
    assert f.min() == f[10] and (f[10] - np.delete(f, 10).mean()) / f.std() < -4  # s12 is row 10 without s5, s9
    assert filter_samples(
        GenotypeData(g, data.variants, data.samples), remove_duplicates=False, het_sd=1000
    ).removed_samples["id"].tolist() == ["s5"]


def test_each_variant_rule_removes_what_it_says():
    data = _toy(n=200, m=6, seed=2)
    g = data.genotypes.copy()
    g[:20, 0] = -1  # call rate 0.9
    g[:, 1] = 0  # monomorphic
    g[:, 2] = -1  # never called
    g[:, 3] = np.repeat([0, 2], 100)  # no heterozygotes at p = 0.5
    result = filter_variants(GenotypeData(g, data.variants, data.samples))
    assert result.removed_variants.values.tolist() == [
        ["v0", "low call rate"],
        ["v2", "low call rate"],
        ["v1", "rare"],
        ["v3", "Hardy–Weinberg"],
    ]
    assert result.data.variants["id"].tolist() == ["v4", "v5"]
    loose = filter_variants(GenotypeData(g, data.variants, data.samples), min_call_rate=0.85, hwe_p_min=0)
    assert loose.removed_variants["id"].tolist() == ["v2", "v1"]


def test_qc_report_names_the_hwe_population_only_when_there_is_one():
    with_pop = quality_control(_toy(population=["CEU"] * 40 + ["YRI"] * 20))
    without = quality_control(_toy())
    assert "Hardy–Weinberg (in CEU)" in set(with_pop.report["step"])
    assert "Hardy–Weinberg" in set(without.report["step"])
    assert not any("in 0" in step for step in without.report["step"])


def test_hwe_is_tested_in_the_largest_population_only():
    rng = np.random.default_rng(5)
    n_a, n_b = 300, 100
    # each population in equilibrium, at very different frequencies: the mixture is not (Wahlund effect)
    g = np.vstack([rng.binomial(2, 0.05, (n_a, 50)), rng.binomial(2, 0.95, (n_b, 50))]).astype(np.int8)
    variants = pd.DataFrame(
        {"chrom": 1, "pos": np.arange(50), "id": [f"v{j}" for j in range(50)], "ref": "A", "alt": "G"}
    )
    samples = pd.DataFrame({"id": [f"s{i}" for i in range(n_a + n_b)], "population": ["A"] * n_a + ["B"] * n_b})
    by_population = filter_variants(GenotypeData(g, variants, samples))
    pooled = filter_variants(GenotypeData(g, variants, samples.drop(columns="population")))
    assert (by_population.removed_variants["reason"] == "Hardy–Weinberg").sum() <= 1
    assert (pooled.removed_variants["reason"] == "Hardy–Weinberg").sum() > 40


def test_quality_control_does_not_warn_on_degenerate_variants():
    data = _toy(n=60, m=5)
    g = data.genotypes.copy()
    g[:, 2] = -1
    g[3] = -1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = quality_control(GenotypeData(g, data.variants, data.samples))
    assert "v2" in set(result.removed_variants["id"]) and "s3" in set(result.removed_samples["id"])


def test_find_duplicates_same_seed_same_pairs_and_bad_input():
    rng = np.random.default_rng(0)
    g = rng.binomial(2, 0.4, (30, 500)).astype(np.int8)
    g[7] = g[3]
    ids = [f"s{i}" for i in range(30)]
    a = find_duplicates(g, ids, n_variants=100, random_state=np.random.default_rng(1))
    assert a[["id_1", "id_2"]].values.tolist() == [["s3", "s7"]] and a["concordance"].iloc[0] == 1
    pd.testing.assert_frame_equal(find_duplicates(g, ids, random_state=4), find_duplicates(g, ids, random_state=4))
    with pytest.raises(ValueError, match="ids has 29"):
        find_duplicates(g, ids[:-1])
    with pytest.raises(InvalidParameterError, match="'random_state' parameter of find_duplicates"):
        find_duplicates(g, ids, random_state=-1)


def test_bad_calls_are_refused_naming_the_parameter(data):
    with pytest.raises(ValueError, match="do not pass 'variants' or 'samples' as well"):
        quality_control(data, data.variants)
    with pytest.raises(ValueError, match="pass 'variants' and 'samples' too"):
        quality_control(data.genotypes)
    with pytest.raises(ValueError, match="samples has"):
        quality_control(data.genotypes, data.variants, data.samples.iloc[:-1])
    with pytest.raises(
        InvalidParameterError, match=r"'min_maf' parameter of quality_control must be a float in \[0, 0.5\]"
    ):
        quality_control(data, min_maf=0.7)
    with pytest.raises(InvalidParameterError, match="'data' parameter of filter_variants"):
        filter_variants(data.genotypes)
