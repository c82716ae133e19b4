"""Genotypes on disk as a Dask array: the chunked results equal the in-memory ones, on threads and on a cluster.

(The PLINK 2 comparisons of tests/genomics/test_plink2_reference.py also run on a chunked read.)
"""

from __future__ import annotations

import dask.array as da
import numpy as np
import pandas as pd
import pytest
from distributed import Client, LocalCluster, get_task_stream

from pmed_utils.genomics import chunked
from pmed_utils.genomics.dataset import GenotypeData
from pmed_utils.genomics.gwas import gwas_linear, gwas_logistic
from pmed_utils.genomics.io import read_plink, write_plink
from pmed_utils.genomics.prs import polygenic_score
from pmed_utils.genomics.simulate import simulate_cohort
from pmed_utils.genomics.stats import (
    allele_frequencies,
    call_rate_per_sample,
    call_rate_per_variant,
    genotype_counts,
    hwe_exact_pvalues,
    variant_counts,
)


@pytest.fixture(scope="module")
def on_disk(tmp_path_factory):
    cohort = simulate_cohort(300, n_chromosomes=1, segment_length=1.5e5, n_causal=20, random_state=3)
    prefix = tmp_path_factory.mktemp("chunked") / "cohort"
    write_plink(prefix, cohort)
    memory = read_plink(prefix)
    lazy = read_plink(prefix, chunk_variants=77)  # uneven: the last chunk is shorter
    samples = cohort.samples
    return prefix, memory, lazy, samples


def test_read_plink_with_chunks_is_lazy_and_equals_the_in_memory_read(on_disk):
    _, memory, lazy, _ = on_disk
    assert chunked.is_chunked(lazy.genotypes) and not chunked.is_chunked(memory.genotypes)
    assert lazy.genotypes.dtype == np.int8 and lazy.genotypes.chunks[0] == (memory.n_samples,)
    widths = lazy.genotypes.chunks[1]
    assert set(widths[:-1]) == {77} and sum(widths) == memory.n_variants
    np.testing.assert_array_equal(lazy.genotypes.compute(), memory.genotypes)
    assert (lazy.variants == memory.variants).all().all()
    part = lazy.select(variants=np.arange(5, 40), samples=np.arange(10))  # selection stays lazy
    assert chunked.is_chunked(part.genotypes)
    np.testing.assert_array_equal(part.genotypes.compute(), memory.genotypes[:10, 5:40])


@pytest.mark.parametrize(
    "func",
    [
        variant_counts,
        genotype_counts,
        call_rate_per_sample,
        call_rate_per_variant,
        allele_frequencies,
        hwe_exact_pvalues,
    ],
)
def test_per_variant_and_per_sample_statistics_equal_in_memory(on_disk, func):
    _, memory, lazy, _ = on_disk
    expected = func(memory.genotypes)
    got = func(lazy.genotypes)
    assert isinstance(got, np.ndarray) and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize("missing", ["mean", "drop"])
def test_gwas_equals_in_memory(on_disk, missing):
    _, memory, lazy, samples = on_disk
    covariates = samples[["sex", "age"]].to_numpy(float)
    ids = memory.variants["id"]
    for fit, outcome in ((gwas_linear, samples["biomarker"]), (gwas_logistic, samples["disease"])):
        expected = fit(memory.genotypes, outcome, covariates, ids, missing=missing)
        got = fit(lazy.genotypes, outcome, covariates, ids, missing=missing)
        assert got.index.tolist() == list(range(memory.n_variants)) and (got["id"] == expected["id"]).all()
        for column in ("beta", "se", "p"):
            np.testing.assert_allclose(got[column], expected[column], rtol=1e-9, atol=1e-14, equal_nan=True)
        assert (got["n_obs"] == expected["n_obs"]).all()


@pytest.mark.parametrize("impute", ["mean", "zero"])
def test_scores_add_the_chunks_partial_sums(on_disk, impute):
    _, memory, lazy, _ = on_disk
    weights = np.random.default_rng(0).normal(size=memory.n_variants)
    weights[::3] = 0  # a score uses some variants only
    np.testing.assert_allclose(
        polygenic_score(lazy.genotypes, weights, impute=impute),
        polygenic_score(memory.genotypes, weights, impute=impute),
        rtol=1e-12,
    )
    frequencies = np.full(memory.n_variants, 0.3)
    np.testing.assert_allclose(
        polygenic_score(lazy.genotypes, weights, frequencies=frequencies),
        polygenic_score(memory.genotypes, weights, frequencies=frequencies),
        rtol=1e-12,
    )


