"""A cross-validated ensemble: one CNN per fold of the development images, predictions averaged.

With a few hundred labelled images, holding out a fixed validation set wastes data
twice: its images are never learned from, and early stopping on 78 images picks
an epoch by noise. Splitting train + validation into k folds lets every image
teach k − 1 models and stop one; averaging the k models then removes much of the
epoch-to-epoch and seed-to-seed noise of a single network. The test set stays
untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.model_selection import StratifiedKFold

from pmed_utils._progress import tqdm_class
from pmed_utils._tensorflow import keras_module
from pmed_utils.imaging.preprocessing import balanced_class_weights
from pmed_utils.models.training import _check_model_input, predict_scores, train_classifier
from pmed_utils.validation import check_binary_labels, check_in_range, check_same_length

if TYPE_CHECKING:
    import keras

__all__ = ["CVEnsemble", "train_cv_ensemble"]


@dataclass
class CVEnsemble:
    """Models trained on the folds of the development images.

    Attributes
    ----------
    models : list of keras.Model
        One per fold, each with the weights of its best epoch on its held-out fold.
    histories : list of DataFrame
        Each model's training history (as :func:`train_classifier` returns it).
    oof_scores : ndarray of shape (n,)
        Each development image's score from the model that did not train on it:
        use these, not the training scores, to choose a threshold.
    fold : ndarray of int, shape (n,)
        The fold in which each development image was held out.

    Examples
    --------
    :func:`train_cv_ensemble` builds one. By hand, with two fold models that
    answer 0.2 and 0.6 for every image, the ensemble answers their mean:

    >>> keras = keras_module()
    >>> def constant_model(p):
    ...     logit = keras.initializers.Constant(np.log(p / (1 - p)))
    ...     return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
    ...                              keras.layers.Dense(1, "sigmoid", kernel_initializer="zeros",
    ...                                                 bias_initializer=logit)])
    >>> histories = [pd.DataFrame({"val_auc": [0.6, 0.8, 0.7]}), pd.DataFrame({"val_auc": [0.9, 0.85]})]
    >>> for history, best, seconds in zip(histories, [1, 0], [2.0, 1.5]):
    ...     history.attrs.update(best_epoch=best, train_seconds=seconds)
    >>> ens = CVEnsemble([constant_model(0.2), constant_model(0.6)], histories,
    ...                  oof_scores=np.array([0.2, 0.2, 0.6, 0.6]), fold=np.array([0, 0, 1, 1]))
    >>> ens.predict(np.zeros((3, 8, 8, 1), "float32")).round(3)
    array([0.4, 0.4, 0.4], dtype=float32)
    >>> ens.fold_summary()  # doctest: +NORMALIZE_WHITESPACE
          epochs  best_epoch  held_out_auc  train_seconds
    fold
    0          3           2           0.8            2.0
    1          2           1           0.9            1.5
    """

    models: list
    histories: list[pd.DataFrame]
    oof_scores: np.ndarray
    fold: np.ndarray
    train_seconds: float = field(default=0.0)

    def predict(self, x) -> np.ndarray:
        """The mean of the fold models' lesion probabilities, shape (n,)."""
        return np.mean([predict_scores(model, x) for model in self.models], axis=0)

    def fold_summary(self) -> pd.DataFrame:
        """One row per fold: epochs run, best epoch (1-based), best held-out AUC, training seconds."""
        return pd.DataFrame(
            [{"epochs": len(h), "best_epoch": h.attrs["best_epoch"] + 1, "held_out_auc": float(h["val_auc"].max()),
              "train_seconds": h.attrs["train_seconds"]} for h in self.histories],
            index=pd.RangeIndex(len(self.histories), name="fold"),
        )


