import numpy as np
import pytest

from pmed_utils.imaging import augmentation_layers, balanced_class_weights, make_dataset, to_model_input


def test_scaling_resizing_and_channels():
    images = np.zeros((3, 28, 28), np.uint8)
    images[:, :14] = 255
    x = to_model_input(images, size=64, channels=3)
    assert x.shape == (3, 64, 64, 3) and x.dtype == np.float32
    assert x.min() == 0 and x.max() == 1
    assert np.allclose(x[..., 0], x[..., 2])  # grey copied to 3 channels
    assert x[:, :20].mean() == pytest.approx(1) and x[:, 44:].mean() == pytest.approx(0)
    np.testing.assert_allclose(to_model_input(images)[..., 0], images / 255)


@pytest.mark.parametrize(
    "bad, error, match",
    [
        (np.zeros((28, 28), np.uint8), ValueError, "must have shape"),
        (np.zeros((2, 28, 28, 2), np.uint8), ValueError, "1 or 3 channels"),
        (np.zeros((2, 28, 28), np.int64), TypeError, "uint8"),
        (np.full((2, 28, 28), np.nan), ValueError, "NaN pixel"),
        (np.full((2, 28, 28), 3.0), ValueError, r"not in \[0, 1\]"),
    ],
)
def test_bad_images_are_clear_errors(bad, error, match):
    with pytest.raises(error, match=match):
        to_model_input(bad)


def test_class_weights_balance_the_loss():
    y = np.r_[np.zeros(30), np.ones(10)]
    w = balanced_class_weights(y)
    assert w[0] * 30 == pytest.approx(w[1] * 10) == pytest.approx(20)
    with pytest.raises(ValueError, match="both classes"):
        balanced_class_weights(np.zeros(5))


def test_augmentation_is_reproducible_and_changes_images():
    x = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")
    a = augmentation_layers(random_state=3)(x, training=True).numpy()
    b = augmentation_layers(random_state=3)(x, training=True).numpy()
    np.testing.assert_allclose(a, b)
    assert not np.allclose(a, x)
    assert augmentation_layers(random_state=3)(x, training=False).numpy() == pytest.approx(x)


def test_dataset_batches_labels_and_rejects_bad_labels():
    x = np.zeros((5, 8, 8, 1), np.float32)
    batches = list(make_dataset(x, [0, 1, 0, 1, 1], batch_size=2))
    assert [len(b[1]) for b in batches] == [2, 2, 1]
    with pytest.raises(ValueError, match="only 0 and 1"):
        make_dataset(x, [0, 1, 2, 1, 1])
