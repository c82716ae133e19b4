"""CNN features and the classical models fitted on them, checked against scikit-learn and by hand."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from pmed_utils._tensorflow import keras_module
from pmed_utils.models import (
    compare_feature_models,
    extract_features,
    feature_extractor,
    fit_classical_models,
    predict_scores,
    seed_cnn,
)
from pmed_utils.reproducibility import derive_seed, seed_everything


def test_extract_features_matches_the_penultimate_layer_without_warnings():
    m = seed_cnn((8, 8, 3))
    x = np.random.default_rng(0).random((3, 8, 8, 3), dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Keras warns when the input structure is a one-element list
        feats = extract_features(m, x)
    # The features are Dense 128 + ReLU of the flattened pooled convolution: recompute them by hand.
    conv, pool, flat, dense, _ = m.layers
    by_hand = keras_module().ops.convert_to_numpy(dense(flat(pool(conv(x)))))
    np.testing.assert_allclose(feats, by_hand, rtol=1e-5, atol=1e-6)
    assert feats.dtype == np.float32 and feats.shape == (3, 128) and (feats >= 0).all()
    with pytest.raises(
        ValueError,
        match=r"'layer' parameter of feature_extractor must name a layer of seed_cnn; "
        r"got 'no_such_layer'",
    ):
        feature_extractor(m, "no_such_layer")


def test_feature_models_match_scikit_learn_on_the_same_features(build_tiny_cnn, blobs):
    x, y = blobs(40, 0)
    xt, _ = blobs(16, 2)
    seed_everything(1)
    model = build_tiny_cnn((4, 8))
    scores = compare_feature_models(model, x, y, xt, pixel_baseline=True, random_state=0)
    assert list(scores) == [
        "CNN head",
        "decision tree",
        "RBF SVM",
        "logistic regression",
        "decision tree (pixels)",
        "RBF SVM (pixels)",
        "logistic regression (pixels)",
    ]
    np.testing.assert_allclose(scores["CNN head"], predict_scores(model, xt), rtol=1e-6)
    f_train, f_test = extract_features(model, x), extract_features(model, xt)
    lr = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000)).fit(f_train, y)
    np.testing.assert_allclose(
        scores["logistic regression"], lr.predict_proba(f_test)[:, 1], atol=1e-4
    )  # float32 vs float64 features
    tree = DecisionTreeClassifier(max_depth=4, min_samples_leaf=5, random_state=derive_seed(0)).fit(f_train, y)
    np.testing.assert_allclose(scores["decision tree"], tree.predict_proba(f_test)[:, 1])
    pixels = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000)).fit(x.reshape(40, -1), y)
    np.testing.assert_allclose(
        scores["logistic regression (pixels)"], pixels.predict_proba(xt.reshape(16, -1))[:, 1], atol=1e-6
    )
    assert all(((s >= 0) & (s <= 1)).all() and s.shape == (16,) for s in scores.values())


def test_classical_models_refuse_bad_features_and_too_few_of_a_class():
    with pytest.raises(ValueError, match="'features' parameter of fit_classical_models contains 1 NaN"):
        fit_classical_models(np.array([[0.0], [np.nan], [1.0], [2.0]]), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="must be 2-D"):
        fit_classical_models(np.zeros(4), [0, 1, 0, 1])
    with pytest.raises(
        ValueError,
        match=r"'y' parameter of fit_classical_models must hold at least 3 images of each "
        r"class.*got counts \[6, 0\]",
    ):
        fit_classical_models(np.zeros((6, 2)), np.zeros(6, int))
    with pytest.raises(ValueError, match="Inconsistent lengths in fit_classical_models"):
        fit_classical_models(np.zeros((6, 2)), [0, 1] * 4)
