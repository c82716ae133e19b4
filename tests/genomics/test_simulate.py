"""pmed_utils.genomics.simulate: the simulated cohort reproduces the model it was asked for."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmed_utils.genomics.dataset import GenotypeData
from pmed_utils.genomics.simulate import Cohort, simulate_cohort

SMALL = {"n_chromosomes": 1, "segment_length": 2e5, "n_causal": 10}


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    return simulate_cohort(600, n_chromosomes=2, segment_length=5e5, n_causal=200, random_state=3)


def test_truth_matches_the_requested_model(cohort):
    t = cohort.truth
    assert np.var(t.genetic_value) == pytest.approx(0.5, rel=1e-6)
    assert np.var(t.liability) == pytest.approx(1, abs=0.15)
    assert cohort.samples["disease"].iloc[:-1].mean() == pytest.approx(0.1, abs=0.04)
    assert len(t.causal_ids) == 200 and set(t.causal_ids) <= set(cohort.variants["id"])
    # per-allele effects reproduce the genetic value up to one constant per population
    cols = cohort.variants["id"].isin(t.causal_ids).to_numpy()
    clean = simulate_cohort(600, n_chromosomes=2, segment_length=5e5, n_causal=200, random_state=3, add_messiness=False)
    raw = clean.genotypes[:, cols] @ clean.truth.causal_effects
    diff = pd.Series(raw - clean.truth.genetic_value).groupby(clean.samples["population"]).std()
    assert (diff < 1e-6).all()
    # the biomarker shares the genetic value: corr² ≈ h2
    r = np.corrcoef(clean.samples["biomarker"], clean.truth.genetic_value)[0, 1]
    assert r**2 == pytest.approx(0.5, abs=0.08)


def test_planted_messiness_is_where_the_truth_says(cohort):
    t = cohort.truth
    rows = cohort.samples["id"].isin(t.low_call_rate_samples).to_numpy()
    missing = (cohort.genotypes == -1).mean(axis=1)
    assert (missing[rows] > 0.15).all() and np.median(missing[~rows]) < 0.02
    dup, original = next(iter(t.duplicate_of.items()))
    ids = cohort.samples["id"].tolist()
    a, b = cohort.genotypes[ids.index(dup)], cohort.genotypes[ids.index(original)]
    both = (a >= 0) & (b >= 0)
    assert (a[both] == b[both]).mean() > 0.99


def test_cohort_is_a_genotype_dataset(cohort):
    assert isinstance(cohort, GenotypeData)
    g, v, s = cohort  # unpacks as the triple
    assert g is cohort.genotypes and v is cohort.variants and s is cohort.samples
    assert (cohort.n_samples, cohort.n_variants) == g.shape
    part = cohort.select(samples=np.arange(10), variants=np.arange(5))
    assert isinstance(part, Cohort) and part.genotypes.shape == (10, 5) and part.truth is cohort.truth
    with pytest.raises(ValueError, match="Cohort: genotypes has 5 columns but variants has 4 rows"):
        Cohort(part.genotypes, part.variants.iloc[:4], part.samples, part.truth)


def test_same_seed_same_cohort_and_a_generator_is_accepted():
    a = simulate_cohort(60, random_state=5, **SMALL)
    b = simulate_cohort(60, random_state=5, **SMALL)
    np.testing.assert_array_equal(a.genotypes, b.genotypes)
    assert a.samples.equals(b.samples)
    c = simulate_cohort(60, random_state=np.random.default_rng(5), **SMALL)
    np.testing.assert_array_equal(c.genotypes, a.genotypes)  # the same stream: derive_seed(Generator(5))
    d = simulate_cohort(60, random_state=6, **SMALL)
    assert d.genotypes.shape != a.genotypes.shape or not np.array_equal(d.genotypes, a.genotypes)


def test_population_fractions_are_respected():
    c = simulate_cohort(60, population_fractions={"CEU": 0.5, "YRI": 0.5}, add_messiness=False, **SMALL)
    assert c.samples["population"].value_counts().to_dict() == {"YRI": 30, "CEU": 30}


def test_more_causal_variants_than_the_simulation_has_is_an_error():
    with pytest.raises(
        ValueError,
        match=r"The 'n_causal' parameter of simulate_cohort asks for 100000 causal "
        r"variants but the simulation has only \d+ variants with MAF ≥ 1%",
    ):
        simulate_cohort(60, n_chromosomes=1, segment_length=2e5, n_causal=100_000)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"h2": 1.2}, r"The 'h2' parameter of simulate_cohort must be a float in \(0, 1\)"),
        ({"h2": 0}, r"'h2' parameter"),
        ({"prevalence": 0}, r"The 'prevalence' parameter of simulate_cohort must be a float in \(0, 1\)"),
        ({"n_samples": 5}, r"The 'n_samples' parameter of simulate_cohort must be an int in \[30, inf\)"),
        ({"n_causal": 0}, r"'n_causal' parameter"),
        ({"n_chromosomes": 23}, r"The 'n_chromosomes' parameter of simulate_cohort must be an int in \[1, 22\]"),
        ({"segment_length": 1e9}, r"'segment_length' parameter"),
        ({"min_maf": 0.5}, r"'min_maf' parameter"),
        ({"h2": 0.8, "env_variance": 0.2}, r"The 'env_variance' parameter of simulate_cohort must be in \[0, 1 - h2\)"),
        (
            {"population_fractions": {"CEU": 0.5, "XYZ": 0.5}},
            r"accepts the keys \['YRI', 'CEU', 'CHB'\]; got \['XYZ'\]",
        ),
        ({"population_fractions": {"CEU": 0.5, "YRI": 0.2}}, r"must sum to 1"),
        ({"population_fractions": {"CEU": -0.5, "YRI": 1.5}}, r"share ≥ 0; got 'CEU': -0.5"),
        ({"add_messiness": 1}, r"'add_messiness' parameter of simulate_cohort must be a bool"),
        ({"random_state": -1}, r"'random_state' parameter"),
    ],
)
def test_bad_parameters_are_refused_before_simulating(kwargs, match):
    with pytest.raises(ValueError, match=match):
        simulate_cohort(**{"n_samples": 60, **kwargs})


def test_write_simulated_bed_writes_the_truth_it_reports(tmp_path):
    from pmed_utils.genomics.gwas import gwas_linear
    from pmed_utils.genomics.io import read_plink
    from pmed_utils.genomics.simulate import write_simulated_bed
    from pmed_utils.genomics.stats import allele_frequencies, hwe_exact_pvalues

    sim = write_simulated_bed(tmp_path / "big", 3000, 700, n_causal=10, h2=0.5, chunk_variants=256, random_state=1)
    data = read_plink(sim.prefix)
    assert data.genotypes.shape == (3000, 700) and (data.samples["id"] == sim.samples["id"]).all()
    assert ((data.samples["sex"] == 1) == (sim.samples["sex"] == 1)).all()
    freq = allele_frequencies(data.genotypes)
    assert freq.min() > 0.02 and freq.max() < 0.55  # drawn from U[0.05, 0.5]
    assert np.mean(hwe_exact_pvalues(data.genotypes) < 0.01) < 0.03  # Hardy–Weinberg genotypes
    res = gwas_linear(data.genotypes, sim.samples["phenotype"], sim.samples[["sex", "age"]], data.variants["id"])
    hits = set(res.loc[res["p"] < 5e-8, "id"])
    assert hits <= set(sim.causal["id"]) and len(hits) >= 4  # causal variants, and no others
    # the larger a causal effect, the stronger its association
    by_id = res.set_index("id").loc[sim.causal["id"]]
    assert np.corrcoef(np.abs(sim.causal["effect"]), np.abs(by_id["t"]))[0, 1] > 0.8
    again = write_simulated_bed(tmp_path / "again", 3000, 700, n_causal=10, h2=0.5, chunk_variants=100, random_state=1)
    assert again.causal.equals(sim.causal)  # the seed, not the chunking, decides the causal variants
    with pytest.raises(ValueError, match="'n_causal' parameter of write_simulated_bed must be at most n_variants"):
        write_simulated_bed(tmp_path / "x", 10, 5, n_causal=6)
