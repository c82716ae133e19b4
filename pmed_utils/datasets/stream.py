"""A simulated stream of new patients, month by month, with known drift points.

A model is trained once and then meets new patients every month. This module
draws those patients from a pool of simulated people (for the book, the
linked cohort's held-out people with their MedMNIST images) and changes the
world at known months, so that monitoring can be scored against the truth:

* **prevalence** (label shift): the odds of disease among arriving patients
  are multiplied by ``odds_ratio``; who is a case and what a case looks like
  do not change, so a calibrated model's calibration-in-the-large becomes
  exactly ``log(odds_ratio)`` while its AUC is unchanged;
* **scanner**: images from the month on are acquired differently
  (``x' = mid + contrast · (x − mid) + brightness · full_scale``, clipped);
* **environment** (covariate shift): patients with a higher value of a
  column (BMI) arrive more often, by exponential tilting of the pool
  (weights ``exp(θ z)`` with ``z`` the standardized column, which moves a
  normal column's mean by ``θ`` standard deviations); each person keeps
  their own disease status, so P(disease | person) is unchanged.

Each drift is permanent from its month; ``ramp`` spreads it linearly over
that many months. Patients are drawn with replacement from the pool, so a
pool person can arrive more than once (``PatientStream.n_repeats`` counts it).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pmed_utils.reproducibility import check_random_state
from pmed_utils.validation import (
    Interval,
    check_binary_labels,
    check_columns,
    validate_params,
)

__all__ = ["DEFAULT_DRIFTS", "PatientStream", "apply_scanner_shift", "simulate_stream"]

DEFAULT_DRIFTS: tuple[dict[str, Any], ...] = (
    {"kind": "prevalence", "month": 9, "odds_ratio": 2.0},
    {"kind": "scanner", "month": 18, "contrast": 0.6, "brightness": 0.12},
    {"kind": "environment", "month": 27, "column": "bmi", "shift_sd": 0.8},
)
"""The book's drift schedule over three simulated years: a prevalence shift, a scanner change, rising BMI."""

_KEYS = {
    "prevalence": {"odds_ratio"},
    "scanner": {"contrast", "brightness"},
    "environment": {"column", "shift_sd"},
}


@dataclass(frozen=True)
class PatientStream:
    """New patients month by month, their images, and the drift schedule that produced them.

    Attributes
    ----------
    patients : pandas.DataFrame
        One row per arriving patient, in time order: ``month`` (int),
        ``pool_index`` (row of the pool they were drawn from), ``scanner``
        (0 before the scanner change, 1 after) and every column of the pool.
    images : ndarray or None
        The patients' images, aligned with ``patients`` (shape
        ``(n_patients, *image_shape)``, the pool's dtype), after any scanner change.
    drifts : pandas.DataFrame
        The truth: one row per drift with ``kind``, ``month`` (first month
        affected), ``ramp`` (months to full effect) and ``description``.
    n_months : int
        Months simulated.

    Examples
    --------
    >>> pool = pd.DataFrame({"bmi": np.linspace(18, 38, 50), "disease": [0, 1] * 25})
    >>> s = simulate_stream(pool, n_months=4, patients_per_month=10, drifts=[], random_state=0)
    >>> s.patients.shape, s.n_months, s.month(2).shape[0]
    ((40, 5), 4, 10)
    """

    patients: pd.DataFrame
    images: np.ndarray | None
    drifts: pd.DataFrame
    n_months: int

    def month(self, month: int) -> pd.DataFrame:
        """The patients who arrived in ``month``."""
        return self.patients[self.patients["month"] == month]

    @property
    def n_repeats(self) -> int:
        """Arrivals of a pool person who had already arrived (draws with replacement)."""
        return int(self.patients["pool_index"].duplicated().sum())


