import hashlib
import shutil

import numpy as np
import pytest

from pmed_utils.datasets import (
    ChecksumError,
    DataNotAvailableError,
    RemoteFile,
    binary_target,
    load_medmnist,
    medmnist_files,
)
from pmed_utils.datasets import medmnist as medmnist_module


def test_breastmnist_ships_with_documented_splits_and_lesion_convention():
    data = load_medmnist("breastmnist")
    assert {s: len(v) for s, v in data.images.items()} == {"train": 546, "val": 78, "test": 156}
    assert data.images["test"].dtype == np.uint8 and data.images["test"].shape[1:] == (28, 28)
    # SOURCES.md: class counts (0 = malignant / 1 = normal, benign) train 147/399, val 21/57, test 42/114.
    # pmed flips them so that 1 = malignant (the lesion).
    assert [int(data.labels[s].sum()) for s in ("train", "val", "test")] == [147, 21, 42]
    assert data.card.positive_meaning == "malignant" and data.card.licence == "CC BY 4.0"
    assert "Scientific Data" in data.card.citation


def test_pneumoniamnist_keeps_1_as_pneumonia():
    data = load_medmnist("pneumoniamnist")
    assert [int(data.labels[s].sum()) for s in ("train", "val", "test")] == [3494, 389, 390]
    assert data.card.positive_meaning == "pneumonia"


def test_unknown_name_lists_valid_ones():
    with pytest.raises(ValueError, match="'name' parameter of load_medmnist must be one of .*'breastmnist'"):
        load_medmnist("brestmnist")
    with pytest.raises(ValueError, match="'size' parameter"):
        load_medmnist("breastmnist", size=32)
    with pytest.raises(ValueError, match="'size' parameter of load_medmnist must be one of 128, 224, 28, 64; got '28'"):
        load_medmnist("breastmnist", size="28")
    with pytest.raises(TypeError, match="'card' parameter of binary_target must be an instance of DatasetCard"):
        binary_target([0, 1], "breastmnist")


def test_table_has_every_2d_dataset_and_size():
    table = medmnist_files()
    assert len(table) == 12 * 4
    assert table[("dermamnist", 28)].url.startswith("https://zenodo.org/records/10519652/files/dermamnist.npz")


def _fake_remote(tmp_path, monkeypatch, payload: bytes, md5: str | None = None):
    """Point the dermamnist entry at a local file:// URL (no network in tests)."""
    server = tmp_path / "server"
    server.mkdir()
    (server / "dermamnist.npz").write_bytes(payload)
    remote = RemoteFile("dermamnist.npz", (server / "dermamnist.npz").as_uri(), md5 or hashlib.md5(payload).hexdigest())
    table = dict(medmnist_files())
    table[("dermamnist", 28)] = remote
    monkeypatch.setattr(medmnist_module, "medmnist_files", lambda: table)
    return remote


