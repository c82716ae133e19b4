"""The analysis-ready cohort, per-group r² with bootstrap CIs, and the portability plot."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from pmed_utils.genomics.prs import penalized_score  # noqa: E402
from pmed_utils.genomics.risk import r2_by_group, r2_with_ci  # noqa: E402
from pmed_utils.genomics.workflow import prepare_cohort  # noqa: E402
from pmed_utils.plotting import plot_portability  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return prepare_cohort(400, n_chromosomes=1, segment_length=400_000, n_causal=60, random_state=3)


def test_prepare_cohort_aligns_truth_and_splits_people(data):
    split = data.split
    everyone = np.concatenate([split["train"], split["validation"], split["test"]])
    assert sorted(everyone) == list(range(len(data.samples)))  # each person in exactly one set
    assert len(data.genotypes) == len(data.samples) == len(data.liability) == len(data.covariates)
    # the truth follows the people QC kept, by id
    raw_ids = data.cohort.samples["id"].to_numpy()[: len(data.cohort.truth.liability)]
    row = {pid: i for i, pid in enumerate(raw_ids)}
    for k in (0, len(data.samples) // 2, len(data.samples) - 1):
        pid = data.samples["id"].iloc[k]
        assert data.liability[k] == data.cohort.truth.liability[row[data.cohort.truth.duplicate_of.get(pid, pid)]]
    # disease is exactly liability above the threshold, so the alignment is right for everyone
    np.testing.assert_array_equal(data.samples["disease"].to_numpy(), data.liability > data.cohort.truth.threshold)
    # PCs come from training people: their scores there are centred, the covariates hold sex and age first
    train_pcs = data.pcs[split["train"]]
    assert np.all(np.abs(train_pcs.mean(axis=0)) < 1e-3 * train_pcs.std(axis=0))
    assert np.abs(data.pcs[split["test"]].mean(axis=0)).max() > np.abs(train_pcs.mean(axis=0)).max()
    np.testing.assert_array_equal(data.covariates[:, 0], data.samples["sex"].to_numpy())


def test_r2_by_group_matches_direct_computation_and_bootstrap_covers_it():
    rng = np.random.default_rng(0)
    groups = np.repeat(["A", "B", "C"], [400, 300, 300])
    s = rng.normal(size=1000)
    y = np.select([groups == "A", groups == "B"], [1.0, 0.6], 0.2) * s + rng.normal(size=1000)
    t = r2_by_group(s, y, groups, reference="A", n_bootstraps=300, random_state=1)
    for g in "ABC":
        direct = np.corrcoef(s[groups == g], y[groups == g])[0, 1] ** 2
        assert t.loc[g, "r2"] == pytest.approx(direct)
        assert t.loc[g, "r2_ci_low"] < direct < t.loc[g, "r2_ci_high"]
    assert t.loc["A", "relative_r2"] == 1 and t.loc["C", "relative_ci_high"] < 0.5
    assert list(t.columns) == ["n", "r2", "r2_ci_low", "r2_ci_high", "relative_r2", "relative_ci_low", "relative_ci_high"]
    # same seed, same intervals
    pd.testing.assert_frame_equal(t, r2_by_group(s, y, groups, reference="A", n_bootstraps=300, random_state=1))


def test_r2_by_group_bad_input():
    s = np.arange(10.0)
    with pytest.raises(ValueError, match="reference group 'Z'"):
        r2_by_group(s, s, ["a"] * 10, reference="Z")
    with pytest.raises(ValueError, match="group 'b' has 2 people"):
        r2_by_group(s, s, ["a"] * 8 + ["b"] * 2)
    with pytest.raises(ValueError, match="NaN"):
        r2_by_group(np.r_[np.nan, s[1:]], s, ["a"] * 10)


def test_r2_with_ci_covers_the_true_r2_and_agrees_with_one_group():
    rng = np.random.default_rng(3)
    s = rng.normal(size=3000)
    y = s + rng.normal(scale=np.sqrt(3), size=3000)  # true r² = 1 / (1 + 3) = 0.25
    r = r2_with_ci(s, y, n_bootstraps=400, random_state=5)
    assert r["r2"] == pytest.approx(np.corrcoef(s, y)[0, 1] ** 2)
    assert r["r2_ci_low"] < 0.25 < r["r2_ci_high"] and r["r2_ci_high"] - r["r2_ci_low"] < 0.08
    one_group = r2_by_group(s, y, ["all"] * 3000, n_bootstraps=400, random_state=5).loc["all"]
    assert r[["r2", "r2_ci_low", "r2_ci_high"]].tolist() == one_group[["r2", "r2_ci_low", "r2_ci_high"]].tolist()
    with pytest.raises(ValueError, match="r2_with_ci: the sample has 2 people"):
        r2_with_ci([1.0, 2.0], [1.0, 3.0])
    with pytest.raises(ValueError, match="n_bootstraps"):
        r2_with_ci(s, y, n_bootstraps=0)


def test_plot_portability_draws_error_bars_when_cis_are_given():
    table = pd.DataFrame({"relative_r2": [1.0, 0.5], "relative_ci_low": [0.8, 0.2], "relative_ci_high": [1.2, 0.9]},
                         index=["CEU", "YRI"])
    ax = plot_portability(table)
    assert len(ax.patches) == 2 and ax.get_ylabel().startswith("R²")
    segments = ax.collections[0].get_segments()  # one vertical error bar per population
    np.testing.assert_allclose([seg[:, 1] for seg in segments], [[0.8, 1.2], [0.2, 0.9]])
    plt.close(ax.figure)


def test_penalized_score_chooses_l1_ratio_on_validation_and_checks_it():
    rng = np.random.default_rng(0)
    g = rng.binomial(2, 0.3, (500, 40)).astype(np.int8)
    y = g[:, :4].sum(axis=1) + rng.normal(size=500)
    fit = penalized_score(g[:350], y[:350], g[350:], y[350:], l1_ratio=(0.1, 0.9))
    assert set(fit.tuning["l1_ratio"]) == {0.1, 0.9} and len(fit.tuning) == 18
    best = fit.tuning.loc[fit.tuning["validation_r2"].idxmax()]
    assert (fit.l1_ratio, fit.alpha) == (best["l1_ratio"], best["alpha"])
    with pytest.raises(ValueError, match=r"'l1_ratio' .* \(0, 1\]"):
        penalized_score(g[:350], y[:350], g[350:], y[350:], l1_ratio=0)
    with pytest.raises(ValueError, match="Inconsistent lengths|val"):
        penalized_score(g[:350], y[:350], g[350:], y[351:])
