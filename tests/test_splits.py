"""Tests of pmed_utils/splits.py."""

import numpy as np
import pytest

from pmed_utils.splits import split_by_individual
from pmed_utils.validation import InvalidParameterError


def test_split_by_individual_partitions_people_and_keeps_strata():
    strata = np.r_[np.zeros(300, int), np.ones(100, int)]
    parts = split_by_individual(400, stratify=strata, random_state=3)
    everyone = np.concatenate(list(parts.values()))
    assert sorted(everyone) == list(range(400))
    assert [len(parts[k]) for k in ("train", "validation", "test")] == [240, 80, 80]
    for k in parts:
        assert strata[parts[k]].mean() == pytest.approx(0.25)
    again = split_by_individual(400, stratify=strata, random_state=3)
    assert all(np.array_equal(parts[k], again[k]) for k in parts)
    none = split_by_individual(400, random_state=None)
    zero = split_by_individual(400, random_state=0)
    assert all(np.array_equal(none[k], zero[k]) for k in none)
    rng = np.random.default_rng(0)
    first, second = split_by_individual(400, random_state=rng), split_by_individual(400, random_state=rng)
    assert not np.array_equal(first["test"], second["test"])


def test_split_by_individual_bad_input():
    with pytest.raises(ValueError, match="must sum to 1"):
        split_by_individual(100, fractions=(0.5, 0.2, 0.2))
    with pytest.raises(ValueError, match="three fractions"):
        split_by_individual(100, fractions=(0.5, 0.5))
    with pytest.raises(ValueError, match="Inconsistent lengths"):
        split_by_individual(100, stratify=np.zeros(50))
    with pytest.raises(InvalidParameterError, match="'random_state' parameter of split_by_individual"):
        split_by_individual(100, random_state=-1)
