"""Multimodal fusion: genotype (PRS), image and clinical data of one person combined into one risk.

Three ways to fuse, each fitted on the training people of a
:class:`~pmed_utils.datasets.linked.LinkedCohort` (validation people for
early stopping, calibration and stacking; test people never):

- **Late fusion** (:func:`fit_fused_risk_model` → :class:`FusedRiskModel`):
  one model per modality, each calibrated on validation people, then their
  log-odds combined. The closed form is
  :func:`optimal_log_odds_combination`,
  logit p = logit p_genomic + logit p_image − logit π (π: the prevalence the
  image model learned under, the *prior correction*); it is optimal when the
  image depends on genotype and environment only through the disease, as in
  a linked cohort. The fitted model *stacks* instead: a logistic regression
  of the outcome on the two log-odds, learned on validation people (the sum
  is the special case of weights 1, 1 and intercept −logit π).
- **Early fusion** (:func:`fit_early_fusion`): the image CNN's features, the
  PRS and the clinical data side by side in one penalized logistic regression.
- **Intermediate fusion** (:func:`fit_intermediate_fusion`): a two-input Keras
  network, a convolutional image branch and a dense tabular branch joined
  before the output, trained end to end.

Only late fusion handles a **missing modality**: a person without an image, or
without genotypes (``prs`` NaN or the column absent), gets the risk from what
they have, and :meth:`FusedRiskModel.predict` says which modalities were used.
Without ``allow_missing=True`` a missing modality is an error, never a silent
fallback. :meth:`FusedRiskModel.contributions` splits each person's log-odds
into a baseline, the genotype (PRS and ancestry PCs), the image, and each
clinical factor (the modifiable ones: bmi, smoking); they add up exactly.

The data are simulated people with real MedMNIST images; nothing here is about
a real person.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils._tensorflow import keras_module
from pmed_utils.datasets.linked import LinkedCohort
from pmed_utils.models.cnn import small_cnn
from pmed_utils.models.features import extract_features
from pmed_utils.models.training import predict_scores, train_classifier
from pmed_utils.models.weight_store import WeightStore
from pmed_utils.reproducibility import derive_seed
from pmed_utils.validation import (
    Interval,
    check_columns,
    check_finite,
    check_same_length,
    validate_params,
)

__all__ = [
    "CLINICAL_FEATURES",
    "MODIFIABLE_FACTORS",
    "EarlyFusion",
    "FusedRiskModel",
    "IntermediateFusion",
    "MissingModalityError",
    "MissingModalityWarning",
    "fit_early_fusion",
    "fit_fused_risk_model",
    "fit_intermediate_fusion",
    "fusion_scores",
    "optimal_log_odds_combination",
    "truth_ceiling",
]

#: Clinical columns every person needs (the fallback when genotype and image are missing).
CLINICAL_FEATURES = ("sex", "age", "bmi", "smoking")
#: The clinical factors a person can change (the report's what-if).
MODIFIABLE_FACTORS = ("bmi", "smoking")
_EPS = 1e-7


class MissingModalityError(ValueError):
    """A person lacks a modality and the fallback was not requested (``allow_missing=False``).

    Examples
    --------
    >>> issubclass(MissingModalityError, ValueError)
    True
    """


class MissingModalityWarning(UserWarning):
    """Some people were scored without a modality (the fallback, ``allow_missing=True``).

    Examples
    --------
    >>> issubclass(MissingModalityWarning, UserWarning)
    True
    """


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def _probability(values: Any, param: str, func: str) -> np.ndarray:
    p = check_finite(np.asarray(values, dtype=float), param, func=func)
    if p.ndim != 1:
        raise ValueError(f"The '{param}' parameter of {func} must be one-dimensional; got shape {p.shape}.")
    if p.size and (p.min() < 0 or p.max() > 1):
        raise ValueError(
            f"The '{param}' parameter of {func} must be probabilities in [0, 1]; got values in [{p.min():g}, {p.max():g}]."
        )
    return p


@validate_params(
    {
        "p_genomic": ["array-like"],
        "p_image": ["array-like"],
        "prior": [Interval(numbers.Real, 0, 1, closed="neither")],
    }
)
def optimal_log_odds_combination(p_genomic: ArrayLike, p_image: ArrayLike, prior: float) -> np.ndarray:
    """Combine two calibrated probabilities of conditionally independent modalities: log-odds sum, prior corrected.

    If the image I depends on the genomic data G only through the disease D,
    Bayes' rule gives
    logit P(D | G, I) = logit P(D | G) + logit P(D | I) − logit π,
    where π is the prevalence under which P(D | I) was learned (both
    probabilities must refer to the same population prevalence π, the one in
    P(D | G) too; otherwise the prior odds are counted twice).

    Parameters
    ----------
    p_genomic : array-like of float in [0, 1], shape (n,)
        Calibrated P(D | genotype, environment).
    p_image : array-like of float in [0, 1], shape (n,)
        Calibrated P(D | image), learned at prevalence ``prior``.
    prior : float in (0, 1)
        The prevalence π.

    Returns
    -------
    ndarray of float64, shape (n,)
        The fused probability.

    Examples
    --------
    >>> optimal_log_odds_combination([0.2, 0.5], [0.2, 0.8], prior=0.2).round(3)  # an uninformative image leaves 0.2
    array([0.2  , 0.941])
    """
    func = "optimal_log_odds_combination"
    g = _probability(p_genomic, "p_genomic", func)
    i = _probability(p_image, "p_image", func)
    check_same_length((g, "p_genomic"), (i, "p_image"), func=func)
    return _sigmoid(_logit(g) + _logit(i) - _logit(np.array(prior)))


@validate_params(
    {
        "linked": [LinkedCohort],
        "p_image": ["array-like", None],
        "prior": [Interval(numbers.Real, 0, 1, closed="neither")],
    }
)
def truth_ceiling(linked: LinkedCohort, p_image: ArrayLike | None = None, prior: float = 0.2) -> np.ndarray:
    """The ceiling that knows the simulation's genetic value and environment, optionally fused with the image.

    P(D | genetic value, environment) from the liability model
    (:meth:`~pmed_utils.datasets.linked.LinkedCohort.truth_risk`): what a
    perfect PRS and environment model would say. With ``p_image``, it is
    combined with the image's calibrated probability by
    :func:`optimal_log_odds_combination`: the best any fusion of a perfect
    genomic model with this image model can do.

    Parameters
    ----------
    linked : LinkedCohort
        The cohort (its truth columns).
    p_image : array-like of float in [0, 1], shape (n_people,), optional
        Calibrated image probabilities, one per row of ``linked.people``.
    prior : float in (0, 1), default 0.2
        The prevalence the image model learned under (e.g.
        :attr:`FusedRiskModel.prior`).

    Returns
    -------
    ndarray of float64, shape (n_people,)
        The ceiling's probability for every person.

    Examples
    --------
    >>> from pmed_utils.datasets import make_linked_cohort
    >>> linked = make_linked_cohort(150, n_chromosomes=1, segment_length=1e5, n_causal=10, random_state=0)
    >>> truth_ceiling(linked).shape == (len(linked.people),)
    True
    """
    risk = linked.truth_risk()
    if p_image is None:
        return risk
    p = _probability(p_image, "p_image", "truth_ceiling")
    check_same_length((p, "p_image"), (risk, "linked.people"), func="truth_ceiling")
    return optimal_log_odds_combination(risk, p, prior)


# --------------------------------------------------------------------------------------
# Input checks shared by the fitted models


def _check_people(people: Any, func: str) -> pd.DataFrame:
    if not isinstance(people, pd.DataFrame):
        raise TypeError(f"The 'people' parameter of {func} must be a pandas DataFrame; got {type(people).__name__}.")
    check_columns(people, "people", CLINICAL_FEATURES, func=func)
    clinical = people.loc[:, list(CLINICAL_FEATURES)]
    try:
        values = clinical.to_numpy(float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"The 'people' parameter of {func} must have numeric {list(CLINICAL_FEATURES)}.") from err
    if not np.isfinite(values).all():
        bad = clinical.columns[~np.isfinite(values).all(axis=0)].tolist()
        raise ValueError(
            f"The 'people' parameter of {func} has missing or infinite clinical values in {bad}: "
            "the clinical data are required (only the genotype and the image may be missing)."
        )
    return people


def _check_images(images: Any, n: int, func: str) -> tuple[np.ndarray | None, np.ndarray]:
    """Images as float32 (n, 28, 28, 1) or None, and a mask of who has one (a row of NaN = no image)."""
    if images is None:
        return None, np.zeros(n, dtype=bool)
    x = np.asarray(images)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[1:] != (28, 28, 1):
        raise ValueError(
            f"The 'images' parameter of {func} must have shape (n_people, 28, 28, 1) or (n_people, 28, 28) "
            f"(grey 28×28 MedMNIST images); got shape {np.shape(images)}."
        )
    if not np.issubdtype(x.dtype, np.number):
        raise TypeError(f"The 'images' parameter of {func} must be numeric; got dtype {x.dtype}.")
    if len(x) != n:
        raise ValueError(f"The 'images' parameter of {func} must have one image per person ({n}); got {len(x)}.")
    x = x.astype(np.float32)
    flat = x.reshape(n, -1)
    nan = np.isnan(flat)
    has = ~nan.all(axis=1)
    if (nan.any(axis=1) & has).any():
        raise ValueError(
            f"The 'images' parameter of {func} has images with some NaN pixels; a missing image is a row "
            "that is NaN everywhere."
        )
    if not np.isfinite(flat[has]).all():
        raise ValueError(f"The 'images' parameter of {func} has infinite pixels.")
    if has.any() and (flat[has].min() < 0 or flat[has].max() > 1):
        raise ValueError(
            f"The 'images' parameter of {func} must be in [0, 1] (divide uint8 images by 255); got values in "
            f"[{flat[has].min():g}, {flat[has].max():g}]."
        )
    return x, has


def _genotype_mask(people: pd.DataFrame, columns: list[str]) -> np.ndarray:
    if not all(c in people.columns for c in columns):
        return np.zeros(len(people), dtype=bool)
    values = people.loc[:, columns].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    return np.isfinite(values).all(axis=1)


@dataclass
class _Logistic:
    """A standardized logistic regression with its coefficients on the original scale kept for contributions."""

    features: list[str]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def terms(self, frame: pd.DataFrame) -> np.ndarray:
        x = frame.loc[:, self.features].to_numpy(float)
        return (x - self.mean) / self.scale * self.coef

    def log_odds(self, frame: pd.DataFrame) -> np.ndarray:
        return self.intercept + self.terms(frame).sum(axis=1)


def _fit_logistic(x: np.ndarray, y: np.ndarray, features: list[str], c: float = 1.0, seed: int = 0) -> _Logistic:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    fit = LogisticRegression(C=c, max_iter=2000, random_state=seed).fit((x - mean) / scale, y)
    return _Logistic(list(features), mean, scale, fit.coef_[0].copy(), float(fit.intercept_[0]))


@dataclass
class FusedRiskModel:
    """Late fusion of the genotype, image and clinical modalities, with an explicit fallback when one is missing.

    Fitted by :func:`fit_fused_risk_model`. Per modality: ``genomic`` (a
    logistic regression on PRS, ancestry PCs and the clinical features),
    ``clinical`` (the same without genotype: the fallback), ``image`` (a CNN
    on the training people's images, Platt-calibrated on validation people).
    Their log-odds are stacked by a logistic regression fitted on validation
    people, one for each pattern of available modalities.

    Attributes
    ----------
    genomic, clinical : _Logistic
        The tabular models (standardization, coefficients, intercept).
    cnn : keras.Model
        The image model (its ``"features"`` layer feeds :func:`fit_early_fusion`).
    image_platt : tuple of float
        (a, b): calibrated image log-odds = a + b · logit(CNN output).
    stackers : dict of frozenset to tuple of float
        For each set of available modalities ({"genotype", "image"},
        {"genotype"}, {"image"}, {}), (intercept, weight of the tabular
        log-odds, weight of the image log-odds).
    prior : float
        The training people's prevalence π (the image model's prior).
    genotype_features : list of str
        "prs" and the PC columns.
    history : TrainingHistory
        The CNN's training history.

    Examples
    --------
    See :func:`fit_fused_risk_model`; the modality sets it can score:

    >>> sorted(sorted(s) for s in (frozenset(), frozenset({"image"}), frozenset({"genotype", "image"})))
    [[], ['genotype', 'image'], ['image']]
    """

    genomic: _Logistic
    clinical: _Logistic
    cnn: Any = field(repr=False)
    image_platt: tuple[float, float]
    stackers: dict[frozenset, tuple[float, ...]]
    prior: float
    genotype_features: list[str]
    history: Any = field(default=None, repr=False)

    # ---- per-modality -----------------------------------------------------------------
    def _image_log_odds(self, x: np.ndarray | None, has: np.ndarray) -> np.ndarray:
        out = np.full(len(has), np.nan)
        if x is not None and has.any():
            raw = predict_scores(self.cnn, x[has])
            out[has] = self.image_platt[0] + self.image_platt[1] * _logit(raw)
        return out

    def _prepare(self, people: Any, images: Any, func: str):
        people = _check_people(people, func)
        x, has_image = _check_images(images, len(people), func)
        has_genotype = _genotype_mask(people, self.genotype_features)
        return people, x, has_image, has_genotype

    def modality_proba(self, people: pd.DataFrame, images: np.ndarray | None = None) -> pd.DataFrame:
        """Each modality's calibrated probability on its own (NaN where the modality is missing).

        Parameters
        ----------
        people : DataFrame
            One row per person with sex, age, bmi, smoking and, for the genotype,
            prs and the PC columns (NaN = no genotypes).
        images : ndarray of float in [0, 1], shape (n_people, 28, 28, 1), optional
            Aligned with ``people``; a row of NaN (or None for everyone) = no image.

        Returns
        -------
        DataFrame
            Columns genomic (PRS + clinical), clinical, image; one row per person,
            index of ``people``.

        Examples
        --------
        See :func:`fit_fused_risk_model`.
        """
        people, x, has_image, has_genotype = self._prepare(people, images, "FusedRiskModel.modality_proba")
        genomic = np.full(len(people), np.nan)
        if has_genotype.any():
            genomic[has_genotype] = _sigmoid(self.genomic.log_odds(people.loc[has_genotype]))
        return pd.DataFrame(
            {
                "genomic": genomic,
                "clinical": _sigmoid(self.clinical.log_odds(people)),
                "image": _sigmoid(self._image_log_odds(x, has_image)),
            },
            index=people.index,
        )

    # ---- fused ------------------------------------------------------------------------
    def contributions(
        self, people: pd.DataFrame, images: np.ndarray | None = None, *, allow_missing: bool = False
    ) -> pd.DataFrame:
        """Each person's fused log-odds split into baseline, genotype, image and clinical factors.

        The stacked log-odds is c + a · (tabular log-odds) + b · (image
        log-odds); each tabular term a · w_j (x_j − mean_j) / sd_j is the
        factor's contribution (relative to the average training person),
        the image's is b · (image log-odds − logit π) (relative to an image
        that says nothing), and the baseline holds the rest. The columns
        ``baseline`` … ``sex`` add up to ``log_odds`` exactly.

        Parameters
        ----------
        people : DataFrame
            As for :meth:`modality_proba`.
        images : ndarray, shape (n_people, 28, 28, 1), optional
            As for :meth:`modality_proba`.
        allow_missing : bool, default False
            Score people without an image or genotypes from what they have
            (warning); False makes a missing modality an error.

        Returns
        -------
        DataFrame
            Columns baseline, genotype, image, bmi, smoking, age, sex (log-odds
            units), log_odds, risk, modalities ("genotype+image+clinical",
            "image+clinical", ...); index of ``people``.

        Raises
        ------
        MissingModalityError
            A person lacks a modality and ``allow_missing`` is False.

        Examples
        --------
        See :func:`fit_fused_risk_model`.
        """
        func = "FusedRiskModel.contributions"
        people, x, has_image, has_genotype = self._prepare(people, images, func)
        self._check_missing(has_image, has_genotype, allow_missing, func)
        n = len(people)
        img = self._image_log_odds(x, has_image)
        out = {
            k: np.zeros(n) for k in ("baseline", "genotype", "image", *[c for c in ("bmi", "smoking", "age", "sex")])
        }
        log_odds = np.zeros(n)
        labels = np.empty(n, dtype=object)
        for pattern in self.stackers:
            sel = (has_genotype == ("genotype" in pattern)) & (has_image == ("image" in pattern))
            if not sel.any():
                continue
            c, a, b = self.stackers[pattern]
            tab = self.genomic if "genotype" in pattern else self.clinical
            rows = people.loc[sel]
            terms = a * tab.terms(rows)
            for j, name in enumerate(tab.features):
                key = "genotype" if name in self.genotype_features else name
                out[key][sel] += terms[:, j]
            base: Any = c + a * tab.intercept
            if "image" in pattern:
                out["image"][sel] = b * (img[sel] - _logit(np.array(self.prior)))
                base = base + b * _logit(np.array(self.prior))
            out["baseline"][sel] = base
            log_odds[sel] = base + terms.sum(axis=1) + out["image"][sel]
            labels[sel] = "+".join([m for m in ("genotype", "image") if m in pattern] + ["clinical"])
        frame = pd.DataFrame(out, index=people.index)
        frame["log_odds"] = log_odds
        frame["risk"] = _sigmoid(log_odds)
        frame["modalities"] = labels.astype(str)
        return frame

    def predict(
        self, people: pd.DataFrame, images: np.ndarray | None = None, *, allow_missing: bool = False
    ) -> pd.DataFrame:
        """Fused risk with the modalities used for each person.

        Parameters
        ----------
        people : DataFrame
            As for :meth:`modality_proba`.
        images : ndarray, shape (n_people, 28, 28, 1), optional
            As for :meth:`modality_proba`.
        allow_missing : bool, default False
            As for :meth:`contributions`.

        Returns
        -------
        DataFrame
            Columns risk, log_odds, modalities, has_genotype, has_image.

        Examples
        --------
        See :func:`fit_fused_risk_model`.
        """
        frame = self.contributions(people, images, allow_missing=allow_missing)
        out = frame.loc[:, ["risk", "log_odds", "modalities"]].copy()
        out["has_genotype"] = frame["modalities"].str.contains("genotype")
        out["has_image"] = frame["modalities"].str.contains("image")
        return out

    def predict_proba(
        self, people: pd.DataFrame, images: np.ndarray | None = None, *, allow_missing: bool = False
    ) -> np.ndarray:
        """Fused probability of disease for each person.

        Parameters
        ----------
        people : DataFrame
            As for :meth:`modality_proba`.
        images : ndarray, shape (n_people, 28, 28, 1), optional
            As for :meth:`modality_proba`.
        allow_missing : bool, default False
            As for :meth:`contributions`.

        Returns
        -------
        ndarray of float64, shape (n_people,)
            P(disease), at the training prevalence.

        Raises
        ------
        MissingModalityError
            A person lacks a modality and ``allow_missing`` is False.

        Examples
        --------
        See :func:`fit_fused_risk_model`.
        """
        return self.contributions(people, images, allow_missing=allow_missing)["risk"].to_numpy()

    @staticmethod
    def _check_missing(has_image: np.ndarray, has_genotype: np.ndarray, allow_missing: bool, func: str) -> None:
        no_image, no_genotype = int((~has_image).sum()), int((~has_genotype).sum())
        if not (no_image or no_genotype):
            return
        what = ", ".join(
            f"{k} {'person lacks' if k == 1 else 'people lack'} {m}"
            for k, m in ((no_image, "an image"), (no_genotype, "genotypes (prs / PCs)"))
            if k
        )
        if not allow_missing:
            raise MissingModalityError(
                f"{func}: {what}. Pass allow_missing=True to score them from the modalities they have "
                "(the result says which were used)."
            )
        warnings.warn(
            f"{func}: {what}; scored from the modalities they have (see 'modalities').",
            MissingModalityWarning,
            stacklevel=3,
        )


def _tabular(people: pd.DataFrame, genotype_features: list[str], with_genotype: bool) -> list[str]:
    return (list(genotype_features) if with_genotype else []) + list(CLINICAL_FEATURES)


def _stack(z: np.ndarray, y: np.ndarray) -> tuple[float, ...]:
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=1e4, max_iter=2000).fit(z, y)
    return (float(fit.intercept_[0]), *[float(v) for v in fit.coef_[0]])


@validate_params(
    {
        "linked": [LinkedCohort],
        "epochs": [Interval(numbers.Integral, 1, None)],
        "patience": [Interval(numbers.Integral, 1, None)],
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "filters": [tuple],
        "random_state": ["random_state"],
        "progress": ["boolean"],
        "store": [WeightStore, None],
    }
)
def fit_fused_risk_model(
    linked: LinkedCohort,
    *,
    epochs: int = 12,
    patience: int = 4,
    batch_size: int = 64,
    filters: tuple[int, ...] = (16, 32, 64),
    random_state: int | np.random.Generator | None = 0,
    progress: bool = False,
    store: WeightStore | None = None,
) -> FusedRiskModel:
    """Fit each modality on the training people and their late fusion on the validation people.

    Steps: logistic regressions of disease on PRS + PCs + clinical features
    (genomic) and on the clinical features alone (clinical, the fallback);
    a :func:`~pmed_utils.models.cnn.small_cnn` on the training images (at
    most ``epochs`` epochs, early stopping on validation AUC); Platt
    calibration of the CNN on validation people; then, for each pattern of
    available modalities, a logistic regression of disease on the tabular
    and image log-odds of the validation people (stacking).

    Parameters
    ----------
    linked : LinkedCohort
        From :func:`~pmed_utils.datasets.linked.make_linked_cohort`.
    epochs : int ≥ 1, default 12
        The CNN's epoch budget.
    patience : int ≥ 1, default 4
        Epochs without a better validation AUC before the CNN stops.
    batch_size : int ≥ 1, default 64
        Images per gradient step.
    filters : tuple of int, default (16, 32, 64)
        The CNN's conv blocks (see :func:`~pmed_utils.models.cnn.small_cnn`).
    random_state : int, numpy.random.Generator or None, default 0
        Seeds the CNN's initial weights, shuffling and dropout.
    progress : bool, default False
        Show the CNN's progress bar.
    store : WeightStore, optional
        Passed to :func:`~pmed_utils.models.train_classifier`: the CNN is
        loaded when its exact training run is stored.

    Returns
    -------
    FusedRiskModel
        The fitted late-fusion model.

    Examples
    --------
    >>> from pmed_utils.datasets import make_linked_cohort
    >>> linked = make_linked_cohort(200, n_chromosomes=1, segment_length=1e5, n_causal=10, random_state=0)
    >>> model = fit_fused_risk_model(linked, epochs=1, filters=(4,))
    >>> test = linked.index("test")
    >>> model.predict(linked.people.iloc[test], linked.images[test])["modalities"].unique().tolist()
    ['genotype+image+clinical']
    >>> contrib = model.contributions(linked.people.iloc[test], linked.images[test])
    >>> bool(np.allclose(contrib.iloc[:, :7].sum(axis=1), contrib["log_odds"]))
    True
    >>> fusion_scores(linked, model).columns.tolist()
    ['disease', 'prs', 'clinical', 'genomic', 'image', 'late', 'optimal', 'truth', 'ceiling']
    """
    keras = keras_module()
    seed = derive_seed(random_state, func="fit_fused_risk_model")
    people = linked.people
    train, val = linked.index("train"), linked.index("validation")
    y = people["disease"].to_numpy().astype(int)
    genotype_features = ["prs"] + [c for c in people.columns if c.startswith("pc") and c[2:].isdigit()]
    tab_g = _tabular(people, genotype_features, True)
    tab_c = _tabular(people, genotype_features, False)
    genomic = _fit_logistic(people.iloc[train][tab_g].to_numpy(float), y[train], tab_g, seed=seed)
    clinical = _fit_logistic(people.iloc[train][tab_c].to_numpy(float), y[train], tab_c, seed=seed)

    keras.utils.set_random_seed(seed)
    cnn = small_cnn((28, 28, 1), filters=tuple(filters))
    history = train_classifier(
        cnn,
        linked.images[train],
        y[train],
        linked.images[val],
        y[val],
        epochs=epochs,
        patience=patience,
        batch_size=batch_size,
        random_state=seed,
        progress=progress,
        store=store,
    )
    raw_val = _logit(predict_scores(cnn, linked.images[val]))
    a, b = _stack(raw_val[:, None], y[val])
    platt = (a, b)
    img_val = a + b * raw_val
    g_val = genomic.log_odds(people.iloc[val])
    c_val = clinical.log_odds(people.iloc[val])
    stackers = {
        frozenset({"genotype", "image"}): _stack(np.column_stack([g_val, img_val]), y[val]),
        frozenset({"image"}): _stack(np.column_stack([c_val, img_val]), y[val]),
        frozenset({"genotype"}): (*_stack(g_val[:, None], y[val]), 0.0),
        frozenset(): (*_stack(c_val[:, None], y[val]), 0.0),
    }
    return FusedRiskModel(
        genomic=genomic,
        clinical=clinical,
        cnn=cnn,
        image_platt=platt,
        stackers=stackers,
        prior=float(y[train].mean()),
        genotype_features=genotype_features,
        history=history,
    )


# --------------------------------------------------------------------------------------
# Early and intermediate fusion: every modality required


def _require_all(model: FusedRiskModel, people: Any, images: Any, func: str) -> tuple[pd.DataFrame, np.ndarray]:
    people, x, has_image, has_genotype = model._prepare(people, images, func)
    if x is None or not has_image.all() or not has_genotype.all():
        raise MissingModalityError(
            f"{func} needs every modality for every person ({int((~has_image).sum())} without an image, "
            f"{int((~has_genotype).sum())} without genotypes); only FusedRiskModel falls back "
            "(predict with allow_missing=True)."
        )
    return people, x


@dataclass
class EarlyFusion:
    """One penalized logistic regression on CNN features, PRS, PCs and clinical data; from :func:`fit_early_fusion`.

    Attributes
    ----------
    base : FusedRiskModel
        Supplies the CNN (its ``"features"`` layer) and the column names.
    model : _Logistic
        The fitted regression (features standardized on training people).
    c : float
        The inverse penalty chosen on validation people.
    tuning : DataFrame
        One row per candidate ``c``: validation AUC.

    Examples
    --------
    :func:`fit_early_fusion` returns one; its fields:

    >>> from dataclasses import fields
    >>> [f.name for f in fields(EarlyFusion)]
    ['base', 'model', 'c', 'tuning']
    """

    base: FusedRiskModel = field(repr=False)
    model: _Logistic = field(repr=False)
    c: float = 1.0
    tuning: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def _design(self, people: pd.DataFrame, x: np.ndarray) -> pd.DataFrame:
        feats = extract_features(self.base.cnn, x)
        frame = pd.DataFrame(feats, columns=[f"cnn{j}" for j in range(feats.shape[1])], index=people.index)
        tab = _tabular(people, self.base.genotype_features, True)
        return pd.concat([frame, people.loc[:, tab].astype(float)], axis=1)

    def predict_proba(self, people: pd.DataFrame, images: np.ndarray) -> np.ndarray:
        """P(disease) for people with every modality.

        Parameters
        ----------
        people : DataFrame
            Clinical columns, prs and PCs (no NaN).
        images : ndarray of float in [0, 1], shape (n_people, 28, 28, 1)
            One image per person.

        Returns
        -------
        ndarray of float64, shape (n_people,)
            The fused probability.

        Raises
        ------
        MissingModalityError
            Someone lacks an image or genotypes.

        Examples
        --------
        See :func:`fit_early_fusion`.
        """
        people, x = _require_all(self.base, people, images, "EarlyFusion.predict_proba")
        return _sigmoid(self.model.log_odds(self._design(people, x)))


@validate_params(
    {
        "linked": [LinkedCohort],
        "base": [FusedRiskModel],
        "cs": ["array-like"],
        "random_state": ["random_state"],
    }
)
def fit_early_fusion(
    linked: LinkedCohort,
    base: FusedRiskModel,
    *,
    cs: ArrayLike = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0),
    random_state: int | np.random.Generator | None = 0,
) -> EarlyFusion:
    """Early fusion: the CNN's image features, the PRS, PCs and clinical data in one logistic regression.

    The features come from ``base.cnn`` (trained on the same training people,
    so its features fit them better than they will fit new people: the
    penalty, chosen on validation people, has to undo that).

    Parameters
    ----------
    linked : LinkedCohort
        The cohort; fitted on its training people.
    base : FusedRiskModel
        From :func:`fit_fused_risk_model` on the same cohort (its CNN).
    cs : array-like of float > 0, default (0.001, ..., 1.0)
        Candidate inverse L2 penalties; the best validation AUC wins.
    random_state : int, numpy.random.Generator or None, default 0
        Seeds the solver.

    Returns
    -------
    EarlyFusion
        The fitted model.

    Examples
    --------
    Fitted as in :func:`fit_fused_risk_model`'s example, then
    ``early = fit_early_fusion(linked, base)`` and
    ``early.predict_proba(people, images)``; the default penalties:

    >>> import inspect
    >>> inspect.signature(fit_early_fusion).parameters["cs"].default
    (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
    """
    from sklearn.metrics import roc_auc_score

    func = "fit_early_fusion"
    grid = check_finite(np.atleast_1d(np.asarray(cs, dtype=float)), "cs", func=func)
    if grid.ndim != 1 or grid.size == 0 or (grid <= 0).any():
        raise ValueError(f"The 'cs' parameter of {func} must be a non-empty list of positive numbers; got {cs!r}.")
    seed = derive_seed(random_state, func=func)
    people = linked.people
    train, val = linked.index("train"), linked.index("validation")
    y = people["disease"].to_numpy().astype(int)
    shell = EarlyFusion(base, None)  # type: ignore[arg-type]
    x_train = shell._design(people.iloc[train], linked.images[train])
    x_val = shell._design(people.iloc[val], linked.images[val])
    names = list(x_train.columns)
    rows, best = [], None
    for c in grid:
        fit = _fit_logistic(x_train.to_numpy(float), y[train], names, c=float(c), seed=seed)
        auc = float(roc_auc_score(y[val], fit.log_odds(x_val)))
        rows.append({"c": float(c), "validation_auc": auc})
        if best is None or auc > best[0]:
            best = (auc, float(c), fit)
    assert best is not None
    return EarlyFusion(base, best[2], best[1], pd.DataFrame(rows))


@dataclass
class IntermediateFusion:
    """A two-input Keras network (image branch + tabular branch); from :func:`fit_intermediate_fusion`.

    Attributes
    ----------
    base : FusedRiskModel
        Supplies the column names and the tabular standardization.
    network : keras.Model
        Inputs ``image`` (28, 28, 1) and ``tabular`` (n_tabular,); output P(disease).
    features : list of str
        The tabular columns, in order.
    mean, scale : ndarray of float, shape (n_tabular,)
        Training standardization of the tabular columns.
    history : DataFrame
        Per-epoch loss and AUC (training and validation).

    Examples
    --------
    :func:`fit_intermediate_fusion` returns one; its fields:

    >>> from dataclasses import fields
    >>> [f.name for f in fields(IntermediateFusion)]
    ['base', 'network', 'features', 'mean', 'scale', 'history']
    """

    base: FusedRiskModel = field(repr=False)
    network: Any = field(repr=False)
    features: list[str]
    mean: np.ndarray = field(repr=False)
    scale: np.ndarray = field(repr=False)
    history: pd.DataFrame = field(repr=False)

    def _inputs(self, people: pd.DataFrame, x: np.ndarray) -> dict[str, np.ndarray]:
        tab = ((people.loc[:, self.features].to_numpy(float) - self.mean) / self.scale).astype(np.float32)
        return {"image": x.astype(np.float32), "tabular": tab}

    def predict_proba(self, people: pd.DataFrame, images: np.ndarray) -> np.ndarray:
        """P(disease) for people with every modality.

        Parameters
        ----------
        people : DataFrame
            Clinical columns, prs and PCs (no NaN).
        images : ndarray of float in [0, 1], shape (n_people, 28, 28, 1)
            One image per person.

        Returns
        -------
        ndarray of float64, shape (n_people,)
            The network's probability.

        Raises
        ------
        MissingModalityError
            Someone lacks an image or genotypes.

        Examples
        --------
        See :func:`fit_intermediate_fusion`.
        """
        people, x = _require_all(self.base, people, images, "IntermediateFusion.predict_proba")
        out = self.network.predict(self._inputs(people, x), batch_size=256, verbose=0)
        return np.asarray(out, dtype=float).reshape(-1)


@validate_params(
    {
        "linked": [LinkedCohort],
        "base": [FusedRiskModel],
        "epochs": [Interval(numbers.Integral, 1, None)],
        "patience": [Interval(numbers.Integral, 1, None)],
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "warm_start": ["boolean"],
        "learning_rate": [Interval(numbers.Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
    }
)
def fit_intermediate_fusion(
    linked: LinkedCohort,
    base: FusedRiskModel,
    *,
    epochs: int = 10,
    patience: int = 3,
    batch_size: int = 64,
    warm_start: bool = True,
    learning_rate: float = 3e-4,
    random_state: int | np.random.Generator | None = 0,
) -> IntermediateFusion:
    """Intermediate fusion: an image branch and a tabular branch joined in one network, trained end to end.

    The image branch has the architecture of ``base.cnn`` up to its
    ``"features"`` layer; with ``warm_start`` it starts from that CNN's
    weights (fine-tuned here at a small learning rate), otherwise from
    random ones. The tabular branch is a dense layer of 8 units on the
    standardized PRS, PCs and clinical data; the two are concatenated,
    dropped out (0.3) and fed to one sigmoid unit. At most ``epochs``
    epochs, early stopping on validation AUC, best weights restored.

    Parameters
    ----------
    linked : LinkedCohort
        The cohort; trained on its training people, stopped on validation people.
    base : FusedRiskModel
        From :func:`fit_fused_risk_model` on the same cohort.
    epochs : int ≥ 1, default 10
        The epoch budget.
    patience : int ≥ 1, default 3
        Epochs without a better validation AUC before stopping.
    batch_size : int ≥ 1, default 64
        People per gradient step.
    warm_start : bool, default True
        Start the image branch from ``base.cnn``'s weights.
    learning_rate : float in (0, 1), default 3e-4
        Adam's learning rate.
    random_state : int, numpy.random.Generator or None, default 0
        Seeds the initial weights, shuffling and dropout.

    Returns
    -------
    IntermediateFusion
        The trained network and its history.

    Examples
    --------
    Fitted as in :func:`fit_fused_risk_model`'s example, then
    ``net = fit_intermediate_fusion(linked, base, epochs=10)`` and
    ``net.predict_proba(people, images)``; the default budget:

    >>> import inspect
    >>> {k: inspect.signature(fit_intermediate_fusion).parameters[k].default for k in ("epochs", "patience")}
    {'epochs': 10, 'patience': 3}
    """
    keras = keras_module()
    seed = derive_seed(random_state, func="fit_intermediate_fusion")
    keras.utils.set_random_seed(seed)
    people = linked.people
    train, val = linked.index("train"), linked.index("validation")
    y = people["disease"].to_numpy().astype(np.float32)
    features = _tabular(people, base.genotype_features, True)
    x_tab = people.loc[:, features].to_numpy(float)
    mean, scale = x_tab[train].mean(axis=0), x_tab[train].std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)

    branch_src = keras.models.clone_model(base.cnn)
    if warm_start:
        branch_src.set_weights(base.cnn.get_weights())
    branch = keras.Model(branch_src.inputs, branch_src.get_layer("features").output, name="image_branch")
    image_in = keras.Input((28, 28, 1), name="image")
    tab_in = keras.Input((len(features),), name="tabular")
    h_img = branch(image_in)
    h_tab = keras.layers.Dense(8, activation="relu", name="tabular_branch")(tab_in)
    h = keras.layers.Concatenate(name="fusion")([h_img, h_tab])
    h = keras.layers.Dropout(0.3, name="fusion_dropout")(h)
    out = keras.layers.Dense(1, activation="sigmoid", name="risk")(h)
    network = keras.Model({"image": image_in, "tabular": tab_in}, out, name="intermediate_fusion")
    network.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="binary_crossentropy",
        metrics=[keras.metrics.AUC(name="auc")],
    )
    fused = IntermediateFusion(base, network, features, mean, scale, pd.DataFrame())
    stopper = keras.callbacks.EarlyStopping(
        monitor="val_auc", mode="max", patience=int(patience), restore_best_weights=True
    )
    hist = network.fit(
        fused._inputs(people.iloc[train], linked.images[train]),
        y[train],
        validation_data=(fused._inputs(people.iloc[val], linked.images[val]), y[val]),
        epochs=int(epochs),
        batch_size=int(batch_size),
        callbacks=[stopper],
        verbose=0,
    )
    table = pd.DataFrame(hist.history)
    table.index = pd.RangeIndex(1, len(table) + 1, name="epoch")
    fused.history = table
    return fused


@validate_params(
    {
        "linked": [LinkedCohort],
        "model": [FusedRiskModel],
        "early": [EarlyFusion, None],
        "intermediate": [IntermediateFusion, None],
        "split": ["str"],
    }
)
def fusion_scores(
    linked: LinkedCohort,
    model: FusedRiskModel,
    early: EarlyFusion | None = None,
    intermediate: IntermediateFusion | None = None,
    split: str = "test",
) -> pd.DataFrame:
    """Every single-modality and fused probability for the people of one split, side by side.

    Parameters
    ----------
    linked : LinkedCohort
        The cohort the models were fitted on.
    model : FusedRiskModel
        From :func:`fit_fused_risk_model`.
    early : EarlyFusion, optional
        From :func:`fit_early_fusion`; its column is left out when None.
    intermediate : IntermediateFusion, optional
        From :func:`fit_intermediate_fusion`; its column is left out when None.
    split : {"train", "validation", "test"}, default "test"
        Whose scores.

    Returns
    -------
    DataFrame
        One row per person of the split (index of ``linked.people``): disease;
        single modalities prs (the standardized score itself), clinical
        (sex, age, bmi, smoking), genomic (PRS + PCs + clinical), image
        (calibrated CNN); fusions late (stacked), optimal (log-odds sum with
        prior correction), early, intermediate; references truth (P(D |
        genetic value, environment)) and ceiling (truth fused with the image
        by the log-odds sum).

    Examples
    --------
    See :func:`fit_fused_risk_model`'s example; there,
    ``fusion_scores(linked, model).columns.tolist()`` is
    ``['disease', 'prs', 'clinical', 'genomic', 'image', 'late', 'optimal', 'truth', 'ceiling']``.

    >>> import inspect
    >>> inspect.signature(fusion_scores).parameters["split"].default
    'test'
    """
    rows = linked.index(split)
    people, images = linked.people.iloc[rows], linked.images[rows]
    single = model.modality_proba(people, images)
    out = pd.DataFrame({"disease": people["disease"].to_numpy().astype(int)}, index=people.index)
    out["prs"] = people["prs"].to_numpy(float)
    out["clinical"] = single["clinical"]
    out["genomic"] = single["genomic"]
    out["image"] = single["image"]
    out["late"] = model.predict_proba(people, images)
    out["optimal"] = optimal_log_odds_combination(single["genomic"], single["image"], model.prior)
    if early is not None:
        out["early"] = early.predict_proba(people, images)
    if intermediate is not None:
        out["intermediate"] = intermediate.predict_proba(people, images)
    truth = linked.truth_risk()[rows]
    out["truth"] = truth
    out["ceiling"] = optimal_log_odds_combination(truth, single["image"], model.prior)
    return out
