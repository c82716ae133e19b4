import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import cross_val_predict, StratifiedKFold

from pmed_utils.evaluation import cross_validate, decision_curve, precision_recall, subgroup_metrics


def test_cv_out_of_fold_scores_match_sklearn_cross_val_predict():
    X, y = make_classification(300, 6, random_state=0)
    cv = cross_validate(LogisticRegression(), X, y, n_splits=5, random_state=0)
    assert not np.isnan(cv.oof_score).any() and sorted(set(cv.fold)) == [0, 1, 2, 3, 4]
    for k, row in cv.fold_metrics.iterrows():
        mask = cv.fold == row["fold"]
        assert row["auc"] == pytest.approx(roc_auc_score(y[mask], cv.oof_score[mask]))
        assert row["n_test"] == mask.sum()
    # every person is scored by a model fitted without them: refit one fold by hand
    mask = cv.fold == 0
    manual = LogisticRegression().fit(X[~mask], y[~mask]).predict_proba(X[mask])[:, 1]
    np.testing.assert_allclose(cv.oof_score[mask], manual)


def test_grouped_cv_never_splits_a_family():
    X, y = make_classification(240, 4, random_state=1)
    families = np.repeat(np.arange(60), 4)
    cv = cross_validate(LogisticRegression(), X, y, n_splits=4, groups=families)
    for fam in range(60):
        assert len(set(cv.fold[families == fam])) == 1


def test_cv_with_a_keras_model_builder():
    import keras

    X, y = make_classification(120, 5, random_state=2)

    def build():
        model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
        return model

    cv = cross_validate(build, X.astype("float32"), y, n_splits=3, fit_kwargs={"epochs": 30, "batch_size": 32})
    assert cv.fold_metrics["auc"].mean() > 0.8
    again = cross_validate(build, X.astype("float32"), y, n_splits=3, fit_kwargs={"epochs": 30, "batch_size": 32})
    np.testing.assert_allclose(cv.oof_score, again.oof_score, rtol=1e-5)


def test_cv_errors():
    X, y = make_classification(50, 4, random_state=0)
    with pytest.raises(ValueError, match="Inconsistent lengths"):
        cross_validate(LogisticRegression(), X[:40], y)
    with pytest.raises(ValueError, match="at least n_splits=5 people of each class"):
        cross_validate(LogisticRegression(), X[:12], np.r_[np.zeros(10), np.ones(2)])
    with pytest.raises(TypeError, match="scikit-learn classifier"):
        cross_validate("logistic", X, y)


def test_decision_curve_closed_form():
    y = np.array([0, 0, 0, 1, 1])
    p = np.array([0.1, 0.3, 0.6, 0.7, 0.9])
    dc = decision_curve(y, p, thresholds=[0.2, 0.5])
    # at 0.5: TP=2, FP=1 → 2/5 − 1/5·1 = 0.2; treat all: 0.4 − 0.6·1 = −0.2
    row = dc.set_index("threshold").loc[0.5]
    assert row["net_benefit_model"] == pytest.approx(0.2)
    assert row["net_benefit_all"] == pytest.approx(-0.2)
    # at 0.2: TP=2, FP=2, odds 0.25 → 0.4 − 0.1 = 0.3
    assert dc.set_index("threshold").loc[0.2, "net_benefit_model"] == pytest.approx(0.3)


def test_precision_recall_matches_sklearn():
    X, y = make_classification(200, 4, random_state=3)
    s = LogisticRegression().fit(X, y).decision_function(X)
    pr = precision_recall(y, s)
    assert pr.average_precision == pytest.approx(average_precision_score(y, s))
    assert pr.prevalence == pytest.approx(y.mean())


def test_subgroup_table_matches_per_group_computation_and_warns_for_tiny_groups():
    rng = np.random.default_rng(0)
    n = 600
    y = rng.integers(0, 2, n)
    groups = np.where(np.arange(n) < 580, np.where(np.arange(n) % 2, "CEU", "YRI"), "tiny")
    s = 1 / (1 + np.exp(-(y * 1.5 + rng.normal(size=n) - 0.75)))
    with pytest.warns(UserWarning, match="'tiny' has only 20 people"):
        table = subgroup_metrics(y, s, groups, threshold=0.5)
    ceu = groups == "CEU"
    assert table.loc["CEU", "auc"] == pytest.approx(roc_auc_score(y[ceu], s[ceu]))
    assert table.loc["CEU", "n"] == ceu.sum() and bool(table.loc["tiny", "small"])
    assert table.loc["YRI", "auc_ci_low"] < table.loc["YRI", "auc"] < table.loc["YRI", "auc_ci_high"]


def test_single_class_subgroup_gives_nan_auc_with_warning():
    y = np.array([0, 1] * 40 + [0] * 40)
    s = np.linspace(0, 1, 120)
    g = np.array(["a"] * 80 + ["b"] * 40)
    with pytest.warns(UserWarning, match="single class"):
        t = subgroup_metrics(y, s, g, threshold=0.5)
    assert np.isnan(t.loc["b", "auc"]) and not np.isnan(t.loc["a", "auc"])
