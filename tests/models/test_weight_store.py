"""WeightStore: a stored run is reused only when it would repeat exactly, and gives what training gave."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pmed_utils.imaging import mirror_augmentation
from pmed_utils.models import (
    WeightStore,
    book_weight_store,
    predict_scores,
    small_cnn,
    train_classifier,
    train_cv_ensemble,
    training_key,
)
from pmed_utils.reproducibility import seed_everything


def _run(build, blobs, store, *, build_seed=0, **kwargs):
    x, y = blobs(48, 0, contrast=0.15)
    xv, yv = blobs(32, 1, contrast=0.15)
    seed_everything(build_seed)
    model = build()
    settings = {"epochs": 3, "batch_size": 24, "patience": 3, "random_state": 0, "progress": False, **kwargs}
    return model, train_classifier(model, x, y, xv, yv, store=store, **settings), xv


def test_a_recorded_run_loads_with_the_same_weights_and_history_and_does_not_train(
    build_tiny_cnn, blobs, tmp_path, monkeypatch, capsys
):
    trained, history, xv = _run(build_tiny_cnn, blobs, WeightStore(tmp_path, write=True))
    assert not history.reused and len(list(tmp_path.glob("*.npz"))) == 1

    import keras

    def no_training(*args, **kwargs):
        raise AssertionError("a stored run must not train")

    monkeypatch.setattr(keras.Model, "fit", no_training)
    loaded, again, _ = _run(build_tiny_cnn, blobs, WeightStore(tmp_path), progress=True)
    assert again.reused
    assert capsys.readouterr().err == (
        f"{loaded.name}: loaded the stored run, {history.n_epochs}/3 epochs, "
        f"best val_auc={history.best_val_auc:.3f} @ {history.best_epoch}\n"
    )
    np.testing.assert_array_equal(predict_scores(loaded, xv), predict_scores(trained, xv))
    for a, b in zip(loaded.get_weights(), trained.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert again.table.equals(history.table)
    assert (again.best_epoch, again.stopped_early, again.max_epochs, again.seed) == (
        history.best_epoch,
        history.stopped_early,
        history.max_epochs,
        history.seed,
    )
    assert again.train_seconds == pytest.approx(history.train_seconds)


@pytest.mark.parametrize(
    "change",
    [
        {"build_seed": 1},  # other initial weights
        {"random_state": 1},  # other shuffling
        {"epochs": 2},
        {"batch_size": 16},
        {"patience": 2},
        {"class_weight": {0: 1.0, 1: 2.0}},
    ],
    ids=lambda c: next(iter(c)),
)
def test_any_change_to_the_run_trains_instead(build_tiny_cnn, blobs, tmp_path, change):
    _run(build_tiny_cnn, blobs, WeightStore(tmp_path, write=True))
    _, history, _ = _run(build_tiny_cnn, blobs, WeightStore(tmp_path), **change)
    assert not history.reused
    assert len(list(tmp_path.glob("*.npz"))) == 1, "a store opened for reading must not write"


def test_the_key_sees_data_architecture_and_augmentation_but_not_layer_names():
    x = np.zeros((4, 8, 8, 1), dtype="float32")
    seed_everything(0)
    model = small_cnn((8, 8, 1), filters=(2,))
    key = training_key(model, {"x": x}, {"augment": mirror_augmentation(random_state=0)})
    # Keras numbers layer names per session (conv2d, conv2d_1, ...): the same model built later has the same key
    for _ in range(3):
        small_cnn((8, 8, 1), filters=(2,))
    seed_everything(0)
    rebuilt = small_cnn((8, 8, 1), filters=(2,))
    assert training_key(rebuilt, {"x": x}, {"augment": mirror_augmentation(random_state=0)}) == key
    one_pixel = x.copy()
    one_pixel[0, 0, 0, 0] = 1e-3
    assert training_key(model, {"x": one_pixel}, {"augment": mirror_augmentation(random_state=0)}) != key
    assert training_key(model, {"x": x}, {"augment": mirror_augmentation(random_state=1)}) != key
    assert training_key(model, {"x": x.astype("float64")}, {"augment": mirror_augmentation(random_state=0)}) != key
    seed_everything(0)
    wider = small_cnn((8, 8, 1), filters=(3,))
    assert training_key(wider, {"x": x}, {"augment": mirror_augmentation(random_state=0)}) != key
    seed_everything(0)
    other_rate = small_cnn((8, 8, 1), filters=(2,), learning_rate=0.5)
    assert training_key(other_rate, {"x": x}, {"augment": mirror_augmentation(random_state=0)}) != key


def test_an_entry_written_for_another_key_with_the_same_file_name_is_not_used(tmp_path):
    store = WeightStore(tmp_path, write=True)
    key = "0" * 24 + "a" * 40
    store.save(key, [np.zeros(2)], {"function": "test"})
    assert store.load(key) is not None
    assert store.load("0" * 24 + "b" * 40) is None
    assert not list(tmp_path.glob("*.tmp")), "the atomic write leaves no temporary file"


def test_a_cv_ensemble_reloads_every_fold(build_tiny_cnn, blobs, tmp_path):
    x, y = blobs(40, 2, contrast=0.3)
    kwargs = {"n_folds": 2, "epochs": 2, "patience": 2, "batch_size": 20, "random_state": 3, "progress": False}
    first = train_cv_ensemble(build_tiny_cnn, x, y, store=WeightStore(tmp_path, write=True), **kwargs)
    again = train_cv_ensemble(build_tiny_cnn, x, y, store=WeightStore(tmp_path), **kwargs)
    assert [h.reused for h in first.histories] == [False, False]
    assert [h.reused for h in again.histories] == [True, True]
    np.testing.assert_array_equal(again.oof_scores, first.oof_scores)
    np.testing.assert_array_equal(again.predict(x), first.predict(x))


def test_book_weight_store_modes_and_a_clear_error():
    assert book_weight_store("train") is None
    assert not book_weight_store().write and book_weight_store("record").write
    with pytest.raises(ValueError, match=r"'mode' parameter .*'record'.*'shipped'.*'train'.*got 'load'"):
        book_weight_store("load")
    seed_everything(0)
    model = small_cnn((8, 8, 1), filters=(2,))
    with pytest.raises((TypeError, ValueError), match="'store' parameter of train_classifier"):
        train_classifier(model, np.zeros((2, 8, 8, 1)), [0, 1], np.zeros((2, 8, 8, 1)), [0, 1], store="shipped")


def test_every_shipped_entry_is_listed_complete_and_loadable():
    store = book_weight_store()
    folder = store.folder
    manifest = json.loads((folder / "manifest.json").read_text())
    files = sorted(p.name for p in folder.glob("*.npz"))
    assert files and sorted(manifest) == files, "manifest.json and the .npz files disagree"
    readme = (folder / "README.md").read_text()
    for name in files:
        assert name in readme
        with np.load(folder / name, allow_pickle=False) as data:
            record = json.loads(str(data["record"]))
            weights = [data[f"w{i}"] for i in range(int(data["n_weights"]))]
        assert name == record["key"][:24] + ".npz"
        assert store.load(record["key"]) is not None
        assert {"x_train", "y_train", "x_val", "y_val"} <= set(record["array_md5"])
        assert record["history"]["seed"] == record["settings"]["seed"]
        assert 1 <= record["history"]["best_epoch"] <= len(record["history"]["table"]["val_auc"])
        assert all(np.isfinite(w).all() for w in weights)
        assert manifest[name]["parameters"] in {"full", "CI"}


def test_an_augmentation_used_before_gives_the_same_runs_loaded_as_trained(build_tiny_cnn, blobs, tmp_path):
    """Its seed state is part of the key and is restored: loading A then B equals training A then B."""

    def two_runs(store):
        flip = mirror_augmentation(random_state=5)
        first = _run(build_tiny_cnn, blobs, store, augment=flip)
        second = _run(build_tiny_cnn, blobs, store, build_seed=1, augment=flip)
        return first, second, [v.numpy() for v in flip.variables]

    (_, h1, _), (m2, h2, xv), state = two_runs(WeightStore(tmp_path, write=True))
    assert len(list(tmp_path.glob("*.npz"))) == 2, "the second run starts from another augmentation state"
    (_, g1, _), (n2, g2, _), loaded_state = two_runs(WeightStore(tmp_path))
    assert g1.reused and g2.reused
    np.testing.assert_array_equal(loaded_state[0], state[0])
    np.testing.assert_array_equal(predict_scores(n2, xv), predict_scores(m2, xv))
    (_, t1, _), (_, t2, _), trained_state = two_runs(None)
    np.testing.assert_array_equal(trained_state[0], state[0])
    assert t2.table.equals(h2.table), "training here repeats the recorded run"
