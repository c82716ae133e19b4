"""personal_risk on a model whose every contribution is known in closed form (tests/personal_fixture.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from personal_fixture import COEF, INTERCEPT, ToyModel, make_people
from scipy import stats

from pmed_utils.evaluation import metrics_at_threshold, personal_risk, prs_percentile


@pytest.fixture(scope="module")
def cohort():
    people, images = make_people()
    return people, images, ToyModel(people, images)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def test_percentile_matches_closed_forms():
    grid = np.arange(100.0)  # 0..99: a value v has v people below it and one equal
    assert prs_percentile(grid, 37.0) == pytest.approx(37.5)
    assert prs_percentile(grid, -1.0) == 0.0 and prs_percentile(grid, 200.0) == 100.0
    rng = np.random.default_rng(1)
    ref = rng.normal(size=20000)
    for z in (-1.5, 0.0, 0.8):
        assert prs_percentile(ref, z) == pytest.approx(100 * stats.norm.cdf(z), abs=1.0)
        assert prs_percentile(ref, z) == pytest.approx(stats.percentileofscore(ref, z, kind="mean"))
    assert np.isnan(prs_percentile([], 1.0)) and np.isnan(prs_percentile([1.0, 2.0], float("nan")))


def test_risk_and_contributions_equal_the_closed_form(cohort):
    people, images, model = cohort
    r = personal_risk(model, people, "P0010", images=images, random_state=0)
    row = people.iloc[10]
    x = {t: (images[10].mean() if t == "image" else row[t]) - model.means[t] for t in COEF}
    expected = {"baseline": INTERCEPT, **{t: COEF[t] * x[t] for t in COEF}}
    assert r.contributions.to_dict() == pytest.approx(expected)
    assert r.log_odds == pytest.approx(sum(expected.values()))
    assert r.risk.value == pytest.approx(_sigmoid(r.log_odds))
    assert r.risk.low < r.risk.value < r.risk.high and r.risk.level == 0.95
    assert r.term_kinds == {
        "baseline": "baseline",
        "image": "modality",
        "prs": "modality",
        "age": "other",
        "bmi": "modifiable",
        "smoking": "modifiable",
    }
    assert r.modalities_used == ("genotype", "image") and r.missing_modalities == ()
    assert r.simulated


def test_percentile_is_within_the_persons_own_group(cohort):
    people, images, model = cohort
    r = personal_risk(model, people, "P0003", images=images)
    pop = people.loc[3, "population"]
    ref = people.loc[(people.split == "train") & (people.population == pop), "prs"].to_numpy()
    assert r.reference_population == pop and r.n_reference == ref.size
    assert np.sort(r.prs_reference).tolist() == np.sort(ref).tolist()
    assert r.prs_percentile == pytest.approx(stats.percentileofscore(ref, people.loc[3, "prs"], kind="mean"))


def test_scarce_group_is_flagged(cohort):
    people, images, model = cohort
    chb = people.index[people.population == "CHB"][0]
    r = personal_risk(model, people, people.loc[chb, "person_id"], images=images)
    n_train = int((people.split == "train").sum())
    share = ((people.split == "train") & (people.population == "CHB")).sum() / n_train
    assert r.scarce and r.group_share == pytest.approx(share) and r.n_train == n_train
    assert any("CHB" in w for w in r.warnings)
    ceu = people.index[people.population == "CEU"][0]
    assert not personal_risk(model, people, people.loc[ceu, "person_id"], images=images).scarce


def test_what_if_changes_only_the_modifiable_terms(cohort):
    people, images, model = cohort
    pid = people.loc[(people.bmi > 28) & (people.smoking == 1), "person_id"].iloc[0]
    r = personal_risk(model, people, pid, images=images)
    w = r.what_if.set_index("scenario")
    assert list(w.index) == ["as now", "BMI lowered to 25", "stops smoking", "both changes"]
    base = r.log_odds
    bmi = people.set_index("person_id").loc[pid, "bmi"]
    expected = {
        "as now": base,
        "BMI lowered to 25": base + COEF["bmi"] * (25 - bmi),
        "stops smoking": base - COEF["smoking"],
        "both changes": base + COEF["bmi"] * (25 - bmi) - COEF["smoking"],
    }
    for name, lo in expected.items():
        assert w.loc[name, "risk"] == pytest.approx(_sigmoid(lo))
        assert w.loc[name, "low"] <= w.loc[name, "risk"] <= w.loc[name, "high"]
    assert w.loc["as now", "change"] == 0 and (w["change"].iloc[1:] < 0).all()
    custom = personal_risk(model, people, pid, images=images, what_if={"BMI 20": {"bmi": 20.0}})
    assert custom.what_if["scenario"].tolist() == ["as now", "BMI 20"]


def test_recommendation_uses_the_validation_metrics_at_the_threshold(cohort):
    people, images, model = cohort
    r = personal_risk(model, people, "P0001", images=images, threshold=0.3, evaluation_split="validation")
    val = people.split == "validation"
    score = _sigmoid(model.contributions(people[val], images[val.to_numpy()]).sum(axis=1))
    table = metrics_at_threshold(people.loc[val, "disease"], score, 0.3)
    assert r.sensitivity.value == pytest.approx(table.loc["sensitivity", "value"])
    assert r.ppv.value == pytest.approx(table.loc["ppv", "value"])
    assert r.ppv.low == pytest.approx(table.loc["ppv", "low"])
    assert r.n_evaluation == int(val.sum())
    assert r.flagged == (r.risk.value >= 0.3)
    assert r.uncertain == (r.risk.low < 0.3 <= r.risk.high)
    t = personal_risk(model, people, "P0001", images=images, threshold=0.3)
    assert t.n_evaluation == int((people.split == "test").sum())


def test_same_seed_same_interval(cohort):
    people, images, model = cohort
    a = personal_risk(model, people, "P0002", images=images, random_state=3)
    b = personal_risk(model, people, "P0002", images=images, random_state=3)
    assert a.risk == b.risk


def test_missing_image_needs_the_fallback(cohort):
    people, images, model = cohort
    with pytest.raises(ValueError, match="Person P0004 has no image data; pass missing='fallback'"):
        personal_risk(model, people, "P0004", images=images, drop_image=True)
    r = personal_risk(model, people, "P0004", images=images, drop_image=True, missing="fallback")
    assert r.image is None and r.missing_modalities == ("image",) and r.modalities_used == ("genotype",)
    assert r.contributions["image"] == 0.0
    assert any("No image data" in w for w in r.warnings)
    nan_images = images.copy()
    nan_images[4] = np.nan
    with pytest.raises(ValueError, match="no image"):
        personal_risk(model, people, "P0004", images=nan_images)


def test_missing_genotypes(cohort):
    people, images, model = cohort
    gone = people.copy()
    gone.loc[5, "prs"] = np.nan
    with pytest.raises(ValueError, match="no genotype data"):
        personal_risk(model, gone, "P0005", images=images)
    r = personal_risk(model, gone, "P0005", images=images, missing="fallback")
    assert np.isnan(r.prs) and np.isnan(r.prs_percentile) and r.missing_modalities == ("genotype",)


def test_unknown_person_lists_the_valid_range(cohort):
    people, images, model = cohort
    with pytest.raises(ValueError, match=r"one of the cohort's 600 ids \(P0000 … P0599, e\.g\. P0000, P0001"):
        personal_risk(model, people, "P9999", images=images)


def test_images_of_the_wrong_shape(cohort):
    people, images, model = cohort
    with pytest.raises(ValueError, match=r"must hold \(28, 28\) images"):
        personal_risk(model, people, "P0001", images=np.zeros((len(people), 32, 32)))
    with pytest.raises(ValueError, match=r"must have shape \(n_people=600"):
        personal_risk(model, people, "P0001", images=images[:10])
    with pytest.raises(ValueError, match="saliency.*must have the image's shape"):
        personal_risk(model, people, "P0001", images=images, saliency=np.zeros((5, 5)))
    r = personal_risk(model, people, "P0001", images=images[..., None], saliency=np.ones((28, 28, 1)))
    assert r.saliency.shape == (28, 28) and r.image.shape == (28, 28)


def test_bad_tables_and_models(cohort):
    people, images, model = cohort
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['split'\]"):
        personal_risk(model, people.drop(columns="split"), "P0001")
    with pytest.raises(TypeError, match="must have a contributions"):
        personal_risk(object(), people, "P0001", images=images)
    with pytest.raises(ValueError, match="may change only"):
        personal_risk(model, people, "P0001", images=images, what_if={"older": {"age": 80}})


def test_profile_has_no_identifying_fields(cohort):
    people, images, model = cohort
    r = personal_risk(model, people, "P0001", images=images)
    assert set(r.profile) == set(people.columns)
    assert isinstance(r.what_if, pd.DataFrame)


# --- the late-fusion model of pmed_utils.models.fusion, wrapped for intervals ---------------


@pytest.fixture(scope="module")
def fused():
    from pmed_utils.datasets import make_linked_cohort
    from pmed_utils.evaluation import resample_fused_model
    from pmed_utils.models.fusion import fit_fused_risk_model

    linked = make_linked_cohort(300, n_chromosomes=1, segment_length=2e5, n_causal=30, random_state=0)
    model = fit_fused_risk_model(linked, epochs=1, filters=(4,))
    return linked, model, resample_fused_model(model, linked.people, linked.images)


def test_resampled_fused_model_draws_centre_on_the_fit(fused):
    linked, model, wrapped = fused
    rows = linked.index("test")[:5]
    people, images = linked.people.iloc[rows], linked.images[rows]
    contrib = wrapped.contributions(people, images)
    own = model.contributions(people, images)
    assert contrib.columns.tolist() == ["baseline", "genotype", "image", "bmi", "smoking", "age", "sex"]
    np.testing.assert_allclose(contrib.sum(axis=1), own["log_odds"])
    draws = wrapped.log_odds_draws(people, images, 400, 0)
    assert draws.shape == (400, 5)
    spread = draws.std(axis=0)
    assert (spread > 0).all()
    assert (np.abs(np.median(draws, axis=0) - own["log_odds"].to_numpy()) < spread).all()
    np.testing.assert_array_equal(draws, wrapped.log_odds_draws(people, images, 400, 0))


def test_resampled_fused_model_falls_back_without_the_image(fused):
    linked, model, wrapped = fused
    pid = linked.people["person_id"].iloc[linked.index("test")[0]]
    r = personal_risk(wrapped, linked.people, pid, images=linked.images, drop_image=True, missing="fallback")
    row = linked.people.loc[linked.people.person_id == pid]
    with pytest.warns(UserWarning):
        expected = model.contributions(row, None, allow_missing=True)["risk"].iloc[0]
    assert r.risk.value == pytest.approx(expected)
    assert r.contributions["image"] == 0.0 and r.risk.low < r.risk.value < r.risk.high
    full = personal_risk(wrapped, linked.people, pid, images=linked.images)
    assert full.modalities_used == ("genotype", "image")


def test_resample_fused_model_refuses_other_models(cohort):
    from pmed_utils.evaluation import resample_fused_model

    people, images, _ = cohort
    with pytest.raises(TypeError, match="must be a fitted FusedRiskModel"):
        resample_fused_model(object(), people, images)
