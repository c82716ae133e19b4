import numpy as np
import pytest

from pmed_utils.reproducibility import seed_everything
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


def test_training_rejects_non_binary_labels():
    x, y = _separable_images(20)
    with pytest.raises(ValueError, match="'y_train' parameter of train_classifier"):
        train_classifier(small_cnn((28, 28, 1), filters=(4,)), x, y * 2, x, y, epochs=1, progress=False)


def test_save_and_load_errors(tmp_path):
    with pytest.raises(ValueError, match="must end with '.keras'"):
        save_model(seed_cnn(), tmp_path / "model.h5")
    with pytest.raises(FileNotFoundError, match="No model file"):
        load_model(str(tmp_path / "missing.keras"))
