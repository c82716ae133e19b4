"""Decision curves (closed form, thresholds on the grid) and precision-recall against scikit-learn."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

from pmed_utils.evaluation import DEFAULT_THRESHOLDS, decision_curve, precision_recall
from pmed_utils.validation import DegenerateInputWarning


def _net_benefit(y, p, t):
    """Vickers & Elkin (2006) by hand: treat when p >= t."""
    treated = [i for i in range(len(y)) if p[i] >= t]
    tp = sum(y[i] == 1 for i in treated)
    fp = len(treated) - tp
    return tp / len(y) - fp / len(y) * t / (1 - t)


def test_decision_curve_closed_form():
    y = np.array([0, 0, 0, 1, 1])
    p = np.array([0.1, 0.3, 0.6, 0.7, 0.9])
    dc = decision_curve(y, p, thresholds=[0.2, 0.5]).set_index("threshold")
    # at 0.5: TP=2, FP=1 -> 2/5 - 1/5 * 1 = 0.2; treat all: 0.4 - 0.6 * 1 = -0.2
    assert dc.loc[0.5, "net_benefit_model"] == pytest.approx(0.2)
    assert dc.loc[0.5, "net_benefit_all"] == pytest.approx(-0.2)
    # at 0.2: TP=2, FP=2, odds 0.25 -> 0.4 - 0.1 = 0.3
    assert dc.loc[0.2, "net_benefit_model"] == pytest.approx(0.3)
    assert (dc["net_benefit_none"] == 0).all()


def test_default_thresholds_are_exact_decimals():
    assert DEFAULT_THRESHOLDS.size == 99
    assert DEFAULT_THRESHOLDS.tolist() == [float(f"0.{k:02d}") for k in range(1, 100)]
    assert 0.06 in DEFAULT_THRESHOLDS.tolist() and 0.07 in DEFAULT_THRESHOLDS.tolist()


def test_a_risk_equal_to_a_threshold_is_treated():
    # risks sitting exactly on grid values that a float arange misses (0.060000000000000005, 0.35000000000000003, ...)
    p = np.array([0.06, 0.07, 0.35, 0.57, 0.58, 0.06, 0.35, 0.99])
    y = np.array([1, 0, 1, 0, 1, 0, 0, 1])
    dc = decision_curve(y, p).set_index("threshold")
    for t in dc.index:
        assert dc.loc[t, "net_benefit_model"] == pytest.approx(_net_benefit(y, p, t), abs=1e-15), t
    # at 0.06 all eight are treated (TP 4, FP 4): net benefit = 4/8 - 4/8 * 0.06/0.94
    assert dc.loc[0.06, "net_benefit_model"] == 0.5 - 0.5 * 0.06 / 0.94
    assert dc.loc[0.06, "net_benefit_model"] == dc.loc[0.06, "net_benefit_all"]  # treating all = the model here


def test_decision_curve_bad_input():
    with pytest.raises(ValueError, match="'thresholds' parameter of decision_curve must lie in \\(0, 1\\)"):
        decision_curve([0, 1], [0.2, 0.8], thresholds=[0.0, 0.5])
    with pytest.raises(ValueError, match="'y_prob' parameter of decision_curve must hold probabilities"):
        decision_curve([0, 1], [0.2, 1.8])
    with pytest.raises(ValueError, match="NaN"):
        decision_curve([0, 1], [0.2, 0.8], thresholds=[np.nan])
    with pytest.warns(DegenerateInputWarning, match="no people"):
        assert decision_curve([], [], thresholds=[0.5])["net_benefit_model"].isna().all()


def test_precision_recall_matches_sklearn():
    X, y = make_classification(200, 4, random_state=3)
    s = LogisticRegression().fit(X, y).decision_function(X)
    pr = precision_recall(y, s)
    assert pr.average_precision == pytest.approx(average_precision_score(y, s))
    assert pr.prevalence == pytest.approx(y.mean())


def test_precision_recall_single_class_is_nan_with_warning():
    with pytest.warns(DegenerateInputWarning, match="no cases"):
        pr = precision_recall([0, 0, 0], [0.1, 0.2, 0.3])
    assert np.isnan(pr.average_precision) and pr.precision.size == 0 and pr.prevalence == 0
