"""Training with early stopping on validation AUC: a fixed epoch budget, deterministic given the seed.

What ends a training run is counted in epochs, never in seconds: at most
``epochs`` epochs, fewer when the validation AUC has not improved for
``patience`` epochs. Both depend only on the data and the seed, so the same
seed gives the same model on a quiet laptop and on a busy shared server. A
wall-clock limit (``max_seconds``) exists only as a safety stop: when it is
reached, training fails with :class:`TrainingTimeoutError`, it never returns a
shorter, different model.
"""

from __future__ import annotations

import hashlib
import numbers
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils._progress import keras_progress_callback
from pmed_utils._tensorflow import keras_module
from pmed_utils.imaging.preprocessing import check_images, make_dataset
from pmed_utils.models.weight_store import WeightStore, training_key
from pmed_utils.reproducibility import derive_seed
from pmed_utils.validation import (
    Interval,
    check_binary_labels,
    check_same_length,
    validate_params,
    warn_degenerate,
)

if TYPE_CHECKING:
    import keras

__all__ = ["ReusedModel", "TrainingHistory", "TrainingTimeoutError", "predict_scores", "train_classifier"]


class ReusedModel:
    """One compiled Keras model that stands in for several: weights and optimizer state swap in and out.

    Keras traces a model's training step on its first ``fit``: about 3 s for
    a small CNN on 2 cores, against 0.2 s for an epoch of 200 images after
    that. Code that trains several same-architecture models in turn (each
    site of a federation, real against synthetic training data) trains them
    all on one model, saving the state of each and starting each from the
    state saved at construction.

    Parameters
    ----------
    model : keras.Model
        A compiled model; its optimizer is built here, so that the saved
        initial state includes the optimizer's (zero) slots.

    Attributes
    ----------
    model : keras.Model
        The one model all training happens on.
    initial : tuple of (list of ndarray, list of ndarray)
        The model's and the optimizer's variables at construction.

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> reused = ReusedModel(small_cnn((8, 8, 1), filters=(2,)))
    >>> before = reused.model.get_weights()
    >>> reused.model.set_weights([w + 1 for w in before])
    >>> bool(np.allclose(reused.restart().get_weights()[0], before[0]))
    True
    """

    def __init__(self, model: keras.Model):
        _check_model(model, "ReusedModel")
        if getattr(model, "optimizer", None) is None:
            raise ValueError("The 'model' parameter of ReusedModel must be compiled (it has no optimizer).")
        self.model = model
        model.optimizer.build(model.trainable_variables)
        self.initial = self.state()

    def state(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Copies of the model's variables (weights and the dropout layers' random-number states) and of its
        optimizer's (step count, moments)."""
        return [v.numpy() for v in self.model.variables], [v.numpy() for v in self.model.optimizer.variables]

    def load(self, variables: list[np.ndarray] | None = None, optimizer: list[np.ndarray] | None = None) -> keras.Model:
        """Put ``variables`` and ``optimizer`` (as from :meth:`state`; None keeps the current ones) into the model.

        Returns the model.
        """
        for targets, values in ((self.model.variables, variables), (self.model.optimizer.variables, optimizer)):
            if values is not None:
                for variable, value in zip(targets, values, strict=True):
                    variable.assign(value)
        return self.model

    def restart(self) -> keras.Model:
        """The model as it was at construction: initial weights, fresh optimizer."""
        return self.load(*self.initial)


class TrainingTimeoutError(RuntimeError):
    """Training passed its safety time limit (``max_seconds``) and was abandoned.

    The limit guards against a run that hangs or a machine far slower than
    expected; it never shortens training silently, because a shorter run would
    give different numbers for the same seed.

    Examples
    --------
    >>> issubclass(TrainingTimeoutError, RuntimeError)
    True
    """


