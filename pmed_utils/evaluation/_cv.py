"""Stratified (and grouped) cross-validation for scikit-learn estimators and Keras models."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from pmed_utils._progress import tqdm_class
from pmed_utils._tensorflow import keras_module
from pmed_utils.evaluation._checks import check_scores
from pmed_utils.reproducibility import derive_seed
from pmed_utils.validation import (
    Interval,
    check_binary_labels,
    check_same_length,
    validate_params,
    warn_degenerate,
)

__all__ = ["CVResult", "cross_validate"]


@dataclass(frozen=True)
class CVResult:
    """Per-fold metrics and pooled out-of-fold predictions.

    Attributes
    ----------
    fold_metrics : DataFrame
        One row per fold: fold, n_train, n_test (int), auc, average_precision,
        brier (float; NaN where undefined: a test fold with one class has no
        AUC, scores outside [0, 1] have no Brier score).
    oof_score : ndarray of shape (n,)
        Each person's score from the model that did not see them.
    fold : ndarray of int, shape (n,)
        The fold in which each person was tested.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from pmed_utils.evaluation import cross_validate
    >>> X, y = make_classification(60, 4, random_state=0)
    >>> cv = cross_validate(LogisticRegression(), X, y, n_splits=3)
    >>> cv.fold_metrics[["fold", "n_train", "n_test", "auc"]].round(2)  # doctest: +NORMALIZE_WHITESPACE
       fold  n_train  n_test   auc
    0     0       40      20  0.91
    1     1       40      20  0.93
    2     2       40      20  0.90
    >>> cv.oof_score.shape, np.bincount(cv.fold).tolist()
    ((60,), [20, 20, 20])
    """

    fold_metrics: pd.DataFrame
    oof_score: np.ndarray
    fold: np.ndarray


def _predict_score(model: Any, X) -> np.ndarray:
    if hasattr(model, "predict_proba") and not hasattr(model, "compile"):
        return np.asarray(model.predict_proba(X))[:, 1]
    if hasattr(model, "decision_function") and not hasattr(model, "compile"):
        return np.asarray(model.decision_function(X))
    return np.asarray(model.predict(X, verbose=0)).reshape(-1)  # Keras


@validate_params(
    {
        "model": [BaseEstimator, "callable"],
        "X": ["array-like"],
        "y": ["array-like"],
        "n_splits": [Interval(numbers.Integral, 2, None)],
        "groups": ["array-like", None],
        "random_state": ["random_state"],
        "fit_kwargs": ["mapping", None],
        "progress": ["boolean"],
    }
)
def cross_validate(
    model: BaseEstimator | Callable[[], Any],
    X: ArrayLike,
    y: ArrayLike,
    *,
    n_splits: int = 5,
    groups: ArrayLike | None = None,
    random_state: int | np.random.Generator | None = 0,
    fit_kwargs: dict | None = None,
    progress: bool = False,
) -> CVResult:
    """Stratified k-fold cross-validation returning fold metrics and out-of-fold scores.

    Parameters
    ----------
    model : scikit-learn classifier or callable
        An estimator (cloned afresh for every fold) or a zero-argument function
        returning a fresh *compiled* Keras model with one sigmoid output.
    X : array-like of shape (n, ...)
        Features (any shape for Keras: images are fine).
    y : array-like of shape (n,)
        0/1 labels.
    n_splits : int, default 5
        Number of folds (at least 2).
    groups : array-like of shape (n,), optional
        Family or patient identifiers: people with the same group are always
        in the same fold (``StratifiedGroupKFold``), so relatives or several
        images of one patient never straddle training and test.
    random_state : int, numpy.random.Generator or None, default 0
        Shuffles the folds (through
        :func:`~pmed_utils.reproducibility.derive_seed`); Keras models are
        seeded from it too.
    fit_kwargs : dict, optional
        Passed to ``fit`` (e.g. ``epochs``, ``batch_size`` for Keras).
    progress : bool, default False
        Show a progress bar over folds.

    Returns
    -------
    CVResult
        Per-fold metrics and out-of-fold scores. A test fold with a single
        class (possible with ``groups``) gets NaN AUC and average precision and
        a :class:`~pmed_utils.validation.DegenerateInputWarning`.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> X, y = make_classification(200, 5, random_state=0)
    >>> cv = cross_validate(LogisticRegression(), X, y, n_splits=4)
    >>> cv.fold_metrics.shape[0], cv.oof_score.shape
    (4, (200,))
    """
    y = check_binary_labels(y, "y", func="cross_validate")
    check_same_length((X, "X"), (y, "y"), func="cross_validate")
    if np.bincount(y, minlength=2).min() < n_splits:
        raise ValueError(
            f"cross_validate needs at least n_splits={n_splits} people of each class; "
            f"got {np.bincount(y, minlength=2).tolist()} (controls, cases)."
        )
    is_sklearn = isinstance(model, BaseEstimator)
    seed = derive_seed(random_state, func="cross_validate")
    if groups is None:
        splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        splits = splitter.split(np.zeros(len(y)), y)
    else:
        groups = np.asarray(groups)
        check_same_length((groups, "groups"), (y, "y"), func="cross_validate")
        splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        splits = splitter.split(np.zeros(len(y)), y, groups)
    X_arr = X if hasattr(X, "iloc") else np.asarray(X)
    oof = np.full(len(y), np.nan)
    fold_of = np.full(len(y), -1)
    rows = []
    for k, (train, test) in enumerate(tqdm_class()(list(splits), desc="CV folds", disable=not progress)):
        take = (lambda idx: X_arr.iloc[idx]) if hasattr(X_arr, "iloc") else (lambda idx: X_arr[idx])
        if is_sklearn:
            fitted = clone(model).fit(take(train), y[train], **(fit_kwargs or {}))
        else:
            keras = keras_module()
            keras.utils.set_random_seed(seed + k)
            fitted = model()
            fitted.fit(take(train), y[train], verbose=0, **(fit_kwargs or {}))
        score = _predict_score(fitted, take(test))
        check_scores(y[test], score, "cross_validate")
        oof[test], fold_of[test] = score, k
        both = len(np.unique(y[test])) == 2
        if not both:
            warn_degenerate(
                "cross_validate", f"test fold {k} has a single class, so its AUC and average precision are undefined"
            )
        in_unit = score.min() >= 0 and score.max() <= 1
        rows.append(
            {
                "fold": k,
                "n_train": len(train),
                "n_test": len(test),
                "auc": roc_auc_score(y[test], score) if both else np.nan,
                "average_precision": average_precision_score(y[test], score) if both else np.nan,
                "brier": brier_score_loss(y[test], score) if in_unit else np.nan,
            }
        )
    return CVResult(pd.DataFrame(rows), oof, fold_of)
