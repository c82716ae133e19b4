"""Fairness of a risk model across groups: metrics per group, the impossibility result, mitigations.

The per-group table builds on :func:`pmed_utils.evaluation.subgroup_metrics`
(same rows, same warnings) and adds what a fairness audit compares: base
rate, calibration with intervals, true- and false-positive rates and the
positive predictive value at a threshold. With different base rates a
calibrated score cannot also equalise error rates (Kleinberg et al. 2016;
Chouldechova 2017): :func:`calibrated_error_rates` computes the rates of a
calibrated score exactly and :func:`chouldechova_fpr` is the identity that
ties them together. The mitigations (recalibration per group, thresholds per
group) come with the functions that measure their price.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import special, stats

from pmed_utils.evaluation._calibration import Recalibrator
from pmed_utils.evaluation._checks import check_probabilities, check_scores
from pmed_utils.evaluation._subgroups import check_groups, subgroup_table
from pmed_utils.evaluation._thresholds import wilson_bounds
from pmed_utils.validation import (
    Interval,
    Options,
    check_binary_labels,
    check_finite,
    check_same_length,
    validate_params,
    warn_degenerate,
)

__all__ = [
    "GroupRecalibrator",
    "calibrated_error_rates",
    "chouldechova_fpr",
    "fairness_metrics",
    "flag_by_group",
    "group_thresholds",
    "net_benefit_of_decisions",
]

_LEVEL = Interval(numbers.Real, 0, 1, closed="neither")
_PROB = Interval(numbers.Real, 0, 1, closed="neither")

#: Columns of :func:`fairness_metrics`, in order.
FAIRNESS_COLUMNS = [
    "n",
    "cases",
    "base_rate",
    "mean_predicted",
    "auc",
    "auc_low",
    "auc_high",
    "calibration_in_the_large",
    "calibration_in_the_large_low",
    "calibration_in_the_large_high",
    "calibration_intercept",
    "calibration_intercept_low",
    "calibration_intercept_high",
    "calibration_slope",
    "calibration_slope_low",
    "calibration_slope_high",
    "flagged",
    "tpr",
    "tpr_low",
    "tpr_high",
    "fpr",
    "fpr_low",
    "fpr_high",
    "ppv",
    "ppv_low",
    "ppv_high",
    "level",
    "small",
]


@validate_params(
    {
        "y_true": ["array-like"],
        "y_prob": ["array-like"],
        "groups": ["array-like", pd.Categorical],
        "threshold": [Interval(numbers.Real, 0, 1)],
        "min_group_size": [Interval(numbers.Integral, 0, None)],
        "confidence": [_LEVEL],
    }
)
def fairness_metrics(
    y_true: ArrayLike,
    y_prob: ArrayLike,
    groups: ArrayLike,
    threshold: float,
    *,
    min_group_size: int = 30,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Per-group AUC, calibration, TPR, FPR and PPV at a threshold, each with an interval.

    Built on the subgroup table of :func:`~pmed_utils.evaluation.subgroup_metrics`:
    AUC with DeLong intervals; calibration intercept (slope fixed at 1) and
    slope with Wald intervals (:func:`~pmed_utils.evaluation.calibration_intercept_slope`);
    calibration-in-the-large as observed minus mean predicted risk, with a
    normal interval from the standard deviation of ``y − p``; TPR, FPR and
    PPV of ``y_prob >= threshold`` with Wilson intervals.

    A missing group label (NaN or None) is an error. An empty group, or a
    group with one class, gets a :class:`~pmed_utils.validation.DegenerateInputWarning`
    and NaN where a metric is undefined (AUC and calibration slope need both
    classes, TPR cases, FPR controls, PPV someone flagged); a group smaller
    than ``min_group_size`` gets a :class:`~pmed_utils.validation.PmedWarning`.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 outcomes.
    y_prob : array-like of float, shape (n,)
        Predicted risks in [0, 1].
    groups : array-like or pandas.Categorical, shape (n,)
        Group label per person, no missing values; a Categorical also lists
        its unused categories (as empty groups).
    threshold : float in [0, 1]
        People with ``y_prob >= threshold`` are flagged.
    min_group_size : int, default 30
        Groups smaller than this are flagged ``small``.
    confidence : float, default 0.95
        Coverage of every interval, in (0, 1).

    Returns
    -------
    DataFrame
        Index: group; columns :data:`FAIRNESS_COLUMNS`: n, cases (int),
        base_rate, mean_predicted, each metric with ``_low`` and ``_high``
        (float), flagged (share flagged), level (float), small (bool).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.05, 0.6, 2000); y = (rng.random(2000) < p).astype(int)
    >>> t = fairness_metrics(y, p, np.repeat(["A", "B"], 1000), threshold=0.3)
    >>> t.index.tolist(), t["n"].tolist()
    (['A', 'B'], [1000, 1000])
    >>> bool((t["tpr_low"] < t["tpr"]).all() and (t["fpr"] < t["fpr_high"]).all())
    True
    >>> bool(t["calibration_slope_low"].lt(1).all() and t["calibration_slope_high"].gt(1).all())
    True
    """
    y, p = check_scores(y_true, y_prob, "fairness_metrics", score_name="y_prob")
    check_probabilities(p, "fairness_metrics")
    table = subgroup_table(y, p, groups, threshold, min_group_size, confidence, "fairness_metrics")
    g, labels = check_groups(groups, len(y), "fairness_metrics")
    z = stats.norm.ppf(0.5 + confidence / 2)
    extra: dict[Any, dict[str, float]] = {}
    for label in labels:
        mask = g == label
        key = label.item() if isinstance(label, np.generic) else label
        yg, pg = y[mask], p[mask]
        n = int(mask.sum())
        flagged = pg >= threshold
        tp = float((flagged & (yg == 1)).sum())
        ppv_low, ppv_high = wilson_bounds(tp, float(flagged.sum()), confidence)
        row = dict.fromkeys(
            ["base_rate", "mean_predicted", "flagged", "ppv", "ppv_low", "ppv_high"]
            + [f"calibration_in_the_large{s}" for s in ("", "_low", "_high")],
            np.nan,
        )
        if n:
            diff = yg - pg
            citl = float(diff.mean())
            half = z * float(diff.std(ddof=1)) / np.sqrt(n) if n > 1 else np.nan
            row.update(
                base_rate=float(yg.mean()),
                mean_predicted=float(pg.mean()),
                flagged=float(flagged.mean()),
                calibration_in_the_large=citl,
                calibration_in_the_large_low=citl - half,
                calibration_in_the_large_high=citl + half,
            )
            if flagged.any():
                row.update(ppv=tp / flagged.sum(), ppv_low=float(ppv_low), ppv_high=float(ppv_high))
            elif 0 < yg.sum() < n:
                warn_degenerate(
                    "fairness_metrics",
                    f"no one in subgroup {key!r} is flagged at {threshold:g}, so its PPV is undefined",
                )
        extra[key] = row
    out = table.join(pd.DataFrame.from_dict(extra, orient="index"))
    out["tpr"], out["tpr_low"], out["tpr_high"] = out["sensitivity"], out["sensitivity_low"], out["sensitivity_high"]
    out["fpr"] = 1 - out["specificity"]
    out["fpr_low"], out["fpr_high"] = 1 - out["specificity_high"], 1 - out["specificity_low"]
    out = out.reindex(columns=FAIRNESS_COLUMNS)
    out.index.name = "group"
    return out


