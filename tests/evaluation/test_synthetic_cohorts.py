"""Synthetic-cohort metrics against closed forms and known truths."""

import numpy as np
import pandas as pd
import pytest

from pmed_utils.evaluation import (
    allele_frequency_agreement,
    ld_decay,
    ld_decay_error,
    marginal_agreement,
    nearest_neighbour_adversarial_accuracy,
    pairwise_correlation_difference,
    pca_overlap,
    prs_utility,
    table_dcr,
    table_tstr,
)
from pmed_utils.validation import DegenerateInputWarning


def _people(n, p, rng):
    return rng.binomial(2, p, (n, len(p))).astype(np.int8)


# --- allele frequencies and LD --------------------------------------------------------------


def test_allele_frequency_agreement_is_the_correlation_of_frequencies():
    g1 = np.array([[0, 1, 2], [0, 1, 2]], np.int8)  # frequencies 0, 0.5, 1
    g2 = np.array([[0, 0, 2], [1, 1, 2]], np.int8)  # frequencies 0.25, 0.25, 1
    expected = np.corrcoef([0, 0.5, 1], [0.25, 0.25, 1])[0, 1]
    assert allele_frequency_agreement(g1, g2) == pytest.approx(expected)
    with pytest.warns(DegenerateInputWarning):
        assert np.isnan(allele_frequency_agreement(np.ones((3, 2), np.int8), g1[:, :2]))
    with pytest.raises(ValueError, match="'synthetic' parameter .* 3 variants"):
        allele_frequency_agreement(g1, g1[:, :2])


def test_ld_decay_bins_pairs_and_r2_of_copies_and_complements():
    rng = np.random.default_rng(0)
    a = rng.binomial(2, 0.4, 300)
    g = np.column_stack([a, 2 - a, rng.binomial(2, 0.4, 300), np.zeros(300)]).astype(np.int8)
    curve = ld_decay(g, [0, 50, 5000, 6000], bins=[0, 100, 10_000])
    # Pairs among the three polymorphic variants: (0,1) at 50 bp (r² = 1), two at ~5 kb (r² ≈ 0).
    assert curve["n_pairs"].tolist() == [1, 2]
    assert curve["r2"].iloc[0] == pytest.approx(1.0)
    assert curve["r2"].iloc[1] < 0.02
    assert ld_decay_error(g, g, [0, 50, 5000, 6000], bins=3) == 0.0
    with pytest.raises(ValueError, match="increasing bin edges"):
        ld_decay(g, [0, 1, 2, 3], bins=[5, 1])
    with pytest.raises(ValueError, match="positions"):
        ld_decay(g, [0, 1])


def test_ld_decay_error_sees_lost_linkage():
    rng = np.random.default_rng(1)
    base = rng.binomial(2, 0.5, (500, 1))
    linked = np.hstack([base] * 5).astype(np.int8)  # r² = 1 everywhere
    unlinked = _people(500, np.full(5, 0.5), rng)  # r² ≈ 0
    assert ld_decay_error(linked, unlinked, np.arange(5) * 100, bins=2) == pytest.approx(1.0, abs=0.03)


# --- PCA overlap ------------------------------------------------------------------------------


def test_pca_overlap_separates_a_missing_population():
    rng = np.random.default_rng(2)
    p = rng.uniform(0.1, 0.9, 150)
    q = np.clip(p + rng.normal(0, 0.3, 150), 0.02, 0.98)
    real = np.vstack([_people(150, p, rng), _people(150, q, rng)])
    same = np.vstack([_people(150, p, rng), _people(150, q, rng)])
    one = _people(300, p, rng)
    fair = pca_overlap(real, same, random_state=0)
    assert 0.4 < fair.classifier_auc.value < 0.6 and fair.hull_fraction > 0.85
    assert pca_overlap(real, one, random_state=0).classifier_auc.value > 0.65
    assert fair.real_scores.shape == (300, 4) and fair.synthetic_scores.shape == (300, 4)


# --- AATS -------------------------------------------------------------------------------------


def test_aats_of_copies_is_zero():
    real = _people(200, np.full(40, 0.3), np.random.default_rng(3))
    res = nearest_neighbour_adversarial_accuracy(real, real.copy())
    assert (res.aats, res.aa_real, res.aa_synthetic) == (0.0, 0.0, 0.0)
    assert np.isnan(res.privacy_loss)


def test_aats_of_fresh_draws_is_one_half_and_privacy_loss_near_zero():
    rng = np.random.default_rng(4)
    p = rng.uniform(0.05, 0.5, 60)
    real, synth, holdout = _people(400, p, rng), _people(400, p, rng), _people(400, p, rng)
    res = nearest_neighbour_adversarial_accuracy(real, synth, holdout=holdout)
    assert res.aats == pytest.approx(0.5, abs=0.05)
    assert res.privacy_loss == pytest.approx(0.0, abs=0.05)


