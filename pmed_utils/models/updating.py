"""Keeping a deployed risk model up to date: frozen, recalibrated, updated online, or refitted.

Each strategy is an object with the same three methods, used prequentially:
``fit(X_dev, y_dev)`` once on the development data, then every month
``predict_proba(X_month)`` for the new patients and, when their outcomes are
known, ``update(X_month, y_month)``. The base model is a logistic regression
on standardized features (the tabular risk factors plus the image model's
score); what differs is what each strategy does with the new labels:

* :class:`FrozenModel` ignores them (the model as validated);
* :class:`PeriodicRecalibration` keeps the model's ranking and refits a
  recalibration map (e.g. ``pmed_utils.evaluation.Recalibrator``) on the
  last ``window`` months every ``every`` months;
* :class:`OnlineUpdating` takes stochastic-gradient steps on each month's
  patients (``SGDClassifier.partial_fit``), warm-started at the fitted model;
* :class:`FullRefit` refits the whole model on all data seen so far (or the
  last ``window`` months) every ``every`` months.

``pmed_utils.evaluation.run_update_strategy`` runs one over a stream and
scores it month by month.
"""

from __future__ import annotations

import copy
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from pmed_utils.datasets.stream import PatientStream, simulate_stream
from pmed_utils.reproducibility import check_random_state, derive_seed
from pmed_utils.validation import (
    Interval,
    check_binary_labels,
    check_columns,
    check_covariates,
    check_same_length,
    validate_params,
)

__all__ = [
    "FrozenModel",
    "FullRefit",
    "OnlineUpdating",
    "PeriodicRecalibration",
    "UpdateScenario",
    "UpdateStrategy",
    "make_update_scenario",
]

_C = Interval(numbers.Real, 0, None, closed="neither")
_EVERY = Interval(numbers.Integral, 1, None, closed="left")


