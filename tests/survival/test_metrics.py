"""C-indices, time-dependent AUC and calibration against hand counts, R and the simulated truth."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pmed_utils.survival import (
    calibration_at_horizon,
    fit_cox,
    harrell_c_index,
    time_dependent_auc,
    uno_c_index,
)
from pmed_utils.validation import DegenerateInputWarning

R_DIR = Path(__file__).parents[1] / "data" / "r" / "survival"


def _harrell_by_hand(t, e, r):
    num = den = 0.0
    for i in range(len(t)):
        for j in range(len(t)):
            # Harrell's pairs: i's event comes first, or at the same time as j's censoring.
            if e[i] and (t[i] < t[j] or (t[i] == t[j] and not e[j])):
                den += 1
                num += 1.0 if r[i] > r[j] else 0.5 if r[i] == r[j] else 0.0
    return num / den


def test_harrell_matches_a_pair_count():
    rng = np.random.default_rng(0)
    t = rng.integers(1, 30, 60).astype(float)
    e = rng.integers(0, 2, 60)
    r = np.round(rng.normal(size=60), 1)
    assert harrell_c_index(t, e, r).value == pytest.approx(_harrell_by_hand(t, e, r))


def test_harrell_of_the_cox_fit_matches_r_concordance():
    d = pd.read_csv(R_DIR / "survival_input.csv")
    ref = pd.read_csv(R_DIR / "cox_reference.csv")
    fit = fit_cox(d[["x1", "x2"]], d["time"], d["event"])
    c = harrell_c_index(d["time"], d["event"], fit.risk_score(d[["x1", "x2"]]))
    assert c.value == pytest.approx(ref["concordance"][0], abs=1e-9)


def test_true_risk_beats_noise_and_bootstrap_covers(onset_data):
    t, e, eta = onset_data.time, onset_data.event, onset_data.truth.log_hazard_ratio
    noise = np.random.default_rng(1).normal(size=len(t))
    c_true = harrell_c_index(t, e, eta, n_bootstrap=50, random_state=1)
    c_noise = harrell_c_index(t, e, noise, n_bootstrap=50, random_state=1)
    assert c_true.value > 0.65 and abs(c_noise.value - 0.5) < 0.05
    assert c_true.low > c_noise.high
    assert c_true.low < c_true.value < c_true.high and "bootstrap" in c_true.method
    idx = np.random.default_rng(0).permutation(len(t))
    a, b = idx[: len(t) // 2], idx[len(t) // 2 :]  # the cohort is ordered by population: split at random
    u_true = uno_c_index(t[a], e[a], t[b], e[b], eta[b], tau=70.0)
    u_noise = uno_c_index(t[a], e[a], t[b], e[b], noise[b], tau=70.0)
    assert u_true.value > 0.65 > u_noise.value


def test_uno_equals_harrell_without_censoring():
    rng = np.random.default_rng(2)
    t = rng.exponential(size=200) + 0.01
    r = -t + rng.normal(scale=0.5, size=200)
    e = np.ones(200)
    assert uno_c_index(t, e, t, e, r).value == pytest.approx(harrell_c_index(t, e, r).value, abs=1e-9)


def test_time_dependent_auc_by_hand():
    # At time 3: cases have t <= 3 (first three), controls t > 3; a perfect score gives 1.
    t = np.arange(1.0, 9.0)
    e = np.ones(8)
    r = np.array([5.0, 8.0, 1.0, 2.0, 3.0, 4.0, 6.0, 7.0])
    res = time_dependent_auc(t, e, t, e, r, [3.0])
    cases, controls = r[:3], r[3:]
    by_hand = np.mean([[c > k for k in controls] for c in cases])
    assert res.auc[0] == pytest.approx(by_hand)
    with pytest.raises(ValueError, match="'times' parameter of time_dependent_auc must lie in"):
        time_dependent_auc(t, e, t, e, r, [9.0])


def test_calibration_of_the_true_risk(onset_data):
    p = onset_data.truth.event_probability(60.0)
    table = calibration_at_horizon(onset_data.time, onset_data.event, p, 60.0, n_groups=5)
    assert list(table.columns) == ["n", "predicted", "observed", "low", "high"]
    assert table["n"].sum() == len(p)
    assert np.all((table["low"] <= table["predicted"] + 0.03) & (table["predicted"] - 0.03 <= table["high"]))
    with pytest.raises(ValueError, match="'predicted_risk' parameter of calibration_at_horizon must lie in"):
        calibration_at_horizon([1.0, 2.0], [1, 0], [0.5, 1.5], 1.5, n_groups=2)


def test_bad_input_and_degenerate_cases():
    with pytest.raises(ValueError, match="Inconsistent lengths in harrell_c_index"):
        harrell_c_index([1.0, 2.0], [1, 0], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="'time' parameter of harrell_c_index must hold times > 0"):
        harrell_c_index([-1.0, 2.0], [1, 0], [0.1, 0.2])
    with pytest.raises(ValueError, match="'event' parameter of uno_c_index must contain only 0"):
        uno_c_index([1.0, 2.0], [1, 0], [1.0, 2.0], [0.5, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="beyond the largest training time"):
        uno_c_index([1.0, 2.0], [1, 0], [1.0, 3.0], [1, 0], [0.1, 0.2])
    with pytest.warns(DegenerateInputWarning, match="no pair"):
        assert np.isnan(harrell_c_index([1.0, 2.0, 3.0], [0, 0, 0], [0.1, 0.2, 0.3]).value)
    with pytest.warns(DegenerateInputWarning, match="no pair"):
        assert np.isnan(uno_c_index([1.0, 2.0, 3.0], [1, 0, 0], [1.0, 2.0], [0, 0], [0.1, 0.2]).value)


def test_cross_validated_c_index_scores_each_person_with_the_model_that_did_not_see_them():
    from sklearn.model_selection import KFold

    from pmed_utils.reproducibility import derive_seed
    from pmed_utils.survival import cross_validated_c_index, fit_cox, harrell_c_index

    rng = np.random.default_rng(4)
    x = pd.DataFrame({"a": rng.normal(size=240), "b": rng.normal(size=240)})
    t = rng.exponential(np.exp(-0.8 * x["a"].to_numpy())) + 0.01
    e = (rng.random(240) < 0.7).astype(int)
    c = cross_validated_c_index(x, t, e, n_splits=4, random_state=9)
    risk = np.empty(240)
    for train, test in KFold(4, shuffle=True, random_state=derive_seed(9)).split(x):
        risk[test] = fit_cox(x.iloc[train], t[train], e[train]).risk_score(x.iloc[test])
    assert c == harrell_c_index(t, e, risk)
    apparent = harrell_c_index(t, e, fit_cox(x, t, e).risk_score(x))
    assert c.value <= apparent.value + 0.02  # held-out scoring is no more optimistic than in-sample
    with pytest.raises(ValueError, match="cannot split 3 people into 4 folds"):
        cross_validated_c_index(x.iloc[:3], t[:3], e[:3], n_splits=4)