@validate_params(
    {
        "base_rates": ["mapping"],
        "threshold": [Interval(numbers.Real, 0, 1, closed="neither")],
        "concentration": [Interval(numbers.Real, 0, None, closed="neither")],
    }
)
def calibrated_error_rates(
    base_rates: Mapping[Any, float], threshold: float, *, concentration: float = 10.0
) -> pd.DataFrame:
    """Exact error rates of a perfectly calibrated score in groups with different base rates.

    In each group the score :math:`S` follows a Beta distribution with mean
    equal to the group's base rate :math:`p` (shape parameters
    :math:`\\kappa p` and :math:`\\kappa (1 - p)`), and the outcome is
    :math:`Y \\sim \\text{Bernoulli}(S)`: the score is calibrated,
    :math:`P(Y = 1 \\mid S = s) = s`, in every group. With the regularised
    incomplete beta function :math:`I_t(a, b)`, at threshold :math:`t`:
    :math:`E[S\\,1\\{S \\ge t\\}] = p\\,(1 - I_t(a + 1, b))` and
    :math:`E[(1 - S)\\,1\\{S \\ge t\\}] = (1 - p)\\,(1 - I_t(a, b + 1))`, so
    TPR, FPR, PPV and NPV follow without sampling. Different base rates give
    different FPR and FNR although the score is calibrated in each group
    (Kleinberg et al. 2016; Chouldechova 2017); the rates satisfy
    :func:`chouldechova_fpr`.

    Parameters
    ----------
    base_rates : mapping of group to float
        Base rate (prevalence) of each group, in (0, 1).
    threshold : float in (0, 1)
        People with ``S >= threshold`` are flagged.
    concentration : float > 0, default 10.0
        :math:`\\kappa = a + b`: larger means scores closer to the base rate
        (a less informative score).

    Returns
    -------
    DataFrame
        Index: group; columns base_rate, flagged (share flagged), tpr, fpr,
        fnr, ppv, npv (float).

    Examples
    --------
    >>> r = calibrated_error_rates({"A": 0.1, "B": 0.3}, threshold=0.2)
    >>> r.columns.tolist()
    ['base_rate', 'flagged', 'tpr', 'fpr', 'fnr', 'ppv', 'npv']
    >>> bool(r.loc["B", "fpr"] > r.loc["A", "fpr"]), bool(r.loc["B", "fnr"] < r.loc["A", "fnr"])
    (True, True)
    """
    rows = {}
    for group, rate in base_rates.items():
        ok = isinstance(rate, numbers.Real) and not isinstance(rate, bool) and 0 < float(rate) < 1
        if not ok:
            raise ValueError(
                "The 'base_rates' parameter of calibrated_error_rates must map each group to a base rate "
                f"in (0, 1); got {group!r}: {rate!r}."
            )
        p = float(rate)
        a, b = concentration * p, concentration * (1 - p)
        true_pos = p * (1 - special.betainc(a + 1, b, threshold))  # E[S 1{S >= t}]
        false_pos = (1 - p) * (1 - special.betainc(a, b + 1, threshold))  # E[(1 - S) 1{S >= t}]
        flagged = 1 - special.betainc(a, b, threshold)
        tpr, fpr = true_pos / p, false_pos / (1 - p)
        with np.errstate(invalid="ignore", divide="ignore"):
            ppv = true_pos / flagged if flagged > 0 else np.nan
            npv = ((1 - p) - false_pos) / (1 - flagged) if flagged < 1 else np.nan
        rows[group] = {
            "base_rate": p,
            "flagged": float(flagged),
            "tpr": float(tpr),
            "fpr": float(fpr),
            "fnr": float(1 - tpr),
            "ppv": float(ppv),
            "npv": float(npv),
        }
    table = pd.DataFrame.from_dict(rows, orient="index").reindex(
        columns=["base_rate", "flagged", "tpr", "fpr", "fnr", "ppv", "npv"]
    )
    table.index.name = "group"
    return table


