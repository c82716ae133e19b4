"""The generative plots draw the images and the distances they are given."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from pmed_utils.evaluation import dcr_comparison
from pmed_utils.plotting.generative import plot_dcr_histogram, plot_nearest_pairs, plot_sample_grid


def test_sample_grid_rows_by_class():
    rng = np.random.default_rng(0)
    x = rng.random((10, 4, 4))
    ax = plot_sample_grid(x, [0] * 5 + [1] * 5, n_per_row=3, class_names=["normal", "lesion"])
    mosaic = ax.get_images()[0].get_array()
    assert mosaic.shape == (4 * 2 + 2, 4 * 3 + 4)
    np.testing.assert_allclose(mosaic[:4, :4], x[0])
    np.testing.assert_allclose(mosaic[6:10, :4], x[5])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["normal", "lesion"]
    with pytest.raises(ValueError, match="'labels'"):
        plot_sample_grid(x, [0, 1])
    plt.close("all")


def test_nearest_pairs_finds_the_copies():
    rng = np.random.default_rng(1)
    train = rng.random((20, 5, 5))
    synth = np.r_[rng.random((3, 5, 5)), train[[7]]]
    ax = plot_nearest_pairs(synth, train, n=2)
    mosaic = ax.get_images()[0].get_array()
    np.testing.assert_allclose(mosaic[:5, :5], train[7])  # the copy comes first
    np.testing.assert_allclose(mosaic[7:12, :5], train[7])
    assert ax.texts[0].get_text() == "0.0"
    with pytest.raises(ValueError, match="'train'"):
        plot_nearest_pairs(synth, rng.random((3, 4, 4)))
    plt.close("all")


def test_dcr_histogram_marks_the_quantiles():
    rng = np.random.default_rng(2)
    c = dcr_comparison(*rng.normal(size=(3, 80, 3)))
    ax = plot_dcr_histogram(c)
    assert ax.get_lines()[0].get_xdata()[0] == pytest.approx(c.synthetic_quantile)
    assert ax.get_lines()[1].get_xdata()[0] == pytest.approx(c.holdout_quantile)
    plt.close("all")
