"""SHAP values against the closed form of a linear model; per-person explanations add up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import PCA
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from pmed_utils.interpret.tabular import explain_person, permutation_importances, shap_values


@pytest.fixture
def cohort():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        rng.normal(size=(400, 4)) * [1.0, 3.0, 0.5, 2.0] + [0, 25, 0, 50], columns=["prs", "bmi", "smoking", "age"]
    )
    logit = 0.8 * X["prs"] + 0.1 * (X["bmi"] - 25) + 0.02 * (X["age"] - 50) - 1
    y = (rng.random(400) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y


def test_linear_shap_equals_beta_times_x_minus_mean(cohort):
    X, y = cohort
    model = LogisticRegression(max_iter=1000).fit(X, y)
    background = X.iloc[:300]
    sv = shap_values(model, X.iloc[300:], background)
    assert sv.method == "linear" and sv.output == "logit"
    expected = model.coef_[0] * (X.iloc[300:].to_numpy() - background.to_numpy().mean(axis=0))
    np.testing.assert_allclose(sv.values.to_numpy(), expected, rtol=1e-10, atol=1e-12)
    assert list(sv.values.columns) == ["prs", "bmi", "smoking", "age"]
    base = model.intercept_[0] + model.coef_[0] @ background.to_numpy().mean(axis=0)
    assert sv.base_value == pytest.approx(base, rel=1e-12)
    np.testing.assert_allclose(sv.outputs, model.decision_function(X.iloc[300:]), rtol=1e-10)


def test_linear_shap_through_a_scaler_is_the_original_scale_identity(cohort):
    X, y = cohort
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X.to_numpy(), y)
    sv = shap_values(model, X.to_numpy()[:50], X.to_numpy(), feature_names=list(X.columns))
    scaler, lr = model[0], model[-1]
    beta = lr.coef_[0] / scaler.scale_  # per unit of the original feature
    expected = beta * (X.to_numpy()[:50] - X.to_numpy().mean(axis=0))
    np.testing.assert_allclose(sv.values.to_numpy(), expected, rtol=1e-9, atol=1e-12)


def test_linear_regression_shap(cohort):
    X, _ = cohort
    target = 2 * X["prs"] - X["smoking"]
    model = LinearRegression().fit(X, target)
    sv = shap_values(model, X.iloc[:10], X)
    assert sv.output == "prediction"
    np.testing.assert_allclose(sv.values.to_numpy(), model.coef_ * (X.iloc[:10] - X.mean()).to_numpy(), atol=1e-10)


def test_tree_explainer_adds_up_to_the_log_odds_of_boosting(cohort):
    X, y = cohort
    model = GradientBoostingClassifier(n_estimators=20, max_depth=2, random_state=0).fit(X, y)
    sv = shap_values(model, X.iloc[:5], X, max_background=30, random_state=0)
    assert sv.method == "tree" and sv.output == "logit"
    np.testing.assert_allclose(sv.outputs, model.decision_function(X.iloc[:5]), atol=1e-6)


def test_tree_explainer_on_a_forest_explains_the_probability(cohort):
    X, y = cohort
    model = RandomForestClassifier(n_estimators=10, max_depth=3, random_state=0).fit(X, y)
    sv = shap_values(model, X.iloc[:5], X.iloc[:40])
    assert sv.output == "probability"
    np.testing.assert_allclose(sv.outputs, model.predict_proba(X.iloc[:5])[:, 1], atol=1e-6)


def test_model_agnostic_explainers_add_up_and_agree_with_the_linear_one(cohort):
    # One test, because the first exact/permutation call compiles shap's numba code.
    X, y = cohort
    model = LogisticRegression(max_iter=1000).fit(X, y)
    linear = shap_values(model, X.iloc[:3], X.iloc[:20])
    exact = shap_values(model, X.iloc[:3], X.iloc[:20], method="exact")
    # The exact explainer explains the mean logit over the background, the linear one the logit at the
    # mean: the same thing for a model linear in the logit.
    np.testing.assert_allclose(exact.values, linear.values, atol=1e-6)
    perm = shap_values(model, X.iloc[:3], X.iloc[:20], method="permutation", random_state=0)
    np.testing.assert_allclose(perm.outputs, model.decision_function(X.iloc[:3]), atol=1e-6)


def test_method_linear_refuses_a_non_linear_model(cohort):
    X, y = cohort
    model = RandomForestRegressor(n_estimators=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="method='auto'"):
        shap_values(model, X.iloc[:2], X, method="linear")
    pca = make_pipeline(PCA(2), LogisticRegression()).fit(X, y)
    with pytest.raises(ValueError, match="method='auto'"):  # not feature-wise, so not linear in x
        shap_values(pca, X.iloc[:2], X.iloc[:20], method="linear")
    with pytest.raises(ValueError, match="TreeExplainer does not support"):
        shap_values(pca, X.iloc[:2], X.iloc[:20], method="tree")


def test_explain_person_contributions_sum_to_logit_minus_base(cohort):
    X, y = cohort
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X, y)
    table = explain_person(model, X.iloc[7], X.iloc[:300])
    logit = model.decision_function(X.iloc[[7]])[0]
    assert table["contribution"].sum() == pytest.approx(logit - table.attrs["base_value"], abs=1e-10)
    assert table.attrs["output"] == pytest.approx(logit, abs=1e-10)
    assert table.attrs["probability"] == pytest.approx(model.predict_proba(X.iloc[[7]])[0, 1], abs=1e-10)
    np.testing.assert_allclose(table.loc[X.columns, "value"], X.iloc[7])
    assert table["contribution"].abs().is_monotonic_decreasing
    as_array = explain_person(model, X.iloc[7].to_numpy(), X.iloc[:300].to_numpy(), feature_names=list(X.columns))
    np.testing.assert_allclose(as_array.loc[X.columns, "contribution"], table.loc[X.columns, "contribution"])


def test_explain_person_for_a_tree_model_sums_too(cohort):
    X, y = cohort
    model = GradientBoostingClassifier(n_estimators=20, max_depth=2, random_state=0).fit(X, y)
    table = explain_person(model, X.iloc[3], X, random_state=0)
    assert table.attrs["method"] == "tree"
    assert table["contribution"].sum() + table.attrs["base_value"] == pytest.approx(
        model.decision_function(X.iloc[[3]])[0], abs=1e-6
    )


def test_explain_person_refuses_several_people_and_bad_shapes(cohort):
    X, y = cohort
    model = LogisticRegression(max_iter=1000).fit(X, y)
    with pytest.raises(ValueError, match="one person"):
        explain_person(model, X.iloc[:2], X)
    with pytest.raises(ValueError, match="same 4 columns"):
        explain_person(model, X.iloc[0], X.iloc[:, :3])
    with pytest.raises(ValueError, match="name each of the 4 columns"):
        explain_person(model, X.iloc[0], X, feature_names=["a"])
    with pytest.raises(ValueError, match="fitted first"):
        explain_person(LogisticRegression(), X.iloc[0], X)
    with pytest.raises(ValueError, match="NaN"):
        explain_person(model, X.iloc[0] * np.nan, X)


def test_permutation_importance_finds_the_informative_feature(cohort):
    X, y = cohort
    model = LogisticRegression(max_iter=1000).fit(X, y)
    table = permutation_importances(model, X, y, n_repeats=5, random_state=0)
    assert table.index[0] == "prs" and list(table.columns) == ["importance", "std"]
    assert table.loc["smoking", "importance"] < 0.02
    with pytest.raises(ValueError, match="scorer name"):
        permutation_importances(model, X, y, scoring="auc")
    with pytest.raises(ValueError, match="0 and 1"):
        permutation_importances(model, X, np.arange(len(y)))
