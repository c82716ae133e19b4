"""All individual-effect learners on one trial, scored against the truth (chapter 71 and the benchmark)."""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
from sklearn.linear_model import LinearRegression

from pmed_utils.causal.learners import (
    dr_learner_cate,
    oracle_cate,
    pehe,
    s_learner_cate,
    t_learner_cate,
    x_learner_cate,
)
from pmed_utils.causal.simulate import TrialData
from pmed_utils.validation import Interval, validate_params

__all__ = ["LearnerComparison", "compare_cate_learners"]


@dataclass(frozen=True)
class LearnerComparison:
    """Each learner's estimated individual effects on the test people, and their error.

    Attributes
    ----------
    cate : dict of str to ndarray of float, shape (n_test,)
        Estimated effects by learner: "S", "T", "X", "DR", "DR (form known)"
        and "oracle".
    true_cate : ndarray of float, shape (n_test,)
        The true individual effects of the test people.
    pehe : Series of float
        sqrt(mean squared error) of each learner's effects, indexed like ``cate``.
    train, test : ndarray of int
        Rows of the trial used to fit and to score.

    Examples
    --------
    >>> import pandas as pd
    >>> result = LearnerComparison(cate={"T": np.array([1.0, 0.0])}, true_cate=np.array([1.0, 1.0]),
    ...                            pehe=pd.Series({"T": np.sqrt(0.5)}), train=np.array([0, 1]), test=np.array([2, 3]))
    >>> round(float(result.pehe["T"]), 3)
    0.707

    :func:`compare_cate_learners` makes it.
    """

    cate: dict[str, np.ndarray]
    true_cate: np.ndarray
    pehe: pd.Series
    train: np.ndarray
    test: np.ndarray


@validate_params(
    {
        "trial": [TrialData],
        "train": ["array-like"],
        "test": ["array-like"],
        "n_estimators": [Interval(numbers.Integral, 1, None)],
        "random_state": ["random_state"],
    }
)
def compare_cate_learners(
    trial: TrialData,
    train: Any,
    test: Any,
    *,
    n_estimators: int = 150,
    random_state: int | np.random.Generator | None = 0,
) -> LearnerComparison:
    """Fit the S-, T-, X- and DR-learners and the oracle on ``train`` and score them on ``test``.

    The outcome models are gradient-boosted trees (depth 2, learning rate
    0.05, ``n_estimators`` trees); the X-learner's propensity model is a
    depth-1 boosted classifier; the DR-learner uses the trial's known
    propensity (randomisation) and a linear final model on all the covariates.
    "DR (form known)" is the same DR-learner with its final model on the
    features the true effect is linear in (the other covariates only adjust,
    as ``W``): it knows what the oracle knows about the effect, but not the
    baseline, so its gap to the oracle is the cost of estimating the outcome
    models. The oracle knows the features the true effect and baseline are
    linear in.

    Parameters
    ----------
    trial : TrialData
        From :func:`~pmed_utils.causal.simulate_trial` (or ``simulate_observational``).
    train, test : array-like of int
        Rows of the trial to fit on and to score on.
    n_estimators : int, default 150
        Trees per gradient-boosting model.
    random_state : int, Generator or None, default 0
        Seed for every model.

    Returns
    -------
    LearnerComparison
        Effects per learner, the truth and the PEHE table.

    Examples
    --------
    >>> from pmed_utils.causal import simulate_trial
    >>> from pmed_utils.genomics.simulate import simulate_cohort
    >>> cohort = simulate_cohort(400, n_chromosomes=1, segment_length=2e5, n_causal=20,
    ...                          add_messiness=False, random_state=1)
    >>> trial = simulate_trial(cohort, random_state=1)
    >>> result = compare_cate_learners(trial, np.arange(0, 400, 2), np.arange(1, 400, 2), n_estimators=20)
    >>> result.pehe.index.tolist(), bool(result.pehe["oracle"] < result.pehe["S"])
    (['S', 'T', 'X', 'DR', 'DR (form known)', 'oracle'], True)
    """
    func = "compare_cate_learners"
    n = len(trial.outcome)
    rows = {}
    for name, value in (("train", train), ("test", test)):
        idx = np.asarray(value)
        if (
            idx.ndim != 1
            or not np.issubdtype(idx.dtype, np.integer)
            or idx.size == 0
            or idx.min() < 0
            or idx.max() >= n
        ):
            raise ValueError(
                f"The '{name}' parameter of {func} must hold row positions of the trial (integers in [0, {n})); "
                f"got {value!r:.80}."
            )
        rows[name] = idx
    tr, te = rows["train"], rows["test"]
    truth = trial.truth
    x_tr, x_te = trial.covariates.iloc[tr], trial.covariates.iloc[te]
    t_tr, y_tr = trial.treatment[tr], trial.outcome[tr]
    gbm = GradientBoostingRegressor(max_depth=2, n_estimators=n_estimators, learning_rate=0.05)
    common = {"model": gbm, "X_test": x_te, "random_state": random_state}
    cate = {
        "S": s_learner_cate(x_tr, t_tr, y_tr, **common),
        "T": t_learner_cate(x_tr, t_tr, y_tr, **common),
        "X": x_learner_cate(x_tr, t_tr, y_tr, propensity_model=GradientBoostingClassifier(max_depth=1), **common),
        "DR": dr_learner_cate(
            x_tr, t_tr, y_tr, final_model=LinearRegression(), propensity=truth.propensity[tr], **common
        ),
        "DR (form known)": dr_learner_cate(
            truth.effect_features.iloc[tr],
            t_tr,
            y_tr,
            W=x_tr,
            final_model=LinearRegression(),
            propensity=truth.propensity[tr],
            **{**common, "X_test": truth.effect_features.iloc[te]},
        ),
        "oracle": oracle_cate(
            truth.baseline_features.iloc[tr],
            truth.effect_features.iloc[tr],
            t_tr,
            y_tr,
            effect_features_test=truth.effect_features.iloc[te],
        ),
    }
    true_cate = truth.cate[te]
    errors = pd.Series({name: pehe(true_cate, est) for name, est in cate.items()}, name="PEHE")
    return LearnerComparison(cate=cate, true_cate=true_cate, pehe=errors, train=tr, test=te)
