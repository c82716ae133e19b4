"""cross_validate against scikit-learn, grouped folds, Keras builders, degenerate folds."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from pmed_utils.evaluation import cross_validate
from pmed_utils.validation import DegenerateInputWarning, InvalidParameterError


def test_cv_out_of_fold_scores_match_sklearn_and_a_manual_refit():
    X, y = make_classification(300, 6, random_state=0)
    cv = cross_validate(LogisticRegression(), X, y, n_splits=5, random_state=0)
    assert not np.isnan(cv.oof_score).any() and sorted(set(cv.fold)) == [0, 1, 2, 3, 4]
    for _, row in cv.fold_metrics.iterrows():
        mask = cv.fold == row["fold"]
        assert row["auc"] == pytest.approx(roc_auc_score(y[mask], cv.oof_score[mask]))
        assert row["n_test"] == mask.sum() and row["n_train"] == len(y) - mask.sum()
    # every person is scored by a model fitted without them: refit one fold by hand
    mask = cv.fold == 0
    manual = LogisticRegression().fit(X[~mask], y[~mask]).predict_proba(X[mask])[:, 1]
    np.testing.assert_allclose(cv.oof_score[mask], manual)


def test_random_state_int_generator_and_none():
    X, y = make_classification(120, 4, random_state=0)
    a = cross_validate(LogisticRegression(), X, y, n_splits=3, random_state=4)
    b = cross_validate(LogisticRegression(), X, y, n_splits=3, random_state=4)
    np.testing.assert_array_equal(a.fold, b.fold)
    none = cross_validate(LogisticRegression(), X, y, n_splits=3, random_state=None)
    zero = cross_validate(LogisticRegression(), X, y, n_splits=3, random_state=0)
    np.testing.assert_array_equal(none.fold, zero.fold)  # None means DEFAULT_RANDOM_STATE = 0
    rng = np.random.default_rng(1)
    first = cross_validate(LogisticRegression(), X, y, n_splits=3, random_state=rng)
    second = cross_validate(LogisticRegression(), X, y, n_splits=3, random_state=rng)
    assert not np.array_equal(first.fold, second.fold)  # a Generator advances


def test_grouped_cv_never_splits_a_family():
    X, y = make_classification(240, 4, random_state=1)
    families = np.repeat(np.arange(60), 4)
    cv = cross_validate(LogisticRegression(), X, y, n_splits=4, groups=families)
    for fam in range(60):
        assert len(set(cv.fold[families == fam])) == 1


def test_a_single_class_test_fold_warns_and_gives_nan_for_that_fold():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    # four families: two of controls only, two mixed -> with 4 grouped folds some fold has one class
    groups = np.repeat([0, 1, 2, 3], 10)
    y = np.r_[np.zeros(20, int), np.tile([0, 1], 10)]
    with pytest.warns(DegenerateInputWarning, match="test fold .* single class"):
        cv = cross_validate(LogisticRegression(), X, y, n_splits=4, groups=groups)
    one_class = [k for k in range(4) if len(set(y[cv.fold == k])) == 1]
    assert one_class
    assert cv.fold_metrics.loc[one_class, "auc"].isna().all()
    assert cv.fold_metrics.drop(index=one_class)["auc"].notna().all()


def test_cv_with_a_keras_model_builder():
    import keras

    X, y = make_classification(90, 3, n_informative=2, n_redundant=0, class_sep=2.0, random_state=2)

    def build():
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
        # eager: a tiny model trains faster than it traces
        model.compile(optimizer=keras.optimizers.Adam(0.1), loss="binary_crossentropy", run_eagerly=True)
        return model

    fit_kwargs = {"epochs": 2, "batch_size": 8}
    cv = cross_validate(build, X.astype("float32"), y, n_splits=2, fit_kwargs=fit_kwargs)
    assert cv.fold_metrics["auc"].mean() > 0.8
    again = cross_validate(build, X.astype("float32"), y, n_splits=2, fit_kwargs=fit_kwargs)
    np.testing.assert_allclose(cv.oof_score, again.oof_score, rtol=1e-5)


def test_cv_errors():
    X, y = make_classification(50, 4, random_state=0)
    with pytest.raises(ValueError, match="Inconsistent lengths"):
        cross_validate(LogisticRegression(), X[:40], y)
    with pytest.raises(ValueError, match="at least n_splits=5 people of each class"):
        cross_validate(LogisticRegression(), X[:12], np.r_[np.zeros(10), np.ones(2)])
    with pytest.raises(InvalidParameterError, match="'model' parameter of cross_validate"):
        cross_validate("logistic", X, y)
    with pytest.raises(InvalidParameterError, match="'n_splits' parameter of cross_validate"):
        cross_validate(LogisticRegression(), X, y, n_splits=1)
