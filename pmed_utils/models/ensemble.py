"""A cross-validated ensemble: one CNN per fold of the development images, predictions averaged.

With a few hundred labelled images, holding out a fixed validation set wastes data
twice: its images are never learned from, and early stopping on 78 images picks
an epoch by noise. Splitting train + validation into k folds lets every image
teach k − 1 models and stop one; averaging the k models then removes much of the
epoch-to-epoch and seed-to-seed noise of a single network. The test set stays
untouched.
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.model_selection import StratifiedKFold

from pmed_utils._progress import tqdm_class
from pmed_utils._tensorflow import keras_module
from pmed_utils.imaging.preprocessing import balanced_class_weights
from pmed_utils.models.training import (
    ReusedModel,
    TrainingHistory,
    TrainingTimeoutError,
    _check_model_input,
    predict_scores,
    train_classifier,
)
from pmed_utils.models.weight_store import WeightStore
from pmed_utils.reproducibility import check_random_state, derive_seed
from pmed_utils.validation import (
    Interval,
    check_binary_labels,
    check_same_length,
    validate_params,
)

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
    histories : list of TrainingHistory
        Each model's training history (as :func:`train_classifier` returns it).
    oof_scores : ndarray of float, shape (n,)
        Each development image's score from the model that did not train on it:
        use these, not the training scores, to choose a threshold.
    fold : ndarray of int, shape (n,)
        The fold in which each development image was held out.
    train_seconds : float
        Wall time of training all the models; reported only.

    Examples
    --------
    :func:`train_cv_ensemble` builds one. By hand, with two fold models that
    answer 0.2 and 0.6 for every image, the ensemble answers their mean:

    >>> from pmed_utils.models import TrainingHistory
    >>> keras = keras_module()
    >>> def constant_model(p):
    ...     logit = keras.initializers.Constant(np.log(p / (1 - p)))
    ...     return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
    ...                              keras.layers.Dense(1, "sigmoid", kernel_initializer="zeros",
    ...                                                 bias_initializer=logit)])
    >>> def history(val_auc, best, seconds):
    ...     table = pd.DataFrame({"val_auc": val_auc}, index=pd.RangeIndex(1, len(val_auc) + 1, name="epoch"))
    ...     return TrainingHistory(table, best, stopped_early=True, max_epochs=10, patience=1, seed=1,
    ...                            train_seconds=seconds)
    >>> histories = [history([0.6, 0.8, 0.7], 2, 2.0), history([0.9, 0.85], 1, 1.5)]
    >>> ens = CVEnsemble([constant_model(0.2), constant_model(0.6)], histories,
    ...                  oof_scores=np.array([0.2, 0.2, 0.6, 0.6]), fold=np.array([0, 0, 1, 1]))
    >>> ens.predict(np.zeros((3, 8, 8, 1), "float32")).round(3)
    array([0.4, 0.4, 0.4], dtype=float32)
    >>> ens.fold_summary()  # doctest: +NORMALIZE_WHITESPACE
          epochs  best_epoch  held_out_auc  stopped_early  train_seconds
    fold
    0          3           2           0.8           True            2.0
    1          2           1           0.9           True            1.5
    """

    models: list
    histories: list[TrainingHistory]
    oof_scores: np.ndarray
    fold: np.ndarray
    train_seconds: float = field(default=0.0)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The mean of the fold models' lesion probabilities, shape (n,)."""
        return np.mean([predict_scores(model, x) for model in self.models], axis=0)

    def fold_summary(self) -> pd.DataFrame:
        """One row per fold: epochs run, best epoch (1-based), its held-out AUC, early stop, seconds."""
        return pd.DataFrame(
            [
                {
                    "epochs": h.n_epochs,
                    "best_epoch": h.best_epoch,
                    "held_out_auc": h.best_val_auc,
                    "stopped_early": h.stopped_early,
                    "train_seconds": h.train_seconds,
                }
                for h in self.histories
            ],
            index=pd.RangeIndex(len(self.histories), name="fold"),
        )


