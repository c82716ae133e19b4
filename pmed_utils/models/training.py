"""Training with early stopping on validation AUC, a progress bar and deterministic seeding."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils._progress import keras_progress_callback
from pmed_utils._tensorflow import keras_module
from pmed_utils.imaging.preprocessing import check_images, make_dataset
from pmed_utils.validation import check_binary_labels, check_in_range, check_same_length

if TYPE_CHECKING:
    import keras

__all__ = ["train_classifier", "predict_scores"]


def train_classifier(model: "keras.Model", x_train: np.ndarray, y_train: ArrayLike, x_val: np.ndarray,
                     y_val: ArrayLike, *, epochs: int = 20, batch_size: int = 32, patience: int = 5,
                     augment: "keras.layers.Layer | None" = None, class_weight: dict | None = None,
                     random_state: int = 0, max_seconds: float | None = None, progress: bool = True) -> pd.DataFrame:
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
    random_state : int
        Seeds shuffling, augmentation and dropout.
    max_seconds : float, optional
        A training-time budget: no new epoch starts if it would end after
        ``max_seconds`` (judged from the slowest epoch so far). The best
        epoch's weights are still restored.
    progress : bool
        Show a tqdm progress bar (one step per epoch).

    Returns
    -------
    DataFrame
        One row per epoch: loss, auc, accuracy, val_loss, val_auc, val_accuracy.
        ``attrs["best_epoch"]`` holds the restored epoch (0-based) and
        ``attrs["train_seconds"]`` the wall time of training.

    Raises
    ------
    ValueError
        Labels other than 0/1, a split with one class, images that are not
        float in [0, 1] or do not match the model's input shape, NaN pixels.

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> x = np.random.default_rng(0).random((8, 16, 16, 1)).astype("float32")
    >>> hist = train_classifier(small_cnn((16, 16, 1), filters=(4,)), x, [0, 1] * 4, x, [0, 1] * 4,
    ...                         epochs=2, progress=False)
    >>> len(hist), sorted(hist.columns)[:3]
    (2, ['accuracy', 'auc', 'loss'])
    """
    keras = keras_module()

    y_train = check_binary_labels(y_train, "y_train", func="train_classifier")
    y_val = check_binary_labels(y_val, "y_val", func="train_classifier")
    x_train = _check_model_input(model, x_train, "x_train")
    x_val = _check_model_input(model, x_val, "x_val")
    check_same_length((x_train, "x_train"), (y_train, "y_train"), func="train_classifier")
    check_same_length((x_val, "x_val"), (y_val, "y_val"), func="train_classifier")
    for labels, param in ((y_train, "y_train"), (y_val, "y_val")):
        if np.unique(labels).size < 2:
            raise ValueError(
                f"The '{param}' parameter of train_classifier must contain both classes (0 and 1); "
                f"got only {int(labels[0]) if labels.size else 'no labels'}. A validation AUC needs both."
            )
    keras.utils.set_random_seed(random_state)
    train_ds = make_dataset(x_train, y_train, batch_size=batch_size, shuffle=True, augment=augment,
                            random_state=random_state)
    val_ds = make_dataset(x_val, y_val, batch_size=256)
    stopper = keras.callbacks.EarlyStopping(monitor="val_auc", mode="max", patience=patience,
                                            restore_best_weights=True)
    callbacks = [stopper] + ([keras_progress_callback(model.name)] if progress else [])
    if max_seconds is not None:
        check_in_range(max_seconds, "max_seconds", 0, np.inf, func="train_classifier", closed="neither")
        callbacks.append(_time_budget(max_seconds))
    start = time.perf_counter()
    history = model.fit(train_ds, validation_data=val_ds, epochs=epochs, class_weight=class_weight,
                        callbacks=callbacks, verbose=0, shuffle=False)  # tf.data shuffles
    seconds = time.perf_counter() - start
    frame = pd.DataFrame(history.history)
    frame.index.name = "epoch"
    frame.attrs["best_epoch"] = int(np.argmax(frame["val_auc"].to_numpy()))
    frame.attrs["train_seconds"] = float(seconds)
    return frame


def _time_budget(max_seconds: float):
    """A callback that stops before an epoch that would end after ``max_seconds`` of training."""
    keras = keras_module()

    class TimeBudget(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.start = self.last = time.perf_counter()
            self.slowest = 0.0

        def on_epoch_end(self, epoch, logs=None):
            now = time.perf_counter()
            self.slowest = max(self.slowest, now - self.last)
            self.last = now
            if now - self.start + self.slowest > max_seconds:
                self.model.stop_training = True

    return TimeBudget()


def _check_model_input(model, x, param: str, func: str = "train_classifier") -> np.ndarray:
    """Images must be float in [0, 1], 4-D, and match the model's input shape."""
    x = check_images(x, param, func=func)
    if x.dtype == np.uint8 or x.ndim != 4:
        raise ValueError(
            f"The '{param}' parameter of {func} must be float32 images of shape (n, height, width, "
            f"channels) scaled to [0, 1]; got dtype {x.dtype} and shape {x.shape}. "
            "Use pmed_utils.imaging.to_model_input first."
        )
    expected = tuple(model.input_shape[1:])
    if tuple(x.shape[1:]) != expected:
        raise ValueError(
            f"The '{param}' parameter of {func} has images of shape {tuple(x.shape[1:])} but "
            f"{model.name} expects {expected}; use to_model_input(images, size={expected[0]}, channels={expected[-1]})."
        )
    return x.astype(np.float32, copy=False)


def predict_scores(model: "keras.Model", x: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """The model's predicted probability of a lesion for each image, shape (n,).

    Examples
    --------
    >>> from pmed_utils.models import seed_cnn
    >>> predict_scores(seed_cnn(), np.zeros((3, 64, 64, 3), "float32")).shape
    (3,)
    """
    x = _check_model_input(model, x, "x", func="predict_scores")
    return predict_in_batches(model, x, batch_size).reshape(-1)


def predict_in_batches(model, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """``model(batch, training=False)`` batch by batch, as one numpy array.

    Calling the model directly, rather than ``model.predict``, builds no
    ``tf.function`` per model: scoring the several networks of an ensemble then
    does not make TensorFlow warn about retracing.
    """
    if len(x) == 0:
        return np.zeros((0,) + tuple(model.output_shape[1:]), np.float32)
    return np.concatenate([np.asarray(model(x[i:i + batch_size], training=False))
                           for i in range(0, len(x), batch_size)])
