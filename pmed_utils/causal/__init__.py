"""Causal inference for treatment decisions: simulated trials, average and individual effects, uplift.

``simulate`` makes trials and observational studies in the simulated cohort with
the true individual effects kept; ``weighting`` estimates average effects
(difference in means, IPW, AIPW); ``learners`` estimates individual effects
(S-, T-, X-, DR-learners and an oracle) and scores them (PEHE), ``comparison``
runs them all on one trial; ``uplift`` ranks
people by predicted benefit (Qini curves) and values treatment policies.
"""

from pmed_utils.causal.comparison import LearnerComparison, compare_cate_learners
from pmed_utils.causal.learners import (
    dr_learner_cate,
    oracle_cate,
    pehe,
    s_learner_cate,
    t_learner_cate,
    x_learner_cate,
)
from pmed_utils.causal.simulate import TrialData, TrialTruth, simulate_observational, simulate_trial
from pmed_utils.causal.uplift import QiniCurve, policy_value, qini_curve, true_qini_curve
from pmed_utils.causal.weighting import (
    Nuisance,
    aipw_ate,
    cross_fit_nuisance,
    difference_in_means,
    ipw_ate,
)

__all__ = [
    "TrialData",
    "TrialTruth",
    "simulate_trial",
    "simulate_observational",
    "difference_in_means",
    "ipw_ate",
    "aipw_ate",
    "cross_fit_nuisance",
    "Nuisance",
    "s_learner_cate",
    "t_learner_cate",
    "x_learner_cate",
    "dr_learner_cate",
    "oracle_cate",
    "pehe",
    "LearnerComparison",
    "compare_cate_learners",
    "QiniCurve",
    "qini_curve",
    "true_qini_curve",
    "policy_value",
]