@dataclass(frozen=True, eq=False)  # a DataFrame field has no single truth value for ==
class TrainingHistory:
    """What happened during one training run, epoch by epoch.

    Attributes
    ----------
    table : DataFrame
        One row per epoch run, indexed by the 1-based epoch number (index name
        ``"epoch"``): ``loss``, ``auc``, ``accuracy`` on the training images and
        ``val_loss``, ``val_auc``, ``val_accuracy`` on the validation images.
    best_epoch : int
        The 1-based epoch whose weights were restored: the first with the
        highest validation AUC.
    stopped_early : bool
        True when training ended before ``max_epochs`` because the validation
        AUC had not improved for ``patience`` epochs.
    max_epochs : int
        The epoch budget (``epochs`` of :func:`train_classifier`).
    patience : int
        Epochs without a better validation AUC before stopping.
    seed : int
        The Keras seed the run used (derived from ``random_state``).
    train_seconds : float
        Wall time of training; reported only, it never decides anything.
    reused : bool, default False
        True when the weights and this record came from a
        :class:`~pmed_utils.models.WeightStore` entry of the identical run
        instead of training here (``train_seconds`` is then the stored run's).

    Examples
    --------
    :func:`train_classifier` returns one. By hand, for a run that stopped after
    four epochs because epoch 2 was not beaten for two epochs:

    >>> table = pd.DataFrame({"auc": [0.6, 0.8, 0.9, 0.95], "val_auc": [0.55, 0.75, 0.7, 0.72]},
    ...                      index=pd.RangeIndex(1, 5, name="epoch"))
    >>> h = TrainingHistory(table, best_epoch=2, stopped_early=True, max_epochs=10, patience=2,
    ...                     seed=1, train_seconds=3.5)
    >>> h.n_epochs, h.best_epoch, h.best_val_auc
    (4, 2, 0.75)
    """

    table: pd.DataFrame
    best_epoch: int
    stopped_early: bool
    max_epochs: int
    patience: int
    seed: int
    train_seconds: float = 0.0
    reused: bool = False

    @property
    def n_epochs(self) -> int:
        """Number of epochs run."""
        return len(self.table)

    @property
    def best_val_auc(self) -> float:
        """Validation AUC of the restored epoch."""
        return float(self.table.loc[self.best_epoch, "val_auc"])

    def __len__(self) -> int:
        return len(self.table)


def _check_model(model: Any, func: str) -> None:
    """A compiled Keras model (checked here, so that importing pmed_utils.models does not load TensorFlow)."""
    keras = keras_module()
    if not isinstance(model, keras.Model):
        raise TypeError(f"The 'model' parameter of {func} must be a keras.Model; got {type(model).__name__}.")


def _check_class_weight(class_weight: dict | None, func: str) -> dict[int, float] | None:
    if class_weight is None:
        return None
    if set(class_weight) != {0, 1} or not all(
        isinstance(w, numbers.Real) and np.isfinite(float(w)) and float(w) > 0 for w in class_weight.values()
    ):
        raise ValueError(
            f"The 'class_weight' parameter of {func} must map each class 0 and 1 to a positive "
            f"finite weight (e.g. balanced_class_weights(y_train)); got {class_weight!r}."
        )
    return {int(k): float(v) for k, v in class_weight.items()}


