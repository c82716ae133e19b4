"""Conditional VAE: shapes, determinism, save/load round trip, bad input."""

import numpy as np
import pytest

from pmed_utils.generative import VAE_CODE_VERSION, build_vae, load_vae, sample_vae, save_vae, train_vae


@pytest.fixture(scope="module")
def vae(toy_images):
    x, y = toy_images
    return train_vae(x, y, epochs=2, batch_size=20, dataset="toy", random_state=0, progress=False)


def test_training_and_sampling(vae):
    a = vae.sample(4, label=1, random_state=0)
    assert a.shape == (4, 28, 28, 1) and a.dtype == np.float32 and 0 <= a.min() and a.max() <= 1
    np.testing.assert_array_equal(a, sample_vae(vae, 4, label=1, random_state=0))
    assert vae.training_record["epochs"] == 2 and np.isfinite(vae.training_record["final_loss"])
    assert vae.dataset == "toy" and vae.code_version == VAE_CODE_VERSION
    low = vae.sample(50, label=0, temperature=0.1, random_state=0)
    high = vae.sample(50, label=0, temperature=1.0, random_state=0)
    assert low.std(axis=0).mean() <= high.std(axis=0).mean()


def test_learns_the_class_brightness(toy_images):
    x, y = toy_images
    vae = train_vae(x, y, epochs=15, batch_size=20, learning_rate=1e-2, random_state=0, progress=False)
    bright = vae.sample(20, label=1, random_state=0).mean()
    dark = vae.sample(20, label=0, random_state=0).mean()
    assert bright > dark + 0.05


def test_round_trip(vae, tmp_path):
    again = load_vae(save_vae(vae, tmp_path / "v.keras"), dataset="toy")
    np.testing.assert_array_equal(vae.sample(3, random_state=2), again.sample(3, random_state=2))


def test_bad_input(vae, toy_images, tmp_path):
    x, y = toy_images
    with pytest.raises(ValueError, match="'label'"):
        vae.sample(2, label=3)
    with pytest.raises(ValueError, match="'n'"):
        vae.sample(-1)
    with pytest.raises(ValueError, match="'images'.*28×28"):
        train_vae(np.zeros((4, 16, 16)), [0, 1, 0, 1], epochs=1, model=vae, progress=False)
    with pytest.raises(ValueError, match="'images'.*grey square"):
        train_vae(np.zeros((4, 28, 28, 3)), [0, 1, 0, 1], epochs=1, progress=False)
    with pytest.raises(ValueError, match="'image_size'"):
        build_vae(image_size=30)
    path = save_vae(vae, tmp_path / "v.keras")
    with pytest.raises(ValueError, match="'dataset'.*'toy'"):
        load_vae(path, dataset="pneumoniamnist")
    from pmed_utils.generative import load_diffusion

    with pytest.raises(ValueError, match="'path'.*not a DiffusionModel|'path'.*holds a ConditionalVAE"):
        load_diffusion(path)
