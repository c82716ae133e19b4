"""Metrics for generative models: closed forms, limiting cases, brute-force checks and bad input."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from pmed_utils.evaluation import (
    dcr_comparison,
    distance_to_closest_record,
    frechet_distance,
    generative_precision_recall,
    membership_inference_auc,
)
from pmed_utils.results import Estimate


# --- distance to the closest record -------------------------------------------------------------
def test_dcr_matches_brute_force_on_tables_and_images():
    rng = np.random.default_rng(0)
    q, r = rng.normal(size=(37, 5)), rng.normal(size=(600, 5))
    d, i = distance_to_closest_record(q, r, return_index=True)
    full = cdist(q, r)
    np.testing.assert_allclose(d, full.min(1), rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(i, full.argmin(1))
    imgs_q, imgs_r = rng.random((700, 6, 6)), rng.random((40, 6, 6))  # 700 queries: two chunks
    np.testing.assert_allclose(
        distance_to_closest_record(imgs_q, imgs_r), cdist(imgs_q.reshape(700, -1), imgs_r.reshape(40, -1)).min(1)
    )


def test_dcr_exclude_self():
    x = np.array([[0.0], [1.0], [3.0], [3.0]])
    d, i = distance_to_closest_record(x, x, exclude_self=True, return_index=True)
    np.testing.assert_allclose(d, [1, 1, 0, 0])
    np.testing.assert_array_equal(i, [1, 0, 3, 2])
    np.testing.assert_allclose(distance_to_closest_record(x, x), 0)


def test_dcr_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="'reference'.*as many values"):
        distance_to_closest_record(np.zeros((3, 2)), np.zeros((3, 4)))
    with pytest.raises(ValueError, match="'query'.*NaN|'query'.*finite"):
        distance_to_closest_record([[np.nan, 0]], np.zeros((3, 2)))
    with pytest.raises(ValueError, match="'reference'.*at least one record"):
        distance_to_closest_record(np.zeros((3, 2)), np.zeros((0, 2)))
    with pytest.raises(ValueError, match="'exclude_self'"):
        distance_to_closest_record(np.zeros((3, 2)), np.zeros((4, 2)), exclude_self=True)
    with pytest.raises(TypeError, match="'query'.*numeric"):
        distance_to_closest_record(np.array([["a", "b"]]), np.zeros((3, 2)))


def test_dcr_comparison_catches_copies_and_passes_fresh_samples():
    rng = np.random.default_rng(1)
    train, holdout, fresh = rng.normal(size=(3, 300, 4))
    copied = dcr_comparison(train[:100] + 1e-3 * rng.normal(size=(100, 4)), holdout, train)
    assert copied.ratio < 0.05 and copied.share_closer > 0.9
    ok = dcr_comparison(fresh, holdout, train, quantile=0.05)
    assert 0.6 < ok.ratio < 1.6 and ok.share_closer < 0.15
    assert ok.synthetic.shape == (300,) and ok.holdout.shape == (300,)
    assert ok.synthetic_quantile == pytest.approx(np.quantile(ok.synthetic, 0.05))
    with pytest.raises(ValueError, match="'holdout'"):
        dcr_comparison(fresh, np.zeros((5, 3)), train)


# --- Fréchet distance ---------------------------------------------------------------------------
def test_frechet_distance_closed_form_two_gaussians():
    # N(m1, S1) vs N(m2, S2) with diagonal covariances: |m1-m2|² + Σ (s1 + s2 - 2 sqrt(s1 s2)).
    rng = np.random.default_rng(0)
    s1, s2 = np.array([1.0, 4.0]), np.array([4.0, 1.0])
    m1, m2 = np.array([0.0, 0.0]), np.array([1.0, 2.0])
    a = m1 + rng.normal(size=(200_000, 2)) * np.sqrt(s1)
    b = m2 + rng.normal(size=(200_000, 2)) * np.sqrt(s2)
    expected = np.sum((m1 - m2) ** 2) + np.sum(s1 + s2 - 2 * np.sqrt(s1 * s2))  # 5 + 2 = 7
    assert frechet_distance(a, b) == pytest.approx(expected, abs=0.1)
    assert frechet_distance(a, a) == pytest.approx(0, abs=1e-6)
    assert frechet_distance(a[:, :1], b[:, :1]) == pytest.approx(1 + (1 + 4 - 4), abs=0.05)


def test_frechet_distance_bad_input():
    with pytest.raises(ValueError, match="'features_b'.*as many values"):
        frechet_distance(np.zeros((5, 2)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="'features_a'.*two rows"):
        frechet_distance(np.zeros((1, 2)), np.zeros((5, 2)))


# --- precision / recall -------------------------------------------------------------------------
def test_precision_recall_limits_and_mode_collapse():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(400, 3))
    assert generative_precision_recall(real, real) == (1.0, 1.0)
    assert generative_precision_recall(real, real + 50) == (0.0, 0.0)
    collapsed = 0.05 * rng.normal(size=(400, 3))  # every fake near the centre: realistic but no variety
    precision, recall = generative_precision_recall(real, collapsed, k=3)
    assert precision > 0.95 and recall < 0.3
    fresh = rng.normal(size=(400, 3))
    p, r = generative_precision_recall(real, fresh)
    assert 0.7 < p <= 1 and 0.7 < r <= 1


def test_precision_recall_bad_input():
    with pytest.raises(ValueError, match="'fake_features'.*more than k=3"):
        generative_precision_recall(np.zeros((10, 2)), np.zeros((3, 2)))


# --- membership inference -----------------------------------------------------------------------
def test_membership_attack_auc():
    rng = np.random.default_rng(0)
    members, others, fresh = rng.normal(size=(3, 200, 5))
    leaky = membership_inference_auc(members + 0.01 * rng.normal(size=members.shape), members, others)
    assert isinstance(leaky, Estimate) and leaky.value > 0.95 and leaky.method == "DeLong"
    private = membership_inference_auc(fresh, members, others)
    assert 0.4 < private.value < 0.6 and private.low < 0.5 < private.high
    with pytest.raises(ValueError, match="'members'"):
        membership_inference_auc(fresh, np.zeros((4, 2)), others)