@validate_params(
    {
        "model": ["callable"],
        "x_train": ["array-like"],
        "y_train": ["array-like"],
        "x_val": ["array-like"],
        "y_val": ["array-like"],
        "epochs": [Interval(numbers.Integral, 1, None)],
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "patience": [Interval(numbers.Integral, 1, None)],
        "augment": ["callable", None],
        "class_weight": ["mapping", None],
        "random_state": ["random_state"],
        "max_seconds": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "progress": ["boolean"],
        "store": [WeightStore, None],
    }
)
def train_classifier(
    model: keras.Model,
    x_train: np.ndarray,
    y_train: ArrayLike,
    x_val: np.ndarray,
    y_val: ArrayLike,
    *,
    epochs: int = 20,
    batch_size: int = 32,
    patience: int = 5,
    augment: keras.layers.Layer | None = None,
    class_weight: dict | None = None,
    random_state: int | np.random.Generator | None = None,
    max_seconds: float | None = None,
    progress: bool = True,
    store: WeightStore | None = None,
) -> TrainingHistory:
    """Fit a compiled binary Keras model for at most ``epochs`` epochs, stopping early on validation AUC.

    Training stops after ``epochs`` epochs, or earlier once the validation AUC
    has not improved for ``patience`` epochs; the weights of the best epoch
    (highest validation AUC) are then restored. Nothing here depends on how
    fast the machine is, so the same seed gives the same model anywhere.

    What is seeded: ``keras.utils.set_random_seed(derive_seed(random_state))``
    at the start seeds the batch shuffling, the augmentation draws and dropout
    (Keras' Python, numpy and TensorFlow generators). The initial weights are
    drawn when the model is *built*, before this function is called: build it
    right after ``seed_everything(seed)`` (or use :func:`train_cv_ensemble`,
    which builds its models itself) to reproduce a run exactly.

    Parameters
    ----------
    model : keras.Model
        Compiled, with an ``AUC(name="auc")`` metric (as :func:`seed_cnn` and
        :func:`small_cnn` are).
    x_train : ndarray of float32, shape (n_train, height, width, channels)
        Training images in [0, 1], matching the model's input shape.
    y_train : array-like of 0/1, shape (n_train,)
        1 = lesion; both classes must be present.
    x_val : ndarray of float32, shape (n_val, height, width, channels)
        Validation images, used for early stopping only.
    y_val : array-like of 0/1, shape (n_val,)
        Both classes must be present (a validation AUC needs them).
    epochs : int, default 20
        The epoch budget: at most this many epochs.
    batch_size : int, default 32
        Training images per gradient step.
    patience : int, default 5
        Epochs without a better validation AUC before stopping.
    augment : keras layer or callable, optional
        Applied to training batches only (e.g. :func:`pmed_utils.imaging.mirror_augmentation`).
    class_weight : dict of {0, 1} to float, optional
        E.g. from :func:`pmed_utils.imaging.balanced_class_weights`.
    random_state : int, numpy.random.Generator or None, default None
        Seeds shuffling, augmentation and dropout (None = pmed's fixed default).
    max_seconds : float, optional
        A safety limit on the wall time of training. When it is passed,
        :class:`TrainingTimeoutError` is raised; it never ends training early
        with a different model. None (the default) sets no limit.
    progress : bool, default True
        Show a progress bar (one step per epoch).
    store : WeightStore, optional
        Trained weights on disk (:func:`book_weight_store` opens the book's).
        When it holds this exact run (same layers, compile settings, initial
        weights, data, settings and Keras/TensorFlow versions; see
        :func:`training_key`), its weights and history are loaded instead of
        training, ``reused`` is True and, with ``progress``, one line says so.
        The optimizer's state is not stored: training a loaded model further
        starts its optimizer afresh. A store opened with ``write=True`` always
        trains and then writes the run.

    Returns
    -------
    TrainingHistory
        Per-epoch metrics, the restored best epoch, and whether early stopping
        ended the run.

    Raises
    ------
    ValueError
        Labels other than 0/1, a split with one class, images that are not
        float in [0, 1] or do not match the model's input shape, NaN pixels.
    TrainingTimeoutError
        Training took longer than ``max_seconds``.

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> x = np.random.default_rng(0).random((8, 8, 8, 1)).astype("float32")
    >>> model = small_cnn((8, 8, 1), filters=(2,))
    >>> model.run_eagerly = True  # eight images: quicker without building a TensorFlow graph
    >>> hist = train_classifier(model, x, [0, 1] * 4, x, [0, 1] * 4, epochs=2, progress=False)
    >>> hist.n_epochs, hist.max_epochs, sorted(hist.table.columns)[:3]
    (2, 2, ['accuracy', 'auc', 'loss'])
    """
    func = "train_classifier"
    keras = keras_module()
    _check_model(model, func)
    y_train = check_binary_labels(y_train, "y_train", func=func)
    y_val = check_binary_labels(y_val, "y_val", func=func)
    x_train = _check_model_input(model, x_train, "x_train", func=func)
    x_val = _check_model_input(model, x_val, "x_val", func=func)
    check_same_length((x_train, "x_train"), (y_train, "y_train"), func=func)
    check_same_length((x_val, "x_val"), (y_val, "y_val"), func=func)
    for labels, param in ((y_train, "y_train"), (y_val, "y_val")):
        if np.unique(labels).size < 2:
            raise ValueError(
                f"The '{param}' parameter of {func} must contain both classes (0 and 1); "
                f"got only {int(labels[0]) if labels.size else 'no labels'}. A validation AUC needs both."
            )
    class_weight = _check_class_weight(class_weight, func)
    seed = derive_seed(random_state, func=func)
    key = None
    if store is not None:
        # A random augmentation draws from its own seed state, which earlier training advanced:
        # part of the run, so part of the key, and restored on loading.
        augment_states = list(getattr(augment, "variables", []))
        arrays = {"x_train": x_train, "y_train": y_train, "x_val": x_val, "y_val": y_val}
        arrays |= {f"augment_state{i}": v.numpy() for i, v in enumerate(augment_states)}
        settings = {
            "function": func,
            "epochs": int(epochs),
            "batch_size": int(batch_size),
            "patience": int(patience),
            "augment": augment,
            "class_weight": class_weight,
            "seed": seed,
        }
        key = training_key(model, arrays, settings)
        entry = None if store.write else store.load(key)
        if entry is not None:
            n_model = len(entry.weights) - len(augment_states)
            model.set_weights(entry.weights[:n_model])
            for variable, value in zip(augment_states, entry.weights[n_model:], strict=True):
                variable.assign(value)
            history = _history_from_record(entry.record)
            if progress:  # in place of the progress bar: say what was loaded
                print(
                    f"{model.name}: loaded the stored run, {history.n_epochs}/{history.max_epochs} epochs, "
                    f"best val_auc={history.best_val_auc:.3f} @ {history.best_epoch}",
                    file=sys.stderr,
                )
            return history
    keras.utils.set_random_seed(seed)
    train_ds = make_dataset(
        x_train, y_train, batch_size=int(batch_size), shuffle=True, augment=augment, random_state=seed
    )
    val_ds = make_dataset(x_val, y_val, batch_size=256)
    stopper = keras.callbacks.EarlyStopping(
        monitor="val_auc", mode="max", patience=int(patience), restore_best_weights=True
    )
    guard = _safety_time_limit(max_seconds)
    callbacks = [stopper, guard] + ([keras_progress_callback(model.name)] if progress else [])
    start = time.perf_counter()
    history = model.fit(
        train_ds,
        validation_data=val_ds,
        epochs=int(epochs),
        class_weight=class_weight,
        callbacks=callbacks,
        verbose=0,
        shuffle=False,
    )  # tf.data shuffles
    seconds = time.perf_counter() - start
    if guard.timed_out:
        raise TrainingTimeoutError(
            f"{func} passed its safety time limit max_seconds={max_seconds:g} after {guard.epochs_done} of "
            f"{epochs} epochs ({seconds:.0f} s), so the model is incomplete and was not returned. The limit "
            "never shortens training silently: raise max_seconds (or pass None) to let it finish, or lower "
            "epochs (which changes the results)."
        )
    table = pd.DataFrame(history.history)
    table.index = pd.RangeIndex(1, len(table) + 1, name="epoch")
    val_auc = table["val_auc"].to_numpy()
    if not np.isfinite(val_auc).any():
        warn_degenerate(func, "the validation AUC is undefined at every epoch")
    best = int(np.nanargmax(val_auc)) + 1 if np.isfinite(val_auc).any() else len(table)
    result = TrainingHistory(
        table,
        best_epoch=best,
        stopped_early=len(table) < epochs,
        max_epochs=int(epochs),
        patience=int(patience),
        seed=seed,
        train_seconds=float(seconds),
    )
    if store is not None and key is not None and store.write:
        md5 = {name: hashlib.md5(np.ascontiguousarray(a).tobytes()).hexdigest() for name, a in arrays.items()}
        store.save(
            key,
            model.get_weights() + [v.numpy() for v in augment_states],
            {
                "function": func,
                "history": _history_record(result),
                "array_md5": md5,
                "settings": {k: v for k, v in settings.items() if k != "augment"},
            },
        )
    return result


