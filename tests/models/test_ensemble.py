"""train_cv_ensemble: stratified folds, out-of-fold scores, the mean of the fold models, the same numbers when slow."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from pmed_utils.models import (
    TrainingTimeoutError,
    predict_scores,
    train_cv_ensemble,
    training,
)
from pmed_utils.models import ensemble as ensemble_module
from pmed_utils.reproducibility import seed_everything


class _FakeClock:
    """Each reading an hour after the last: a very slow machine."""

    def __init__(self):
        self.now = 0.0

    def perf_counter(self):
        self.now += 3600.0
        return self.now


def test_every_image_is_held_out_once_and_the_ensemble_averages_its_models(build_tiny_cnn, blobs):
    x, y = blobs(24, 0)
    seed_everything(0)
    ens = train_cv_ensemble(build_tiny_cnn, x, y, n_folds=3, epochs=2, batch_size=16, random_state=4, progress=False)
    assert len(ens.models) == 3 and sorted(np.bincount(ens.fold).tolist()) == [8, 8, 8]
    for k in range(3):  # folds are stratified and each held-out score comes from that fold's model
        held = ens.fold == k
        assert y[held].sum() == 4
        np.testing.assert_allclose(ens.oof_scores[held], predict_scores(ens.models[k], x[held]), rtol=1e-5, atol=1e-6)
    x_test, y_test = blobs(16, 1)
    np.testing.assert_allclose(
        ens.predict(x_test), np.mean([predict_scores(m, x_test) for m in ens.models], axis=0), rtol=1e-6
    )
    assert roc_auc_score(y_test, ens.predict(x_test)) > 0.9
    summary = ens.fold_summary()
    assert list(summary.columns) == ["epochs", "best_epoch", "held_out_auc", "stopped_early", "train_seconds"]
    assert summary["held_out_auc"].tolist() == [h.best_val_auc for h in ens.histories]
    assert ens.train_seconds == pytest.approx(summary["train_seconds"].sum())


def test_same_seed_same_ensemble_on_a_slow_machine(build_tiny_cnn, blobs, monkeypatch):
    x, y = blobs(16, 0)
    quick = train_cv_ensemble(build_tiny_cnn, x, y, n_folds=2, epochs=2, batch_size=8, random_state=7, progress=False)
    monkeypatch.setattr(training, "time", _FakeClock())  # every epoch now seems to take hours
    monkeypatch.setattr(ensemble_module, "time", _FakeClock())
    slow = train_cv_ensemble(build_tiny_cnn, x, y, n_folds=2, epochs=2, batch_size=8, random_state=7, progress=False)
    assert slow.train_seconds > 3600 > quick.train_seconds
    np.testing.assert_array_equal(slow.fold, quick.fold)
    for a, b in zip(slow.histories, quick.histories, strict=True):
        pd.testing.assert_frame_equal(a.table, b.table)
    np.testing.assert_array_equal(slow.oof_scores, quick.oof_scores)
    np.testing.assert_array_equal(slow.predict(x), quick.predict(x))
    with pytest.raises(
        TrainingTimeoutError,
        match=r"train_cv_ensemble passed its safety time limit "
        r"max_seconds=600 while training fold 1 of 2.*raise max_seconds",
    ):
        train_cv_ensemble(build_tiny_cnn, x, y, n_folds=2, epochs=2, max_seconds=600, progress=False)


def test_bad_input_is_refused(build_tiny_cnn, blobs):
    x, y = blobs(20, 0)
    with pytest.raises(ValueError, match="at least n_folds=11 images of each class"):
        train_cv_ensemble(build_tiny_cnn, x, y, n_folds=11)
    with pytest.raises(ValueError, match=r"'n_folds' parameter of train_cv_ensemble must be an int in \[2, inf\)"):
        train_cv_ensemble(build_tiny_cnn, x, y, n_folds=1)
    with pytest.raises(TypeError, match="function returning a fresh compiled model"):
        train_cv_ensemble(build_tiny_cnn(), x, y)
    with pytest.raises(
        TypeError, match="'build_model' parameter of train_cv_ensemble must return a keras.Model; it returned str"
    ):
        train_cv_ensemble(lambda: "not a model", x, y)
    with pytest.raises(ValueError, match="'y' parameter of train_cv_ensemble"):
        train_cv_ensemble(build_tiny_cnn, x, np.r_[y[:-1], 2])
    with pytest.raises(ValueError, match=r"expects \(8, 8, 1\)"):
        train_cv_ensemble(build_tiny_cnn, x[:, :4, :4], y, n_folds=2)
