"""The causal plots draw exactly the computed numbers."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from pmed_utils.causal import qini_curve, true_qini_curve
from pmed_utils.plotting.causal import plot_cate_vs_truth, plot_estimates, plot_qini
from pmed_utils.results import Estimate


def test_plot_qini_draws_the_curves_and_coefficients():
    rng = np.random.default_rng(0)
    tau = rng.normal(size=200)
    t = rng.integers(0, 2, 200)
    y = t * tau + rng.normal(size=200)
    curves = {"model": qini_curve(t, y, tau), "truth": true_qini_curve(tau, tau)}
    ax = plot_qini(curves)
    lines = ax.get_lines()
    np.testing.assert_allclose(lines[0].get_ydata(), curves["model"].gain)
    np.testing.assert_allclose(lines[2].get_xdata(), curves["truth"].fraction)
    np.testing.assert_allclose(lines[1].get_ydata(), [0, curves["model"].gain[-1]])
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[1] == f"truth: Qini {curves['truth'].coefficient:.3f}"
    plt.close("all")


def test_plot_cate_vs_truth_scatters_the_estimates():
    ax = plot_cate_vs_truth([0.0, 1.0, 2.0], {"T": [0.5, 1.0, 1.5], "DR": [0.0, 1.1, 2.2]})
    offsets = ax.collections[1].get_offsets()
    np.testing.assert_allclose(offsets, [[0.0, 0.0], [1.0, 1.1], [2.0, 2.2]])
    plt.close("all")


def test_plot_estimates_draws_points_intervals_and_truth():
    est = {"naive": Estimate(0.5, 0.4, 0.7), "AIPW": Estimate(0.1, 0.0, 0.2)}
    ax = plot_estimates(est, truth=0.12)
    points = ax.get_lines()[0]
    np.testing.assert_allclose(points.get_xdata(), [0.5, 0.1])
    segments = ax.collections[0].get_segments()
    np.testing.assert_allclose(segments[0][:, 0], [0.4, 0.7])
    assert ax.get_lines()[-1].get_xdata()[0] == 0.12
    plt.close("all")
