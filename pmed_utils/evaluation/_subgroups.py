"""Metrics per subgroup (ancestry, sex, age band, hospital) for fairness checks."""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils.evaluation._calibration import calibration_intercept_slope
from pmed_utils.evaluation._checks import check_scores
from pmed_utils.evaluation._roc import auc_delong
from pmed_utils.evaluation._thresholds import wilson_bounds
from pmed_utils.validation import (
    Interval,
    PmedWarning,
    check_same_length,
    validate_params,
    warn_degenerate,
)

__all__ = ["subgroup_metrics"]


COLUMNS = [
    "n",
    "cases",
    "auc",
    "auc_low",
    "auc_high",
    "sensitivity",
    "sensitivity_low",
    "sensitivity_high",
    "specificity",
    "specificity_low",
    "specificity_high",
    "calibration_intercept",
    "calibration_slope",
    "level",
    "small",
]

#: Also computed by :func:`subgroup_table` (for the fairness table), not shown by subgroup_metrics.
EXTRA_COLUMNS = [
    "calibration_intercept_low",
    "calibration_intercept_high",
    "calibration_slope_low",
    "calibration_slope_high",
]


@validate_params(
    {
        "y_true": ["array-like"],
        "y_score": ["array-like"],
        "groups": ["array-like", pd.Categorical],
        "threshold": [Interval(numbers.Real, None, None)],
        "min_group_size": [Interval(numbers.Integral, 0, None)],
        "confidence": [Interval(numbers.Real, 0, 1, closed="neither")],
    }
)
def subgroup_metrics(
    y_true: ArrayLike,
    y_score: ArrayLike,
    groups: ArrayLike,
    threshold: float,
    *,
    min_group_size: int = 30,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """AUC (DeLong CI), sensitivity and specificity (Wilson CIs) and calibration per subgroup.

    Every group gets a row. A group smaller than ``min_group_size`` gets a
    :class:`~pmed_utils.validation.PmedWarning` (its numbers are unreliable).
    An empty group (an unused category of a categorical ``groups``) or a
    group with a single class gets a
    :class:`~pmed_utils.validation.DegenerateInputWarning`, and NaN where a
    metric is undefined (AUC and calibration need both classes, sensitivity
    needs cases, specificity controls). Calibration columns are filled only
    when scores are probabilities.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 labels.
    y_score : array-like of float, shape (n,)
        Scores (probabilities for the calibration columns).
    groups : array-like or pandas.Categorical, shape (n,)
        Group label per person; a pandas Categorical also lists its unused categories.
    threshold : float
        Decision threshold for sensitivity and specificity (``score >= threshold``).
    min_group_size : int, default 30
        Groups smaller than this are flagged ``small``.
    confidence : float, default 0.95
        Coverage of the intervals, in (0, 1).

    Returns
    -------
    DataFrame
        Index: group; columns n, cases (int), auc, auc_low, auc_high,
        sensitivity, sensitivity_low, sensitivity_high, specificity,
        specificity_low, specificity_high, calibration_intercept,
        calibration_slope, level (float) and small (bool).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 400); s = np.clip(y * 0.3 + rng.random(400) * 0.7, 0, 1)
    >>> t = subgroup_metrics(y, s, np.repeat(["A", "B"], 200), threshold=0.5)
    >>> t.index.tolist(), t["n"].tolist()
    (['A', 'B'], [200, 200])
    >>> bool((t["auc_low"] < t["auc"]).all() and (t["auc"] < t["auc_high"]).all())
    True
    """
    y, s = check_scores(y_true, y_score, "subgroup_metrics")
    table = subgroup_table(y, s, groups, threshold, min_group_size, confidence, "subgroup_metrics")
    return table.reindex(columns=COLUMNS)


def check_groups(groups: Any, n: int, func: str) -> tuple[np.ndarray, list]:
    """Group labels as an array of length ``n`` and the groups in table order.

    A missing label (NaN or None) is an error: dropping those people silently
    would hide exactly the people a fairness check is about.
    """
    categories = None
    if isinstance(groups, (pd.Series, pd.Categorical)) and isinstance(groups.dtype, pd.CategoricalDtype):
        categories = list(groups.dtype.categories)
    missing = np.asarray(pd.isna(groups)).reshape(-1)
    groups = np.asarray(groups)
    if groups.ndim != 1:
        raise ValueError(f"The 'groups' parameter of {func} must be one-dimensional; got shape {groups.shape}.")
    if missing.any():
        raise ValueError(
            f"The 'groups' parameter of {func} has {int(missing.sum())} missing label(s) (NaN or None), "
            f"first at position {int(np.flatnonzero(missing)[0])}; give every person a group "
            "(for example an explicit 'unknown' category)."
        )
    check_same_length((np.empty(n), "y_true"), (groups, "groups"), func=func)
    labels = list(pd.unique(groups)) if categories is None else categories
    return groups, labels


def subgroup_table(
    y: np.ndarray,
    s: np.ndarray,
    groups: Any,
    threshold: float,
    min_group_size: int,
    confidence: float,
    func: str,
) -> pd.DataFrame:
    """The body of :func:`subgroup_metrics` on checked arrays; warnings name ``func``."""
    groups, labels = check_groups(groups, len(y), func)
    is_prob = bool(s.size and s.min() >= 0 and s.max() <= 1)
    rows = {}
    for g in labels:
        mask = groups == g
        g = g.item() if isinstance(g, np.generic) else g
        yg, sg = y[mask], s[mask]
        n, cases = int(mask.sum()), int(yg.sum())
        small = n < min_group_size
        if n == 0:
            warn_degenerate(func, f"subgroup {g!r} is empty")
        elif cases in (0, n):
            warn_degenerate(
                func,
                f"subgroup {g!r} has a single class ({n} "
                f"{'controls' if cases == 0 else 'cases'}), so its AUC and calibration are undefined",
            )
        elif small:
            warnings.warn(
                f"{func}: subgroup {g!r} has only {n} people (fewer than "
                f"min_group_size={min_group_size}); its metrics are unreliable.",
                PmedWarning,
                stacklevel=4,
            )
        row: dict[str, Any] = {"n": n, "cases": cases}
        if 0 < cases < n:
            auc = auc_delong(yg, sg, confidence=confidence).auc
            intercept, slope = calibration_intercept_slope(yg, sg, confidence=confidence) if is_prob else (None, None)
            row.update(
                auc=auc.value,
                auc_low=auc.low,
                auc_high=auc.high,
            )
            for name, fit in (("calibration_intercept", intercept), ("calibration_slope", slope)):
                row.update({name: np.nan, f"{name}_low": np.nan, f"{name}_high": np.nan})
                if fit is not None:
                    row.update({name: fit.value, f"{name}_low": fit.low, f"{name}_high": fit.high})
        else:
            row.update(auc=np.nan, auc_low=np.nan, auc_high=np.nan)
            for name in ("calibration_intercept", "calibration_slope"):
                row.update({name: np.nan, f"{name}_low": np.nan, f"{name}_high": np.nan})
        flagged = sg >= threshold
        num = np.array([(flagged & (yg == 1)).sum(), (~flagged & (yg == 0)).sum()], dtype=float)
        den = np.array([cases, n - cases], dtype=float)
        low, high = wilson_bounds(num, den, confidence)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = num / den
        row.update(
            sensitivity=value[0],
            sensitivity_low=low[0],
            sensitivity_high=high[0],
            specificity=value[1],
            specificity_low=low[1],
            specificity_high=high[1],
            level=float(confidence),
            small=bool(small),
        )
        rows[g] = row
    table = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=[*COLUMNS, *EXTRA_COLUMNS])
    table.index.name = "group"
    return table
