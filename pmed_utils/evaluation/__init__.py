"""Evaluation of risk predictions: discrimination, thresholds, calibration, utility, fairness, risk summaries.

Every chapter evaluates its models with these functions; none computes a ROC
curve or a cross-validation loop by hand. Every estimate with an interval
(an AUC, an r², an odds ratio, a calibration slope, a proportion) comes back
as a :class:`pmed_utils.results.Estimate`.
"""

from pmed_utils.evaluation._calibration import (
    CalibrationFit,
    Recalibrator,
    brier_score,
    calibration_intercept_slope,
    calibration_summary,
    calibration_table,
    recalibrate,
)
from pmed_utils.evaluation._cv import CVResult, cross_validate
from pmed_utils.evaluation._generative import (
    DCRComparison,
    GeneratorReport,
    UtilityResult,
    augmentation_gain,
    dcr_comparison,
    distance_to_closest_record,
    feature_cnn,
    frechet_distance,
    generative_precision_recall,
    generator_report,
    membership_inference_auc,
    tstr_trtr,
)
from pmed_utils.evaluation._risk import (
    r2_by_group,
    r2_with_ci,
    risk_by_quantile,
    top_percentile_odds_ratio,
)
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
from pmed_utils.evaluation._utility import (
    DEFAULT_THRESHOLDS,
    PrecisionRecallResult,
    decision_curve,
    precision_recall,
)
from pmed_utils.splits import split_by_individual  # re-exported: splits come before evaluation

__all__ = [
    "DEFAULT_THRESHOLDS",
    "CVResult",
    "CalibrationFit",
    "DCRComparison",
    "DelongComparison",
    "DelongResult",
    "GeneratorReport",
    "PrecisionRecallResult",
    "Recalibrator",
    "RocResult",
    "UtilityResult",
    "augmentation_gain",
    "auc_delong",
    "brier_score",
    "calibration_intercept_slope",
    "calibration_summary",
    "calibration_table",
    "choose_threshold",
    "compare_auc_delong",
    "cross_validate",
    "dcr_comparison",
    "decision_curve",
    "distance_to_closest_record",
    "feature_cnn",
    "frechet_distance",
    "generative_precision_recall",
    "generator_report",
    "membership_inference_auc",
    "metrics_at_threshold",
    "precision_recall",
    "r2_by_group",
    "r2_with_ci",
    "recalibrate",
    "risk_by_quantile",
    "roc_with_ci",
    "split_by_individual",
    "subgroup_metrics",
    "thresholded_report",
    "top_percentile_odds_ratio",
    "tstr_trtr",
    "wilson_interval",
]
