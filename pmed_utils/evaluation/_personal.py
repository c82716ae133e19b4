"""One person's risk, read off a fitted model: the numbers behind a personal risk report.

:func:`personal_risk` turns a fitted fused model and a (simulated) cohort into a
:class:`PersonalRisk` for one person: the risk with a 95% interval, where the
person's polygenic score lies among people of their *own* ancestry group (and a
warning when that group was scarce among the training people), the contribution
of each modality and each modifiable factor to the log-odds, what-if risks for
the modifiable factors, and the recommendation at the clinic's threshold with
the sensitivity and PPV measured at that threshold on held-out people.

The model is anything with two methods (wrap a late-fusion model of
:mod:`pmed_utils.models.fusion` with :func:`resample_fused_model` to get them):

``contributions(people, images)``
    A DataFrame with one row per person and one column per term of the
    log-odds (a ``"baseline"`` column for the intercept); each row sums to the
    person's log-odds. ``images`` is an array aligned with ``people`` or None
    when the image is missing (the model then falls back to what it has).
``log_odds_draws(people, images, n_draws, random_state)``
    An array of shape (n_draws, n_people): the log-odds under ``n_draws``
    resamples of the fitted model (bootstrap refits, or draws of its
    coefficients), from which the interval is read.

:func:`resample_fused_model` wraps a
:class:`~pmed_utils.models.fusion.FusedRiskModel` (late fusion) in these two
methods: its intervals come from draws of the coefficients of the model's logistic
layers (genomic and clinical regressions, stack) from their asymptotic normal
distributions, with the image calibration and the CNN held fixed.

Rendering the report (HTML, PDF) is the book layer's job
(:func:`pmed_utils.book.patient_report.write_patient_report`).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils.evaluation._thresholds import metrics_at_threshold
from pmed_utils.reproducibility import check_random_state
from pmed_utils.results import Estimate
from pmed_utils.validation import Interval, Options, check_columns, validate_params

__all__ = ["PersonalRisk", "ResampledFusedModel", "personal_risk", "prs_percentile", "resample_fused_model"]

MODIFIABLE = ("bmi", "smoking")
MODALITY_TERMS = {"image": "image", "prs": "genotype", "genotype": "genotype", "genetic": "genotype"}
_PEOPLE_COLUMNS = ["person_id", "population", "split", "prs", "disease"] + list(MODIFIABLE)


@dataclass(frozen=True)
class PersonalRisk:
    """Everything a personal risk report shows about one (simulated) person.

    Attributes
    ----------
    person_id : str
        The cohort's pseudonymous id (no identifying data).
    profile : dict of str to object
        The person's recorded characteristics (population, sex, age, bmi, smoking...).
    risk : Estimate
        Predicted probability of disease with its interval (``risk.level``, 0.95).
    log_odds : float
        The predicted log-odds (the sum of ``contributions``).
    contributions : pandas.Series of float
        Term → contribution to the log-odds (``"baseline"`` first).
    term_kinds : dict of str to str
        Term → "baseline", "modality", "modifiable" or "other".
    prs : float
        The person's polygenic score (NaN when the genotypes are missing).
    prs_percentile : float
        Percentile (0–100) of ``prs`` among reference people of the same ancestry group.
    prs_reference : ndarray of float, shape (n_reference,)
        The reference PRS values (training people of the person's group).
    reference_population : str
        The person's ancestry group.
    group_share : float
        The group's share of the training people, in [0, 1].
    n_reference, n_train : int
        Training people of that group, and all training people.
    scarce : bool
        True when ``group_share`` is below the threshold given to :func:`personal_risk`.
    what_if : pandas.DataFrame
        One row per scenario ("as now" first): the modifiable factors' values,
        risk, low, high (floats) and change (risk − risk as now).
    threshold : float
        The clinic's decision threshold on the risk.
    flagged : bool
        True when ``risk.value >= threshold``.
    uncertain : bool
        True when the interval contains the threshold.
    sensitivity, ppv : Estimate
        Sensitivity and positive predictive value at ``threshold`` among the
        evaluation people, with Wilson intervals.
    evaluation_split : str
        The split they were measured on ("validation" or "test").
    n_evaluation, n_evaluation_cases : int
        People and cases in that split.
    image : ndarray of float or None, shape (height, width)
        The person's image, or None when it is missing.
    saliency : ndarray of float or None, shape (height, width)
        A saliency map for the image, or None (the report shows a placeholder).
    modalities_used : tuple of str
        The modalities the risk rests on ("genotype", "image").
    missing_modalities : tuple of str
        The modalities this person lacks (the model fell back without them).
    warnings : tuple of str
        Plain-language cautions (scarce group, missing modality, uncertain decision).
    simulated : bool
        Always True here: the people are simulated.

    Examples
    --------
    :func:`personal_risk` makes one; its fields are the report's parts:

    >>> import dataclasses
    >>> [f.name for f in dataclasses.fields(PersonalRisk)][:5]
    ['person_id', 'profile', 'risk', 'log_odds', 'contributions']
    """

    person_id: str
    profile: dict[str, Any]
    risk: Estimate
    log_odds: float
    contributions: pd.Series
    term_kinds: dict[str, str]
    prs: float
    prs_percentile: float
    prs_reference: np.ndarray
    reference_population: str
    group_share: float
    n_reference: int
    n_train: int
    scarce: bool
    what_if: pd.DataFrame
    threshold: float
    flagged: bool
    uncertain: bool
    sensitivity: Estimate
    ppv: Estimate
    evaluation_split: str
    n_evaluation: int
    n_evaluation_cases: int
    image: np.ndarray | None = None
    saliency: np.ndarray | None = None
    modalities_used: tuple[str, ...] = ()
    missing_modalities: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)
    simulated: bool = True


@validate_params({"reference": ["array-like"], "value": [numbers.Real]})
def prs_percentile(reference: ArrayLike, value: float) -> float:
    """Percentile of ``value`` in a reference distribution, ties counted half (the mid-rank).

    ``100 × (#{reference < value} + ½ #{reference == value}) / n``, which is
    :func:`scipy.stats.percentileofscore` with ``kind="mean"``.

    Parameters
    ----------
    reference : array-like of float, shape (n,)
        The reference scores (e.g. training people of the same ancestry group); NaN ignored.
    value : float
        The score to place.

    Returns
    -------
    float
        In [0, 100]; NaN when ``value`` is NaN or the reference is empty.

    Examples
    --------
    >>> prs_percentile([1.0, 2.0, 3.0, 4.0], 3.0)
    62.5
    >>> prs_percentile([1.0, 2.0, 3.0, 4.0], 10.0)
    100.0
    """
    ref = np.asarray(reference, dtype=float).ravel()
    ref = ref[np.isfinite(ref)]
    if ref.size == 0 or not np.isfinite(value):
        return float("nan")
    below = np.count_nonzero(ref < value)
    equal = np.count_nonzero(ref == value)
    return float(100.0 * (below + 0.5 * equal) / ref.size)


def _sigmoid(x: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def _image_missing(image: np.ndarray | None) -> bool:
    return image is None or not np.isfinite(np.asarray(image, dtype=float)).any()


def _kind(term: str, modifiable: tuple[str, ...]) -> str:
    if term == "baseline":
        return "baseline"
    if term in modifiable:
        return "modifiable"
    return "modality" if term in MODALITY_TERMS else "other"


def _model_frame(model: Any, rows: pd.DataFrame, images: np.ndarray | None, func: str) -> pd.DataFrame:
    for method in ("contributions", "log_odds_draws"):
        if not callable(getattr(model, method, None)):
            raise TypeError(
                f"The 'model' parameter of {func} must have a {method}() method "
                f"(see pmed_utils.evaluation.personal_risk); got {type(model).__name__}."
            )
    frame = model.contributions(rows, images)
    if not isinstance(frame, pd.DataFrame) or len(frame) != len(rows):
        raise TypeError(f"{type(model).__name__}.contributions must return a DataFrame with one row per person.")
    return frame


def _default_scenarios(profile: dict[str, Any], healthy_bmi: float) -> dict[str, dict[str, float]]:
    bmi = float(profile["bmi"])
    smoking = int(profile["smoking"])
    scenarios: dict[str, dict[str, float]] = {}
    if bmi > healthy_bmi:
        scenarios[f"BMI lowered to {healthy_bmi:g}"] = {"bmi": healthy_bmi}
    else:
        scenarios["BMI 5 higher"] = {"bmi": bmi + 5.0}
    scenarios["stops smoking" if smoking else "starts smoking"] = {"smoking": 1 - smoking}
    if bmi > healthy_bmi and smoking:
        scenarios["both changes"] = {"bmi": healthy_bmi, "smoking": 0}
    return scenarios


@validate_params(
    {
        "model": [object],
        "people": ["dataframe"],
        "person_id": ["str"],
        "images": ["array-like", None],
        "drop_image": ["boolean"],
        "missing": [Options({"error", "fallback"})],
        "threshold": [Interval(numbers.Real, 0, 1, closed="neither")],
        "evaluation_split": [Options({"validation", "test"})],
        "scarce_share": [Interval(numbers.Real, 0, 1, closed="both")],
        "what_if": ["mapping", None],
        "healthy_bmi": [Interval(numbers.Real, 10, 60, closed="both")],
        "saliency": ["array-like", None],
        "n_draws": [Interval(numbers.Integral, 20, None, closed="left")],
        "level": [Interval(numbers.Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
    }
)
def personal_risk(
    model: Any,
    people: pd.DataFrame,
    person_id: str,
    *,
    images: ArrayLike | None = None,
    drop_image: bool = False,
    missing: str = "error",
    threshold: float = 0.2,
    evaluation_split: str = "test",
    scarce_share: float = 0.1,
    what_if: dict[str, dict[str, float]] | None = None,
    healthy_bmi: float = 25.0,
    saliency: ArrayLike | None = None,
    n_draws: int = 200,
    level: float = 0.95,
    random_state: int | np.random.Generator | None = None,
) -> PersonalRisk:
    """One person's risk report numbers: risk with interval, PRS percentile, contributions, what-if, decision.

    Parameters
    ----------
    model : object
        A fitted model with ``contributions(people, images)`` and
        ``log_odds_draws(people, images, n_draws, random_state)`` (see the
        module's description), such as a late-fusion model wrapped by
        :func:`resample_fused_model`.
    people : pandas.DataFrame
        The cohort, one row per person, with columns person_id, population,
        split ("train", "validation", "test"), prs (float, NaN for missing
        genotypes), disease (0/1), bmi and smoking (0/1), and whatever else the
        model reads (age, sex...).
    person_id : str
        The person to report on.
    images : array-like of float or None, shape (n_people, height, width[, 1]), default None
        Images aligned with ``people`` (an all-NaN image counts as missing);
        None when there are none.
    drop_image : bool, default False
        Treat this person's image as missing (to show the fallback).
    missing : {"error", "fallback"}, default "error"
        What to do when the person lacks a modality: raise a ValueError, or let
        the model fall back to the modalities it has (the report says so).
    threshold : float in (0, 1), default 0.2
        The clinic's decision threshold on the risk.
    evaluation_split : {"validation", "test"}, default "test"
        Where the sensitivity and PPV at the threshold are measured: "test"
        for a model whose calibration or stacking used the validation people
        (as the late-fusion model's does).
    scarce_share : float in [0, 1], default 0.1
        A group whose share of the training people is below this is "scarce".
    what_if : dict of str to dict, or None, default None
        Scenario name → changes to the modifiable factors (``{"bmi": 25.0}``).
        None builds the standard ones: BMI lowered to ``healthy_bmi`` (or 5
        higher when it is already at most that), smoking switched, and both.
    healthy_bmi : float in [10, 60], default 25.0
        The BMI target of the standard what-if.
    saliency : array-like of float or None, shape (height, width), default None
        A saliency map of the person's image (same shape), or None.
    n_draws : int >= 20, default 200
        Resamples of the model for the intervals.
    level : float in (0, 1), default 0.95
        Coverage of the risk intervals.
    random_state : int, numpy.random.Generator or None, default None
        Seed of the model resamples (None: the package's fixed default).

    Returns
    -------
    PersonalRisk
        The numbers of the report (see :class:`PersonalRisk`).

    Raises
    ------
    ValueError
        When ``person_id`` is not in ``people`` (the message gives the valid
        range), ``images`` or ``saliency`` have the wrong shape, the people
        lack a required column, or a modality is missing with
        ``missing="error"``.

    Examples
    --------
    A two-term logistic model (PRS and smoking) with coefficient draws:

    >>> class Toy:
    ...     def contributions(self, people, images):
    ...         return pd.DataFrame({"baseline": -2.0, "prs": 1.0 * people["prs"],
    ...                              "smoking": 0.7 * people["smoking"]}, index=people.index)
    ...     def log_odds_draws(self, people, images, n_draws, random_state):
    ...         rng = np.random.default_rng(random_state)
    ...         b = rng.normal([-2.0, 1.0, 0.7], 0.1, size=(n_draws, 3))
    ...         X = np.column_stack([np.ones(len(people)), people["prs"], people["smoking"]])
    ...         return b @ X.T
    >>> rng = np.random.default_rng(0)
    >>> people = pd.DataFrame({"person_id": [f"P{i:03d}" for i in range(300)],
    ...     "population": "CEU", "split": ["train", "validation", "test"] * 100,
    ...     "prs": rng.normal(size=300), "bmi": 25.0, "smoking": rng.integers(0, 2, 300)})
    >>> people["disease"] = (rng.random(300) < 1 / (1 + np.exp(2 - people.prs))).astype(int)
    >>> r = personal_risk(Toy(), people, "P007", missing="fallback")
    >>> r.risk.value == float(1 / (1 + np.exp(-r.log_odds)))
    True
    >>> r.risk.low < r.risk.value < r.risk.high, r.contributions.index.tolist()
    (True, ['baseline', 'prs', 'smoking'])
    """
    func = "personal_risk"
    check_columns(people, "people", _PEOPLE_COLUMNS, func=func)
    ids = people["person_id"].astype(str).to_numpy()
    hits = np.flatnonzero(ids == person_id)
    if hits.size == 0:
        examples = ", ".join(ids[: min(3, ids.size)])
        raise ValueError(
            f"The 'person_id' parameter of {func} must be one of the cohort's {ids.size} ids "
            f"({ids[0]} … {ids[-1]}, e.g. {examples}); got {person_id!r}."
        )
    pos = int(hits[0])
    imgs = None
    if images is not None:
        imgs = np.asarray(images, dtype=float)
        if imgs.ndim == 4 and imgs.shape[-1] == 1:
            imgs = imgs[..., 0]
        if imgs.ndim != 3 or imgs.shape[0] != len(people):
            raise ValueError(
                f"The 'images' parameter of {func} must have shape (n_people={len(people)}, height, width[, 1]); "
                f"got {np.asarray(images).shape}."
            )
        expected = getattr(model, "image_shape", None)
        if expected is not None and tuple(imgs.shape[1:3]) != tuple(expected)[:2]:
            raise ValueError(
                f"The 'images' parameter of {func} must hold {tuple(expected)[:2]} images, "
                f"the shape the model was trained on; got {tuple(imgs.shape[1:3])}."
            )
    image = None if imgs is None or drop_image else imgs[pos]
    if image is not None and _image_missing(image):
        image = None
    row = people.iloc[[pos]]
    profile = {k: (v.item() if hasattr(v, "item") else v) for k, v in row.iloc[0].items()}
    prs = float(profile["prs"])
    lacking = tuple(m for m, gone in (("genotype", not np.isfinite(prs)), ("image", image is None)) if gone)
    if lacking and missing == "error":
        raise ValueError(
            f"Person {person_id} has no {' and no '.join(lacking)} data; pass missing='fallback' to let "
            "the model use only the modalities this person has."
        )
    if len(lacking) == 2:
        raise ValueError(f"Person {person_id} has neither genotypes nor an image; there is nothing to predict from.")
    sal = None
    if saliency is not None:
        sal = np.asarray(saliency, dtype=float)
        if sal.ndim == 3 and sal.shape[-1] == 1:
            sal = sal[..., 0]
        if image is None:
            raise ValueError(f"The 'saliency' parameter of {func} was given but person {person_id} has no image.")
        if sal.shape != image.shape:
            raise ValueError(
                f"The 'saliency' parameter of {func} must have the image's shape {image.shape}; got {sal.shape}."
            )
    seed = int(check_random_state(random_state, func=func).integers(2**31 - 1))
    one = None if image is None else image[None]

    contrib = _model_frame(model, row, one, func).iloc[0].astype(float)
    log_odds = float(contrib.sum())
    modifiable = tuple(c for c in MODIFIABLE if c in people.columns)
    kinds = {str(t): _kind(str(t), modifiable) for t in contrib.index}
    alpha = (1 - level) / 2

    def risk_of(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        point = _model_frame(model, rows, None if one is None else np.repeat(one, len(rows), 0), func).sum(axis=1)
        draws = np.asarray(
            model.log_odds_draws(rows, None if one is None else np.repeat(one, len(rows), 0), n_draws, seed),
            dtype=float,
        )
        return _sigmoid(point.to_numpy()), _sigmoid(draws)

    scenarios = _default_scenarios(profile, healthy_bmi) if what_if is None else what_if
    variants = [row.copy()]
    for name, changes in scenarios.items():
        bad = sorted(set(changes) - set(modifiable))
        if bad:
            raise ValueError(
                f"The 'what_if' parameter of {func} may change only {list(modifiable)}; scenario {name!r} changes {bad}."
            )
        variant = row.copy()
        for col, value in changes.items():
            variant[col] = value
        variants.append(variant)
    table = pd.concat(variants, ignore_index=True)
    point, draws = risk_of(table)
    low, high = np.quantile(draws, [alpha, 1 - alpha], axis=0)
    what = pd.DataFrame(
        {
            "scenario": ["as now", *scenarios],
            **{c: table[c].to_numpy(dtype=float) for c in modifiable},
            "risk": point,
            "low": low,
            "high": high,
        }
    )
    what["change"] = what["risk"] - what["risk"].iloc[0]
    method = getattr(model, "interval_method", "model resamples")
    risk = Estimate(float(point[0]), float(low[0]), float(high[0]), level, f"percentile over {n_draws} {method}")

    pop = str(profile["population"])
    train = people["split"].to_numpy() == "train"
    group = train & (people["population"].astype(str).to_numpy() == pop)
    reference = people.loc[group, "prs"].to_numpy(dtype=float)
    reference = reference[np.isfinite(reference)]
    n_train = int(train.sum())
    share = float(group.sum() / n_train) if n_train else float("nan")
    scarce = bool(np.isfinite(share) and share < scarce_share)

    ev = people["split"].to_numpy() == evaluation_split
    ev_people = people.loc[ev]
    ev_images = None if imgs is None else imgs[ev]
    ev_risk = _sigmoid(_model_frame(model, ev_people, ev_images, func).sum(axis=1).to_numpy())
    y_ev = ev_people["disease"].to_numpy()
    at = metrics_at_threshold(y_ev, ev_risk, threshold, confidence=level)

    def est(metric: str) -> Estimate:
        r = at.loc[metric]
        return Estimate(float(r["value"]), float(r["low"]), float(r["high"]), level, "Wilson")

    flagged = bool(risk.value >= threshold)
    uncertain = bool(risk.low < threshold <= risk.high)
    notes = []
    if scarce:
        notes.append(
            f"Only {share:.1%} of the training people were in the {pop} group: the polygenic score was "
            "learnt mostly from other groups, so it is less accurate for this person."
        )
    for m in lacking:
        notes.append(f"No {m} data: the risk rests on the other modality only (the model's fallback).")
    if uncertain:
        notes.append("The risk's interval contains the clinic's threshold: the recommendation could go either way.")
    return PersonalRisk(
        person_id=person_id,
        profile=profile,
        risk=risk,
        log_odds=log_odds,
        contributions=contrib,
        term_kinds=kinds,
        prs=prs,
        prs_percentile=prs_percentile(reference, prs),
        prs_reference=reference,
        reference_population=pop,
        group_share=share,
        n_reference=int(group.sum()),
        n_train=n_train,
        scarce=scarce,
        what_if=what,
        threshold=float(threshold),
        flagged=flagged,
        uncertain=uncertain,
        sensitivity=est("sensitivity"),
        ppv=est("ppv"),
        evaluation_split=evaluation_split,
        n_evaluation=int(ev.sum()),
        n_evaluation_cases=int(np.sum(y_ev == 1)),
        image=image,
        saliency=sal,
        modalities_used=tuple(m for m in ("genotype", "image") if m not in lacking),
        missing_modalities=lacking,
        warnings=tuple(notes),
        simulated=True,
    )


_FUSED_TERMS = ["baseline", "genotype", "image", "bmi", "smoking", "age", "sex"]


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-7, 1 - 1e-7)
    return np.log(p / (1 - p))


def _coefficient_draws(
    x: np.ndarray, y: np.ndarray, beta: np.ndarray, penalty: float, n_draws: int, rng: np.random.Generator
) -> np.ndarray:
    """Draws of a fitted logistic regression's (intercept, coefficients) from their asymptotic normal law.

    ``x`` is the design as the model saw it (no intercept column), ``beta`` the
    fitted (intercept, coefficients), ``penalty`` the L2 weight 1/C on the
    coefficients (0 for none). The covariance is the inverse of the penalised
    Fisher information X'WX + penalty·I at ``beta``.
    """
    X = np.column_stack([np.ones(len(x)), x])
    p = _sigmoid(X @ beta)
    info = X.T @ (X * (p * (1 - p))[:, None])
    info[1:, 1:] += penalty * np.eye(X.shape[1] - 1)
    cov = np.linalg.pinv(info)
    cov = (cov + cov.T) / 2
    return rng.multivariate_normal(beta, cov, size=n_draws, method="eigh")


class ResampledFusedModel:
    """A fitted late-fusion model with bootstrap refits of its logistic layers, for :func:`personal_risk`.

    Made by :func:`resample_fused_model`. ``contributions`` are the fused
    model's own (baseline, genotype, image, bmi, smoking, age, sex; a missing
    modality is scored by the model's fallback); ``log_odds_draws`` are the
    log-odds under draws of the coefficients of the genomic and clinical
    regressions (fitted on the training people) and of the stack (fitted on
    the validation people) from their asymptotic normal distributions (the
    inverse Fisher information at the fit: the delta method by simulation).
    The image calibration, whose scale the stack refits, and the CNN are held fixed, so the interval leaves
    out the image model's own training noise.

    Attributes
    ----------
    model : FusedRiskModel
        The wrapped model.
    image_shape : tuple of int
        (28, 28): the images it reads.
    interval_method : str
        How the intervals are made (shown in the report).

    Examples
    --------
    See :func:`resample_fused_model`:

    >>> ResampledFusedModel.image_shape
    (28, 28)
    """

    image_shape = (28, 28)
    interval_method = "draws of the fused model's logistic-layer coefficients (CNN fixed)"

    def __init__(self, model: Any, people: pd.DataFrame, images: np.ndarray) -> None:
        self.model = model
        split = people["split"].to_numpy()
        self._train = people.loc[split == "train"]
        self._val = people.loc[split == "validation"]
        self._val_images = np.asarray(images)[split == "validation"]
        a, b = model.image_platt
        calibrated = _logit(self._proba(self._val, self._val_images)["image"].to_numpy())
        self._raw_val = (calibrated - a) / b  # the CNN's own logit on the validation people
        self._cache: dict[tuple[int, int], dict[str, Any]] = {}

    def _proba(self, people: pd.DataFrame, images: np.ndarray | None) -> pd.DataFrame:
        return self.model.modality_proba(people, images)

    def contributions(self, people: pd.DataFrame, images: np.ndarray | None) -> pd.DataFrame:
        """The fused model's per-term log-odds (columns baseline … sex; rows sum to the log-odds).

        Parameters
        ----------
        people : pandas.DataFrame
            People as the fused model reads them.
        images : ndarray or None, shape (n_people, 28, 28[, 1])
            Aligned images; None (or an all-NaN image) = missing, scored by the fallback.

        Returns
        -------
        pandas.DataFrame
            One row per person, one float column per term.

        Examples
        --------
        See :func:`resample_fused_model`.
        """
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # personal_risk has already decided whether a fallback is allowed
            frame = self.model.contributions(people, images, allow_missing=True)
        return frame.loc[:, _FUSED_TERMS].astype(float)

    def _refits(self, n_draws: int, seed: int) -> dict[str, Any]:
        key = (n_draws, seed)
        if key in self._cache:
            return self._cache[key]
        rng = np.random.default_rng(seed)
        m = self.model
        y_train = self._train["disease"].to_numpy().astype(int)
        y_val = self._val["disease"].to_numpy().astype(int)
        out: dict[str, Any] = {}
        for name, layer in (("genomic", m.genomic), ("clinical", m.clinical)):
            z = (self._train[layer.features].to_numpy(float) - layer.mean) / layer.scale
            beta = np.concatenate([[layer.intercept], layer.coef])
            out[name] = _coefficient_draws(z, y_train, beta, 1.0, n_draws, rng)
        a, b = m.image_platt
        # The stack refits the image log-odds' scale on the same validation people, so the calibration is
        # held at its fit: drawing both independently would count the same uncertainty twice.
        out["platt"] = np.tile([a, b], (n_draws, 1))
        img_val = a + b * self._raw_val
        g_val = m.genomic.log_odds(self._val)
        c_val = m.clinical.log_odds(self._val)
        out["stack"] = {}
        for pattern, z in (
            (frozenset({"genotype", "image"}), np.column_stack([g_val, img_val])),
            (frozenset({"image"}), np.column_stack([c_val, img_val])),
            (frozenset({"genotype"}), g_val[:, None]),
            (frozenset(), c_val[:, None]),
        ):
            c0, wa, wb = m.stackers[pattern]
            beta = np.array([c0, wa, wb][: 1 + z.shape[1]])
            draws = _coefficient_draws(z, y_val, beta, 0.0, n_draws, rng)
            if draws.shape[1] == 2:
                draws = np.column_stack([draws, np.zeros(n_draws)])
            out["stack"][pattern] = draws
        self._cache[key] = out
        return out

    def log_odds_draws(
        self, people: pd.DataFrame, images: np.ndarray | None, n_draws: int, random_state: int
    ) -> np.ndarray:
        """Log-odds of each person under ``n_draws`` draws of the logistic layers' coefficients.

        Parameters
        ----------
        people : pandas.DataFrame
            People as the fused model reads them.
        images : ndarray or None, shape (n_people, 28, 28[, 1])
            Aligned images; None (or an all-NaN image) = missing.
        n_draws : int
            Number of draws.
        random_state : int
            Seed of the draws (the same seed gives the same draws).

        Returns
        -------
        ndarray of float, shape (n_draws, n_people)

        Examples
        --------
        See :func:`resample_fused_model`.
        """
        m = self.model
        proba = self._proba(people, images)
        a, b = m.image_platt
        raw = (_logit(proba["image"].to_numpy()) - a) / b
        has_image = np.isfinite(proba["image"].to_numpy())
        has_genotype = np.isfinite(proba["genomic"].to_numpy())
        xg = people[m.genomic.features].to_numpy(float)
        xc = people[m.clinical.features].to_numpy(float)
        fits = self._refits(n_draws, int(random_state))

        def tab(draws: np.ndarray, layer: Any, x: np.ndarray) -> np.ndarray:
            return draws[:, :1] + draws[:, 1:] @ ((x - layer.mean) / layer.scale).T

        g = tab(fits["genomic"], m.genomic, np.nan_to_num(xg))
        c = tab(fits["clinical"], m.clinical, xc)
        img = fits["platt"][:, :1] + fits["platt"][:, 1:2] * np.nan_to_num(raw)[None, :]
        draws = np.empty((n_draws, len(people)))
        for i in range(len(people)):
            pattern = frozenset(n for n, h in (("genotype", has_genotype[i]), ("image", has_image[i])) if h)
            st = fits["stack"][pattern]
            tabular = g[:, i] if has_genotype[i] else c[:, i]
            draws[:, i] = st[:, 0] + st[:, 1] * tabular + st[:, 2] * (img[:, i] if has_image[i] else 0.0)
        return draws


@validate_params({"model": [object], "people": ["dataframe"], "images": ["array-like"]})
def resample_fused_model(model: Any, people: pd.DataFrame, images: ArrayLike) -> ResampledFusedModel:
    """Wrap a fitted late-fusion model so that :func:`personal_risk` can give its risks an interval.

    Parameters
    ----------
    model : FusedRiskModel
        From :func:`pmed_utils.models.fusion.fit_fused_risk_model`.
    people : pandas.DataFrame
        The linked cohort's people (``LinkedCohort.people``): the training and
        validation people the model was fitted on give the coefficients' covariances.
    images : array-like of float, shape (n_people, 28, 28, 1)
        The cohort's images, aligned with ``people``.

    Returns
    -------
    ResampledFusedModel
        With ``contributions`` and ``log_odds_draws`` (see the class).

    Examples
    --------
    >>> from pmed_utils.datasets import make_linked_cohort
    >>> from pmed_utils.models.fusion import fit_fused_risk_model
    >>> linked = make_linked_cohort(200, n_chromosomes=1, segment_length=1e5, n_causal=10, random_state=0)
    >>> fused = fit_fused_risk_model(linked, epochs=1, filters=(4,))
    >>> wrapped = resample_fused_model(fused, linked.people, linked.images)
    >>> wrapped.log_odds_draws(linked.people.iloc[:3], linked.images[:3], 20, 0).shape
    (20, 3)
    """
    for method in ("contributions", "modality_proba"):
        if not callable(getattr(model, method, None)):
            raise TypeError(
                "The 'model' parameter of resample_fused_model must be a fitted FusedRiskModel "
                f"(fit_fused_risk_model); got {type(model).__name__}."
            )
    check_columns(people, "people", ["split", "disease"], func="resample_fused_model")
    if len(np.asarray(images)) != len(people):
        raise ValueError(
            f"The 'images' parameter of resample_fused_model must have one image per person ({len(people)}); "
            f"got {len(np.asarray(images))}."
        )
    return ResampledFusedModel(model, people, np.asarray(images))
