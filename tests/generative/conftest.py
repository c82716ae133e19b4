"""Tiny images shared by the generative tests: two classes that differ in brightness."""

import numpy as np
import pytest


@pytest.fixture(scope="session")
def toy_images():
    rng = np.random.default_rng(0)
    y = np.arange(40) % 2
    x = (rng.random((40, 28, 28)) * 0.4 + 0.5 * y[:, None, None]) * 255
    return x.astype(np.uint8), y
