"""Sanity checks: the rank correlation, SSIM, and what randomising a model does to its maps."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from pmed_utils.interpret.saliency import integrated_gradients, occlusion_map
from pmed_utils.interpret.sanity import (
    cascading_randomization,
    compare_maps,
    randomize_layers,
    rank_correlation,
    shuffled_label_model,
    structural_similarity,
)
from pmed_utils.models import small_cnn
from pmed_utils.validation import DegenerateInputWarning


def test_rank_correlation_equals_scipy_spearman_with_ties():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 4, (6, 5, 5)).astype(float)  # many ties
    b = a + rng.normal(scale=1.5, size=a.shape)
    expected = [stats.spearmanr(x.ravel(), y.ravel()).statistic for x, y in zip(a, b, strict=False)]
    np.testing.assert_allclose(rank_correlation(a, b), expected, rtol=1e-12)
    expected_abs = [stats.spearmanr(np.abs(x.ravel()), np.abs(y.ravel())).statistic for x, y in zip(a, b, strict=False)]
    np.testing.assert_allclose(rank_correlation(a, b, absolute=True), expected_abs, rtol=1e-12)


def test_rank_correlation_is_invariant_to_monotone_maps_and_flags_constant_maps():
    a = np.random.default_rng(1).random((3, 4, 4))
    np.testing.assert_allclose(rank_correlation(a, np.exp(5 * a)), 1.0)
    with pytest.warns(DegenerateInputWarning, match="constant map"):
        r = rank_correlation(a, np.concatenate([a[:2], np.zeros((1, 4, 4))]))
    assert np.isnan(r[2]) and np.allclose(r[:2], 1.0)
    with pytest.raises(ValueError, match="same shape"):
        rank_correlation(a, a[:, :3])


def test_ssim_properties():
    rng = np.random.default_rng(2)
    a = rng.random((4, 16, 16))
    np.testing.assert_allclose(structural_similarity(a, a), 1.0)
    np.testing.assert_allclose(structural_similarity(a, 2 * a - 3), 1.0)  # each map is scaled to [0, 1] first
    b = rng.random((4, 16, 16))
    np.testing.assert_allclose(structural_similarity(a, b), structural_similarity(b, a))
    assert np.all(np.abs(structural_similarity(a, b)) < 0.2)
    assert np.all(structural_similarity(a, a + 0.1 * b) > structural_similarity(a, a + b))


def test_ssim_matches_the_formula_on_one_window():
    # A 7 × 7 map: one window, so SSIM is the global formula with the sample covariance.
    rng = np.random.default_rng(3)
    a, b = rng.random((1, 7, 7)), rng.random((1, 7, 7))
    sa = (a - a.min()) / (a.max() - a.min())
    sb = (b - b.min()) / (b.max() - b.min())
    mx, my = sa.mean(), sb.mean()
    vx, vy = sa.var(ddof=1), sb.var(ddof=1)
    cxy = np.cov(sa.ravel(), sb.ravel())[0, 1]
    c1, c2 = 1e-4, 9e-4
    expected = (2 * mx * my + c1) * (2 * cxy + c2) / ((mx**2 + my**2 + c1) * (vx + vy + c2))
    np.testing.assert_allclose(structural_similarity(a, b)[0], expected, rtol=1e-10)


def test_compare_maps_needs_the_same_methods():
    a = np.random.default_rng(0).random((2, 4, 4))
    with pytest.raises(ValueError, match="same methods"):
        compare_maps({"x": a}, {"y": a})


def test_randomize_layers_copies_and_redraws_only_the_named_layers(make_patch_model):
    model, _ = make_patch_model()
    before = [w.copy() for w in model.get_weights()]
    copy = randomize_layers(model, ["out"], random_state=0)
    for w, b in zip(model.get_weights(), before, strict=False):
        np.testing.assert_array_equal(w, b)  # the original is untouched
    conv, kernel, bias = copy.get_weights()
    np.testing.assert_array_equal(conv, before[0])
    assert not np.array_equal(kernel, before[1]) and np.all(bias == 0)
    limit = np.sqrt(6 / (64 + 1))
    assert np.abs(kernel).max() <= limit
    again = randomize_layers(model, ["out"], random_state=0)
    np.testing.assert_array_equal(again.get_weights()[1], kernel)
    with pytest.raises(ValueError, match="with a kernel: any of 'out', 'conv'"):
        randomize_layers(model, ["flatten"])


def test_randomising_every_layer_destroys_gradient_and_occlusion_maps(make_patch_model, images):
    model, _ = make_patch_model()

    def explain(m, x):
        return {"ig": integrated_gradients(m, x, steps=4), "occlusion": occlusion_map(m, x, patch=2, stride=1)}

    table = cascading_randomization(model, images, explain, random_state=0)
    assert table["layer"].tolist() == ["none", "none", "out", "out", "conv", "conv"]
    start = table[table["step"] == 0]
    np.testing.assert_allclose(start[["spearman", "spearman_abs", "ssim"]], 1.0)
    last = table[table["step"] == table["step"].max()]
    assert (last["spearman_abs"] < 0.5).all() and (last["ssim"] < 0.5).all()


def test_cascading_randomization_default_explainer_and_layers(images):
    model = small_cnn((8, 8, 1), filters=(2,))
    table = cascading_randomization(model, images[:2], random_state=0)
    assert set(table["method"]) == {"grad_cam", "integrated_gradients", "smoothgrad", "occlusion"}
    assert table["step"].max() == 3
    with pytest.raises(ValueError, match="with a kernel"):
        cascading_randomization(model, images, layers=["features"])


def test_shuffled_label_model_trains_on_permuted_labels(images):
    x = np.concatenate([images, images[::-1]])
    y = np.array([0, 1] * 5)
    model, history = shuffled_label_model(lambda: small_cnn((8, 8, 1), filters=(2,)), x, y, epochs=2, random_state=0)
    assert history.n_epochs == 2 and not history.stopped_early
    assert model.output_shape == (None, 1)
    with pytest.raises(ValueError, match="'y' parameter of shuffled_label_model"):
        shuffled_label_model(lambda: small_cnn((8, 8, 1)), x, np.arange(10), epochs=1)
    with pytest.raises(TypeError, match="must return a compiled keras.Model"):
        shuffled_label_model(lambda: None, x, y, epochs=1)
