import numpy as np
import pytest

from pmed_utils.reproducibility import check_random_state, seed_everything


def test_same_seed_same_numbers_for_numpy_python_and_tensorflow():
    import random

    import tensorflow as tf

    def draw():
        seed_everything(11)
        return random.random(), np.random.random(), float(tf.random.uniform(()))  # noqa: NPY002 -- the legacy global generator is what seed_everything must seed

    assert draw() == draw()


def test_different_seeds_give_different_numbers():
    assert seed_everything(1).random() != seed_everything(2).random()


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_seed_must_be_a_non_negative_int(bad):
    with pytest.raises(ValueError, match="'seed' parameter of seed_everything"):
        seed_everything(bad)


def test_check_random_state_accepts_int_generator_and_none():
    rng = np.random.default_rng(5)
    assert check_random_state(rng) is rng
    assert check_random_state(None).integers(1000) == np.random.default_rng(0).integers(1000)
    with pytest.raises(TypeError, match="random_state"):
        check_random_state("seed")


def test_derive_seed_is_reproducible_and_follows_the_generator():
    from pmed_utils.reproducibility import DEFAULT_RANDOM_STATE, derive_seed

    assert derive_seed(3) == derive_seed(3) != derive_seed(4)
    assert derive_seed(None) == derive_seed(DEFAULT_RANDOM_STATE)
    a, b = np.random.default_rng(1), np.random.default_rng(1)
    assert [derive_seed(a), derive_seed(a)] == [derive_seed(b), derive_seed(b)]
    assert 1 <= derive_seed(0) < 2**31 - 1
    with pytest.raises(TypeError, match="'random_state' parameter of my_func must be None, a non-negative int"):
        derive_seed(-2, func="my_func")
