"""Diffusion model: schedule, shapes, determinism, save/load round trip, bad input."""

import numpy as np
import pytest

from pmed_utils.generative import (
    DIFFUSION_CODE_VERSION,
    build_diffusion,
    load_diffusion,
    noise_schedule,
    sample_diffusion,
    save_diffusion,
    train_diffusion,
)


@pytest.fixture(scope="module")
def latent_model(toy_images):
    x, y = toy_images
    model = build_diffusion(denoiser="mlp", latent_dim=8, hidden=16, emb_dim=8, timesteps=100, dataset="toy")
    return train_diffusion(x, y, steps=3, model=model, batch_size=16, random_state=0, progress=False)


def test_schedules():
    for name in ("cosine", "linear"):
        ab = noise_schedule(1000, name)
        assert ab.shape == (1000,) and np.all(np.diff(ab) < 0) and ab[0] > 0.99 and ab[-1] < 0.01


def test_latent_model_shapes_determinism_and_guidance(latent_model):
    a = latent_model.sample(5, label=1, steps=4, random_state=3)
    b = sample_diffusion(latent_model, 5, label=1, steps=4, random_state=3)
    assert a.shape == (5, 28, 28, 1) and a.dtype == np.float32 and 0 <= a.min() and a.max() <= 1
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, latent_model.sample(5, label=1, steps=4, random_state=4))
    g = latent_model.sample(4, label=[0, 1, 0, 1], steps=3, guidance=2.0, random_state=0)
    assert g.shape == (4, 28, 28, 1)
    rec = latent_model.training_record
    assert rec["steps"] == 3 and rec["n_train"] == 40 and latent_model.code_version == DIFFUSION_CODE_VERSION


def test_save_load_round_trip_same_samples(latent_model, tmp_path):
    path = save_diffusion(latent_model, tmp_path / "m.keras")
    again = load_diffusion(path, dataset="toy")
    np.testing.assert_array_equal(
        latent_model.sample(6, steps=3, random_state=1), again.sample(6, steps=3, random_state=1)
    )
    assert again.denoiser == "mlp" and again.training_record == latent_model.training_record
    np.testing.assert_array_equal(again.projection.components.numpy(), latent_model.projection.components.numpy())


def test_unet_trains_and_round_trips(toy_images, tmp_path):
    x, y = toy_images
    model = build_diffusion(channels=(8, 8), emb_dim=16, timesteps=50)
    model = train_diffusion(x, y, steps=2, model=model, batch_size=8, flip=True, random_state=0, progress=False)
    s = model.sample(2, label=0, steps=2, random_state=0)
    assert s.shape == (2, 28, 28, 1)
    again = load_diffusion(save_diffusion(model, tmp_path / "u.keras"))
    np.testing.assert_array_equal(s, again.sample(2, label=0, steps=2, random_state=0))


def test_bad_input_names_the_parameter(latent_model, toy_images, tmp_path):
    x, y = toy_images
    with pytest.raises(ValueError, match="'label'.*0..1"):
        latent_model.sample(2, label=2)
    with pytest.raises(ValueError, match="'n'"):
        latent_model.sample(0)
    with pytest.raises(ValueError, match="'steps'.*timesteps"):
        latent_model.sample(2, steps=500)
    with pytest.raises(ValueError, match="'images'.*28×28"):
        train_diffusion(np.zeros((4, 32, 32), np.uint8), [0, 1, 0, 1], steps=1, model=latent_model, progress=False)
    with pytest.raises(ValueError, match="'labels'.*0..1"):
        train_diffusion(x[:4], [0, 1, 2, 1], steps=1, model=latent_model, progress=False)
    with pytest.raises(ValueError, match="'labels'.*one label per image"):
        train_diffusion(x[:4], [0, 1], steps=1, progress=False)
    with pytest.raises(ValueError, match="'images'.*\\[0, 1\\]"):
        train_diffusion(x[:4] * 2.0, [0, 1, 0, 1], steps=1, progress=False)
    with pytest.raises(ValueError, match="'image_size'"):
        build_diffusion(image_size=30)
    path = save_diffusion(latent_model, tmp_path / "m.keras")
    with pytest.raises(ValueError, match="'dataset'.*trained on 'toy'"):
        load_diffusion(path, dataset="breastmnist")
    with pytest.raises(ValueError, match="'path'.*must end with '.keras'"):
        save_diffusion(latent_model, tmp_path / "m.h5")
    with pytest.raises(FileNotFoundError, match="'path'"):
        load_diffusion(tmp_path / "missing.keras")