def train_cv_ensemble(build_model: Callable[[], Any], x: np.ndarray, y: ArrayLike, *, n_folds: int = 5,
                      epochs: int = 60, patience: int = 15, batch_size: int = 32,
                      augment: "keras.layers.Layer | None" = None, random_state: int = 0,
                      max_seconds: float | None = None, progress: bool = True) -> CVEnsemble:
    """Train one model per stratified fold of (x, y), early-stopped on that fold; return the ensemble.

    Parameters
    ----------
    build_model : callable
        Returns a fresh compiled model (e.g. ``lambda: small_cnn(filters=(16, 32, 64))``);
        called once per fold after seeding, so the initial weights are reproducible.
    x : ndarray of float32, shape (n, h, w, c)
        The development images: training and validation splits together.
    y : array-like of 0/1, shape (n,)
    n_folds : int
        Number of folds and of models (at least 2).
    epochs, patience, batch_size, augment
        As in :func:`train_classifier`; class weights are balanced within each fold.
    random_state : int
        Shuffles the folds; fold k's model is seeded with ``random_state + k``.
    max_seconds : float, optional
        Training-time budget for the whole ensemble, shared equally by the folds.
    progress : bool
        One progress-bar step per fold.

    Returns
    -------
    CVEnsemble

    Raises
    ------
    ValueError
        Fewer than ``n_folds`` images of a class, labels other than 0/1, images
        that do not fit the model (see :func:`train_classifier`).

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> x = np.random.default_rng(0).random((12, 16, 16, 1)).astype("float32")
    >>> ens = train_cv_ensemble(lambda: small_cnn((16, 16, 1), filters=(4,)), x, [0, 1] * 6,
    ...                         n_folds=3, epochs=1, progress=False)
    >>> len(ens.models), ens.oof_scores.shape, ens.predict(x[:2]).shape
    (3, (12,), (2,))
    """
    func = "train_cv_ensemble"
    y = check_binary_labels(y, "y", func=func)
    x = np.asarray(x)
    check_same_length((x, "x"), (y, "y"), func=func)
    if isinstance(n_folds, bool) or not isinstance(n_folds, (int, np.integer)) or n_folds < 2:
        raise ValueError(f"The 'n_folds' parameter of {func} must be an integer of at least 2; got {n_folds!r}.")
    counts = np.bincount(y, minlength=2)
    if counts.min() < n_folds:
        raise ValueError(f"{func} needs at least n_folds={n_folds} images of each class so that every fold has "
                         f"both; got {counts.tolist()} (no lesion, lesion). Use fewer folds.")
    if not callable(build_model) or hasattr(build_model, "fit"):  # a model itself is callable too
        raise TypeError(f"The 'build_model' parameter of {func} must be a function returning a fresh compiled "
                        f"model; got {type(build_model).__name__}.")
    if max_seconds is not None:
        check_in_range(max_seconds, "max_seconds", 0, np.inf, func=func, closed="neither")
    keras = keras_module()
    folds = StratifiedKFold(int(n_folds), shuffle=True, random_state=random_state).split(np.zeros(len(y)), y)
    models, histories = [], []
    oof, fold_of = np.full(len(y), np.nan), np.full(len(y), -1)
    bar = tqdm_class()(list(folds), desc="CV ensemble", unit="fold", disable=not progress)
    for k, (train, held_out) in enumerate(bar):
        keras.utils.set_random_seed(random_state + k)
        model = build_model()
        if k == 0:
            _check_model_input(model, x, "x", func=func)
        history = train_classifier(
            model, x[train], y[train], x[held_out], y[held_out], epochs=epochs, patience=patience,
            batch_size=batch_size, augment=augment, class_weight=balanced_class_weights(y[train]),
            random_state=random_state + k, max_seconds=None if max_seconds is None else max_seconds / n_folds,
            progress=False,
        )
        oof[held_out], fold_of[held_out] = predict_scores(model, x[held_out]), k
        models.append(model)
        histories.append(history)
        bar.set_postfix(held_out_auc=f"{history['val_auc'].max():.3f}")
    seconds = float(sum(h.attrs["train_seconds"] for h in histories))
    return CVEnsemble(models, histories, oof, fold_of, seconds)