def _history_record(history: TrainingHistory) -> dict:
    """A TrainingHistory as JSON-able values (for a WeightStore entry)."""
    return {
        "table": {column: history.table[column].astype(float).tolist() for column in history.table.columns},
        "best_epoch": history.best_epoch,
        "stopped_early": history.stopped_early,
        "max_epochs": history.max_epochs,
        "patience": history.patience,
        "seed": history.seed,
        "train_seconds": history.train_seconds,
    }


def _history_from_record(record: dict) -> TrainingHistory:
    """The TrainingHistory a WeightStore entry holds, marked as reused."""
    h = record["history"]
    table = pd.DataFrame(h["table"])
    table.index = pd.RangeIndex(1, len(table) + 1, name="epoch")
    return TrainingHistory(
        table,
        best_epoch=int(h["best_epoch"]),
        stopped_early=bool(h["stopped_early"]),
        max_epochs=int(h["max_epochs"]),
        patience=int(h["patience"]),
        seed=int(h["seed"]),
        train_seconds=float(h["train_seconds"]),
        reused=True,
    )


def _safety_time_limit(max_seconds: float | None):
    """A callback that stops training once ``max_seconds`` have passed and notes that it did."""
    keras = keras_module()

    class SafetyTimeLimit(keras.callbacks.Callback):  # type: ignore[name-defined]  # keras is loaded lazily
        timed_out = False
        epochs_done = 0

        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()

        def _check(self):
            if max_seconds is not None and time.perf_counter() - self.start > max_seconds:
                self.timed_out = True
                self.model.stop_training = True

        def on_train_batch_end(self, batch, logs=None):
            self._check()

        def on_epoch_end(self, epoch, logs=None):
            self.epochs_done = epoch + 1
            self._check()

    return SafetyTimeLimit()


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