class UpdateStrategy:
    """Base class: a logistic regression on standardized features, fitted on development data.

    Subclasses change :meth:`update`. The base class never updates, which
    is :class:`FrozenModel`.

    Parameters
    ----------
    C : float > 0, default 1.0
        Inverse L2 penalty of the logistic regression.

    Attributes
    ----------
    scaler_ : sklearn.preprocessing.StandardScaler
        Fitted on the development data, then frozen.
    model_ : sklearn.linear_model.LogisticRegression or SGDClassifier
        The current model.
    n_updates_ : int
        How many times :meth:`update` changed the model.
    name : str
        Short label for tables and plots.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)
    >>> m = UpdateStrategy().fit(X, y)
    >>> m.predict_proba(X[:3]).shape, m.update(X, y).n_updates_
    ((3,), 0)
    """

    name = "frozen"

    @validate_params({"C": [_C]})
    def __init__(self, C: float = 1.0) -> None:
        self.C = C
        self.n_updates_ = 0

    def _check(self, X: ArrayLike, y: ArrayLike | None, method: str) -> tuple[np.ndarray, np.ndarray | None]:
        func = f"{type(self).__name__}.{method}"
        x, _ = check_covariates(X, "X", func=func)
        if hasattr(self, "scaler_") and x.shape[1] != self.scaler_.n_features_in_:
            raise ValueError(
                f"The 'X' parameter of {func} must have the {self.scaler_.n_features_in_} columns the model was "
                f"fitted on; got {x.shape[1]}."
            )
        if y is None:
            return x, None
        labels = check_binary_labels(y, "y", func=func)
        check_same_length((x, "X"), (labels, "y"), func=func)
        return x, labels

    def _check_xy(self, X: ArrayLike, y: ArrayLike, method: str) -> tuple[np.ndarray, np.ndarray]:
        x, labels = self._check(X, y, method)
        return x, cast(np.ndarray, labels)

    def _fit_model(self, x: np.ndarray, y: np.ndarray) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=1000).fit(self.scaler_.transform(x), y)

    def fit(self, X: ArrayLike, y: ArrayLike) -> UpdateStrategy:
        """Fit the scaler and the model on the development data; returns ``self``.

        Parameters
        ----------
        X : array-like of float, shape (n, n_features)
            Development features.
        y : array-like of int, shape (n,)
            0/1 outcomes (both classes needed).

        Returns
        -------
        UpdateStrategy
            ``self``, fitted.
        """
        x, labels = self._check_xy(X, y, "fit")
        if labels.min() == labels.max():
            raise ValueError(f"The 'y' parameter of {type(self).__name__}.fit must hold both classes.")
        self.scaler_ = StandardScaler().fit(x)
        self.model_ = self._fit_model(x, labels)
        self.base_model_ = self.model_
        self.n_updates_ = 0
        return self

    def _score(self, x: np.ndarray) -> np.ndarray:
        return self.model_.predict_proba(self.scaler_.transform(x))[:, 1]

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Predicted risk for new patients.

        Parameters
        ----------
        X : array-like of float, shape (n, n_features)
            The new patients' features (same columns as in :meth:`fit`).

        Returns
        -------
        ndarray of float, shape (n,)
            Probabilities of the outcome.
        """
        if not hasattr(self, "model_"):
            raise RuntimeError(f"This {type(self).__name__} is not fitted yet: call fit(X_dev, y_dev) first.")
        x, _ = self._check(X, None, "predict_proba")
        return self._score(x)

    def update(self, X: ArrayLike, y: ArrayLike) -> UpdateStrategy:
        """Learn from one month's labelled patients (the frozen model ignores them); returns ``self``.

        Parameters
        ----------
        X : array-like of float, shape (n, n_features)
            That month's features.
        y : array-like of int, shape (n,)
            Their outcomes.

        Returns
        -------
        UpdateStrategy
            ``self``.
        """
        if not hasattr(self, "model_"):
            raise RuntimeError(f"This {type(self).__name__} is not fitted yet: call fit(X_dev, y_dev) first.")
        self._check(X, y, "update")
        return self


class FrozenModel(UpdateStrategy):
    """The model as validated at deployment: :meth:`update` changes nothing.

    Parameters
    ----------
    C : float > 0, default 1.0
        Inverse L2 penalty of the logistic regression.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)
    >>> m = FrozenModel().fit(X, y)
    >>> p = m.predict_proba(X[:5]); bool(np.allclose(m.update(X, 1 - y).predict_proba(X[:5]), p))
    True
    """

    name = "frozen"


class _Monthly(UpdateStrategy):
    """Keeps the labelled months it has seen and counts them."""

    def fit(self, X: ArrayLike, y: ArrayLike) -> _Monthly:
        super().fit(X, y)
        self.months_: list[tuple[np.ndarray, np.ndarray]] = []
        self.map_: Any = None
        return self

    def _remember(self, x: np.ndarray, y: np.ndarray) -> None:
        self.months_.append((x, y))

    def _recent(self, window: int | None) -> tuple[np.ndarray, np.ndarray]:
        months = self.months_ if window is None else self.months_[-window:]
        return np.concatenate([m[0] for m in months]), np.concatenate([m[1] for m in months])


class PeriodicRecalibration(_Monthly):
    """Keep the model's ranking; every ``every`` months refit a recalibration map on the last ``window`` months.

    Parameters
    ----------
    recalibrator : object
        An unfitted map with ``fit(y, score)`` and ``predict(score)``, e.g.
        ``pmed_utils.evaluation.Recalibrator("platt")``; a fresh copy is
        fitted at each recalibration on the base model's probabilities.
    every : int >= 1, default 3
        Months between recalibrations.
    window : int >= 1, default 3
        Months of labelled patients used for each fit.
    C : float > 0, default 1.0
        Inverse L2 penalty of the base logistic regression.

    Examples
    --------
    >>> from pmed_utils.evaluation import Recalibrator
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 2)); y = (X[:, 0] + rng.normal(size=400) > 0).astype(int)
    >>> m = PeriodicRecalibration(Recalibrator("platt"), every=1).fit(X, y)
    >>> y_new = (X[:, 0] + rng.normal(size=400) > -1.5).astype(int)   # far more events now
    >>> before = m.predict_proba(X).mean(); after = m.update(X, y_new).predict_proba(X).mean()
    >>> bool(after > before + 0.2), m.n_updates_
    (True, 1)
    """

    name = "recalibrated"

    @validate_params({"recalibrator": [object], "every": [_EVERY], "window": [_EVERY], "C": [_C]})
    def __init__(self, recalibrator: Any, *, every: int = 3, window: int = 3, C: float = 1.0) -> None:
        super().__init__(C=C)
        for method in ("fit", "predict"):
            if not callable(getattr(recalibrator, method, None)):
                raise TypeError(
                    "The 'recalibrator' parameter of PeriodicRecalibration must have fit(y, score) and "
                    f"predict(score) methods (e.g. pmed_utils.evaluation.Recalibrator()); got {recalibrator!r}."
                )
        self.recalibrator = recalibrator
        self.every = every
        self.window = window
        self.map_: Any = None

    def _score(self, x: np.ndarray) -> np.ndarray:
        base = super()._score(x)
        return base if self.map_ is None else np.asarray(self.map_.predict(base), dtype=float)

    def update(self, X: ArrayLike, y: ArrayLike) -> PeriodicRecalibration:
        """Store the month; every ``every`` months refit the map on the last ``window`` months.

        Parameters
        ----------
        X : array-like of float, shape (n, n_features)
            That month's features.
        y : array-like of int, shape (n,)
            Their outcomes.

        Returns
        -------
        PeriodicRecalibration
            ``self``.
        """
        super().update(X, y)
        x, labels = self._check_xy(X, y, "update")
        self._remember(x, labels)
        if len(self.months_) % self.every == 0:
            xs, ys = self._recent(self.window)
            if ys.min() < ys.max():
                self.map_ = copy.deepcopy(self.recalibrator).fit(ys, UpdateStrategy._score(self, xs))
                self.n_updates_ += 1
        return self


class OnlineUpdating(UpdateStrategy):
    """Stochastic-gradient steps on each month's patients, warm-started at the fitted logistic regression.

    ``SGDClassifier(loss="log_loss")`` starts from the development model's
    coefficients and takes ``n_passes`` passes of ``partial_fit`` over each
    new month with a constant step size ``learning_rate``: every coefficient
    (including the intercept) moves a little towards the current data.

    Parameters
    ----------
    learning_rate : float > 0, default 0.01
        Constant SGD step size (``eta0``).
    n_passes : int >= 1, default 1
        Passes over each month.
    alpha : float >= 0, default 1e-4
        L2 penalty of the SGD updates.
    C : float > 0, default 1.0
        Inverse L2 penalty of the development fit.
    random_state : int, numpy.random.Generator or None, default None
        Seed for the order of the SGD steps.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 2)); y = (X[:, 0] + rng.normal(size=400) > 0).astype(int)
    >>> m = OnlineUpdating(learning_rate=0.05).fit(X, y)
    >>> y_new = (X[:, 0] + rng.normal(size=400) > -1.5).astype(int)
    >>> before = m.predict_proba(X).mean(); after = m.update(X, y_new).predict_proba(X).mean()
    >>> bool(after > before + 0.1), m.n_updates_
    (True, 1)
    """

    name = "online"

    @validate_params(
        {
            "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
            "n_passes": [_EVERY],
            "alpha": [Interval(numbers.Real, 0, None, closed="left")],
            "C": [_C],
            "random_state": ["random_state"],
        }
    )
    def __init__(
        self,
        learning_rate: float = 0.01,
        *,
        n_passes: int = 1,
        alpha: float = 1e-4,
        C: float = 1.0,
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        super().__init__(C=C)
        self.learning_rate = learning_rate
        self.n_passes = n_passes
        self.alpha = alpha
        self.random_state = random_state

    def _fit_model(self, x: np.ndarray, y: np.ndarray) -> SGDClassifier:
        start = super()._fit_model(x, y)
        sgd = SGDClassifier(
            loss="log_loss",
            learning_rate="constant",
            eta0=self.learning_rate,
            alpha=self.alpha,
            random_state=derive_seed(self.random_state),
        )
        # A partial_fit on no data would be ideal; one step at the optimum's coefficients,
        # then restoring them, leaves the model exactly at the development fit.
        sgd.partial_fit(self.scaler_.transform(x[:2]), y[:2], classes=np.array([0, 1]))
        sgd.coef_ = start.coef_.copy()
        sgd.intercept_ = start.intercept_.copy()
        return sgd

    def update(self, X: ArrayLike, y: ArrayLike) -> OnlineUpdating:
        """Take ``n_passes`` passes of SGD over the month; returns ``self``.

        Parameters
        ----------
        X : array-like of float, shape (n, n_features)
            That month's features.
        y : array-like of int, shape (n,)
            Their outcomes.

        Returns
        -------
        OnlineUpdating
            ``self``.
        """
        super().update(X, y)
        x, labels = self._check_xy(X, y, "update")
        z = self.scaler_.transform(x)
        for _ in range(self.n_passes):
            self.model_.partial_fit(z, labels)
        self.n_updates_ += 1
        return self


class FullRefit(_Monthly):
    """Every ``every`` months, refit the whole model on the development data and all months seen (or the last ``window``).

    Parameters
    ----------
    every : int >= 1, default 6
        Months between refits.
    window : int >= 1 or None, default None
        Months of new data used (None: all of them, plus the development
        data; an int: only the last ``window`` months, development data dropped).
    C : float > 0, default 1.0
        Inverse L2 penalty of the logistic regression.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 2)); y = (X[:, 0] + rng.normal(size=400) > 0).astype(int)
    >>> m = FullRefit(every=1, window=1).fit(X, y)
    >>> y_new = (X[:, 1] + rng.normal(size=400) > 0).astype(int)   # the other feature matters now
    >>> bool(abs(m.update(X, y_new).model_.coef_[0, 1]) > abs(m.model_.coef_[0, 0]))
    True
    """

    name = "refit"

    @validate_params({"every": [_EVERY], "window": [_EVERY, None], "C": [_C]})
    def __init__(self, *, every: int = 6, window: int | None = None, C: float = 1.0) -> None:
        super().__init__(C=C)
        self.every = every
        self.window = window

    def fit(self, X: ArrayLike, y: ArrayLike) -> FullRefit:
        """Fit on the development data and keep it for later refits; returns ``self``.

        Parameters
        ----------
        X : array-like of float, shape (n, n_features)
            Development features.
        y : array-like of int, shape (n,)
            0/1 outcomes.

        Returns
        -------
        FullRefit
            ``self``, fitted.
        """
        super().fit(X, y)
        self.development_ = self._check_xy(X, y, "fit")
        return self

    def update(self, X: ArrayLike, y: ArrayLike) -> FullRefit:
        """Store the month; every ``every`` months refit the model; returns ``self``.

        Parameters
        ----------
        X : array-like of float, shape (n, n_features)
            That month's features.
        y : array-like of int, shape (n,)
            Their outcomes.

        Returns
        -------
        FullRefit
            ``self``.
        """
        super().update(X, y)
        x, labels = self._check_xy(X, y, "update")
        self._remember(x, labels)
        if len(self.months_) % self.every == 0:
            xs, ys = self._recent(self.window)
            if self.window is None:
                xs = np.concatenate([self.development_[0], xs])
                ys = np.concatenate([self.development_[1], ys])
            if ys.min() < ys.max():
                self.model_ = self._fit_model(xs, ys)
                self.n_updates_ += 1
        return self


@dataclass(frozen=True)
class UpdateScenario:
    """Everything the model-updating chapter needs: development data, a stream, the models' inputs.

    Attributes
    ----------
    development : pandas.DataFrame
        The risk model's development people (half of those not in the
        ``"train"`` split) with an
        ``image_score`` column (the image model's log-odds).
    X_development : ndarray of float, shape (n_dev, n_features)
        Their features (``feature_names``).
    stream : pmed_utils.datasets.stream.PatientStream
        The new patients month by month and the drift schedule (the truth).
    features : pandas.DataFrame
        The stream patients' features, aligned with ``stream.patients``,
        with ``image_score`` computed on their (possibly shifted) images.
    feature_names : list of str
        Columns of ``features`` used by the risk model.
    image_model : sklearn.pipeline.Pipeline
        Pixels → PCA → logistic regression, fitted on the development images.

    Examples
    --------
    >>> import pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> people = pd.DataFrame({"prs": rng.normal(size=300), "bmi": rng.normal(27, 4, 300),
    ...                        "split": ["train", "test"] * 150})
    >>> people["disease"] = (people["prs"] + rng.normal(size=300) > 1).astype(int)
    >>> images = (rng.random((300, 8, 8)) * 255).astype(np.uint8)
    >>> sc = make_update_scenario(people, images, features=("prs", "bmi"), n_months=2,
    ...                           patients_per_month=50, drifts=[], n_components=4)
    >>> sc.features.shape, sc.feature_names
    ((100, 3), ['prs', 'bmi', 'image_score'])
    """

    development: pd.DataFrame
    X_development: np.ndarray
    stream: PatientStream
    features: pd.DataFrame
    feature_names: list[str]
    image_model: Pipeline

    @property
    def X(self) -> np.ndarray:
        """The stream's feature matrix, shape (n_patients, n_features)."""
        return self.features[self.feature_names].to_numpy(dtype=float)

    @property
    def y(self) -> np.ndarray:
        """The stream's outcomes, shape (n_patients,)."""
        return self.stream.patients["disease"].to_numpy()

    @property
    def month(self) -> np.ndarray:
        """Each stream patient's month, shape (n_patients,)."""
        return self.stream.patients["month"].to_numpy()


def _pixels(images: np.ndarray) -> np.ndarray:
    x = np.asarray(images, dtype=float)
    if np.asarray(images).dtype.kind in "ui":
        x = x / 255.0
    return x.reshape(len(x), -1)


@validate_params(
    {
        "people": ["dataframe"],
        "images": ["array-like"],
        "features": [list, tuple],
        "n_months": [Interval(numbers.Integral, 1, None, closed="left")],
        "patients_per_month": [Interval(numbers.Integral, 1, None, closed="left")],
        "drifts": [list, tuple, None],
        "n_components": [Interval(numbers.Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }
)
def make_update_scenario(
    people: pd.DataFrame,
    images: np.ndarray,
    *,
    features: Sequence[str] = ("prs", "bmi", "smoking", "age"),
    n_months: int = 36,
    patients_per_month: int = 300,
    drifts: Sequence[Mapping[str, Any]] | None = None,
    n_components: int = 20,
    random_state: int | np.random.Generator | None = None,
) -> UpdateScenario:
    """Fit an image model on the development people and stream new patients from the held-out ones.

    The image model (pixels → PCA → logistic regression; a light stand-in
    for the book's CNN that is just as sensitive to a scanner change) is
    fitted on the images of the people with ``split == "train"``; its
    log-odds becomes the feature ``image_score``. The other people (the
    linked cohort's validation and test people, on whom the PRS was not
    fitted) are split in half within each disease class: one half is the
    risk model's development data, the other the pool the stream draws new
    patients from (:func:`pmed_utils.datasets.simulate_stream`), so no
    development person arrives as a new patient and both halves hold images
    of both MedMNIST splits (PneumoniaMNIST's test images look more like
    pneumonia to a model trained on its training images than its validation
    images do: a shift of its own, which a split by MedMNIST split would
    mix into the simulated drifts). Within a MedMNIST split an image can
    serve people of both halves (the linked cohort's image reuse).

    Parameters
    ----------
    people : pandas.DataFrame
        One row per simulated person with ``split``, ``disease`` and the
        ``features`` columns (numeric), aligned with ``images``.
    images : array-like of shape (n_people, height, width[, channels])
        Each person's image (uint8 or float in [0, 1]).
    features : sequence of str, default ("prs", "bmi", "smoking", "age")
        Tabular columns of the risk model (``image_score`` is added).
    n_months : int >= 1, default 36
        Months of the stream.
    patients_per_month : int >= 1, default 300
        New patients a month.
    drifts : list of dict or None, default None
        The drift schedule (None: ``DEFAULT_DRIFTS``); see
        :func:`pmed_utils.datasets.simulate_stream`.
    n_components : int >= 1, default 20
        Principal components of the image model.
    random_state : int, numpy.random.Generator or None, default None
        Seed for the development/pool split and the stream.

    Returns
    -------
    UpdateScenario
        Development data, the stream and the features of both.

    Examples
    --------
    >>> import pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> people = pd.DataFrame({"prs": rng.normal(size=300), "split": ["train", "test"] * 150})
    >>> people["disease"] = (people["prs"] + rng.normal(size=300) > 1).astype(int)
    >>> images = (rng.random((300, 8, 8)) * 255).astype(np.uint8)
    >>> sc = make_update_scenario(people, images, features=("prs",), n_months=3,
    ...                           patients_per_month=20, drifts=[], n_components=4, random_state=0)
    >>> bool(len(sc.development) + sc.stream.patients["pool_index"].max() < 150), sc.X.shape
    (True, (60, 2))
    """
    names = list(features)
    check_columns(people, "people", ["split", "disease", *names], func="make_update_scenario")
    pics = np.asarray(images)
    if len(pics) != len(people) or pics.ndim < 3:
        raise ValueError(
            "The 'images' parameter of make_update_scenario must hold one image per person "
            f"({len(people)}); got shape {pics.shape}."
        )
    split = people["split"].to_numpy()
    image_mask, held_out = split == "train", split != "train"
    if image_mask.sum() < 2 or held_out.sum() < 2:
        raise ValueError(
            "The 'people' parameter of make_update_scenario needs people with split 'train' (for the image "
            f"model) and others (development and the stream's pool); got {int(image_mask.sum())} and "
            f"{int(held_out.sum())}."
        )
    # The held-out people, split in half within each disease class: development and pool.
    rng = check_random_state(random_state, func="make_update_scenario")
    dev_mask = np.zeros(len(people), dtype=bool)
    disease = people["disease"].to_numpy()
    for cls in np.unique(disease[held_out]):
        rows = rng.permutation(np.flatnonzero(held_out & (disease == cls)))
        dev_mask[rows[: len(rows) // 2]] = True
    pool_mask = held_out & ~dev_mask
    y_img = check_binary_labels(people["disease"].to_numpy()[image_mask], "people", func="make_update_scenario")
    n_comp = int(min(n_components, image_mask.sum() - 1, _pixels(pics[:1]).shape[1]))
    image_model = make_pipeline(
        PCA(n_components=n_comp, random_state=derive_seed(random_state)), LogisticRegression(max_iter=2000)
    ).fit(_pixels(pics[image_mask]), y_img)
    development = people[dev_mask].reset_index(drop=True)
    development["image_score"] = image_model.decision_function(_pixels(pics[dev_mask]))
    pool = people[pool_mask].reset_index(drop=True)
    stream = simulate_stream(
        pool,
        pics[pool_mask],
        n_months=n_months,
        patients_per_month=patients_per_month,
        drifts=drifts,
        random_state=rng,
    )
    stream_features = stream.patients[names].reset_index(drop=True).astype(float)
    stream_features["image_score"] = image_model.decision_function(_pixels(cast(np.ndarray, stream.images)))
    all_names = [*names, "image_score"]
    return UpdateScenario(
        development=development,
        X_development=development[all_names].to_numpy(dtype=float),
        stream=stream,
        features=stream_features,
        feature_names=all_names,
        image_model=image_model,
    )
