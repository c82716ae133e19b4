import numpy as np
import pytest
from sklearn.metrics import classification_report, confusion_matrix, roc_curve

from pmed_utils.evaluation import (
    choose_threshold,
    metrics_at_threshold,
    thresholded_report,
    wilson_interval,
)
from pmed_utils.results import Estimate
from pmed_utils.validation import DegenerateInputWarning, InvalidParameterError


def _data(seed=0, n=500):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    return y, 1 / (1 + np.exp(-(rng.normal(size=n) + 1.5 * y - 0.75)))


def test_wilson_matches_closed_form_and_edge_cases():
    # Wilson (1927) interval for 8/10 at 95%: known values 0.4902, 0.9433
    est = wilson_interval(8, 10)
    assert isinstance(est, Estimate) and est.value == 0.8 and est.method == "Wilson"
    assert (round(est.low, 4), round(est.high, 4)) == (0.4902, 0.9433)
    # closed form: (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
    z, k, n = 1.6448536269514722, 3, 17
    p = k / n
    centre, half = (
        (p + z**2 / (2 * n)) / (1 + z**2 / n),
        z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n),
    )
    est = wilson_interval(k, n, confidence=0.9)
    assert (est.low, est.high) == pytest.approx((centre - half, centre + half), rel=1e-12) and est.level == 0.9
    est = wilson_interval(0, 20)
    assert est.low == 0 and est.high == pytest.approx(1.959964**2 / (20 + 1.959964**2), rel=1e-6)
    assert wilson_interval(20, 20).high == 1
    with pytest.warns(DegenerateInputWarning, match="no trials"):
        est = wilson_interval(0, 0)
    assert np.isnan(est.value) and np.isnan(est.low) and np.isnan(est.high)
    with pytest.raises(ValueError, match="'successes' parameter of wilson_interval must be at most trials=3"):
        wilson_interval(4, 3)


def test_youden_threshold_maximises_j_over_all_thresholds():
    y, s = _data()
    t = choose_threshold(y, s, "youden")
    fpr, tpr, _ = roc_curve(y, s)
    best = np.max(tpr - fpr)
    m = metrics_at_threshold(y, s, t)
    assert m.loc["sensitivity", "value"] + m.loc["specificity", "value"] - 1 == pytest.approx(best)


@pytest.mark.parametrize("target", [0.8, 0.9, 0.95])
def test_target_sensitivity_and_specificity_are_met_tightly(target):
    y, s = _data(1)
    t_sens = choose_threshold(y, s, "sensitivity", target=target)
    assert metrics_at_threshold(y, s, t_sens).loc["sensitivity", "value"] >= target
    # the next higher score would miss the target: the threshold is the highest that meets it
    higher = np.unique(s[s > t_sens])
    if higher.size:
        assert metrics_at_threshold(y, s, higher[0]).loc["sensitivity", "value"] < target
    t_spec = choose_threshold(y, s, "specificity", target=target)
    assert metrics_at_threshold(y, s, t_spec).loc["specificity", "value"] >= target


def test_threshold_method_errors():
    y, s = _data()
    with pytest.raises(ValueError, match="'method' parameter of choose_threshold"):
        choose_threshold(y, s, "f1")
    with pytest.raises(ValueError, match="needs a 'target'"):
        choose_threshold(y, s, "sensitivity")
    with pytest.raises(InvalidParameterError, match="'target' parameter of choose_threshold"):
        choose_threshold(y, s, "specificity", target=1.5)


def test_choose_threshold_with_a_single_class_warns_and_gives_nan():
    with pytest.warns(DegenerateInputWarning, match="no controls"):
        assert np.isnan(choose_threshold([1, 1, 1], [0.2, 0.5, 0.9]))


def test_metrics_match_confusion_matrix_counts():
    y, s = _data(2)
    t = 0.5
    tn, fp, fn, tp = confusion_matrix(y, s >= t).ravel()
    m = metrics_at_threshold(y, s, t)
    assert m.loc["sensitivity", "value"] == pytest.approx(tp / (tp + fn))
    assert m.loc["specificity", "value"] == pytest.approx(tn / (tn + fp))
    assert m.loc["ppv", "value"] == pytest.approx(tp / (tp + fp))
    assert m.loc["npv", "value"] == pytest.approx(tn / (tn + fn))
    assert (m["low"] <= m["value"]).all() and (m["value"] <= m["high"]).all()
    sens = wilson_interval(int(tp), int(tp + fn))
    assert m.loc["sensitivity", ["value", "low", "high", "level"]].tolist() == pytest.approx(
        [sens.value, sens.low, sens.high, 0.95]
    )


def test_nobody_flagged_gives_nan_ppv_with_a_warning_not_a_crash():
    with pytest.warns(DegenerateInputWarning, match="ppv have an empty denominator"):
        m = metrics_at_threshold([0, 1, 0, 1], [0.1, 0.2, 0.3, 0.4], threshold=0.9)
    assert np.isnan(m.loc["ppv", "value"]) and m.loc["sensitivity", "value"] == 0


def test_thresholded_report_equals_sklearn_on_labels_and_probabilities_fail_in_sklearn():
    y, s = _data(3)
    report, cm = thresholded_report(y, s, 0.5)
    expected = classification_report(y, (s >= 0.5).astype(int), output_dict=True)
    assert report.loc["case", "recall"] == pytest.approx(expected["1"]["recall"])
    assert report.loc["control", "precision"] == pytest.approx(expected["0"]["precision"])
    np.testing.assert_array_equal(cm.to_numpy(), confusion_matrix(y, s >= 0.5))
    assert list(report.index) == ["control", "case", "accuracy", "macro avg", "weighted avg"]
    assert report["support"].dtype.kind == "i"
    assert report.loc["case", "support"] == (y == 1).sum() and report.loc["accuracy", "support"] == len(y)
    assert report.loc["accuracy", "f1-score"] == pytest.approx(expected["accuracy"])
    assert report.loc["accuracy", ["precision", "recall"]].isna().all()
    assert report.loc["macro avg", "f1-score"] == pytest.approx(expected["macro avg"]["f1-score"])
    # The seed's mistake, shown in the evaluation chapter: probabilities are not labels.
    with pytest.raises(ValueError, match="mix of binary and continuous"):
        classification_report(y, s)
