"""Fusion: the closed-form log-odds sum, the explicit fallback for a missing modality, bad input."""

import warnings

import numpy as np
import pytest

from pmed_utils.datasets import make_linked_cohort
from pmed_utils.models.fusion import (
    MissingModalityError,
    MissingModalityWarning,
    fit_early_fusion,
    fit_fused_risk_model,
    fit_intermediate_fusion,
    optimal_log_odds_combination,
    truth_ceiling,
)


@pytest.fixture(scope="module")
def linked():
    return make_linked_cohort(300, n_chromosomes=1, segment_length=2e5, n_causal=30, random_state=2)


@pytest.fixture(scope="module")
def model(linked):
    return fit_fused_risk_model(linked, epochs=1, filters=(4,), random_state=0)


@pytest.fixture(scope="module")
def test_part(linked):
    rows = linked.index("test")
    return linked.people.iloc[rows].copy(), linked.images[rows].copy()


def test_log_odds_sum_matches_bayes_rule():
    # Two conditionally independent tests: posterior odds = prior odds × LR_g × LR_i.
    prior = 0.1
    p_g, p_i = np.array([0.3, 0.05, 0.1]), np.array([0.6, 0.02, 0.1])
    lr_g = (p_g / (1 - p_g)) / (prior / (1 - prior))
    lr_i = (p_i / (1 - p_i)) / (prior / (1 - prior))
    odds = prior / (1 - prior) * lr_g * lr_i
    np.testing.assert_allclose(optimal_log_odds_combination(p_g, p_i, prior), odds / (1 + odds))
    # an image at the prior says nothing
    np.testing.assert_allclose(optimal_log_odds_combination(p_g, np.full(3, prior), prior), p_g)


def test_log_odds_sum_is_the_true_posterior_in_a_simulation():
    # D ~ Bernoulli(π); two Gaussian scores independent given D: the sum of their exact
    # posteriors' log-odds minus logit π equals the exact joint posterior.
    rng = np.random.default_rng(0)
    prior, n = 0.2, 2000
    d = rng.random(n) < prior
    s1, s2 = rng.normal(d * 1.0), rng.normal(d * 2.0)

    def post(s, mu):
        lr = np.exp(mu * s - mu**2 / 2)
        o = prior / (1 - prior) * lr
        return o / (1 + o)

    joint_odds = prior / (1 - prior) * np.exp(s1 - 0.5) * np.exp(2 * s2 - 2)
    np.testing.assert_allclose(
        optimal_log_odds_combination(post(s1, 1.0), post(s2, 2.0), prior), joint_odds / (1 + joint_odds), rtol=1e-6
    )


def test_log_odds_sum_bad_input():
    with pytest.raises(ValueError, match="'p_image' parameter of optimal_log_odds_combination"):
        optimal_log_odds_combination([0.2, 0.3], [0.2, 1.5], 0.2)
    with pytest.raises(ValueError, match="p_genomic"):
        optimal_log_odds_combination([0.2, 0.3], [0.2], 0.2)


def test_full_data_uses_every_modality_and_contributions_add_up(model, test_part):
    people, images = test_part
    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingModalityWarning)
        pred = model.predict(people, images)
    assert (pred["modalities"] == "genotype+image+clinical").all()
    contrib = model.contributions(people, images)
    parts = ["baseline", "genotype", "image", "bmi", "smoking", "age", "sex"]
    np.testing.assert_allclose(contrib[parts].sum(axis=1), contrib["log_odds"])
    np.testing.assert_allclose(model.predict_proba(people, images), 1 / (1 + np.exp(-contrib["log_odds"])))
    # the stacked risk of the full pattern is the stacker applied to the two modalities' log-odds
    mp = model.modality_proba(people, images)
    c, a, b = model.stackers[frozenset({"genotype", "image"})]
    z = c + a * np.log(mp.genomic / (1 - mp.genomic)) + b * np.log(mp.image / (1 - mp.image))
    np.testing.assert_allclose(contrib["log_odds"], z, rtol=1e-5, atol=1e-5)


