"""Tiny hand-built Keras models whose gradients are known in closed form."""

from __future__ import annotations

import numpy as np
import pytest

from pmed_utils._tensorflow import keras_module


def linear_model(weights: np.ndarray, bias: float = 0.0):
    """Flatten → Dense(1, sigmoid): the logit is weights · x + bias, exactly."""
    keras = keras_module()
    shape = weights.shape
    model = keras.Sequential(
        [keras.Input(shape), keras.layers.Flatten(), keras.layers.Dense(1, activation="sigmoid", name="out")],
        name="linear",
    )
    model.set_weights([weights.reshape(-1, 1).astype("float32"), np.array([bias], "float32")])
    return model


def patch_conv_model(side: int = 8, rows=slice(2, 4), cols=slice(5, 7)):
    """A conv net that only looks at one 2 × 2 patch: Conv2D(1, 1×1, identity) → Flatten → Dense on the patch."""
    keras = keras_module()
    inputs = keras.Input((side, side, 1))
    conv = keras.layers.Conv2D(1, 1, use_bias=False, name="conv")(inputs)
    flat = keras.layers.Flatten()(conv)
    out = keras.layers.Dense(1, activation="sigmoid", name="out")(flat)
    model = keras.Model(inputs, out, name="patch")
    mask = np.zeros((side, side), "float32")
    mask[rows, cols] = 1.0
    model.get_layer("conv").set_weights([np.ones((1, 1, 1, 1), "float32")])
    model.get_layer("out").set_weights([mask.reshape(-1, 1), np.array([-1.0], "float32")])
    return model, mask.astype(bool)


@pytest.fixture
def images() -> np.ndarray:
    return np.random.default_rng(0).uniform(0.2, 1.0, (5, 8, 8, 1)).astype("float32")


@pytest.fixture
def make_linear_model():
    return linear_model


@pytest.fixture
def make_patch_model():
    return patch_conv_model