@validate_params(
    {
        "base_rate": [Interval(numbers.Real, 0, 1, closed="neither")],
        "ppv": [Interval(numbers.Real, 0, 1, closed="right")],
        "tpr": [Interval(numbers.Real, 0, 1)],
    }
)
def chouldechova_fpr(base_rate: float, ppv: float, tpr: float) -> float:
    """The false-positive rate fixed by base rate, PPV and TPR (Chouldechova 2017).

    From the confusion matrix, :math:`\\text{FPR} = \\frac{p}{1 - p}\\,
    \\frac{1 - \\text{PPV}}{\\text{PPV}}\\,\\text{TPR}`. Two groups with
    different base rates :math:`p` and the same PPV (predictive parity) and
    TPR must therefore have different FPRs: equalized odds and predictive
    parity cannot both hold. The arithmetic is done in the inputs' own type,
    so :class:`fractions.Fraction` inputs give the exact fraction.

    Parameters
    ----------
    base_rate : float in (0, 1)
        Prevalence :math:`p` in the group.
    ppv : float in (0, 1]
        Positive predictive value.
    tpr : float in [0, 1]
        True-positive rate (sensitivity).

    Returns
    -------
    float
        The false-positive rate (a Fraction for Fraction inputs).

    Examples
    --------
    >>> from fractions import Fraction
    >>> # 100 people, 20 cases; 15 flagged cases, 10 flagged controls
    >>> chouldechova_fpr(Fraction(20, 100), Fraction(15, 25), Fraction(15, 20))
    Fraction(1, 8)
    >>> round(chouldechova_fpr(0.2, 0.6, 0.75), 12)
    0.125
    """
    return base_rate / (1 - base_rate) * (1 - ppv) / ppv * tpr


