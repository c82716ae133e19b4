"""Seeded augmentation: the same seed gives the same views; the mirror recipe only mirrors."""

import numpy as np
import pytest

from pmed_utils.imaging import augmentation_layers, mirror_augmentation


def test_augmentation_is_reproducible_and_changes_images():
    x = np.random.default_rng(0).random((4, 16, 16, 1)).astype("float32")
    a = augmentation_layers(random_state=3)(x, training=True).numpy()
    b = augmentation_layers(random_state=3)(x, training=True).numpy()
    c = augmentation_layers(random_state=4)(x, training=True).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, x) and not np.allclose(a, c)
    assert augmentation_layers(random_state=3)(x, training=False).numpy() == pytest.approx(x)


def test_a_generator_seeds_the_layers_like_the_int_it_came_from():
    x = np.random.default_rng(0).random((4, 16, 16, 1)).astype("float32")
    a = augmentation_layers(random_state=np.random.default_rng(5))(x, training=True).numpy()
    b = augmentation_layers(random_state=5)(x, training=True).numpy()
    np.testing.assert_array_equal(a, b)


def test_mirror_augmentation_only_mirrors_left_right():
    x = np.random.default_rng(0).random((32, 6, 6, 1)).astype("float32")
    aug = mirror_augmentation(random_state=1)
    assert [layer.__class__.__name__ for layer in aug.layers] == ["RandomFlip"]
    out = aug(x, training=True).numpy()
    same = np.all(out == x, axis=(1, 2, 3))
    mirrored = np.all(np.isclose(out, x[:, :, ::-1]), axis=(1, 2, 3))
    assert np.all(same | mirrored) and same.any() and mirrored.any()


def test_augmentation_ranges_are_checked():
    with pytest.raises(ValueError, match=r"'zoom' parameter of augmentation_layers must be a float in \[0, 1\)"):
        augmentation_layers(zoom=1.0)
    with pytest.raises(ValueError, match="'random_state' parameter of mirror_augmentation"):
        mirror_augmentation(random_state=-1)