@validate_params(
    {
        "build_model": ["callable"],
        "x": ["array-like"],
        "y": ["array-like"],
        "n_folds": [Interval(numbers.Integral, 2, None)],
        "epochs": [Interval(numbers.Integral, 1, None)],
        "patience": [Interval(numbers.Integral, 1, None)],
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "augment": ["callable", None],
        "random_state": ["random_state"],
        "max_seconds": [Interval(numbers.Real, 0, None, closed="neither"), None],
        "progress": ["boolean"],
        "store": [WeightStore, None],
    }
)
def train_cv_ensemble(
    build_model: Callable[[], Any],
    x: np.ndarray,
    y: ArrayLike,
    *,
    n_folds: int = 5,
    epochs: int = 20,
    patience: int = 5,
    batch_size: int = 32,
    augment: keras.layers.Layer | None = None,
    random_state: int | np.random.Generator | None = None,
    max_seconds: float | None = None,
    progress: bool = True,
    store: WeightStore | None = None,
) -> CVEnsemble:
    """Train one model per stratified fold of (x, y), early-stopped on that fold; return the ensemble.

    Every model gets the same epoch budget (``epochs``, ``patience``), so the
    ensemble depends only on the data and the seed, never on the machine's
    speed. What is seeded, all from ``random_state``: the fold split
    (scikit-learn's ``StratifiedKFold``), then for each fold one Keras seed
    (``keras.utils.set_random_seed``) set before ``build_model()`` is called
    (the initial weights) and passed to :func:`train_classifier` (shuffling,
    augmentation, dropout).

    Parameters
    ----------
    build_model : callable
        Returns a fresh compiled model (e.g. ``lambda: small_cnn(filters=(16, 32, 64))``);
        called after seeding for each fold (twice for the first), so the initial weights
        are reproducible. All folds train on the first model built, whose training step
        is traced once; each fold's model receives that fold's trained weights.
    x : ndarray of float32, shape (n, height, width, channels)
        The development images: training and validation splits together.
    y : array-like of 0/1, shape (n,)
        1 = lesion; at least ``n_folds`` images of each class.
    n_folds : int, default 5
        Number of folds and of models (at least 2).
    epochs : int, default 20
        Epoch budget of each model, as in :func:`train_classifier`.
    patience : int, default 5
        Epochs without a better held-out AUC before a model stops.
    batch_size : int, default 32
        Training images per gradient step.
    augment : keras layer or callable, optional
        Applied to training batches only; class weights are balanced within each fold.
    random_state : int, numpy.random.Generator or None, default None
        Seeds the folds and every model (None = pmed's fixed default).
    max_seconds : float, optional
        A safety limit on the wall time of the whole ensemble: passing it
        raises :class:`TrainingTimeoutError`, it never shortens training.
    progress : bool, default True
        One progress-bar step per fold.
    store : WeightStore, optional
        Passed to :func:`train_classifier` for every fold: a fold whose exact
        run is stored is loaded instead of trained.

    Returns
    -------
    CVEnsemble
        The fold models, their histories, out-of-fold scores and fold labels.

    Raises
    ------
    ValueError
        Fewer than ``n_folds`` images of a class, labels other than 0/1, images
        that do not fit the model (see :func:`train_classifier`).
    TrainingTimeoutError
        Training took longer than ``max_seconds``.

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> x = np.random.default_rng(0).random((8, 8, 8, 1)).astype("float32")
    >>> def build():
    ...     model = small_cnn((8, 8, 1), filters=(2,))
    ...     model.run_eagerly = True  # eight images: quicker without building a TensorFlow graph
    ...     return model
    >>> ens = train_cv_ensemble(build, x, [0, 1] * 4, n_folds=2, epochs=1, progress=False)
    >>> len(ens.models), ens.oof_scores.shape, ens.predict(x[:2]).shape
    (2, (8,), (2,))
    """
    func = "train_cv_ensemble"
    y = check_binary_labels(y, "y", func=func)
    x = np.asarray(x)
    check_same_length((x, "x"), (y, "y"), func=func)
    n_folds = int(n_folds)
    counts = np.bincount(y, minlength=2)
    if counts.min() < n_folds:
        raise ValueError(
            f"{func} needs at least n_folds={n_folds} images of each class so that every fold has "
            f"both; got {counts.tolist()} (no lesion, lesion). Use fewer folds."
        )
    if hasattr(build_model, "fit"):  # a model itself is callable too
        raise TypeError(
            f"The 'build_model' parameter of {func} must be a function returning a fresh compiled "
            f"model; got {type(build_model).__name__}."
        )
    keras = keras_module()
    rng = check_random_state(random_state, func=func)
    split_seed = derive_seed(rng)
    fold_seeds = [derive_seed(rng) for _ in range(n_folds)]
    folds = StratifiedKFold(n_folds, shuffle=True, random_state=split_seed).split(np.zeros(len(y)), y)
    models, histories = [], []
    oof, fold_of = np.full(len(y), np.nan), np.full(len(y), -1)
    start = time.perf_counter()
    bar = tqdm_class()(list(folds), desc="CV ensemble", unit="fold", disable=not progress)
    trainer: ReusedModel | None = None
    for k, (train, held_out) in enumerate(bar):
        keras.utils.set_random_seed(fold_seeds[k])
        model = build_model()
        if trainer is None:
            if not isinstance(model, keras.Model):
                raise TypeError(
                    f"The 'build_model' parameter of {func} must return a keras.Model; it returned "
                    f"{type(model).__name__}."
                )
            _check_model_input(model, x, "x", func=func)
            # Every fold trains on this one model, traced once; each fold's own model only
            # holds its weights. Rebuilt under the same seed, so fold 0 keeps a model too.
            trainer = ReusedModel(model)
            keras.utils.set_random_seed(fold_seeds[k])
            model = build_model()
        trainer.load([v.numpy() for v in model.variables], trainer.initial[1])
        remaining = None if max_seconds is None else max_seconds - (time.perf_counter() - start)
        try:
            if remaining is not None and remaining <= 0:
                raise TrainingTimeoutError("no time left")
            history = train_classifier(
                trainer.model,
                x[train],
                y[train],
                x[held_out],
                y[held_out],
                epochs=epochs,
                patience=patience,
                batch_size=batch_size,
                augment=augment,
                class_weight=balanced_class_weights(y[train]),
                random_state=fold_seeds[k],
                max_seconds=remaining,
                progress=False,
                store=store,
            )
        except TrainingTimeoutError:
            raise TrainingTimeoutError(
                f"{func} passed its safety time limit max_seconds={max_seconds:g} while training fold {k + 1} "
                f"of {n_folds} ({time.perf_counter() - start:.0f} s), so the ensemble is incomplete and was not "
                "returned. The limit never shortens training silently: raise max_seconds (or pass None) to let "
                "it finish, or lower epochs (which changes the results)."
            ) from None
        oof[held_out], fold_of[held_out] = predict_scores(trainer.model, x[held_out]), k
        for variable, trained in zip(model.variables, trainer.model.variables, strict=True):
            variable.assign(trained.numpy())
        models.append(model)
        histories.append(history)
        bar.set_postfix(held_out_auc=f"{history.best_val_auc:.3f}")
    seconds = float(sum(h.train_seconds for h in histories))
    return CVEnsemble(models, histories, oof, fold_of, seconds)