class GroupRecalibrator:
    """A recalibration map per group: ``fit(y, score, groups)``, then ``predict(score, groups)``.

    One :class:`~pmed_utils.evaluation.Recalibrator` per group, fitted on
    that group's validation people; each group's predictions become
    calibrated within the group. A group with a single class in the
    validation data gets a :class:`~pmed_utils.validation.DegenerateInputWarning`
    and NaN predictions.

    Parameters
    ----------
    method : {"platt", "isotonic"}, default "platt"
        The map fitted in each group (see :class:`~pmed_utils.evaluation.Recalibrator`).

    Attributes
    ----------
    method : str
        As given.
    recalibrators_ : dict of group to Recalibrator
        The fitted maps.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = np.repeat(["A", "B"], 500); p = rng.uniform(0.05, 0.5, 1000)
    >>> y = (rng.random(1000) < np.where(g == "B", p / 2, p)).astype(int)  # B over-predicted
    >>> rec = GroupRecalibrator().fit(y, p, g)
    >>> q = rec.predict(p, g)
    >>> sorted(rec.recalibrators_), bool(abs(q[g == "B"].mean() - y[g == "B"].mean()) < 0.02)
    (['A', 'B'], True)
    """

    @validate_params({"method": [Options({"platt", "isotonic"})]})
    def __init__(self, method: str = "platt") -> None:
        self.method = method
        self.recalibrators_: dict[Any, Recalibrator] = {}

    @validate_params({"y_true": ["array-like"], "y_score": ["array-like"], "groups": ["array-like", pd.Categorical]})
    def fit(self, y_true: ArrayLike, y_score: ArrayLike, groups: ArrayLike) -> GroupRecalibrator:
        """Fit one map per group on validation labels and scores; returns ``self``.

        Parameters
        ----------
        y_true : array-like of int, shape (n,)
            Validation labels (0/1).
        y_score : array-like of float, shape (n,)
            The model's validation scores.
        groups : array-like, shape (n,)
            Group label per person, no missing values.

        Returns
        -------
        GroupRecalibrator
            ``self``, fitted.
        """
        y, s = check_scores(y_true, y_score, "GroupRecalibrator.fit")
        g, labels = check_groups(groups, len(y), "GroupRecalibrator.fit")
        self.recalibrators_ = {}
        for label in labels:
            mask = g == label
            key = label.item() if isinstance(label, np.generic) else label
            if not mask.any():
                warn_degenerate("GroupRecalibrator.fit", f"group {key!r} has no validation people")
            self.recalibrators_[key] = Recalibrator(self.method).fit(y[mask], s[mask])
        return self

    @validate_params({"y_score": ["array-like"], "groups": ["array-like", pd.Categorical]})
    def predict(self, y_score: ArrayLike, groups: ArrayLike) -> np.ndarray:
        """Recalibrated probabilities, each person through their group's map.

        Parameters
        ----------
        y_score : array-like of float, shape (n,)
            Scores on the scale given to :meth:`fit`.
        groups : array-like, shape (n,)
            Group label per person; every group must have been seen by :meth:`fit`.

        Returns
        -------
        ndarray of float, shape (n,)
            Probabilities in [0, 1] (NaN for a group whose map is undefined).
        """
        if not self.recalibrators_:
            raise RuntimeError(
                "This GroupRecalibrator is not fitted yet: call fit(y_val, score_val, groups_val) first."
            )
        s = check_finite(y_score, "y_score", func="GroupRecalibrator.predict").reshape(-1)
        g, labels = check_groups(groups, len(s), "GroupRecalibrator.predict")
        unseen = [label for label in labels if label not in self.recalibrators_ and (g == label).any()]
        if unseen:
            raise ValueError(
                f"The 'groups' parameter of GroupRecalibrator.predict has groups {unseen!r} not seen in fit; "
                f"fitted groups are {list(self.recalibrators_)!r}."
            )
        out = np.full(len(s), np.nan)
        for label in labels:
            mask = g == label
            if mask.any():
                out[mask] = self.recalibrators_[label].predict(s[mask])
        return out


