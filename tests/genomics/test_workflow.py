"""The analysis-ready cohort: QC'd data, people split once, PCs from training people, truth aligned by id."""

import numpy as np
import pytest

from pmed_utils.genomics.dataset import GenotypeData
from pmed_utils.genomics.workflow import prepare_cohort
from pmed_utils.validation import InvalidParameterError


@pytest.fixture(scope="module")
def data():
    return prepare_cohort(400, n_chromosomes=1, segment_length=400_000, n_causal=60, random_state=3)


def test_prepare_cohort_aligns_truth_and_splits_people(data):
    split = data.split
    everyone = np.concatenate([split["train"], split["validation"], split["test"]])
    assert sorted(everyone) == list(range(len(data.samples)))  # each person in exactly one set
    assert len(data.genotypes) == len(data.samples) == len(data.liability) == len(data.covariates)
    # the truth follows the people QC kept, by id
    raw_ids = data.cohort.samples["id"].to_numpy()[: len(data.cohort.truth.liability)]
    row = {pid: i for i, pid in enumerate(raw_ids)}
    for k in (0, len(data.samples) // 2, len(data.samples) - 1):
        pid = data.samples["id"].iloc[k]
        assert data.liability[k] == data.cohort.truth.liability[row[data.cohort.truth.duplicate_of.get(pid, pid)]]
    # disease is exactly liability above the threshold, so the alignment is right for everyone
    np.testing.assert_array_equal(data.samples["disease"].to_numpy(), data.liability > data.cohort.truth.threshold)
    # PCs come from training people: their scores there are centred, the covariates hold sex and age first
    train_pcs = data.pcs[split["train"]]
    assert np.all(np.abs(train_pcs.mean(axis=0)) < 1e-3 * train_pcs.std(axis=0))
    assert np.abs(data.pcs[split["test"]].mean(axis=0)).max() > np.abs(train_pcs.mean(axis=0)).max()
    np.testing.assert_array_equal(data.covariates[:, 0], data.samples["sex"].to_numpy())


def test_prepare_cohort_holds_the_qc_result_as_a_dataset(data):
    assert isinstance(data.qc.data, GenotypeData)
    assert data.genotypes is data.qc.data.genotypes and data.samples is data.qc.data.samples
    assert set(data.cohort.truth.duplicate_of) <= set(data.qc.removed_samples["id"])
    assert data.pca.loadings.shape[0] == data.pcs.shape[1] == 4


def test_prepare_cohort_same_seed_same_cohort():
    kwargs = {"n_chromosomes": 1, "segment_length": 100_000, "n_causal": 10, "n_pcs": 2}
    a, b = prepare_cohort(120, random_state=8, **kwargs), prepare_cohort(120, random_state=8, **kwargs)
    np.testing.assert_array_equal(a.genotypes, b.genotypes)
    np.testing.assert_array_equal(a.covariates, b.covariates)
    assert all((a.split[k] == b.split[k]).all() for k in a.split)


def test_prepare_cohort_parameters_are_checked():
    with pytest.raises(InvalidParameterError, match="'h2' parameter of prepare_cohort"):
        prepare_cohort(100, h2=1.5)
    with pytest.raises(InvalidParameterError, match="'n_pcs' parameter of prepare_cohort"):
        prepare_cohort(100, n_pcs=0)
