"""The explanation plots draw exactly the computed numbers."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from pmed_utils.interpret.faithfulness import FaithfulnessCurve
from pmed_utils.plotting.interpret import (
    plot_faithfulness_curves,
    plot_person_explanation,
    plot_saliency,
    plot_saliency_grid,
    plot_sanity_check,
)


def test_plot_saliency_overlays_the_map_with_a_colorbar():
    img = np.random.default_rng(0).random((6, 6, 1))
    sal = img[..., 0] - 0.5
    ax = plot_saliency(img, sal)
    base, over = ax.get_images()
    np.testing.assert_allclose(base.get_array(), img[..., 0])
    np.testing.assert_allclose(over.get_array(), sal)
    assert over.get_cmap().name == "RdBu_r" and over.norm.vmin == -over.norm.vmax
    assert len(ax.figure.axes) == 2  # the colour bar
    with pytest.raises(ValueError, match="image's shape"):
        plot_saliency(img, sal[:3])
    plt.close("all")


def test_plot_saliency_grid_has_one_row_per_image_and_one_column_per_method():
    imgs = np.random.default_rng(1).random((3, 5, 5))
    maps = {"grad_cam": imgs, "integrated_gradients": imgs - 0.5}
    fig = plot_saliency_grid(imgs, maps, row_labels=["a", "b", "c"])
    assert len(fig.axes) == 9
    assert [fig.axes[i].get_title() for i in range(3)] == ["Image", "Grad-CAM", "Integrated gradients"]
    np.testing.assert_allclose(fig.axes[5].get_images()[1].get_array(), maps["integrated_gradients"][1])
    with pytest.raises(ValueError, match="one map per image"):
        plot_saliency_grid(imgs, {"x": imgs[:2]})
    plt.close("all")


def test_plot_sanity_check_draws_each_method():
    t = pd.DataFrame(
        {
            "step": [0, 1, 2] * 2,
            "layer": ["none", "out", "conv"] * 2,
            "method": ["a"] * 3 + ["b"] * 3,
            "spearman": [1.0, 0.5, 0.1, 1.0, 0.9, 0.8],
            "spearman_abs": [1.0] * 6,
            "ssim": [1.0] * 6,
        }
    )
    ax = plot_sanity_check(t, metric="spearman")
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [1.0, 0.5, 0.1])
    assert [x.get_text() for x in ax.get_xticklabels()] == ["trained", "out", "conv"]
    with pytest.raises(ValueError, match="ssim2"):
        plot_sanity_check(t, metric="ssim2")
    plt.close("all")


def test_plot_faithfulness_curves_draws_the_mean_curve():
    c = FaithfulnessCurve("insertion", np.array([0.0, 1.0]), np.array([[0.2, 0.8], [0.4, 1.0]]))
    ax = plot_faithfulness_curves({"ig": c, "random": c})
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.3, 0.9])
    assert ax.get_lines()[1].get_linestyle() == "--"
    with pytest.raises(ValueError, match="one kind"):
        plot_faithfulness_curves({"a": c, "b": FaithfulnessCurve("deletion", c.fractions, c.scores)})
    plt.close("all")


def test_plot_person_explanation_is_a_waterfall_from_the_base_value():
    t = pd.DataFrame({"value": [1.0, 2.0, 3.0], "contribution": [0.5, -0.2, 0.1]}, index=["a", "b", "c"])
    t.attrs = {"base_value": -1.0}
    ax = plot_person_explanation(t)
    widths = [p.get_width() for p in ax.patches]
    lefts = [p.get_x() for p in ax.patches]
    np.testing.assert_allclose(widths, [0.5, -0.2, 0.1])
    np.testing.assert_allclose(lefts, [-1.0, -0.5, -0.7])
    lumped = plot_person_explanation(t, top=1)
    np.testing.assert_allclose([p.get_width() for p in lumped.patches], [0.5, -0.1])
    with pytest.raises(ValueError, match="base_value"):
        plot_person_explanation(pd.DataFrame({"value": [1.0], "contribution": [0.1]}))
    plt.close("all")
