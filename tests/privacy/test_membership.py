"""Membership attacks: AUC against overfitting, against a hand count, and the input contract."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.tree import DecisionTreeClassifier

from pmed_utils.privacy import (
    attack_auc,
    dp_cnn,
    example_losses,
    fit_model,
    loss_threshold_attack,
    predict_positive,
    shadow_model_attack,
)
from pmed_utils.validation import DegenerateInputWarning


def _data(n=800, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6))
    y = (x[:, 0] + rng.normal(size=n) > 0).astype(int)
    return x, y


def test_attack_auc_equals_sklearn_and_has_an_interval():
    rng = np.random.default_rng(0)
    s, m = rng.normal(size=200), rng.integers(0, 2, 200)
    a = attack_auc(s + m, m)
    assert a.value == pytest.approx(roc_auc_score(m, s + m))
    assert a.low < a.value < a.high and a.method == "Hanley-McNeil"


def test_attack_auc_with_one_group_warns_and_is_nan():
    with pytest.warns(DegenerateInputWarning):
        assert np.isnan(attack_auc([0.1, 0.2], [1, 1]).value)


def test_attack_auc_grows_with_overfitting():
    x, y = _data()
    gaps, aucs = [], []
    for depth in (1, 3, None):  # stump, shallow tree, a tree that memorises noise
        tree = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(x[:200], y[:200])
        r = loss_threshold_attack(tree, x[:200], y[:200], x[200:400], y[200:400])
        gaps.append(r.generalization_gap)
        aucs.append(r.auc.value)
    assert gaps == sorted(gaps) and aucs == sorted(aucs)
    assert aucs[0] < 0.56 and aucs[-1] > 0.65


def test_a_well_regularised_model_leaks_little():
    x, y = _data(4000)
    clf = LogisticRegression(C=0.1).fit(x[:2000], y[:2000])
    r = loss_threshold_attack(clf, x[:2000], y[:2000], x[2000:], y[2000:])
    assert r.auc.contains(0.5) and r.advantage < 0.1


def test_loss_scores_are_minus_cross_entropy():
    x, y = _data(100)
    clf = LogisticRegression().fit(x, y)
    r = loss_threshold_attack(clf, x[:50], y[:50], x[50:], y[50:])
    p = clf.predict_proba(x)[:, 1]
    bce = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    np.testing.assert_allclose(-r.scores, bce, rtol=1e-6)
    np.testing.assert_allclose(example_losses(clf, x, y), bce, rtol=1e-6)
    assert r.is_member.tolist() == [1] * 50 + [0] * 50


def test_shadow_attack_finds_an_overfitted_target():
    x, y = _data(1600)
    target = DecisionTreeClassifier(random_state=0).fit(x[:200], y[:200])
    r = shadow_model_attack(
        lambda: DecisionTreeClassifier(random_state=1),
        x[400:],
        y[400:],
        target,
        x[:200],
        y[:200],
        x[200:400],
        y[200:400],
        n_shadow=3,
        random_state=0,
    )
    assert r.auc.value > 0.6 and r.method == "shadow models"


def test_keras_models_work_too():
    rng = np.random.default_rng(0)
    x = rng.random((16, 8, 8, 1)).astype("float32")
    y = np.tile([0, 1], 8)
    model = fit_model(dp_cnn((8, 8, 1), filters=(2,), dense_units=4), x, y, epochs=2, random_state=0)
    assert predict_positive(model, x).shape == (16,)
    r = loss_threshold_attack(model, x[:8], y[:8], x[8:], y[8:])
    assert 0 <= r.auc.value <= 1


def test_content_errors():
    x, y = _data(40)
    clf = LogisticRegression().fit(x, y)
    with pytest.raises(TypeError, match="'model' parameter of loss_threshold_attack"):
        loss_threshold_attack(object(), x, y, x, y)
    with pytest.raises(ValueError, match="y_members"):
        loss_threshold_attack(clf, x, y[:-1], x, y)
    with pytest.raises(ValueError, match="x_members"):
        loss_threshold_attack(clf, np.full_like(x, np.nan), y, x, y)
    with pytest.raises(ValueError, match="x_shadow"):
        shadow_model_attack(LogisticRegression, x[:3], y[:3], clf, x, y, x, y)
