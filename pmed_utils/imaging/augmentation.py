"""Random but reproducible image augmentation with Keras preprocessing layers."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING

import numpy as np

from pmed_utils._tensorflow import keras_module
from pmed_utils.reproducibility import check_random_state, derive_seed
from pmed_utils.validation import Interval, validate_params

if TYPE_CHECKING:
    import keras

__all__ = ["augmentation_layers", "mirror_augmentation"]


@validate_params(
    {
        "flip": ["boolean"],
        "rotation": [Interval(numbers.Real, 0, 1)],
        "zoom": [Interval(numbers.Real, 0, 1, closed="left")],
        "contrast": [Interval(numbers.Real, 0, 1)],
        "random_state": ["random_state"],
    }
)
def augmentation_layers(
    *,
    flip: bool = True,
    rotation: float = 0.05,
    zoom: float = 0.1,
    contrast: float = 0.1,
    random_state: int | np.random.Generator | None = None,
) -> keras.Sequential:
    """A ``keras.Sequential`` of random flip, rotation, zoom and contrast, seeded.

    Each layer gets its own seed, drawn with :func:`pmed_utils.reproducibility.derive_seed`
    from ``random_state``; the layers apply only when called with
    ``training=True`` (during :func:`pmed_utils.models.train_classifier`).

    Parameters
    ----------
    flip : bool, default True
        Random horizontal flip (anatomy of an ultrasound or chest film is not
        left-right fixed enough to forbid it; vertical flips would be unrealistic).
    rotation : float in [0, 1], default 0.05
        Maximum rotation as a fraction of a full turn (0.05 = ±18°); 0 = none.
    zoom : float in [0, 1), default 0.1
        Maximum zoom in or out, as a fraction; 0 = none.
    contrast : float in [0, 1], default 0.1
        Maximum contrast change, as a fraction; 0 = none.
    random_state : int, numpy.random.Generator or None, default None
        The same seed gives the same sequence of views (None = pmed's fixed default).

    Returns
    -------
    keras.Sequential
        Named ``"augmentation"``; maps a batch (n, height, width, channels) to
        a batch of the same shape.

    Examples
    --------
    >>> aug = augmentation_layers(random_state=1)
    >>> [layer.__class__.__name__ for layer in aug.layers]
    ['RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomContrast']
    >>> tuple(aug(np.ones((2, 8, 8, 1), "float32"), training=True).shape)
    (2, 8, 8, 1)
    """
    keras = keras_module()
    rng = check_random_state(random_state, func="augmentation_layers")
    seeds = [derive_seed(rng) for _ in range(4)]
    layers = []
    if flip:
        layers.append(keras.layers.RandomFlip("horizontal", seed=seeds[0]))
    if rotation:
        layers.append(keras.layers.RandomRotation(rotation, fill_mode="reflect", seed=seeds[1]))
    if zoom:
        layers.append(keras.layers.RandomZoom(zoom, fill_mode="reflect", seed=seeds[2]))
    if contrast:
        layers.append(keras.layers.RandomContrast(contrast, seed=seeds[3]))
    return keras.Sequential(layers, name="augmentation")


@validate_params({"random_state": ["random_state"]})
def mirror_augmentation(random_state: int | np.random.Generator | None = None) -> keras.Sequential:
    """Left–right mirroring only: the augmentation the imaging chapters train the small CNN with.

    Stronger augmentation (rotation, zoom, contrast) made the small CNN worse
    on BreastMNIST: with a few hundred training images, a distortion that
    changes what a lesion looks like costs more than it teaches. This is
    ``augmentation_layers(rotation=0, zoom=0, contrast=0, random_state=random_state)``.

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None, default None
        Seed of the flips (None = pmed's fixed default).

    Returns
    -------
    keras.Sequential
        One ``RandomFlip("horizontal")`` layer, named ``"augmentation"``.

    Examples
    --------
    >>> x = np.arange(4, dtype="float32").reshape(1, 1, 4, 1)
    >>> views = [mirror_augmentation(random_state=3)(x, training=True).numpy().ravel().tolist()
    ...          for _ in range(2)]
    >>> views[0] == views[1], views[0] in ([0, 1, 2, 3], [3, 2, 1, 0])
    (True, True)
    """
    return augmentation_layers(rotation=0, zoom=0, contrast=0, random_state=random_state)
