"""One seed for every source of randomness a notebook uses."""

from __future__ import annotations

import numbers
import os
import random

import numpy as np

from pmed_utils._tensorflow import keras_module, tensorflow_module
from pmed_utils.validation import Interval, validate_params

__all__ = ["DEFAULT_RANDOM_STATE", "seed_everything", "check_random_state", "derive_seed"]

#: What ``random_state=None`` means everywhere in pmed: a fixed seed, never fresh
#: entropy, so that a result is reproducible unless the caller asks otherwise.
DEFAULT_RANDOM_STATE = 0


@validate_params({"seed": [Interval(numbers.Integral, 0, None)], "deterministic_tensorflow": ["boolean"]})
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
    seed = int(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 -- for third-party code that still draws from the legacy global generator
    try:
        keras_module().utils.set_random_seed(seed)
        if deterministic_tensorflow:
            tensorflow_module().config.experimental.enable_op_determinism()
    except ImportError:
        pass
    return np.random.default_rng(seed)


# random_state is checked in the body, so that the message names the calling function.
@validate_params({"random_state": [object], "func": ["str", None]})
def check_random_state(
    random_state: int | np.random.Generator | None, *, func: str | None = None
) -> np.random.Generator:
    """Turn ``random_state`` (int, Generator or None) into a numpy Generator.

    This is the one ``random_state`` contract of pmed: every random function
    accepts a non-negative int, a :class:`numpy.random.Generator` (used as is,
    so successive calls draw different numbers) or ``None``, which means
    :data:`DEFAULT_RANDOM_STATE` (a fixed seed, never fresh entropy).

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None
        The seed or generator.
    func : str, optional
        The calling function's name, for the error message.

    Returns
    -------
    numpy.random.Generator

    Examples
    --------
    >>> int(check_random_state(3).integers(10)) == int(np.random.default_rng(3).integers(10))
    True
    >>> bool(check_random_state(None).integers(1000) == np.random.default_rng(DEFAULT_RANDOM_STATE).integers(1000))
    True
    """
    if random_state is None:
        return np.random.default_rng(DEFAULT_RANDOM_STATE)
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool) and random_state >= 0:
        return np.random.default_rng(int(random_state))
    where = f" of {func}" if func else ""
    raise TypeError(
        f"The 'random_state' parameter{where} must be None, a non-negative int or a numpy.random.Generator; "
        f"got {random_state!r}."
    )


@validate_params({"random_state": [object], "func": ["str", None]})
def derive_seed(random_state: int | np.random.Generator | None, *, func: str | None = None) -> int:
    """An int seed for scikit-learn, Keras or msprime, derived from ``random_state``.

    Libraries that take an integer seed get it from here, so that one
    ``random_state`` drives every source of randomness in a function. An int
    gives the same seed every time; a Generator advances, so two calls give
    two different (but reproducible) seeds.

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None
        As for :func:`check_random_state`.
    func : str, optional
        The calling function's name, for the error message.

    Returns
    -------
    int
        A seed in [1, 2**31 - 1).

    Examples
    --------
    >>> derive_seed(7) == derive_seed(7)
    True
    >>> rng = np.random.default_rng(7)
    >>> derive_seed(rng) != derive_seed(rng)
    True
    """
    return int(check_random_state(random_state, func=func).integers(1, 2**31 - 1))
