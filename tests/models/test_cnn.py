import numpy as np
import pytest

from pmed_utils.models import (
    extract_features,
    fit_classical_models,
    load_model,
    predict_scores,
    save_model,
    seed_cnn,
    small_cnn,
    train_classifier,
)
from pmed_utils.reproducibility import seed_everything


def test_seed_cnn_is_exactly_the_seed_architecture():
    m = seed_cnn()
    conv, pool, flat, dense, out = m.layers
    assert m.input_shape == (None, 64, 64, 3)
    assert conv.filters == 32 and conv.kernel_size == (3, 3) and conv.activation.__name__ == "relu"
    assert pool.pool_size == (2, 2)
    assert dense.units == 128 and dense.activation.__name__ == "relu"
    assert out.units == 1 and out.activation.__name__ == "sigmoid"
    assert m.optimizer.__class__.__name__ == "Adam" and m.loss == "binary_crossentropy"


def test_small_cnn_has_batchnorm_dropout_and_global_pooling():
    kinds = {layer.__class__.__name__ for layer in small_cnn((28, 28, 1)).layers}
    assert {"BatchNormalization", "Dropout", "GlobalAveragePooling2D"} <= kinds


def _separable_images(n=120, seed=0):
    """Bright blob = lesion: a task a CNN must learn in a few epochs."""
    rng = np.random.default_rng(seed)
    y = np.r_[np.zeros(n // 2), np.ones(n // 2)].astype(int)
    x = rng.random((n, 28, 28, 1)).astype("float32") * 0.3
    x[y == 1, 10:18, 10:18] += 0.6
    return x, y


def test_training_learns_restores_best_epoch_and_is_deterministic(tmp_path):
    x, y = _separable_images()
    xv, yv = _separable_images(60, seed=1)
    seed_everything(0)  # weights are initialised when the model is built
    m = small_cnn((28, 28, 1), filters=(8, 16))
    hist = train_classifier(m, x, y, xv, yv, epochs=4, batch_size=16, random_state=0, progress=False)
    assert {"loss", "val_loss", "auc", "val_auc"} <= set(hist.columns)
    best = hist.attrs["best_epoch"]
    scores = predict_scores(m, xv)
    from sklearn.metrics import roc_auc_score

    # restored weights are those of the best epoch (same AUC up to batch-norm numerics)
    assert roc_auc_score(yv, scores) == pytest.approx(hist["val_auc"].iloc[best], abs=0.02)
    assert roc_auc_score(yv, scores) > 0.9
    seed_everything(0)
    m2 = small_cnn((28, 28, 1), filters=(8, 16))
    train_classifier(m2, x, y, xv, yv, epochs=4, batch_size=16, random_state=0, progress=False)
    np.testing.assert_allclose(predict_scores(m2, xv), scores, rtol=1e-4, atol=1e-5)
    path = save_model(m, tmp_path / "model.keras")
    np.testing.assert_allclose(predict_scores(load_model(path), xv), scores, rtol=1e-5)
    feats = extract_features(m, xv)
    assert feats.shape == (60, 16)
    models = fit_classical_models(feats, yv)
    assert set(models) == {"decision tree", "RBF SVM", "logistic regression"}


def test_extract_features_matches_the_penultimate_layer_without_warnings():
    import warnings

    from pmed_utils._tensorflow import keras_module

    m = seed_cnn()
    x = np.random.default_rng(0).random((3, 64, 64, 3), dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Keras warns when the input structure is a one-element list
        feats = extract_features(m, x)
    # The features are Dense 128 + ReLU of the flattened pooled convolution: recompute them by hand.
    conv, pool, flat, dense, _ = m.layers
    by_hand = keras_module().ops.convert_to_numpy(dense(flat(pool(conv(x)))))
    np.testing.assert_allclose(feats, by_hand, rtol=1e-5, atol=1e-6)
    assert (feats >= 0).all()


def test_seeded_training_with_augmentation_logs_nothing_to_stderr(capfd):
    """Under op determinism a parallel random map made TensorFlow log a C++ error line per fit."""
    import re

    from pmed_utils.imaging import augmentation_layers

    x, y = _separable_images(40)
    seed_everything(0)
    capfd.readouterr()
    train_classifier(small_cnn((28, 28, 1), filters=(4,)), x, y, x, y, epochs=2, augment=augmentation_layers(),
                     progress=False)
    logged = [line for line in capfd.readouterr().err.splitlines() if re.match(r"[EWF]\d{4} ", line)]
    assert not logged, "TensorFlow logged during training:\n" + "\n".join(logged)


def test_progress_bar_shows_epochs_and_the_best_validation_auc(capsys):
    x, y = _separable_images(40)
    xv, yv = _separable_images(40, seed=1)
    seed_everything(0)
    hist = train_classifier(small_cnn((28, 28, 1), filters=(4,)), x, y, xv, yv, epochs=3, patience=5,
                            progress=True)
    final = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    best = hist.attrs["best_epoch"]
    assert final.startswith("small_cnn: 100%") and "3/3 epochs" in final
    assert f"val_auc={hist['val_auc'].iloc[-1]:.3f}" in final
    assert f"best={hist['val_auc'].iloc[best]:.3f} @ {best + 1}]" in final  # 1-based, as in the plots
    assert len(final) <= 90, final  # fits the book's output column


def test_training_rejects_non_binary_labels():
    x, y = _separable_images(20)
    with pytest.raises(ValueError, match="'y_train' parameter of train_classifier"):
        train_classifier(small_cnn((28, 28, 1), filters=(4,)), x, y * 2, x, y, epochs=1, progress=False)


def test_save_and_load_errors(tmp_path):
    with pytest.raises(ValueError, match="must end with '.keras'"):
        save_model(seed_cnn(), tmp_path / "model.h5")
    with pytest.raises(FileNotFoundError, match="No model file"):
        load_model(str(tmp_path / "missing.keras"))


def test_training_rejects_images_that_do_not_fit_the_model():
    x, y = _separable_images(20)
    model = small_cnn((28, 28, 1), filters=(4,))
    with pytest.raises(ValueError, match=r"'x_train' parameter of train_classifier has images of shape \(28, 28, 3\)"):
        train_classifier(model, np.repeat(x, 3, axis=-1), y, x, y, epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"must be float32 images .*imaging.to_model_input"):
        train_classifier(model, (x * 255).astype(np.uint8), y, x, y, epochs=1, progress=False)
    bad = x.copy()
    bad[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="'x_val' parameter of train_classifier contains 1 NaN pixel"):
        train_classifier(model, x, y, bad, y, epochs=1, progress=False)
    with pytest.raises(ValueError, match="'y_val' parameter of train_classifier must contain both classes"):
        train_classifier(model, x, y, x, np.zeros_like(y), epochs=1, progress=False)
    with pytest.raises(ValueError, match="Inconsistent lengths in train_classifier"):
        train_classifier(model, x, y[:-1], x, y, epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"'x' parameter of predict_scores has images of shape \(64, 64, 3\)"):
        predict_scores(model, np.zeros((2, 64, 64, 3), np.float32))


def test_feature_models_match_scikit_learn_on_the_same_features():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    from pmed_utils.models import compare_feature_models

    x, y = _separable_images(40)
    xt, yt = _separable_images(16, seed=2)
    seed_everything(1)
    model = small_cnn((28, 28, 1), filters=(4, 8))
    scores = compare_feature_models(model, x, y, xt, random_state=0)
    assert list(scores) == ["CNN head", "decision tree", "RBF SVM", "logistic regression"]
    np.testing.assert_allclose(scores["CNN head"], predict_scores(model, xt), rtol=1e-6)
    f_train, f_test = extract_features(model, x), extract_features(model, xt)
    lr = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000)).fit(f_train, y)
    np.testing.assert_allclose(scores["logistic regression"], lr.predict_proba(f_test)[:, 1], atol=1e-4)  # float32 vs float64 features
    tree = DecisionTreeClassifier(max_depth=4, min_samples_leaf=5, random_state=0).fit(f_train, y)
    np.testing.assert_allclose(scores["decision tree"], tree.predict_proba(f_test)[:, 1])
    assert all(((s >= 0) & (s <= 1)).all() and s.shape == (16,) for s in scores.values())


def test_classical_models_refuse_bad_features():
    with pytest.raises(ValueError, match="'features' parameter of fit_classical_models contains 1 NaN"):
        fit_classical_models(np.array([[0.0], [np.nan], [1.0], [2.0]]), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="must be 2-D"):
        fit_classical_models(np.zeros(4), [0, 1, 0, 1])


def test_time_budget_stops_training_early():
    x, y = _separable_images(40)
    model = small_cnn((28, 28, 1), filters=(4,))
    hist = train_classifier(model, x, y, x, y, epochs=50, patience=50, max_seconds=1e-3, progress=False)
    assert len(hist) == 1 and hist.attrs["train_seconds"] > 0
    with pytest.raises(ValueError, match=r"'max_seconds' parameter of train_classifier must be in \(0, inf\)"):
        train_classifier(model, x, y, x, y, epochs=1, max_seconds=0, progress=False)
