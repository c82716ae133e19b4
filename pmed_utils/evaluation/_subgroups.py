"""Metrics per subgroup (ancestry, sex, age band, hospital) for fairness checks."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils.evaluation._calibration import calibration_intercept_slope
from pmed_utils.evaluation._checks import check_scores
from pmed_utils.evaluation._roc import auc_delong
from pmed_utils.evaluation._thresholds import metrics_at_threshold
from pmed_utils.validation import check_same_length

__all__ = ["subgroup_metrics"]


def subgroup_metrics(y_true: ArrayLike, y_score: ArrayLike, groups: ArrayLike, threshold: float, *,
                     min_group_size: int = 30, confidence: float = 0.95) -> pd.DataFrame:
    """AUC (DeLong CI), sensitivity and specificity (Wilson CIs) and calibration per subgroup.

    A group smaller than ``min_group_size``, or with only one class, still gets
    a row, but with a warning; its AUC and calibration are NaN where they are
    undefined. Calibration columns are filled only when scores are
    probabilities.

    Returns
    -------
    DataFrame
        Index: group; columns n, cases, auc, auc_ci_low, auc_ci_high, sensitivity,
        sens_ci_low, sens_ci_high, specificity, spec_ci_low, spec_ci_high,
        calibration_intercept, calibration_slope, small.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 400); s = np.clip(y * 0.3 + rng.random(400) * 0.7, 0, 1)
    >>> t = subgroup_metrics(y, s, np.repeat(["A", "B"], 200), threshold=0.5)
    >>> t.index.tolist(), t["n"].tolist()
    (['A', 'B'], [200, 200])
    """
    y, s = check_scores(y_true, y_score, "subgroup_metrics", need_both_classes=False)
    groups = np.asarray(groups)
    check_same_length((y, "y_true"), (groups, "groups"), func="subgroup_metrics")
    is_prob = s.min() >= 0 and s.max() <= 1
    rows = {}
    for g in pd.unique(groups):
        mask = groups == g
        yg, sg = y[mask], s[mask]
        small = mask.sum() < min_group_size
        one_class = len(np.unique(yg)) < 2
        if small or one_class:
            reason = f"only {int(mask.sum())} people" if small else "a single class"
            warnings.warn(f"Subgroup '{g}' has {reason}: its metrics are unreliable or undefined (NaN).",
                          stacklevel=2)
        row = {"n": int(mask.sum()), "cases": int(yg.sum())}
        if one_class:
            row.update(auc=np.nan, auc_ci_low=np.nan, auc_ci_high=np.nan,
                       calibration_intercept=np.nan, calibration_slope=np.nan)
        else:
            d = auc_delong(yg, sg, confidence=confidence)
            row.update(auc=d.auc, auc_ci_low=d.ci[0], auc_ci_high=d.ci[1])
            a, b = calibration_intercept_slope(yg, sg) if is_prob else (np.nan, np.nan)
            row.update(calibration_intercept=a, calibration_slope=b)
        m = metrics_at_threshold(yg, sg, threshold, confidence=confidence)
        row.update(
            sensitivity=m.loc["sensitivity", "value"], sens_ci_low=m.loc["sensitivity", "ci_low"],
            sens_ci_high=m.loc["sensitivity", "ci_high"], specificity=m.loc["specificity", "value"],
            spec_ci_low=m.loc["specificity", "ci_low"], spec_ci_high=m.loc["specificity", "ci_high"],
            small=bool(small),
        )
        rows[g.item() if isinstance(g, np.generic) else g] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "group"
    return table
