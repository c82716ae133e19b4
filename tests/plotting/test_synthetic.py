"""The synthetic-cohort plots draw exactly the computed numbers."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from pmed_utils.evaluation import ld_decay, pca_overlap
from pmed_utils.plotting.synthetic import plot_allele_frequencies, plot_ld_decay, plot_marginals, plot_pca_overlay


def test_plot_ld_decay_draws_the_binned_r2():
    g = np.random.default_rng(0).binomial(2, 0.4, (100, 6)).astype(np.int8)
    curve = ld_decay(g, np.arange(6) * 1000, bins=3)
    ax = plot_ld_decay({"real": curve, "synthetic": curve})
    np.testing.assert_allclose(ax.lines[0].get_xdata(), curve["distance_mid"] / 1e3)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), curve["r2"])
    with pytest.raises(ValueError, match="r2"):
        plot_ld_decay({"bad": curve.drop(columns="r2")})
    plt.close("all")


def test_plot_pca_overlay_draws_both_sets():
    g = np.random.default_rng(1).binomial(2, 0.3, (60, 40)).astype(np.int8)
    overlap = pca_overlap(g[:30], g[30:], n_components=2, n_neighbors=3)
    ax = plot_pca_overlay(overlap, labels=["real", "RBM"])
    np.testing.assert_allclose(ax.collections[0].get_offsets(), overlap.real_scores[:, :2])
    np.testing.assert_allclose(ax.collections[1].get_offsets(), overlap.synthetic_scores[:, :2])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["real", "RBM"]
    plt.close("all")


def test_plot_allele_frequencies_and_marginals():
    ax = plot_allele_frequencies(np.array([0.2, 0.4]), {"a": np.array([0.25, 0.35])})
    np.testing.assert_allclose(ax.collections[0].get_offsets(), [[0.2, 0.25], [0.4, 0.35]])
    real = pd.DataFrame({"age": np.linspace(30, 80, 50), "smoking": [0, 1] * 25, "pop": ["A"] * 50})
    synth = real.assign(smoking=0)
    fig = plot_marginals(real, synth)
    assert [a.get_title() for a in fig.axes] == ["age", "smoking", "pop"]
    bars = [p.get_height() for p in fig.axes[1].patches]
    np.testing.assert_allclose(bars, [0.5, 0.5, 1.0, 0.0])  # real shares of 0/1, then synthetic
    with pytest.raises(ValueError, match="'synthetic' parameter"):
        plot_marginals(real, synth.drop(columns="pop"))
    plt.close("all")
