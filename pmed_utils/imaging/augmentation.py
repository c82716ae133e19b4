"""Random but reproducible image augmentation with Keras preprocessing layers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pmed_utils._tensorflow import keras_module

if TYPE_CHECKING:
    import keras

__all__ = ["augmentation_layers"]


def augmentation_layers(*, flip: bool = True, rotation: float = 0.05, zoom: float = 0.1, contrast: float = 0.1,
                        random_state: int = 0) -> "keras.Sequential":
    """A ``keras.Sequential`` of random flip, rotation, zoom and contrast, seeded.

    Parameters
    ----------
    flip : bool
        Random horizontal flip (anatomy of an ultrasound or chest film is not
        left-right fixed enough to forbid it; vertical flips would be unrealistic).
    rotation : float
        Maximum rotation as a fraction of a full turn (0.05 = ±18°).
    zoom : float
        Maximum zoom in or out, as a fraction.
    contrast : float
        Maximum contrast change, as a fraction.
    random_state : int
        Seed of every layer: the same seed gives the same sequence of views.

    Examples
    --------
    >>> import numpy as np
    >>> aug = augmentation_layers(random_state=1)
    >>> out = aug(np.ones((2, 28, 28, 1), "float32"), training=True)
    >>> tuple(out.shape)
    (2, 28, 28, 1)
    """
    keras = keras_module()
    layers = []
    if flip:
        layers.append(keras.layers.RandomFlip("horizontal", seed=random_state))
    if rotation:
        layers.append(keras.layers.RandomRotation(rotation, fill_mode="reflect", seed=random_state + 1))
    if zoom:
        layers.append(keras.layers.RandomZoom(zoom, fill_mode="reflect", seed=random_state + 2))
    if contrast:
        layers.append(keras.layers.RandomContrast(contrast, seed=random_state + 3))
    return keras.Sequential(layers, name="augmentation")
