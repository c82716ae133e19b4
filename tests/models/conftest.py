"""Tiny image sets and models for the Keras tests: a few dozen 8 × 8 images, one conv block."""

from __future__ import annotations

import numpy as np
import pytest


def blob_images(n: int, seed: int, *, contrast: float = 0.6, side: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Half the images carry a bright square (the "lesion"); a task a CNN learns in an epoch or two."""
    rng = np.random.default_rng(seed)
    y = np.r_[np.zeros(n // 2), np.ones(n - n // 2)].astype(int)
    x = rng.random((n, side, side, 1)).astype("float32") * 0.3
    x[y == 1, 2:6, 2:6] += contrast
    return x, y


def tiny_cnn(filters: tuple[int, ...] = (4,)):
    """small_cnn on 8 × 8 grey images, run eagerly (no TensorFlow graph to build for a few images).

    A learning rate of 0.02 lets it learn the blobs in one or two gradient steps.
    """
    from pmed_utils.models import small_cnn

    model = small_cnn((8, 8, 1), filters=filters, learning_rate=0.02)
    model.run_eagerly = True
    return model


@pytest.fixture
def blobs():
    return blob_images


@pytest.fixture
def build_tiny_cnn():
    return tiny_cnn
