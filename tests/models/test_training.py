"""train_classifier: an epoch budget with early stopping, the same numbers on a slow machine, a loud time limit."""

import re
import time

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from pmed_utils.models import (
    TrainingHistory,
    TrainingTimeoutError,
    predict_scores,
    train_classifier,
    training,
)
from pmed_utils.reproducibility import seed_everything


def _train(build, blobs, **kwargs):
    x, y = blobs(48, 0, contrast=0.15)
    xv, yv = blobs(32, 1, contrast=0.15)
    seed_everything(0)  # the initial weights are drawn when the model is built
    model = build()
    kwargs = {"epochs": 3, "batch_size": 24, "patience": 3, "random_state": 0, "progress": False, **kwargs}
    history = train_classifier(model, x, y, xv, yv, **kwargs)
    return model, history, xv, yv


def test_training_learns_and_restores_the_best_epoch(build_tiny_cnn, blobs):
    model, hist, xv, yv = _train(build_tiny_cnn, blobs, epochs=4, patience=4)
    assert isinstance(hist, TrainingHistory)
    assert {"loss", "val_loss", "auc", "val_auc", "accuracy", "val_accuracy"} <= set(hist.table.columns)
    assert hist.table.index.tolist() == [1, 2, 3, 4] and hist.n_epochs == len(hist) == 4
    assert hist.max_epochs == 4 and hist.patience == 4 and not hist.stopped_early
    # best_epoch is the first epoch with the highest validation AUC, and its weights are the ones kept
    val_auc = hist.table["val_auc"].to_numpy()
    assert hist.best_epoch == int(np.argmax(val_auc)) + 1 and hist.best_val_auc == val_auc.max()
    assert roc_auc_score(yv, predict_scores(model, xv)) == pytest.approx(hist.best_val_auc, abs=0.02)
    assert hist.best_val_auc > 0.9
    assert hist.train_seconds > 0


def test_early_stopping_counts_epochs_without_improvement(build_tiny_cnn, blobs):
    x, y = blobs(32, 0)  # an easy task: validation AUC 1 in the first epoch, never beaten after
    seed_everything(0)
    hist = train_classifier(build_tiny_cnn(), x, y, x, y, epochs=10, patience=2, batch_size=32, progress=False)
    assert hist.table["val_auc"].iloc[0] == 1.0
    assert hist.best_epoch == 1 and hist.n_epochs == 3 and hist.stopped_early


class _SlowEveryBatch(training.keras_module().callbacks.Callback):
    """What a busy machine does to training: every batch takes longer."""

    def on_train_batch_end(self, batch, logs=None):
        time.sleep(0.05)


class _FakeClock:
    """A clock on which each reading is an hour later than the last: a very slow machine."""

    def __init__(self):
        self.now = 0.0

    def perf_counter(self):
        self.now += 3600.0
        return self.now


def test_same_seed_same_numbers_when_training_is_slowed_down(build_tiny_cnn, blobs, monkeypatch):
    model, hist, xv, _ = _train(build_tiny_cnn, blobs)
    quick_scores, quick_seconds = predict_scores(model, xv), hist.train_seconds
    # The same training again, really slowed down (each batch sleeps) and on a clock that says hours pass.
    monkeypatch.setattr(training, "keras_progress_callback", lambda desc: _SlowEveryBatch())
    monkeypatch.setattr(training, "time", _FakeClock())
    slow_model, slow_hist, _, _ = _train(build_tiny_cnn, blobs, progress=True)
    assert slow_hist.train_seconds >= 3600 > quick_seconds
    pd.testing.assert_frame_equal(slow_hist.table, hist.table)
    assert (slow_hist.best_epoch, slow_hist.n_epochs, slow_hist.seed) == (hist.best_epoch, hist.n_epochs, hist.seed)
    np.testing.assert_array_equal(predict_scores(slow_model, xv), quick_scores)


def test_the_safety_time_limit_fails_loudly_instead_of_shortening_training(build_tiny_cnn, blobs, monkeypatch):
    monkeypatch.setattr(training, "time", _FakeClock())
    with pytest.raises(TrainingTimeoutError, match=r"max_seconds=60 after \d+ of 3 epochs.*raise max_seconds"):
        _train(build_tiny_cnn, blobs, max_seconds=60)


def test_progress_bar_shows_epochs_and_the_best_validation_auc(build_tiny_cnn, blobs, capsys):
    _, hist, _, _ = _train(build_tiny_cnn, blobs, progress=True)
    final = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    assert final.startswith("small_cnn: 100%") and "3/3 epochs" in final
    assert f"val_auc={hist.table['val_auc'].iloc[-1]:.3f}" in final
    assert f"best={hist.best_val_auc:.3f} @ {hist.best_epoch}]" in final  # 1-based, as in the plots
    assert len(final) <= 90, final  # fits the book's output column


