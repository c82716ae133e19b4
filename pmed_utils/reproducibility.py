"""One seed for every source of randomness a notebook uses."""

from __future__ import annotations

import os
import random

import numpy as np

from pmed_utils._tensorflow import keras_module, tensorflow_module

__all__ = ["seed_everything", "check_random_state"]


def seed_everything(seed: int, deterministic_tensorflow: bool = True) -> np.random.Generator:
    """Seed Python, numpy and TensorFlow from one integer, and return a Generator.

    Notebooks call this once, right after their parameters cell, so that the
    same ``seed`` gives the same numbers. Library functions never call it: they
    take ``random_state`` instead.

    Parameters
    ----------
    seed : int
        Non-negative integer.
    deterministic_tensorflow : bool, default True
        Also ask TensorFlow for deterministic kernels (slightly slower; without
        it two runs of the same CNN can differ in the last digits). Ignored
        when TensorFlow is not imported yet and not installed.

    Returns
    -------
    numpy.random.Generator
        A generator seeded with ``seed``, to pass as ``random_state``.

    Examples
    --------
    >>> rng = seed_everything(7, deterministic_tensorflow=False)
    >>> float(rng.random()) == float(np.random.default_rng(7).random())
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(
            f"The 'seed' parameter of seed_everything must be a non-negative integer; got {seed!r}."
        )
    seed = int(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)  # for third-party code that still draws from the legacy global generator
    try:
        keras_module().utils.set_random_seed(seed)
        if deterministic_tensorflow:
            tensorflow_module().config.experimental.enable_op_determinism()
    except ImportError:
        pass
    return np.random.default_rng(seed)


def check_random_state(random_state: int | np.random.Generator | None) -> np.random.Generator:
    """Turn ``random_state`` (int, Generator or None) into a numpy Generator.

    ``None`` means a fixed default (0), never fresh entropy, so that results are
    reproducible unless the caller asks otherwise.

    Examples
    --------
    >>> int(check_random_state(3).integers(10)) == int(np.random.default_rng(3).integers(10))
    True
    """
    if random_state is None:
        return np.random.default_rng(0)
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        return np.random.default_rng(int(random_state))
    raise TypeError(
        "The 'random_state' parameter must be an int, a numpy.random.Generator or None; "
        f"got {type(random_state).__name__}."
    )