def test_a_matrix_chunked_by_people_too_is_regrouped_and_codes_are_checked_per_chunk():
    g = np.random.default_rng(1).integers(-1, 3, (60, 30)).astype(np.int8)
    lazy = da.from_array(g, chunks=(20, 8))
    np.testing.assert_allclose(allele_frequencies(lazy), allele_frequencies(g))
    bad = g.copy()
    bad[3, 25] = 5
    with pytest.raises(ValueError, match=r"only 0, 1, 2.*got \[5\]"):
        variant_counts(da.from_array(bad, chunks=(60, 8)))
    with pytest.raises(ValueError, match="dask array of int8"):
        variant_counts(da.from_array(g.astype(float), chunks=(60, 8)))
    with pytest.raises(ValueError, match="dask array of int8"):
        GenotypeData(
            da.from_array(g.astype(np.int16), chunks=(60, 8)),
            pd.DataFrame({"chrom": 1, "pos": range(30), "id": "v", "ref": "A", "alt": "G"}),
            pd.DataFrame({"id": [f"s{i}" for i in range(60)]}),
        )


def test_no_variants_gives_the_in_memory_answer():
    g = da.zeros((5, 0), dtype=np.int8)
    assert variant_counts(g).shape == (0, 4)
    assert gwas_linear(g, np.arange(5.0)).empty
    with pytest.warns(UserWarning, match="no variants"):
        assert np.isnan(call_rate_per_sample(g)).all()


def test_a_bed_that_disagrees_with_its_bim_is_refused_before_any_chunk_is_read(on_disk, tmp_path):
    prefix, *_ = on_disk
    for suffix in (".bed", ".fam"):
        (tmp_path / f"bad{suffix}").write_bytes(prefix.with_suffix(suffix).read_bytes())
    bim = prefix.with_suffix(".bim").read_text().splitlines()
    (tmp_path / "bad.bim").write_text("\n".join(bim[:-1]) + "\n")  # one variant fewer than the .bed holds
    with pytest.raises(ValueError, match="does not match its .fam/.bim"):
        read_plink(tmp_path / "bad", chunk_variants=50)


def test_chunk_memory_closed_form():
    assert chunked.chunk_memory(1000, 100) == 1000 * (100 + 16 * 100)
    assert chunked.chunk_memory(1000, 10_000) == 1000 * (10_000 + 16 * 2048)  # float blocks are capped


def _cluster(memory_limit: str) -> LocalCluster:
    # Workers in this process (threads): fast to start, and the code path is the distributed scheduler's.
    # Their memory limit then applies to this whole process, so the computing cluster gets plenty.
    return LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, memory_limit=memory_limit, dashboard_address=":0"
    )


@pytest.fixture(scope="module")
def cluster():
    with _cluster("16GB") as local:
        yield local


def test_gwas_on_a_distributed_client_equals_in_memory(on_disk, cluster):
    _, memory, lazy, samples = on_disk
    covariates = samples[["sex", "age"]].to_numpy(float)
    expected = gwas_linear(memory.genotypes, samples["biomarker"], covariates)
    with Client(cluster) as client:
        with get_task_stream(client) as stream:
            got = gwas_linear(lazy.genotypes, samples["biomarker"], covariates)
        workers = set(client.scheduler_info()["workers"])
    # the cluster's workers ran one fit per chunk
    tasks = chunked.task_stream_frame(stream.data)
    fits = tasks[tasks["task"] == "gwas_linear"]
    assert len(fits) == len(lazy.genotypes.chunks[1]) and set(fits["worker"]) <= workers
    assert (tasks["task"] == "read_bed_chunk").sum() == len(fits)
    np.testing.assert_allclose(got["beta"], expected["beta"], rtol=1e-9, equal_nan=True)


def test_a_closed_client_or_workers_smaller_than_a_chunk_are_refused(on_disk):
    _, _, lazy, _ = on_disk
    small = _cluster("200MB")
    client = Client(small)
    client.close()
    with pytest.raises(ValueError, match="'client' parameter of check_cluster is closed"):
        chunked.check_cluster(client, lazy.genotypes)
    with pytest.raises(TypeError, match="must be a dask array"):
        chunked.check_cluster(client, np.zeros((2, 2), np.int8))
    wide = da.zeros((20_000, 20_000), dtype=np.int8, chunks=(20_000, 20_000))  # 1 GB per task > 200 MB
    with small, Client(small):
        with pytest.raises(ValueError, match=r"memory limit of 200 MB\. Read the \.bed with chunk_variants <= \d+"):
            allele_frequencies(wide)
