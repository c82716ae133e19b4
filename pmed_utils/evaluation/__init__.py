"""Evaluation of risk predictions: discrimination, thresholds, calibration, utility, fairness, risk summaries.

Every chapter evaluates its models with these functions; none computes a ROC
curve or a cross-validation loop by hand. Every estimate with an interval
(an AUC, an r², an odds ratio, a calibration slope, a proportion) comes back
as a :class:`pmed_utils.results.Estimate`.
"""

# Each private module lists its public names in __all__; the package re-exports them all.
from pmed_utils.evaluation import (
    _calibration,
    _cv,
    _fairness,
    _generative,
    _monitoring,
    _personal,
    _risk,
    _roc,
    _subgroups,
    _synthetic_cohorts,
    _thresholds,
    _utility,
)
from pmed_utils.evaluation._calibration import *  # noqa: F401,F403
from pmed_utils.evaluation._cv import *  # noqa: F401,F403
from pmed_utils.evaluation._fairness import *  # noqa: F401,F403
from pmed_utils.evaluation._generative import *  # noqa: F401,F403
from pmed_utils.evaluation._monitoring import *  # noqa: F401,F403
from pmed_utils.evaluation._personal import *  # noqa: F401,F403
from pmed_utils.evaluation._risk import *  # noqa: F401,F403
from pmed_utils.evaluation._roc import *  # noqa: F401,F403
from pmed_utils.evaluation._subgroups import *  # noqa: F401,F403
from pmed_utils.evaluation._synthetic_cohorts import *  # noqa: F401,F403
from pmed_utils.evaluation._thresholds import *  # noqa: F401,F403
from pmed_utils.evaluation._utility import *  # noqa: F401,F403
from pmed_utils.splits import split_by_individual  # re-exported: splits come before evaluation

__all__ = [
    *_calibration.__all__,
    *_cv.__all__,
    *_fairness.__all__,
    *_generative.__all__,
    *_monitoring.__all__,
    *_personal.__all__,
    *_risk.__all__,
    *_roc.__all__,
    *_subgroups.__all__,
    *_synthetic_cohorts.__all__,
    *_thresholds.__all__,
    *_utility.__all__,
    "split_by_individual",
]