def test_seeded_training_with_augmentation_logs_nothing_to_stderr(build_tiny_cnn, blobs, capfd):
    """Under op determinism a parallel random map made TensorFlow log a C++ error line per fit."""
    from pmed_utils.imaging import augmentation_layers

    model = build_tiny_cnn()
    model.run_eagerly = False  # the graph is where TensorFlow logged
    x, y = blobs(16, 0)
    seed_everything(0)
    capfd.readouterr()
    train_classifier(model, x, y, x, y, epochs=1, augment=augmentation_layers(), progress=False)
    logged = [line for line in capfd.readouterr().err.splitlines() if re.match(r"[EWF]\d{4} ", line)]
    assert not logged, "TensorFlow logged during training:\n" + "\n".join(logged)


def test_bad_input_is_refused_before_training(build_tiny_cnn, blobs):
    x, y = blobs(12, 0)
    model = build_tiny_cnn()
    with pytest.raises(ValueError, match="'y_train' parameter of train_classifier must contain only 0 and 1"):
        train_classifier(model, x, y * 2, x, y, epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"'x_train' parameter of train_classifier has images of shape \(8, 8, 3\)"):
        train_classifier(model, np.repeat(x, 3, axis=-1), y, x, y, epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"must be float32 images .*imaging.to_model_input"):
        train_classifier(model, (x * 255).astype(np.uint8), y, x, y, epochs=1, progress=False)
    bad = x.copy()
    bad[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="'x_val' parameter of train_classifier contains 1 NaN pixel"):
        train_classifier(model, x, y, bad, y, epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"'x_val' parameter of train_classifier is float but not in \[0, 1\]"):
        train_classifier(model, x, y, x * 300, y, epochs=1, progress=False)
    with pytest.raises(ValueError, match="'y_val' parameter of train_classifier must contain both classes"):
        train_classifier(model, x, y, x, np.zeros_like(y), epochs=1, progress=False)
    with pytest.raises(ValueError, match="'y_train' parameter of train_classifier must contain both classes"):
        train_classifier(model, x, np.ones_like(y), x, y, epochs=1, progress=False)
    with pytest.raises(ValueError, match="Inconsistent lengths in train_classifier"):
        train_classifier(model, x, y[:-1], x, y, epochs=1, progress=False)
    with pytest.raises(ValueError, match="'class_weight' parameter of train_classifier must map each class 0 and 1"):
        train_classifier(model, x, y, x, y, class_weight={0: 1.0, 1: float("nan")}, progress=False)
    with pytest.raises(ValueError, match="'class_weight' parameter"):
        train_classifier(model, x, y, x, y, class_weight={1: 2.0}, progress=False)
    with pytest.raises(TypeError, match="'model' parameter of train_classifier must be a keras.Model; got function"):
        train_classifier(build_tiny_cnn, x, y, x, y, progress=False)
    with pytest.raises(ValueError, match=r"'max_seconds' parameter of train_classifier must be a float in \(0, inf\)"):
        train_classifier(model, x, y, x, y, max_seconds=0, progress=False)
    with pytest.raises(ValueError, match=r"'x' parameter of predict_scores has images of shape \(64, 64, 3\)"):
        predict_scores(model, np.zeros((2, 64, 64, 3), np.float32))


def test_reused_model_restarted_trains_exactly_like_a_fresh_model(build_tiny_cnn, blobs):
    from pmed_utils._tensorflow import keras_module
    from pmed_utils.models import ReusedModel

    keras = keras_module()
    x_tr, y_tr = blobs(48, 0, contrast=0.15)
    x_val, y_val = blobs(32, 1, contrast=0.15)

    def fit(model, x, y):
        keras.utils.set_random_seed(3)
        model.fit(x, y.astype("float32"), epochs=2, batch_size=16, verbose=0, shuffle=False)
        return model.predict(x_val, verbose=0).ravel()

    keras.utils.set_random_seed(0)
    fresh = fit(build_tiny_cnn(), x_tr, y_tr)
    keras.utils.set_random_seed(0)
    reused = ReusedModel(build_tiny_cnn())
    other = fit(reused.model, x_val, 1 - y_val)  # trains weights and Adam's moments away from the start
    assert not np.allclose(other, fresh, atol=1e-4)
    np.testing.assert_allclose(fit(reused.restart(), x_tr, y_tr), fresh, rtol=1e-5, atol=1e-6)
    assert int(reused.model.optimizer.iterations.numpy()) == int(np.ceil(len(y_tr) / 16)) * 2


def test_reused_model_needs_a_compiled_keras_model():
    from pmed_utils._tensorflow import keras_module
    from pmed_utils.models import ReusedModel

    keras = keras_module()
    with pytest.raises(TypeError, match="'model' parameter of ReusedModel must be a keras.Model"):
        ReusedModel(object())
    inputs = keras.Input((2,))
    with pytest.raises(ValueError, match="must be compiled"):
        ReusedModel(keras.Model(inputs, keras.layers.Dense(1)(inputs)))
