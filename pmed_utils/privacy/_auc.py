"""AUC with a Hanley–McNeil interval (this package sits below the evaluation layer)."""

from __future__ import annotations

import numpy as np
from scipy import stats

from pmed_utils.results import Estimate


def auc_estimate(y: np.ndarray, s: np.ndarray, confidence: float = 0.95) -> Estimate:
    """Mann–Whitney AUC of scores ``s`` for 0/1 labels ``y``, Wald interval from the Hanley–McNeil variance."""
    n1, n0 = int(y.sum()), int((1 - y).sum())
    if n1 == 0 or n0 == 0:
        return Estimate(np.nan, np.nan, np.nan, confidence, "Hanley-McNeil")
    ranks = stats.rankdata(s)
    auc = float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    var = (auc * (1 - auc) + (n1 - 1) * (q1 - auc**2) + (n0 - 1) * (q2 - auc**2)) / (n1 * n0)
    half = float(stats.norm.ppf(0.5 + confidence / 2) * np.sqrt(max(var, 0.0)))
    return Estimate(auc, max(0.0, auc - half), min(1.0, auc + half), confidence, "Hanley-McNeil")
