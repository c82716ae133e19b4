import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from pmed_utils.models import predict_scores, small_cnn, train_cv_ensemble
from pmed_utils.reproducibility import seed_everything


def _blob_images(n, seed):
    """Bright blob = lesion, as in test_cnn."""
    rng = np.random.default_rng(seed)
    y = np.r_[np.zeros(n // 2), np.ones(n // 2)].astype(int)
    x = rng.random((n, 28, 28, 1)).astype("float32") * 0.3
    x[y == 1, 10:18, 10:18] += 0.6
    return x, y


def _build():
    return small_cnn((28, 28, 1), filters=(8, 16))


def test_every_image_is_held_out_once_and_the_ensemble_averages_its_models():
    x, y = _blob_images(90, 0)
    seed_everything(0)
    ens = train_cv_ensemble(_build, x, y, n_folds=3, epochs=3, batch_size=16, random_state=4, progress=False)
    assert len(ens.models) == 3 and sorted(np.bincount(ens.fold).tolist()) == [30, 30, 30]
    for k in range(3):  # folds are stratified and each held-out score comes from that fold's model
        held = ens.fold == k
        assert y[held].sum() == 15
        np.testing.assert_allclose(ens.oof_scores[held], predict_scores(ens.models[k], x[held]), rtol=1e-5, atol=1e-6)
        assert roc_auc_score(y[held], ens.oof_scores[held]) > 0.9
    x_test, y_test = _blob_images(40, 1)
    np.testing.assert_allclose(ens.predict(x_test),
                               np.mean([predict_scores(m, x_test) for m in ens.models], axis=0), rtol=1e-6)
    assert roc_auc_score(y_test, ens.predict(x_test)) > 0.9
    summary = ens.fold_summary()
    assert list(summary.columns) == ["epochs", "best_epoch", "held_out_auc", "train_seconds"]
    assert ens.train_seconds == pytest.approx(summary["train_seconds"].sum())
    # the same seed gives the same ensemble
    again = train_cv_ensemble(_build, x, y, n_folds=3, epochs=3, batch_size=16, random_state=4, progress=False)
    np.testing.assert_array_equal(again.fold, ens.fold)
    np.testing.assert_allclose(again.predict(x_test), ens.predict(x_test), rtol=1e-4, atol=1e-5)


def test_bad_input_is_refused():
    x, y = _blob_images(20, 0)
    with pytest.raises(ValueError, match="at least n_folds=11 images of each class"):
        train_cv_ensemble(_build, x, y, n_folds=11)
    with pytest.raises(ValueError, match="'n_folds' parameter of train_cv_ensemble must be an integer of at least 2"):
        train_cv_ensemble(_build, x, y, n_folds=1)
    with pytest.raises(TypeError, match="function returning a fresh compiled model"):
        train_cv_ensemble(_build(), x, y)
    with pytest.raises(ValueError, match="'y' parameter of train_cv_ensemble"):
        train_cv_ensemble(_build, x, np.r_[y[:-1], 2])
    with pytest.raises(ValueError, match="expects \\(28, 28, 1\\)"):
        train_cv_ensemble(_build, x[:, :16, :16], y, n_folds=2)
