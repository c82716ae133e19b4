"""Training with early stopping on validation AUC, a progress bar and deterministic seeding."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmed_utils.imaging.preprocessing import make_dataset
from pmed_utils.validation import check_binary_labels

__all__ = ["train_classifier", "predict_scores"]


def train_classifier(model, x_train, y_train, x_val, y_val, *, epochs: int = 20, batch_size: int = 32,
                     patience: int = 5, augment=None, class_weight: dict | None = None, random_state: int = 0,
                     progress: bool = True) -> pd.DataFrame:
    """Fit a compiled binary Keras model; stop when validation AUC stops improving.

    The weights of the best epoch (highest validation AUC) are restored at the
    end. Seeds Keras (Python, numpy, TensorFlow) from ``random_state`` for the
    shuffling, augmentation and dropout; the initial weights are drawn when the
    model is *built*, so build it after ``seed_everything(seed)`` to reproduce
    a run exactly.

    Parameters
    ----------
    model : keras.Model
        Compiled, with an ``AUC(name="auc")`` metric (as :func:`seed_cnn` and
        :func:`small_cnn` are).
    x_train, x_val : ndarray of float32, shape (n, h, w, c)
    y_train, y_val : array-like of 0/1, shape (n,)
    augment : keras layer, optional
        Applied to training batches only.
    class_weight : dict, optional
        E.g. from :func:`pmed_utils.imaging.balanced_class_weights`.

    Returns
    -------
    DataFrame
        One row per epoch: loss, auc, accuracy, val_loss, val_auc, val_accuracy.
        ``attrs["best_epoch"]`` holds the restored epoch (0-based).
    """
    import keras
    from tqdm.keras import TqdmCallback

    y_train = check_binary_labels(y_train, "y_train", func="train_classifier")
    y_val = check_binary_labels(y_val, "y_val", func="train_classifier")
    keras.utils.set_random_seed(random_state)
    train_ds = make_dataset(x_train, y_train, batch_size=batch_size, shuffle=True, augment=augment,
                            random_state=random_state)
    val_ds = make_dataset(x_val, y_val, batch_size=256)
    stopper = keras.callbacks.EarlyStopping(monitor="val_auc", mode="max", patience=patience,
                                            restore_best_weights=True)
    callbacks = [stopper] + ([TqdmCallback(verbose=0, desc=model.name)] if progress else [])
    history = model.fit(train_ds, validation_data=val_ds, epochs=epochs, class_weight=class_weight,
                        callbacks=callbacks, verbose=0, shuffle=False)  # tf.data shuffles
    frame = pd.DataFrame(history.history)
    frame.index.name = "epoch"
    frame.attrs["best_epoch"] = int(np.argmax(frame["val_auc"].to_numpy()))
    return frame


def predict_scores(model, x, batch_size: int = 256) -> np.ndarray:
    """The model's predicted probability of a lesion for each image, shape (n,)."""
    return np.asarray(model.predict(x, batch_size=batch_size, verbose=0)).reshape(-1)