@validate_params(
    {
        "y_true": ["array-like"],
        "y_score": ["array-like"],
        "groups": ["array-like", pd.Categorical],
        "metric": [Options({"tpr", "fpr"})],
        "target": [Interval(numbers.Real, 0, 1, closed="neither")],
    }
)
def group_thresholds(
    y_true: ArrayLike, y_score: ArrayLike, groups: ArrayLike, *, metric: str = "tpr", target: float = 0.8
) -> pd.Series:
    """A threshold per group that brings every group to the same TPR (or FPR).

    For ``metric="tpr"`` each group's threshold is the highest one that
    flags at least ``target`` of its cases (``score >= threshold``); for
    ``metric="fpr"`` the lowest one that flags at most ``target`` of its
    controls. Fit on validation people; apply with :func:`flag_by_group`.
    A group without cases (TPR) or controls (FPR) gets a
    :class:`~pmed_utils.validation.DegenerateInputWarning` and NaN.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 outcomes.
    y_score : array-like of float, shape (n,)
        Scores (higher = more likely a case).
    groups : array-like or pandas.Categorical, shape (n,)
        Group label per person, no missing values.
    metric : {"tpr", "fpr"}, default "tpr"
        The rate to equalise.
    target : float in (0, 1), default 0.8
        Its value in every group (a floor for TPR, a ceiling for FPR).

    Returns
    -------
    Series of float
        Index: group; the threshold.

    Examples
    --------
    >>> y = np.array([0, 0, 1, 1, 1, 1, 0, 0, 1, 1])
    >>> s = np.array([.1, .2, .3, .4, .5, .6, .5, .6, .7, .8])
    >>> g = np.repeat(["A", "B"], [6, 4])
    >>> group_thresholds(y, s, g, metric="tpr", target=0.75).tolist()
    [0.4, 0.7]
    """
    y, s = check_scores(y_true, y_score, "group_thresholds")
    g, labels = check_groups(groups, len(y), "group_thresholds")
    out = {}
    for label in labels:
        mask = g == label
        key = label.item() if isinstance(label, np.generic) else label
        if metric == "tpr":
            scores = np.sort(s[mask & (y == 1)])[::-1]
            if scores.size == 0:
                warn_degenerate("group_thresholds", f"group {key!r} has no cases, so its TPR is undefined")
                out[key] = np.nan
                continue
            k = int(np.ceil(target * scores.size - 1e-12))
            out[key] = float(scores[max(k, 1) - 1])
        else:
            scores = np.sort(s[mask & (y == 0)])[::-1]
            if scores.size == 0:
                warn_degenerate("group_thresholds", f"group {key!r} has no controls, so its FPR is undefined")
                out[key] = np.nan
                continue
            allowed = int(np.floor(target * scores.size + 1e-12))
            out[key] = float(np.nextafter(scores[allowed], np.inf)) if allowed < scores.size else float(scores[-1])
    result = pd.Series(out, dtype=float, name="threshold")
    result.index.name = "group"
    return result


