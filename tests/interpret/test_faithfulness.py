"""Deletion and insertion curves on a model that looks at one patch."""

from __future__ import annotations

import numpy as np
import pytest

from pmed_utils.interpret.faithfulness import (
    FaithfulnessCurve,
    deletion_curve,
    faithfulness_table,
    insertion_curve,
)


def test_deleting_the_patch_first_drops_the_score_at_once(make_patch_model, images):
    model, mask = make_patch_model()
    right = np.broadcast_to(mask.astype(float), images.shape[:3])
    curve = deletion_curve(model, images, right, steps=16, fill=0.0, random_state=0)
    assert curve.kind == "deletion" and curve.scores.shape == (5, 17)
    np.testing.assert_allclose(curve.fractions, np.linspace(0, 1, 17))
    # 4 of 64 pixels: after the first step (4 pixels) the evidence is gone: logit = -1.
    np.testing.assert_allclose(curve.scores[:, 1:], 1 / (1 + np.exp(1.0)), rtol=1e-5)
    logit = images[..., 0][:, mask].sum(axis=1) - 1.0
    np.testing.assert_allclose(curve.scores[:, 0], 1 / (1 + np.exp(-logit)), rtol=1e-5)
    random = deletion_curve(model, images, None, steps=16, fill=0.0, random_state=0)
    assert curve.auc < random.auc
    wrong = deletion_curve(model, images, 1 - right, steps=16, fill=0.0, random_state=0)
    assert wrong.auc > random.auc


def test_insertion_is_the_mirror_of_deletion(make_patch_model, images):
    model, mask = make_patch_model()
    right = np.broadcast_to(mask.astype(float), images.shape[:3])
    ins = insertion_curve(model, images, right, steps=16, fill=0.0, random_state=0)
    np.testing.assert_allclose(ins.scores[:, 0], 1 / (1 + np.exp(1.0)), rtol=1e-5)
    dele = deletion_curve(model, images, right, steps=16, fill=0.0, random_state=0)
    np.testing.assert_allclose(ins.scores[:, 1:], dele.scores[:, :1].repeat(16, axis=1), rtol=1e-5)
    assert ins.auc > insertion_curve(model, images, None, steps=16, fill=0.0, random_state=0).auc


def test_curve_auc_is_the_trapezoid():
    c = FaithfulnessCurve("deletion", np.array([0, 0.5, 1.0]), np.array([[1.0, 0.0, 0.0], [1.0, 1.0, 1.0]]))
    np.testing.assert_allclose(c.auc_per_image, [0.25, 1.0])
    assert c.auc == pytest.approx(0.625)


def test_ties_are_broken_at_random_not_top_left_first(make_linear_model):
    # A constant map: the order is random, so deleting in "map order" is the random baseline.
    model = make_linear_model(np.ones((8, 8, 1)))
    x = np.ones((3, 8, 8, 1), "float32") * 0.5
    flat = deletion_curve(model, x, np.zeros((3, 8, 8)), steps=8, random_state=0, fill=0.0)
    rand = deletion_curve(model, x, None, steps=8, random_state=0, fill=0.0)
    np.testing.assert_allclose(flat.scores, rand.scores, rtol=1e-6)


def test_faithfulness_table_ranks_the_right_map_first(make_patch_model, images):
    model, mask = make_patch_model()
    right = np.broadcast_to(mask.astype(float), images.shape[:3])
    table, curves = faithfulness_table(model, images, {"right": right, "wrong": 1 - right}, steps=8, fill=0.0)
    assert table.index.tolist() == ["right", "wrong", "random"]
    assert table["deletion_auc"].idxmin() == "right" and table["insertion_auc"].idxmax() == "right"
    assert curves["right"]["insertion"].kind == "insertion"


def test_maps_must_match_the_images(make_patch_model, images):
    model, _ = make_patch_model()
    with pytest.raises(ValueError, match="one map per image"):
        deletion_curve(model, images, np.zeros((5, 4, 4)))
    with pytest.raises(ValueError, match="NaN"):
        insertion_curve(model, images, np.full((5, 8, 8), np.nan))
    with pytest.raises(ValueError, match="at least one"):
        faithfulness_table(model, images, {})
