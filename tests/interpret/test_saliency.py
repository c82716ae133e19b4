"""Saliency maps against closed forms: linear logits, a model that looks at one patch."""

from __future__ import annotations

import numpy as np
import pytest

from pmed_utils.interpret.saliency import (
    METHODS,
    conv_layer_names,
    grad_cam,
    integrated_gradients,
    occlusion_map,
    saliency_maps,
    smoothgrad,
)
from pmed_utils.models import small_cnn


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_integrated_gradients_of_a_linear_logit_is_weight_times_input(make_linear_model, images):
    w = np.random.default_rng(1).normal(size=(8, 8, 1))
    model = make_linear_model(w, bias=0.3)
    ig = integrated_gradients(model, images, steps=3)
    np.testing.assert_allclose(ig, (w * images)[..., 0], rtol=1e-5, atol=1e-6)
    ig_half = integrated_gradients(model, images, baseline=0.5, steps=3)
    np.testing.assert_allclose(ig_half, (w * (images - 0.5))[..., 0], rtol=1e-4, atol=1e-5)


def test_integrated_gradients_completeness_on_the_probability(make_linear_model, images):
    w = np.random.default_rng(2).normal(scale=0.3, size=(8, 8, 1))
    model = make_linear_model(w, bias=-0.2)
    baseline = np.full((8, 8, 1), 0.1, "float32")
    ig = integrated_gradients(model, images, baseline=baseline, steps=64, target="probability")
    logit = (w * images).sum(axis=(1, 2, 3)) - 0.2
    logit0 = (w * baseline).sum() - 0.2
    np.testing.assert_allclose(ig.sum(axis=(1, 2)), _sigmoid(logit) - _sigmoid(logit0), atol=2e-4)


def test_integrated_gradients_completeness_on_a_cnn(images):
    model = small_cnn((8, 8, 1), filters=(3, 4))
    ig = integrated_gradients(model, images, steps=128)
    from pmed_utils.models import predict_scores

    p = predict_scores(model, images)
    p0 = predict_scores(model, np.zeros_like(images[:1]))
    logit = np.log(p / (1 - p)) - np.log(p0 / (1 - p0))
    np.testing.assert_allclose(ig.sum(axis=(1, 2)), logit, atol=0.02 + 0.02 * np.abs(logit).max())


def test_smoothgrad_of_a_linear_logit_is_the_weights(make_linear_model, images):
    w = np.random.default_rng(3).normal(size=(8, 8, 1))
    model = make_linear_model(w)
    sg = smoothgrad(model, images, n_samples=3, random_state=0)
    np.testing.assert_allclose(sg, np.broadcast_to(np.abs(w[..., 0]), sg.shape), rtol=1e-5)
    signed = smoothgrad(model, images, n_samples=3, absolute=False, random_state=0)
    np.testing.assert_allclose(signed[0], w[..., 0], rtol=1e-5)


def test_smoothgrad_is_reproducible_and_depends_on_the_noise(images):
    model = small_cnn((8, 8, 1), filters=(2,))
    a = smoothgrad(model, images, n_samples=4, random_state=0)
    np.testing.assert_array_equal(a, smoothgrad(model, images, n_samples=4, random_state=0))
    assert not np.array_equal(a, smoothgrad(model, images, n_samples=4, random_state=1))


def test_occlusion_lights_the_one_patch_the_model_looks_at(make_patch_model, images):
    model, mask = make_patch_model()
    occ = occlusion_map(model, images, patch=2, stride=1, fill=0.0)
    assert occ.shape == (5, 8, 8)
    # Only patches overlapping the 2 × 2 patch change the score: pixels within one pixel of it.
    near = np.zeros_like(mask)
    near[1:5, 4:8] = True
    assert np.all(occ[:, ~near] == 0)
    assert np.all(occ[:, mask] > 0)
    for m in occ:
        r, c = np.unravel_index(np.argmax(m), m.shape)
        assert mask[r, c]