@validate_params(
    {
        "model": ["callable"],
        "x": ["array-like"],
        "batch_size": [Interval(numbers.Integral, 1, None)],
    }
)
def predict_scores(model: keras.Model, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """The model's predicted probability of a lesion for each image.

    Parameters
    ----------
    model : keras.Model
        A binary model with one sigmoid output.
    x : ndarray of float32, shape (n, height, width, channels)
        Images in [0, 1], matching the model's input shape.
    batch_size : int, default 256
        Images per forward pass.

    Returns
    -------
    ndarray of float32, shape (n,)
        Probabilities in [0, 1].

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> predict_scores(small_cnn((8, 8, 1), filters=(2,)), np.zeros((3, 8, 8, 1), "float32")).shape
    (3,)
    """
    _check_model(model, "predict_scores")
    x = _check_model_input(model, x, "x", func="predict_scores")
    return predict_in_batches(model, x, int(batch_size)).reshape(-1)


def predict_in_batches(model, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """``model(batch, training=False)`` batch by batch, as one numpy array.

    Calling the model directly, rather than ``model.predict``, builds no
    ``tf.function`` per model: scoring the several networks of an ensemble then
    does not make TensorFlow warn about retracing.
    """
    if len(x) == 0:
        return np.zeros((0,) + tuple(model.output_shape[1:]), np.float32)
    return np.concatenate(
        [np.asarray(model(x[i : i + batch_size], training=False)) for i in range(0, len(x), batch_size)]
    )
