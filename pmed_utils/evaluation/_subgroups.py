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
    categories = None
    if isinstance(groups, (pd.Series, pd.Categorical)) and isinstance(groups.dtype, pd.CategoricalDtype):
        categories = list(groups.dtype.categories)
    groups = np.asarray(groups)
    check_same_length((y, "y_true"), (groups, "groups"), func="subgroup_metrics")
    is_prob = bool(s.size and s.min() >= 0 and s.max() <= 1)
    labels = list(pd.unique(groups)) if categories is None else categories
    rows = {}
    for g in labels:
        mask = groups == g
        g = g.item() if isinstance(g, np.generic) else g
        yg, sg = y[mask], s[mask]
        n, cases = int(mask.sum()), int(yg.sum())
        small = n < min_group_size
        if n == 0:
            warn_degenerate("subgroup_metrics", f"subgroup {g!r} is empty")
        elif cases in (0, n):
            warn_degenerate(
                "subgroup_metrics",
                f"subgroup {g!r} has a single class ({n} "
                f"{'controls' if cases == 0 else 'cases'}), so its AUC and calibration are undefined",
            )
        elif small:
            warnings.warn(
                f"subgroup_metrics: subgroup {g!r} has only {n} people (fewer than "
                f"min_group_size={min_group_size}); its metrics are unreliable.",
                PmedWarning,
                stacklevel=3,
            )
        row: dict[str, Any] = {"n": n, "cases": cases}
        if 0 < cases < n:
            auc = auc_delong(yg, sg, confidence=confidence).auc
            intercept, slope = calibration_intercept_slope(yg, sg, confidence=confidence) if is_prob else (None, None)
            row.update(
                auc=auc.value,
                auc_low=auc.low,
                auc_high=auc.high,
                calibration_intercept=intercept.value if intercept else np.nan,
                calibration_slope=slope.value if slope else np.nan,
            )
        else:
            row.update(
                auc=np.nan, auc_low=np.nan, auc_high=np.nan, calibration_intercept=np.nan, calibration_slope=np.nan
            )
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
    columns = [
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
    table = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=columns)
    table.index.name = "group"
    return table