def test_missing_image_falls_back_and_says_so(model, test_part):
    people, images = test_part
    x = images.copy()
    x[:3] = np.nan
    with pytest.raises(MissingModalityError, match="3 people lack an image.*allow_missing=True"):
        model.predict_proba(people, x)
    with pytest.warns(MissingModalityWarning, match="3 people lack an image"):
        pred = model.predict(people, x, allow_missing=True)
    assert (pred["modalities"].iloc[:3] == "genotype+clinical").all()
    assert (pred["modalities"].iloc[3:] == "genotype+image+clinical").all()
    assert not pred["has_image"].iloc[:3].any()
    contrib = model.contributions(people, x, allow_missing=True)
    assert (contrib["image"].iloc[:3] == 0).all()
    # no images at all
    with pytest.warns(MissingModalityWarning):
        none = model.predict(people, None, allow_missing=True)
    assert (none["modalities"] == "genotype+clinical").all()
    expected = model.modality_proba(people)["genomic"]
    c, a, _ = model.stackers[frozenset({"genotype"})]
    np.testing.assert_allclose(none["log_odds"], c + a * np.log(expected / (1 - expected)), rtol=1e-6)


def test_missing_genotypes_falls_back_to_clinical_and_image(model, test_part):
    people, images = test_part
    p = people.copy()
    p.loc[p.index[:2], "prs"] = np.nan
    with pytest.raises(MissingModalityError, match="2 people lack genotypes"):
        model.predict(p, images)
    with pytest.warns(MissingModalityWarning):
        pred = model.predict(p, images, allow_missing=True)
    assert (pred["modalities"].iloc[:2] == "image+clinical").all()
    contrib = model.contributions(p, images, allow_missing=True)
    assert (contrib["genotype"].iloc[:2] == 0).all()
    # no genotype columns at all, and no image: clinical only
    bare = people.drop(columns=["prs"])
    with pytest.warns(MissingModalityWarning):
        pred = model.predict(bare, None, allow_missing=True)
    assert (pred["modalities"] == "clinical").all()


def test_bad_input_is_a_clear_error(model, test_part):
    people, images = test_part
    with pytest.raises(ValueError, match="'images' parameter .* shape \\(n_people, 28, 28, 1\\)"):
        model.predict_proba(people, images[:, :20, :20])
    with pytest.raises(ValueError, match="one image per person"):
        model.predict_proba(people, images[:-1])
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        model.predict_proba(people, images * 255)
    x = images.copy()
    x[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="some NaN pixels"):
        model.predict_proba(people, x)
    with pytest.raises(ValueError, match="'people' parameter .*bmi"):
        model.predict_proba(people.drop(columns=["bmi"]), images)
    p = people.copy()
    p.loc[p.index[0], "smoking"] = np.nan
    with pytest.raises(ValueError, match="clinical values"):
        model.predict_proba(p, images)
    with pytest.raises(TypeError, match="DataFrame"):
        model.predict_proba(people.to_numpy(), images)


def test_early_and_intermediate_fusion_need_every_modality(linked, model, test_part):
    people, images = test_part
    early = fit_early_fusion(linked, model, cs=[0.1, 1.0])
    p = early.predict_proba(people, images)
    assert p.shape == (len(people),) and ((p > 0) & (p < 1)).all()
    assert len(early.tuning) == 2
    net = fit_intermediate_fusion(linked, model, epochs=1)
    q = net.predict_proba(people, images)
    assert q.shape == (len(people),) and np.isfinite(q).all()
    for fused in (early, net):
        with pytest.raises(MissingModalityError, match="needs every modality"):
            fused.predict_proba(people, None)
    with pytest.raises(ValueError, match="'cs' parameter of fit_early_fusion"):
        fit_early_fusion(linked, model, cs=[-1.0])


def test_truth_ceiling(linked, model):
    ceiling = truth_ceiling(linked)
    np.testing.assert_allclose(ceiling, linked.truth_risk())
    p_image = model.modality_proba(linked.people, linked.images)["image"].to_numpy()
    fused = truth_ceiling(linked, p_image, model.prior)
    np.testing.assert_allclose(fused, optimal_log_odds_combination(linked.truth_risk(), p_image, model.prior))
    with pytest.raises(ValueError, match="p_image"):
        truth_ceiling(linked, p_image[:5], model.prior)
