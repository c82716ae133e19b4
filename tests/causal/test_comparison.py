"""Tests of pmed_utils/causal/comparison.py: the comparison runs each learner as called on its own."""

import numpy as np
import pytest
from sklearn.ensemble import GradientBoostingRegressor

from pmed_utils.causal import compare_cate_learners, pehe, simulate_trial, t_learner_cate


@pytest.fixture(scope="module")
def trial(small_cohort):
    return simulate_trial(small_cohort, random_state=3)


def test_each_learner_as_on_its_own_and_the_oracle_is_best(trial):
    n = len(trial.outcome)
    train, test = np.arange(0, n, 2), np.arange(1, n, 2)
    result = compare_cate_learners(trial, train, test, n_estimators=30, random_state=5)
    assert list(result.cate) == ["S", "T", "X", "DR", "DR (form known)", "oracle"]
    np.testing.assert_array_equal(result.true_cate, trial.truth.cate[test])
    gbm = GradientBoostingRegressor(max_depth=2, n_estimators=30, learning_rate=0.05)
    alone = t_learner_cate(
        trial.covariates.iloc[train],
        trial.treatment[train],
        trial.outcome[train],
        model=gbm,
        X_test=trial.covariates.iloc[test],
        random_state=5,
    )
    np.testing.assert_allclose(result.cate["T"], alone)
    assert result.pehe["T"] == pytest.approx(pehe(trial.truth.cate[test], alone))
    assert result.pehe.idxmin() == "oracle"
    # knowing which features modify the effect is most of what the oracle has over the DR-learner
    assert result.pehe["DR (form known)"] < result.pehe["DR"]


@pytest.mark.parametrize("bad", [np.array([0.5, 1.5]), np.array([], dtype=int), np.array([0, 10**6])])
def test_rows_must_be_positions_of_the_trial(trial, bad):
    with pytest.raises(ValueError, match="'test' parameter of compare_cate_learners must hold row positions"):
        compare_cate_learners(trial, np.arange(10), bad)
