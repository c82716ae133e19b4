"""The disk cache of simulations: reused only for the same call by the same code, never trusted blindly."""

from __future__ import annotations

import os

import numpy as np
import pytest

from pmed_utils import _cache
from pmed_utils.datasets import clear_cache, get_data_home
from pmed_utils.genomics.simulate import simulate_cohort
from pmed_utils.genomics.workflow import prepare_cohort


def _counting(value):
    calls = []

    def compute():
        calls.append(1)
        return value

    return compute, calls


def test_the_same_call_is_computed_once():
    compute, calls = _counting({"a": np.arange(5)})
    first = _cache.cached_call("f", {"n": 1}, compute)
    second = _cache.cached_call("f", {"n": 1}, compute)
    assert len(calls) == 1
    np.testing.assert_array_equal(first["a"], second["a"])
    assert len(list(_cache.cache_folder().glob("f-*.pkl"))) == 1


def test_other_arguments_are_computed_again():
    compute, calls = _counting(1)
    _cache.cached_call("f", {"n": 1}, compute)
    _cache.cached_call("f", {"n": 2}, compute)
    _cache.cached_call("g", {"n": 1}, compute)
    assert len(calls) == 3


def test_an_entry_written_by_other_code_is_replaced(monkeypatch):
    _cache.cached_call("f", {"n": 1}, lambda: "old result")
    monkeypatch.setattr(_cache, "code_fingerprint", lambda: "another version of pmed")
    assert _cache.cached_call("f", {"n": 1}, lambda: "new result") == "new result"
    # and the new entry is the one reused by that code from now on
    assert _cache.cached_call("f", {"n": 1}, lambda: "never computed") == "new result"


def test_an_unreadable_entry_warns_and_is_computed_again():
    _cache.cached_call("f", {"n": 1}, lambda: "result")
    (entry,) = _cache.cache_folder().glob("f-*.pkl")
    entry.write_bytes(b"not a pickle")
    with pytest.warns(RuntimeWarning, match="could not be read"):
        assert _cache.cached_call("f", {"n": 1}, lambda: "recomputed") == "recomputed"
    assert _cache.cached_call("f", {"n": 1}, lambda: "never computed") == "recomputed"


def test_the_fingerprint_changes_with_a_library_version(monkeypatch):
    before = _cache.code_fingerprint()
    assert len(before) == 64 and _cache.code_fingerprint() == before
    real_version = _cache.metadata.version
    monkeypatch.setattr(_cache.metadata, "version", lambda name: "0.0" if name == "msprime" else real_version(name))
    _cache.code_fingerprint.cache_clear()
    try:
        assert _cache.code_fingerprint() != before
    finally:
        _cache.code_fingerprint.cache_clear()


def test_the_cache_lives_in_the_data_folder():
    assert _cache.cache_folder() == get_data_home() / "cache"
    assert os.environ["PMED_DATA"] in str(_cache.cache_folder())  # the test's own folder, not the user's


SMALL = {"n_chromosomes": 1, "segment_length": 200_000, "n_causal": 20}


def test_a_cached_cohort_equals_a_simulated_one():
    fresh = simulate_cohort(120, **SMALL, random_state=3)
    stored = simulate_cohort(120, **SMALL, random_state=3, cache=True)
    reread = simulate_cohort(120, **SMALL, random_state=3, cache=True)
    assert len(list(_cache.cache_folder().glob("simulate_cohort-*.pkl"))) == 1
    for cohort in (stored, reread):
        np.testing.assert_array_equal(cohort.genotypes, fresh.genotypes)
        assert cohort.variants.equals(fresh.variants) and cohort.samples.equals(fresh.samples)
        np.testing.assert_array_equal(cohort.truth.liability, fresh.truth.liability)
    other_seed = simulate_cohort(120, **SMALL, random_state=4, cache=True)
    assert not np.array_equal(other_seed.truth.liability, fresh.truth.liability)


def test_a_generator_seed_is_not_cached():
    simulate_cohort(120, **SMALL, random_state=np.random.default_rng(3), cache=True)
    assert not list(_cache.cache_folder().glob("*.pkl"))


def test_prepare_cohort_reuses_the_cached_simulation():
    fresh = prepare_cohort(200, **SMALL, random_state=5)
    cached = prepare_cohort(200, **SMALL, random_state=5, cache=True)
    assert len(list(_cache.cache_folder().glob("simulate_cohort-*.pkl"))) == 1
    np.testing.assert_array_equal(cached.genotypes, fresh.genotypes)
    np.testing.assert_array_equal(cached.covariates, fresh.covariates)
    assert {k: v.tolist() for k, v in cached.split.items()} == {k: v.tolist() for k, v in fresh.split.items()}


def test_clear_cache_frees_the_folder():
    _cache.cached_call("f", {"n": 1}, lambda: np.zeros(1000))
    size = sum(f.stat().st_size for f in _cache.cache_folder().iterdir())
    assert clear_cache() == size > 8000
    assert clear_cache() == 0
    assert not (get_data_home() / "cache").exists()
