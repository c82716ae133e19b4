"""Tests of pmed_utils/_progress.py: the epoch bar shows the best monitored value and its 1-based epoch."""

import io

import pytest

from pmed_utils._progress import keras_progress_callback, tqdm_class


def test_tqdm_class_is_a_tqdm_bar():
    bar = tqdm_class()(total=3, file=io.StringIO())
    bar.update(3)
    assert bar.n == 3
    bar.close()


def test_epoch_bar_tracks_the_best_epoch_and_ignores_missing_metric():
    callback = keras_progress_callback("cnn", monitor="val_auc")
    callback.set_params({"epochs": 4})
    callback.on_train_begin()
    callback.bar.fp = io.StringIO()
    for epoch, logs in enumerate([{"val_auc": 0.6}, {"val_auc": 0.9}, {}, {"val_auc": 0.7}]):
        callback.on_epoch_end(epoch, logs)
    assert (callback.bar.n, callback.best, callback.best_epoch) == (4, pytest.approx(0.9), 2)
    assert callback.bar.postfix == "val_auc=0.700, best=0.900 @ 2"
    callback.on_train_end()