@validate_params(
    {"y_score": ["array-like"], "groups": ["array-like", pd.Categorical], "thresholds": ["mapping", pd.Series]}
)
def flag_by_group(y_score: ArrayLike, groups: ArrayLike, thresholds: Mapping[Any, float] | pd.Series) -> np.ndarray:
    """Flag each person whose score reaches their group's threshold.

    Parameters
    ----------
    y_score : array-like of float, shape (n,)
        Scores.
    groups : array-like or pandas.Categorical, shape (n,)
        Group label per person, no missing values; every group needs a threshold.
    thresholds : mapping or Series of group to float
        From :func:`group_thresholds`; a NaN threshold flags no one.

    Returns
    -------
    ndarray of bool, shape (n,)
        ``y_score >= thresholds[group]``.

    Examples
    --------
    >>> flag_by_group([0.3, 0.5, 0.3, 0.5], ["A", "A", "B", "B"], {"A": 0.2, "B": 0.4}).tolist()
    [True, True, False, True]
    """
    s = check_finite(y_score, "y_score", func="flag_by_group").reshape(-1)
    g, labels = check_groups(groups, len(s), "flag_by_group")
    thresholds = dict(thresholds.items())
    missing = [label for label in labels if label not in thresholds and (g == label).any()]
    if missing:
        raise ValueError(
            f"The 'thresholds' parameter of flag_by_group has no threshold for groups {missing!r}; "
            f"it has {list(thresholds)!r}."
        )
    cut = np.array([thresholds[label] for label in g], dtype=float) if len(g) else np.zeros(0)
    with np.errstate(invalid="ignore"):
        return s >= cut


@validate_params(
    {
        "y_true": ["array-like"],
        "treated": ["array-like"],
        "threshold_probability": [Interval(numbers.Real, 0, 1, closed="neither")],
    }
)
def net_benefit_of_decisions(y_true: ArrayLike, treated: ArrayLike, threshold_probability: float) -> float:
    """Net benefit of a set of treat / do-not-treat decisions at a threshold probability.

    Net benefit = TP/n − FP/n · p_t/(1 − p_t) (Vickers & Elkin 2006), for any
    decisions — a single threshold on a calibrated risk (then it equals
    :func:`~pmed_utils.evaluation.decision_curve` at ``p_t``) or one threshold
    per group. No people gives a :class:`~pmed_utils.validation.DegenerateInputWarning`
    and NaN.

    Parameters
    ----------
    y_true : array-like of int, shape (n,)
        0/1 outcomes.
    treated : array-like of bool, shape (n,)
        The decisions.
    threshold_probability : float in (0, 1)
        The risk :math:`p_t` at which a clinician would treat: it prices a
        false positive at :math:`p_t / (1 - p_t)` true positives.

    Returns
    -------
    float
        The net benefit, in true positives per person.

    Examples
    --------
    >>> net_benefit_of_decisions([0, 0, 1, 1], [False, True, True, True], 0.5)
    0.25
    """
    y = check_binary_labels(y_true, "y_true", func="net_benefit_of_decisions")
    t = check_binary_labels(treated, "treated", func="net_benefit_of_decisions").astype(bool)
    check_same_length((y, "y_true"), (t, "treated"), func="net_benefit_of_decisions")
    n = len(y)
    if n == 0:
        warn_degenerate("net_benefit_of_decisions", "there are no people")
        return float("nan")
    tp = float((t & (y == 1)).sum())
    fp = float((t & (y == 0)).sum())
    return tp / n - fp / n * threshold_probability / (1 - threshold_probability)