def _npz_bytes(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {}
    for split, n in (("train", 6), ("val", 2), ("test", 3)):
        arrays[f"{split}_images"] = rng.integers(0, 255, (n, 28, 28, 3), dtype=np.uint8)
        arrays[f"{split}_labels"] = rng.integers(0, 7, (n, 1), dtype=np.uint8)
    path = tmp_path / "made.npz"
    np.savez(path, **arrays)
    return path.read_bytes()


def test_fetched_dataset_is_verified_cached_and_loaded(tmp_path, monkeypatch):
    _fake_remote(tmp_path, monkeypatch, _npz_bytes(tmp_path))
    data = load_medmnist("dermamnist", data_home=tmp_path / "cache")
    assert data.images["train"].shape == (6, 28, 28, 3)
    assert (tmp_path / "cache" / "medmnist" / "dermamnist.npz").exists()
    assert data.card.licence == "CC BY-NC 4.0"
    shutil.rmtree(tmp_path / "server")  # offline now: the cache is enough
    assert load_medmnist("dermamnist", data_home=tmp_path / "cache").images["test"].shape[0] == 3


def test_offline_without_cache_names_file_url_and_folder(tmp_path):
    with pytest.raises(DataNotAvailableError) as info:
        load_medmnist("dermamnist", data_home=tmp_path, download_if_missing=False)
    msg = str(info.value)
    assert "dermamnist.npz" in msg and "zenodo.org" in msg and str(tmp_path / "medmnist") in msg


def test_corrupt_download_is_rejected_and_named(tmp_path, monkeypatch):
    _fake_remote(tmp_path, monkeypatch, b"not an npz", md5="0" * 32)
    with pytest.raises(ChecksumError, match="dermamnist.npz"):
        load_medmnist("dermamnist", data_home=tmp_path / "cache")
    assert not (tmp_path / "cache" / "medmnist" / "dermamnist.npz").exists()


def test_corrupt_shipped_file_is_detected(tmp_path, monkeypatch):
    bad = tmp_path / "breastmnist.npz"
    bad.write_bytes(b"truncated")
    monkeypatch.setattr(medmnist_module, "packaged_data_path", lambda *parts: tmp_path / parts[-1])
    with pytest.raises(ChecksumError, match="breastmnist.npz is corrupt"):
        load_medmnist("breastmnist")


def test_binary_target_maps_the_lesion_label_to_1():
    breast = load_medmnist("breastmnist").card
    assert breast.positive_label == 0 and breast.class_names[0] == "malignant"
    np.testing.assert_array_equal(binary_target(np.array([[0], [1], [0]]), breast), [1, 0, 1])
    pneumonia = load_medmnist("pneumoniamnist").card
    np.testing.assert_array_equal(binary_target([0, 1, 1], pneumonia), [0, 1, 1])
    with pytest.raises(ValueError, match=r"must contain only \[0, 1\] \(breastmnist\); got values \[0, 2\]"):
        binary_target([0, 2], breast)


def test_binary_target_agrees_with_the_raw_file():
    data = load_medmnist("breastmnist")
    with np.load(medmnist_module.packaged_data_path("medmnist", "breastmnist.npz")) as npz:
        raw = npz["test_labels"]
    np.testing.assert_array_equal(data.labels["test"], (raw[:, 0] == 0).astype(np.int8))


def test_binary_target_refuses_multiclass_cards(tmp_path, monkeypatch):
    _fake_remote(tmp_path, monkeypatch, _npz_bytes(tmp_path))
    card = load_medmnist("dermamnist", data_home=tmp_path / "cache").card
    with pytest.raises(ValueError, match="needs a binary dataset; dermamnist is a 'multi-class' task"):
        binary_target([0, 1], card)


def test_card_describes_the_dataset():
    card = load_medmnist("pneumoniamnist").card
    assert card.task == "binary-class" and card.size == 28
    assert card.split_sizes == {"train": 4708, "val": 524, "test": 624}
    assert "Cell" in card.source_citation and card.licence == "CC BY 4.0"


def test_every_table_url_is_official_and_named_after_its_file():
    for (name, size), remote in medmnist_files().items():
        suffix = "" if size == 28 else f"_{size}"
        assert remote.filename == f"{name}{suffix}.npz"
        assert remote.url == f"https://zenodo.org/records/10519652/files/{remote.filename}?download=1"
        assert len(remote.md5) == 32 and int(remote.md5, 16) >= 0


def test_corrupt_cached_file_is_named_and_not_silently_replaced(tmp_path, monkeypatch):
    payload = _npz_bytes(tmp_path)
    _fake_remote(tmp_path, monkeypatch, payload)
    cached = tmp_path / "cache" / "medmnist" / "dermamnist.npz"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(payload[:100])  # an interrupted copy by hand
    with pytest.raises(ChecksumError, match=r"dermamnist.npz is corrupt .*Delete it"):
        load_medmnist("dermamnist", data_home=tmp_path / "cache")


def test_pmed_data_environment_variable_sets_the_cache(tmp_path, monkeypatch):
    _fake_remote(tmp_path, monkeypatch, _npz_bytes(tmp_path))
    monkeypatch.setenv("PMED_DATA", str(tmp_path / "env_cache"))
    load_medmnist("dermamnist")
    assert (tmp_path / "env_cache" / "medmnist" / "dermamnist.npz").exists()


def test_fetch_uses_urlopen_and_offline_error_names_url(tmp_path, monkeypatch):
    import urllib.error
    import urllib.request

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(DataNotAvailableError) as info:
        load_medmnist("pneumoniamnist", size=64, data_home=tmp_path)
    msg = str(info.value)
    assert "pneumoniamnist_64.npz" in msg and "Are you offline?" in msg
    assert "https://zenodo.org/records/10519652/files/pneumoniamnist_64.npz" in msg and str(tmp_path) in msg
    assert list((tmp_path / "medmnist").iterdir()) == []  # no half file left behind
