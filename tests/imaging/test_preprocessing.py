import warnings

import numpy as np
import pytest

from pmed_utils.imaging import (
    balanced_class_weights,
    make_dataset,
    model_inputs_by_split,
    to_model_input,
)
from pmed_utils.validation import DegenerateInputWarning


def test_scaling_resizing_and_channels():
    images = np.zeros((3, 28, 28), np.uint8)
    images[:, :14] = 255
    x = to_model_input(images, size=64, channels=3)
    assert x.shape == (3, 64, 64, 3) and x.dtype == np.float32
    assert x.min() == 0 and x.max() == 1
    assert np.allclose(x[..., 0], x[..., 2])  # grey copied to 3 channels
    assert x[:, :20].mean() == pytest.approx(1) and x[:, 44:].mean() == pytest.approx(0)
    np.testing.assert_allclose(to_model_input(images)[..., 0], images / 255)
    np.testing.assert_allclose(to_model_input(x, channels=1)[..., 0], x[..., 0])  # colour back to grey


def test_model_inputs_by_split_converts_every_split():
    images = {"train": np.full((3, 8, 8), 51, np.uint8), "test": np.zeros((2, 8, 8), np.uint8)}
    x = model_inputs_by_split(images, size=16, channels=3)
    assert list(x) == ["train", "test"] and x["train"].shape == (3, 16, 16, 3) and x["test"].shape == (2, 16, 16, 3)
    np.testing.assert_allclose(x["train"], 0.2, rtol=1e-6)
    for split, arr in images.items():
        np.testing.assert_array_equal(x[split], to_model_input(arr, size=16, channels=3))
    with pytest.raises(ValueError, match=r"Split 'val' of the 'images' parameter of model_inputs_by_split: .*NaN"):
        model_inputs_by_split({"val": np.full((2, 8, 8), np.nan)})


@pytest.mark.parametrize(
    "bad, error, match",
    [
        (np.zeros((28, 28), np.uint8), ValueError, "must have shape"),
        (np.zeros((2, 28, 28, 2), np.uint8), ValueError, "1 or 3 channels"),
        (np.zeros((0, 28, 28), np.uint8), ValueError, "holds no image"),
        (np.zeros((2, 28, 28), np.int64), TypeError, "uint8"),
        (np.full((2, 28, 28), np.nan), ValueError, "NaN pixel"),
        (np.full((2, 28, 28), 3.0), ValueError, r"not in \[0, 1\]"),
    ],
)
def test_bad_images_are_clear_errors(bad, error, match):
    with pytest.raises(error, match=match):
        to_model_input(bad)


def test_options_are_checked():
    with pytest.raises(ValueError, match="'channels' parameter of to_model_input must be one of 1, 3; got 2"):
        to_model_input(np.zeros((1, 8, 8), np.uint8), channels=2)
    with pytest.raises(ValueError, match=r"'size' parameter of to_model_input must be an int in \[1, inf\)"):
        to_model_input(np.zeros((1, 8, 8), np.uint8), size=0)


def test_class_weights_balance_the_loss():
    y = np.r_[np.zeros(30), np.ones(10)]
    w = balanced_class_weights(y)
    assert w[0] * 30 == pytest.approx(w[1] * 10) == pytest.approx(20)


def test_class_weights_of_one_class_warn_and_are_nan():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        w = balanced_class_weights(np.zeros(5))
    assert np.isnan(w[0]) and np.isnan(w[1])
    assert caught[0].category is DegenerateInputWarning and "only one class" in str(caught[0].message)


def test_dataset_batches_shuffles_reproducibly_and_rejects_bad_input():
    x = np.arange(6, dtype=np.float32).reshape(6, 1, 1, 1) / 10
    y = [0, 1, 0, 1, 1, 0]
    batches = list(make_dataset(x, y, batch_size=4))
    assert [len(b[1]) for b in batches] == [4, 2]
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]).ravel(), x.ravel())

    def order(seed):
        return np.concatenate([b[0].numpy().ravel() for b in make_dataset(x, y, shuffle=True, random_state=seed)])

    np.testing.assert_array_equal(order(3), order(3))
    assert sorted(order(3).tolist()) == pytest.approx(x.ravel().tolist())
    with pytest.raises(ValueError, match="only 0 and 1"):
        make_dataset(x, [0, 1, 2, 1, 1, 0])
    with pytest.raises(ValueError, match="Inconsistent lengths in make_dataset"):
        make_dataset(x, [0, 1])
