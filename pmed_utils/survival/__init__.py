"""Disease progression: age at onset, Kaplan–Meier curves, Cox models and their evaluation.

``simulate`` gives the simulated cohort an age at onset from its liability (a
proportional-hazards link) with censoring; ``estimators`` has Kaplan–Meier
curves, the log-rank test and the Cox model (hazard ratios as
:class:`~pmed_utils.results.Estimate`); ``metrics`` scores risk predictions
(Harrell's and Uno's C-index, time-dependent AUC, calibration at a horizon);
``neural`` trains a small Keras network by the Cox partial likelihood.
"""

from pmed_utils.survival.estimators import (
    CoxFit,
    KaplanMeierCurve,
    LogRankResult,
    cox_partial_likelihood,
    fit_cox,
    kaplan_meier,
    logrank_test,
)
from pmed_utils.survival.metrics import (
    TimeDependentAUC,
    calibration_at_horizon,
    cross_validated_c_index,
    harrell_c_index,
    time_dependent_auc,
    uno_c_index,
)
from pmed_utils.survival.simulate import SurvivalData, SurvivalTruth, simulate_onset

__all__ = [
    "SurvivalTruth",
    "SurvivalData",
    "simulate_onset",
    "KaplanMeierCurve",
    "kaplan_meier",
    "LogRankResult",
    "logrank_test",
    "cox_partial_likelihood",
    "CoxFit",
    "fit_cox",
    "harrell_c_index",
    "cross_validated_c_index",
    "uno_c_index",
    "TimeDependentAUC",
    "time_dependent_auc",
    "calibration_at_horizon",
]