def _check_drifts(drifts: Sequence[Mapping[str, Any]], n_months: int, columns: pd.Index, has_images: bool) -> list:
    checked = []
    for i, drift in enumerate(drifts):
        if not isinstance(drift, Mapping):
            raise TypeError(f"The 'drifts' parameter of simulate_stream must hold mappings; item {i} is {drift!r}.")
        kind = drift.get("kind")
        if kind not in _KEYS:
            raise ValueError(
                f"The 'drifts' parameter of simulate_stream: item {i} has kind {kind!r}; "
                f"expected one of {sorted(_KEYS)}."
            )
        allowed = _KEYS[kind] | {"kind", "month", "ramp"}
        unknown = set(drift) - allowed
        missing = (_KEYS[kind] | {"month"}) - set(drift)
        if unknown or missing:
            raise ValueError(
                f"The 'drifts' parameter of simulate_stream: a {kind!r} drift takes keys {sorted(allowed)} "
                f"(month and {sorted(_KEYS[kind])} required); item {i} has unknown {sorted(unknown)}, "
                f"missing {sorted(missing)}."
            )
        month, ramp = drift["month"], drift.get("ramp", 0)
        if not isinstance(month, numbers.Integral) or not 0 <= int(month) < n_months:
            raise ValueError(
                f"The 'drifts' parameter of simulate_stream: item {i} has month {month!r}; "
                f"expected an int in [0, {n_months - 1}]."
            )
        if not isinstance(ramp, numbers.Integral) or int(ramp) < 0:
            raise ValueError(
                f"The 'drifts' parameter of simulate_stream: item {i} has ramp {ramp!r}; expected an int >= 0."
            )
        if kind == "prevalence" and not (
            isinstance(drift["odds_ratio"], numbers.Real) and float(drift["odds_ratio"]) > 0
        ):
            raise ValueError(f"The 'drifts' parameter of simulate_stream: item {i} needs odds_ratio > 0.")
        if kind == "environment" and drift["column"] not in columns:
            raise ValueError(
                f"The 'drifts' parameter of simulate_stream: item {i} shifts column {drift['column']!r}, "
                "which the 'people' table does not have."
            )
        if kind == "scanner" and not has_images:
            raise ValueError("The 'drifts' parameter of simulate_stream has a scanner change but no images were given.")
        checked.append({**drift, "ramp": int(ramp)})
    return checked


def _fraction(drift: Mapping[str, Any], month: int) -> float:
    """How much of the drift is in effect in ``month`` (0 before, 1 once fully ramped)."""
    if month < drift["month"]:
        return 0.0
    return min(1.0, (month - drift["month"] + 1) / (drift["ramp"] + 1))


def _describe(drift: Mapping[str, Any]) -> str:
    if drift["kind"] == "prevalence":
        return f"odds of disease × {drift['odds_ratio']:g}"
    if drift["kind"] == "scanner":
        return f"new scanner: contrast × {drift['contrast']:g}, brightness {drift['brightness']:+g}"
    return f"{drift['column']} distribution shifted by {drift['shift_sd']:+g} SD"


@validate_params(
    {
        "images": ["array-like"],
        "contrast": [Interval(numbers.Real, 0, None, closed="neither")],
        "brightness": [Interval(numbers.Real, -1, 1, closed="both")],
    }
)
def apply_scanner_shift(images: np.ndarray, *, contrast: float = 1.0, brightness: float = 0.0) -> np.ndarray:
    """Simulate another scanner: scale the contrast about mid-grey and shift the brightness.

    ``x' = mid + contrast · (x − mid) + brightness · full_scale``, clipped to
    the valid range; for uint8 images ``mid = 127.5`` and ``full_scale = 255``,
    for float images in [0, 1] ``mid = 0.5`` and ``full_scale = 1``.

    Parameters
    ----------
    images : array-like, shape (n, height, width) or (n, height, width, channels)
        uint8 images (0–255) or float images in [0, 1].
    contrast : float > 0, default 1.0
        Contrast multiplier (1 = unchanged, < 1 = flatter).
    brightness : float in [-1, 1], default 0.0
        Brightness shift, as a fraction of the full intensity range.

    Returns
    -------
    ndarray
        The shifted images, same shape and dtype.

    Examples
    --------
    >>> apply_scanner_shift(np.array([[0, 128, 255]], dtype=np.uint8), contrast=0.5, brightness=0.1).tolist()
    [[89, 153, 217]]
    """
    x = np.asarray(images)
    integer = x.dtype.kind in "ui"
    mid, full = (127.5, 255.0) if integer else (0.5, 1.0)
    out = np.clip(mid + contrast * (x.astype(float) - mid) + brightness * full, 0, full)
    return np.rint(out).astype(x.dtype) if integer else out.astype(x.dtype)


