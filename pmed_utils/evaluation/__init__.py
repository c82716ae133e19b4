"""Evaluation of risk predictions: discrimination, thresholds, calibration, utility, fairness.

Every chapter evaluates its models with these functions; none computes a ROC
curve or a cross-validation loop by hand.
"""

from pmed_utils.evaluation._calibration import (
    brier_score,
    calibration_intercept_slope,
    calibration_summary,
    calibration_table,
    recalibrate,
)
from pmed_utils.evaluation._cv import CVResult, cross_validate
from pmed_utils.evaluation._roc import (
    DelongComparison,
    DelongResult,
    RocResult,
    auc_delong,
    compare_auc_delong,
    roc_with_ci,
)
from pmed_utils.evaluation._subgroups import subgroup_metrics
from pmed_utils.evaluation._thresholds import (
    choose_threshold,
    metrics_at_threshold,
    thresholded_report,
    wilson_interval,
)
from pmed_utils.evaluation._utility import PrecisionRecallResult, decision_curve, precision_recall

__all__ = [
    "CVResult",
    "DelongComparison",
    "DelongResult",
    "PrecisionRecallResult",
    "RocResult",
    "auc_delong",
    "brier_score",
    "calibration_intercept_slope",
    "calibration_summary",
    "calibration_table",
    "choose_threshold",
    "compare_auc_delong",
    "cross_validate",
    "decision_curve",
    "metrics_at_threshold",
    "precision_recall",
    "recalibrate",
    "roc_with_ci",
    "subgroup_metrics",
    "thresholded_report",
    "wilson_interval",
]