def test_occlusion_with_patch_one_is_weight_times_pixel(make_linear_model, images):
    w = np.random.default_rng(4).normal(size=(8, 8, 1))
    occ = occlusion_map(make_linear_model(w), images, patch=1, stride=1, fill=0.0)
    np.testing.assert_allclose(occ, (w * images)[..., 0], rtol=1e-4, atol=1e-5)


def test_occlusion_stride_covers_the_edge(make_linear_model, images):
    occ = occlusion_map(make_linear_model(np.ones((8, 8, 1))), images, patch=3, stride=3, fill=0.0)
    assert np.all(np.isfinite(occ)) and np.all(occ > 0)


def test_grad_cam_closed_form_on_one_feature_map(make_patch_model, images):
    model, mask = make_patch_model()
    cam = grad_cam(model, images, layer="conv")
    # One feature map A = x; d logit / dA is the patch mask, so its mean weight is
    # |patch| / |image| and the map is ReLU(weight × x): the image itself, wherever the model looks.
    np.testing.assert_allclose(cam, images[..., 0] * mask.sum() / mask.size, rtol=1e-5)
    neg = grad_cam(model, images, layer="conv", target="probability")
    assert neg.shape == (5, 8, 8) and (neg >= 0).all()


def test_grad_cam_defaults_to_the_last_conv_layer_and_resizes(images):
    model = small_cnn((8, 8, 1), filters=(2, 3))
    assert conv_layer_names(model)[-1] == "block1_conv1"
    np.testing.assert_allclose(grad_cam(model, images), grad_cam(model, images, layer="block1_conv1"))
    assert grad_cam(model, images, layer="block0_conv0").shape == (5, 8, 8)


@pytest.mark.parametrize("layer", ["nope", "features", "block0_bn0"])
def test_grad_cam_bad_layer_lists_the_conv_layers(images, layer):
    model = small_cnn((8, 8, 1), filters=(2,))
    with pytest.raises(
        ValueError, match="must name a convolution layer of small_cnn: one of 'block0_conv0', 'block0_conv1'"
    ):
        grad_cam(model, images, layer=layer)


def test_grad_cam_without_conv_layers(make_linear_model, images):
    with pytest.raises(ValueError, match="must have a convolution layer"):
        grad_cam(make_linear_model(np.ones((8, 8, 1))), images)


def test_inputs_are_checked(images, make_linear_model):
    model = make_linear_model(np.ones((8, 8, 1)))
    with pytest.raises(ValueError, match="shape \\(n, 8, 8, 1\\)"):
        integrated_gradients(model, images[..., 0])
    with pytest.raises(ValueError, match="NaN"):
        smoothgrad(model, np.full_like(images, np.nan))
    with pytest.raises(ValueError, match="baseline"):
        integrated_gradients(model, images, baseline=np.zeros((4, 4, 1)))
    with pytest.raises(ValueError, match="patch"):
        occlusion_map(model, images, patch=9)
    with pytest.raises(TypeError, match="keras.Model"):
        grad_cam(len, images)


def test_logit_needs_a_sigmoid_output(images):
    from pmed_utils._tensorflow import keras_module

    keras = keras_module()
    model = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(1, activation="tanh")])
    with pytest.raises(ValueError, match="target='probability'"):
        integrated_gradients(model, images)
    assert integrated_gradients(model, images, target="probability", steps=2).shape == (5, 8, 8)
    two = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="one output unit"):
        grad_cam(two, images)


def test_saliency_maps_runs_every_method(images):
    maps = saliency_maps(small_cnn((8, 8, 1), filters=(2,)), images[:2], random_state=0)
    assert list(maps) == list(METHODS)
    assert all(m.shape == (2, 8, 8) and m.dtype == np.float32 for m in maps.values())
    with pytest.raises(ValueError, match="methods"):
        saliency_maps(small_cnn((8, 8, 1), filters=(2,)), images, ["lime"])
