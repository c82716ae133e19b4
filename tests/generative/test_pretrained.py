"""The shipped generators load, match their dataset and code version, and reach their recorded quality."""

import json
import shutil

import numpy as np
import pytest

from pmed_utils.datasets import load_medmnist, medmnist_files
from pmed_utils.datasets._base import md5_file, packaged_data_path
from pmed_utils.generative import (
    DIFFUSION_CODE_VERSION,
    SHIPPED_GENERATORS,
    load_pretrained_generator,
    pretrained_generator_info,
)
from pmed_utils.generative import pretrained as pretrained_module
from pmed_utils.generative.pretrained import _check_statistics


@pytest.mark.parametrize("dataset,kind", SHIPPED_GENERATORS)
def test_record_is_complete_and_matches_the_data(dataset, kind):
    info = pretrained_generator_info(dataset, kind)
    for key in ("command", "seed", "data_md5", "steps", "wall_time_s", "versions", "code_version", "check"):
        assert key in info, key
    assert info["split"] == "train" and info["code_version"] == DIFFUSION_CODE_VERSION
    assert info["data_md5"] == medmnist_files()[(dataset, 28)].md5
    assert info["data_md5"] == md5_file(packaged_data_path("medmnist", f"{dataset}.npz"))
    assert packaged_data_path("generators", info["file"]).stat().st_size <= 5 * 1024 * 1024


@pytest.mark.parametrize("dataset,kind", SHIPPED_GENERATORS)
def test_samples_reach_the_recorded_quality(dataset, kind):
    model = load_pretrained_generator(dataset, kind)
    assert model.dataset == dataset and model.code_version == DIFFUSION_CODE_VERSION
    recorded = pretrained_generator_info(dataset, kind)["check"]
    data = load_medmnist(dataset)
    now = _check_statistics(model, data.images["train"], recorded["n_per_class"], recorded["seed"], recorded["steps"])
    assert now["fd_pixel_pcs"] == pytest.approx(recorded["fd_pixel_pcs"], rel=0.05, abs=0.05)
    np.testing.assert_allclose(now["mean_pixel"], recorded["mean_pixel"], atol=0.01)
    # and the samples are images of the data's kind: mean brightness near the real one
    assert abs(np.mean(now["mean_pixel"]) - data.images["train"].mean() / 255) < 0.1


def _tampered(tmp_path, monkeypatch, name, changes):
    folder = tmp_path / "generators"
    folder.mkdir()
    info = pretrained_generator_info(name)
    shutil.copy(packaged_data_path("generators", info["file"]), folder / info["file"])
    (folder / f"{name}_diffusion.json").write_text(json.dumps({**info, **changes}))
    monkeypatch.setattr(pretrained_module, "packaged_data_path", lambda *parts: tmp_path.joinpath(*parts))


def test_weights_of_another_dataset_are_refused(tmp_path, monkeypatch):
    _tampered(tmp_path, monkeypatch, "breastmnist", {"dataset": "pneumoniamnist"})
    with pytest.raises(ValueError, match="'dataset'.*another dataset"):
        load_pretrained_generator("breastmnist")


def test_weights_of_another_code_version_are_refused(tmp_path, monkeypatch):
    _tampered(tmp_path, monkeypatch, "pneumoniamnist", {"code_version": DIFFUSION_CODE_VERSION + 1})
    with pytest.raises(ValueError, match="code version"):
        load_pretrained_generator("pneumoniamnist")


def test_a_weights_file_swapped_for_another_dataset_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "generators"
    folder.mkdir()
    info = pretrained_generator_info("breastmnist")
    other = pretrained_generator_info("pneumoniamnist")
    shutil.copy(packaged_data_path("generators", other["file"]), folder / info["file"])
    (folder / "breastmnist_diffusion.json").write_text(json.dumps(info))
    monkeypatch.setattr(pretrained_module, "packaged_data_path", lambda *parts: tmp_path.joinpath(*parts))
    with pytest.raises(ValueError, match="'dataset'.*trained on 'pneumoniamnist'"):
        load_pretrained_generator("breastmnist")


def test_unknown_dataset_or_kind():
    with pytest.raises(ValueError, match="'dataset'"):
        load_pretrained_generator("chestmnist")
    with pytest.raises(ValueError, match="'kind'"):
        load_pretrained_generator("breastmnist", kind="gan")