def test_aats_of_far_away_people_is_one_and_noisy_copies_leak():
    rng = np.random.default_rng(5)
    real = rng.normal(size=(200, 3))
    far = nearest_neighbour_adversarial_accuracy(real, real + 100.0, metric="euclidean")
    assert far.aats == 1.0
    holdout = rng.normal(size=(200, 3))
    near_copies = real + rng.normal(0, 0.01, real.shape)
    leak = nearest_neighbour_adversarial_accuracy(real, near_copies, holdout=holdout, metric="euclidean")
    assert leak.aats < 0.05 and leak.privacy_loss > 0.4


def test_aats_ties_count_one_half():
    # Every pair of distinct rows is at distance 1 (one-hot rows): all comparisons tie.
    real, synth = np.eye(4)[:2], np.eye(4)[2:]
    assert nearest_neighbour_adversarial_accuracy(real, synth, metric="hamming").aats == 0.5


# --- PRS utility ------------------------------------------------------------------------------


def test_prs_utility_of_real_copies_is_one_and_of_noise_is_lower():
    rng = np.random.default_rng(6)

    def people(n):
        g = _people(n, np.full(40, 0.4), rng)
        return g, (g[:, :4].sum(axis=1) + rng.normal(0, 1.2, n) > 3.5).astype(int)

    (gr, yr), (gt, yt) = people(800), people(800)
    same = prs_utility(gr, yr, gr, yr, gt, yt)
    assert same.ratio == 1.0 and same.auc_trtr.value > 0.7
    np.testing.assert_array_equal(same.weights_synthetic, same.weights_real)
    shuffled = prs_utility(gr, rng.permutation(yr), gr, yr, gt, yt)  # association destroyed
    assert shuffled.ratio < 0.85
    with pytest.warns(DegenerateInputWarning):
        flat = prs_utility(gr, np.zeros(800, int), gr, yr, gt, yt)
    assert flat.auc_tstr.value == 0.5
    with pytest.raises(ValueError, match="'test_genotypes' parameter of prs_utility must have 40 variants"):
        prs_utility(gr, yr, gr, yr, gt[:, :5], yt)


# --- tables ---------------------------------------------------------------------------------------


def _table(n, rng, rho=0.6):
    z = rng.multivariate_normal([0, 0, 0], [[1, rho, 0.3], [rho, 1, 0.2], [0.3, 0.2, 1]], n)
    return pd.DataFrame(
        {
            "age": 55 + 10 * z[:, 0],
            "bmi": 26 + 4 * z[:, 1],
            "population": np.array(["CEU", "CHB", "YRI"])[np.digitize(z[:, 2], [-0.4, 0.4])],
            "disease": (z[:, 0] + z[:, 1] + rng.normal(size=n) > 1.5).astype(int),
        }
    )


def test_marginal_agreement_is_zero_for_the_same_table_and_total_variation_by_hand():
    rng = np.random.default_rng(7)
    t = _table(300, rng)
    assert marginal_agreement(t, t)["distance"].eq(0).all()
    other = t.assign(population="CEU", age=t["age"] + 100)
    res = marginal_agreement(t, other).set_index("column")
    assert res.loc["age", "distance"] == 1.0 and res.loc["age", "statistic"] == "KS"
    share = t["population"].value_counts(normalize=True)
    assert res.loc["population", "distance"] == pytest.approx(1 - share["CEU"])
    with pytest.raises(ValueError, match="'synthetic' parameter"):
        marginal_agreement(t, t.drop(columns="bmi"))


def test_pairwise_correlation_difference_sees_a_lost_correlation():
    rng = np.random.default_rng(8)
    real, fresh = _table(3000, rng), _table(3000, rng)
    assert pairwise_correlation_difference(real, fresh).max_abs_difference < 0.06
    flat = _table(3000, rng, rho=0.0)
    comp = pairwise_correlation_difference(real, flat)
    assert comp.real.loc["age", "bmi"] - comp.synthetic.loc["age", "bmi"] == pytest.approx(0.58, abs=0.06)
    assert "population=YRI" in comp.real.columns


def test_table_tstr_of_real_rows_is_one_and_shuffled_outcome_fails():
    rng = np.random.default_rng(9)
    train, test = _table(1000, rng), _table(1000, rng)
    same = table_tstr(train, train, test, "disease")
    assert same.ratio == 1.0 and same.auc_trtr.value > 0.75
    shuffled = table_tstr(train.assign(disease=rng.permutation(train["disease"])), train, test, "disease")
    assert shuffled.ratio < 0.8
    with pytest.raises(ValueError, match="'real_train' parameter"):
        table_tstr(train, train.drop(columns="disease"), test, "disease")


def test_table_dcr_finds_copies():
    rng = np.random.default_rng(10)
    train, holdout = _table(500, rng), _table(500, rng)
    copies = table_dcr(train.iloc[:200], train, holdout)
    assert np.all(copies.synthetic < 1e-6) and copies.ratio == 0.0 and copies.share_closer == 1.0
    fresh = table_dcr(_table(500, rng), train, holdout)
    assert np.all(fresh.synthetic > 1e-6) and 0.6 < fresh.ratio < 1.6 and fresh.share_closer < 0.15
    assert fresh.synthetic.shape == (500,) and fresh.holdout.shape == (500,)