@validate_params(
    {
        "people": ["dataframe"],
        "images": ["array-like", None],
        "n_months": [Interval(numbers.Integral, 1, None, closed="left")],
        "patients_per_month": [Interval(numbers.Integral, 1, None, closed="left")],
        "drifts": [list, tuple, None],
        "outcome": ["str"],
        "random_state": ["random_state"],
    }
)
def simulate_stream(
    people: pd.DataFrame,
    images: np.ndarray | None = None,
    *,
    n_months: int = 36,
    patients_per_month: int = 300,
    drifts: Sequence[Mapping[str, Any]] | None = None,
    outcome: str = "disease",
    random_state: int | np.random.Generator | None = None,
) -> PatientStream:
    """Draw new patients month by month from a pool of simulated people, with known drifts.

    Parameters
    ----------
    people : pandas.DataFrame
        The pool (e.g. the linked cohort's test people), one row per person,
        with a 0/1 ``outcome`` column and any columns a drift names.
    images : array-like of shape (n_people, ...) or None, default None
        The pool's images, aligned with ``people`` (needed for a scanner change).
    n_months : int >= 1, default 36
        Months to simulate (36 = three simulated years).
    patients_per_month : int >= 1, default 300
        New patients each month.
    drifts : list of dict or None, default None
        The drift schedule: each a mapping with ``kind`` ("prevalence",
        "scanner" or "environment"), ``month`` (first month affected), an
        optional ``ramp`` (months to full effect, default 0 = a step) and the
        kind's parameters: ``odds_ratio``; ``contrast`` and ``brightness``
        (see :func:`apply_scanner_shift`); ``column`` and ``shift_sd``. None
        means :data:`DEFAULT_DRIFTS`; ``[]`` a stationary stream.
    outcome : str, default "disease"
        The pool's 0/1 outcome column.
    random_state : int, numpy.random.Generator or None, default None
        Seed for the draws (None: the package default seed).

    Returns
    -------
    PatientStream
        The patients, their images and the drift schedule (the truth).

    Raises
    ------
    ValueError
        A missing outcome column or one that is not 0/1, images not aligned
        with people, or a malformed drift (unknown kind or key, month
        outside the stream, a column the pool lacks, a scanner change
        without images).

    Examples
    --------
    >>> pool = pd.DataFrame({"bmi": np.linspace(18, 38, 200), "disease": [0, 0, 0, 1] * 50})
    >>> s = simulate_stream(
    ...     pool, n_months=12, patients_per_month=500, random_state=0,
    ...     drifts=[{"kind": "prevalence", "month": 6, "odds_ratio": 3.0}],
    ... )
    >>> rate = s.patients.groupby(s.patients["month"] >= 6)["disease"].mean()
    >>> bool(0.2 < rate[False] < 0.3), bool(0.45 < rate[True] < 0.55)   # odds 1/3 → 1
    (True, True)
    >>> s.drifts[["kind", "month"]].to_dict("records")
    [{'kind': 'prevalence', 'month': 6}]
    """
    check_columns(people, "people", [outcome], func="simulate_stream")
    y = check_binary_labels(people[outcome].to_numpy(), "people", func="simulate_stream")
    n_pool = len(people)
    if n_pool == 0:
        raise ValueError("The 'people' parameter of simulate_stream must hold at least one person; got an empty table.")
    pool_images = None
    if images is not None:
        pool_images = np.asarray(images)
        if pool_images.ndim < 2 or len(pool_images) != n_pool:
            raise ValueError(
                "The 'images' parameter of simulate_stream must hold one image per person of 'people' "
                f"({n_pool}); got shape {pool_images.shape}."
            )
    schedule = _check_drifts(DEFAULT_DRIFTS if drifts is None else drifts, n_months, people.columns, images is not None)
    rng = check_random_state(random_state, func="simulate_stream")

    standardized = {}
    for drift in schedule:
        if drift["kind"] == "environment":
            col = people[drift["column"]].to_numpy(dtype=float)
            sd = col.std()
            standardized[drift["column"]] = (col - col.mean()) / (sd if sd > 0 else 1.0)

    frames, image_blocks = [], []
    for month in range(n_months):
        log_w = np.zeros(n_pool)
        scanner_on = 0
        contrast, brightness = 1.0, 0.0
        for drift in schedule:
            frac = _fraction(drift, month)
            if frac == 0:
                continue
            if drift["kind"] == "prevalence":
                log_w += frac * np.log(drift["odds_ratio"]) * y
            elif drift["kind"] == "environment":
                log_w += frac * drift["shift_sd"] * standardized[drift["column"]]
            else:
                scanner_on = 1
                contrast = 1 + frac * (drift["contrast"] - 1)
                brightness = frac * drift["brightness"]
        w = np.exp(log_w - log_w.max())
        idx = rng.choice(n_pool, size=patients_per_month, replace=True, p=w / w.sum())
        frame = people.iloc[idx].reset_index(drop=True)
        frame.insert(0, "scanner", scanner_on)
        frame.insert(0, "pool_index", idx)
        frame.insert(0, "month", month)
        frames.append(frame)
        if pool_images is not None:
            block = pool_images[idx]
            if scanner_on:
                block = apply_scanner_shift(block, contrast=contrast, brightness=brightness)
            image_blocks.append(block)

    table = pd.DataFrame(
        [
            {"kind": d["kind"], "month": int(d["month"]), "ramp": d["ramp"], "description": _describe(d)}
            for d in schedule
        ],
        columns=["kind", "month", "ramp", "description"],
    )
    return PatientStream(
        patients=pd.concat(frames, ignore_index=True),
        images=np.concatenate(image_blocks) if image_blocks else None,
        drifts=table,
        n_months=n_months,
    )
