"""ROC, bootstrap intervals and DeLong, against scikit-learn and closed forms."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score, roc_curve

from pmed_utils.evaluation import auc_delong, compare_auc_delong, roc_with_ci
from pmed_utils.results import Estimate
from pmed_utils.validation import DegenerateInputWarning, InvalidParameterError

R_DIR = Path(__file__).parents[1] / "data" / "r"


def _toy(n=300, shift=1.0, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    return y, rng.normal(size=n) + shift * y


def _structural_components_variance(y, s):
    """DeLong et al. (1988), eqs. for V10/V01, computed the slow O(m·n) way."""
    x, z = s[y == 1], s[y == 0]
    psi = (x[:, None] > z[None, :]) + 0.5 * (x[:, None] == z[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    return psi.mean(), v10.var(ddof=1) / len(x) + v01.var(ddof=1) / len(z), v10, v01


def test_roc_matches_sklearn_and_interval_contains_auc():
    y, s = _toy()
    res = roc_with_ci(y, s, n_bootstraps=200, random_state=1)
    fpr, tpr, _ = roc_curve(y, s)
    np.testing.assert_allclose(res.fpr, fpr)
    np.testing.assert_allclose(res.tpr, tpr)
    assert isinstance(res.auc, Estimate) and res.auc.method == "bootstrap percentile"
    assert res.auc.value == pytest.approx(roc_auc_score(y, s))
    assert res.auc.low < res.auc.value < res.auc.high and res.auc.level == 0.95
    assert np.all(res.tpr_low <= res.tpr_high + 1e-12)
    narrow = roc_with_ci(y, s, n_bootstraps=100, confidence=0.5, random_state=1)
    assert res.auc.low < narrow.auc.low < narrow.auc.high < res.auc.high and narrow.auc.level == 0.5


def test_bootstrap_interval_agrees_with_delong_width():
    y, s = _toy(n=600)
    boot = roc_with_ci(y, s, n_bootstraps=400, random_state=0)
    d = auc_delong(y, s)
    assert boot.auc.width == pytest.approx(d.auc.width, rel=0.2)


def test_same_seed_same_interval_and_a_generator_advances():
    y, s = _toy()
    assert (
        roc_with_ci(y, s, n_bootstraps=50, random_state=3).auc == roc_with_ci(y, s, n_bootstraps=50, random_state=3).auc
    )
    assert (
        roc_with_ci(y, s, n_bootstraps=50, random_state=None).auc
        == roc_with_ci(y, s, n_bootstraps=50, random_state=0).auc
    )
    rng = np.random.default_rng(3)
    assert (
        roc_with_ci(y, s, n_bootstraps=50, random_state=rng).auc
        != roc_with_ci(y, s, n_bootstraps=50, random_state=rng).auc
    )


def test_delong_matches_slow_structural_components_with_ties():
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, 150)
    s = np.round(rng.normal(size=150) + y, 1)  # rounding creates ties
    auc, var, *_ = _structural_components_variance(y, s)
    d = auc_delong(y, s)
    assert d.auc.value == pytest.approx(auc) == pytest.approx(roc_auc_score(y, s))
    assert d.variance == pytest.approx(var, rel=1e-10)


def test_delong_ci_covers_true_auc_at_nominal_rate():
    """Binormal model: true AUC = Φ(δ/√2). The 95% DeLong CI should cover it ~95% of the time."""
    delta = 1.0
    true_auc = stats.norm.cdf(delta / np.sqrt(2))
    covered = [auc_delong(*_toy(200, delta, seed)).auc.contains(true_auc) for seed in range(300)]
    assert 0.91 <= np.mean(covered) <= 0.98


def test_hanley_mcneil_ct_example_auc():
    """Hanley & McNeil (1982, Radiology 143:29-36), Table 1: 5-point CT ratings; published AUC 0.893."""
    normal = np.repeat([1, 2, 3, 4, 5], [33, 6, 6, 11, 2])
    abnormal = np.repeat([1, 2, 3, 4, 5], [3, 2, 2, 11, 33])
    y = np.r_[np.zeros(58), np.ones(51)]
    d = auc_delong(y, np.r_[normal, abnormal])
    assert round(d.auc.value, 3) == 0.893
    # Hanley & McNeil's own (exponential-approximation) SE is 0.032; DeLong's is close to it.
    assert d.se == pytest.approx(0.032, abs=0.004)


def test_compare_delong_variance_and_null_calibration():
    y, a = _toy(400, 1.0, seed=5)
    rng = np.random.default_rng(6)
    b = a + rng.normal(scale=1.0, size=a.size)
    cmp = compare_auc_delong(y, a, b)
    _, var_a, v10a, v01a = _structural_components_variance(y, a)
    _, var_b, v10b, v01b = _structural_components_variance(y, b)
    cov = np.cov(v10a, v10b)[0, 1] / (y == 1).sum() + np.cov(v01a, v01b)[0, 1] / (y == 0).sum()
    assert cmp.se_difference == pytest.approx(np.sqrt(var_a + var_b - 2 * cov), rel=1e-10)
    assert cmp.difference.value == pytest.approx(roc_auc_score(y, a) - roc_auc_score(y, b))
    # Under the null (two equally good, independent noisy copies), p-values are ~uniform.
    ps = []
    for seed in range(200):
        r = np.random.default_rng(100 + seed)
        yy = r.integers(0, 2, 200)
        base = r.normal(size=200) + yy
        ps.append(compare_auc_delong(yy, base + r.normal(size=200), base + r.normal(size=200)).p_value)
    assert 0.02 <= np.mean(np.array(ps) < 0.05) <= 0.09


def test_identical_scores_give_p_one():
    y, s = _toy()
    cmp = compare_auc_delong(y, s, s)
    assert cmp.difference.value == 0 and cmp.p_value == 1.0


@pytest.mark.parametrize(
    "y, s, match",
    [
        ([0, 1, 2], [0.1, 0.2, 0.3], "only 0 and 1"),
        ([0, 1, 1], [0.1, np.nan, 0.3], "NaN"),
        ([0, 1], [0.1, 0.2, 0.3], "Inconsistent lengths"),
        ([0, 1], np.ones((2, 2)), "must be 1-D"),
    ],
)
@pytest.mark.parametrize("func", [roc_with_ci, auc_delong])
def test_bad_input_is_a_clear_error(func, y, s, match):
    with pytest.raises(ValueError, match=match):
        func(y, s)


def test_parameter_errors_name_the_parameter():
    with pytest.raises(InvalidParameterError, match="'n_bootstraps' parameter of roc_with_ci"):
        roc_with_ci([0, 1], [0.1, 0.2], n_bootstraps=5)
    with pytest.raises(InvalidParameterError, match="'confidence' parameter of auc_delong"):
        auc_delong([0, 1], [0.1, 0.2], confidence=1.0)
    with pytest.raises(
        ValueError, match="Inconsistent lengths in compare_auc_delong: y_true has 3 rows, score_b has 2"
    ):
        compare_auc_delong([0, 1, 1], [0.1, 0.2, 0.3], [0.1, 0.2])


@pytest.mark.parametrize("func", [roc_with_ci, auc_delong])
def test_a_single_class_warns_and_gives_nan(func):
    with pytest.warns(DegenerateInputWarning, match="no cases"):
        res = func([0, 0, 0], [0.1, 0.2, 0.3])
    assert np.isnan(res.auc.value) and np.isnan(res.auc.low) and np.isnan(res.auc.high)
    with pytest.warns(DegenerateInputWarning, match="no controls"):
        cmp = compare_auc_delong([1, 1], [0.1, 0.2], [0.3, 0.4])
    assert np.isnan(cmp.difference.value) and np.isnan(cmp.p_value)


def test_constant_scores_give_auc_half():
    """Every case-control pair is tied: AUC 0.5 by definition (as scikit-learn and pROC), not degenerate."""
    d = auc_delong([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])
    assert d.auc.value == 0.5 and d.variance == 0
    assert roc_with_ci([0, 1, 0, 1], [0.5] * 4, n_bootstraps=20).auc == Estimate(
        0.5, 0.5, 0.5, 0.95, "bootstrap percentile"
    )


# pROC 1.18.0 (R 4.2.2) on tests/data/r/roc_input.csv; see tests/data/r/README.md.
@pytest.fixture(scope="module")
def proc():
    data = pd.read_csv(R_DIR / "roc_input.csv")
    ref = pd.read_csv(R_DIR / "roc_reference.csv").set_index("quantity")["value"]
    return data, ref


def test_delong_auc_variance_and_ci_match_proc(proc):
    data, ref = proc
    a = auc_delong(data["y"], data["score_a"])  # ci.auc(method = "delong"), 95%
    assert a.auc.value == pytest.approx(ref["auc_a"], rel=1e-12)
    assert a.variance == pytest.approx(ref["var_a"], rel=1e-10)
    assert (a.auc.low, a.auc.high) == pytest.approx((ref["auc_a_low"], ref["auc_a_high"]), rel=1e-10)
    b = auc_delong(data["y"], data["score_b"], confidence=0.9)
    assert b.auc.value == pytest.approx(ref["auc_b"], rel=1e-12)
    assert b.variance == pytest.approx(ref["var_b"], rel=1e-10)
    assert (b.auc.low, b.auc.high) == pytest.approx((ref["auc_b_low90"], ref["auc_b_high90"]), rel=1e-10)


def test_paired_delong_test_matches_proc_roc_test(proc):
    data, ref = proc
    cmp = compare_auc_delong(data["y"], data["score_a"], data["score_b"])
    assert cmp.z == pytest.approx(ref["z"], rel=1e-10)
    assert cmp.p_value == pytest.approx(ref["p_value"], rel=1e-10)
    assert (cmp.difference.low, cmp.difference.high) == pytest.approx(
        (ref["difference_low"], ref["difference_high"]), rel=1e-10
    )
    assert cmp.difference.value == pytest.approx(ref["auc_a"] - ref["auc_b"], rel=1e-12)
    assert cmp.auc_a == auc_delong(data["y"], data["score_a"]).auc


def test_bootstrap_roc_points_equal_sklearn_curve_and_auc_with_ties():
    from pmed_utils.evaluation._roc import _roc_points

    grid = np.linspace(0, 1, 101)
    for seed in range(5):
        rng = np.random.default_rng(seed)
        y = rng.integers(0, 2, 80)
        s = np.round(rng.normal(size=80) + y, 1)
        f, t = _roc_points(y, s)
        f_sk, t_sk, _ = roc_curve(y, s)
        assert np.trapezoid(t, f) == pytest.approx(roc_auc_score(y, s), abs=1e-15)
        np.testing.assert_allclose(np.interp(grid, f, t), np.interp(grid, f_sk, t_sk), atol=1e-15)
