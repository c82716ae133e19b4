"""Dosing plots draw exactly the computed numbers."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from pmed_utils.pharmacogenomics import compare_dosing
from pmed_utils.plotting.pharmacogenomics import plot_dosing_comparison, plot_residuals_by_genotype


def test_dosing_comparison_bars_are_the_table_values():
    y = np.array([14.0, 21.0, 35.0, 49.0, 70.0])
    t = compare_dosing(y, {"fixed": np.full(5, 35.0), "half": y / 2}, groups=["a", "a", "b", "b", "b"])
    for metric in ("mae", "within_20"):
        ax = plot_dosing_comparison(t, metric=metric)
        heights = [p.get_height() for p in ax.patches]
        expected = list(t[t.algorithm == "fixed"][metric]) + list(t[t.algorithm == "half"][metric])
        np.testing.assert_allclose(heights, expected)
        assert [x.get_text() for x in ax.get_xticklabels()] == list(t.group.unique())
        plt.close(ax.figure)
    with pytest.raises(ValueError, match="within_20"):
        plot_dosing_comparison(t.drop(columns=["within_20"]), metric="within_20")


def test_residual_boxes_have_the_group_medians_and_means():
    r = np.array([1.0, -1.0, 3.0, 6.0, 8.0, 13.0])
    g = np.array([0, 0, 0, 1, 1, 2])
    ax = plot_residuals_by_genotype(r, g)
    medians = [float(ln.get_ydata()[0]) for ln in ax.lines if ln.get_gid() == "median"]
    means = [float(ln.get_ydata()[0]) for ln in ax.lines if ln.get_gid() == "mean"]
    np.testing.assert_allclose(medians, [1.0, 7.0, 13.0])
    np.testing.assert_allclose(means, [1.0, 7.0, 13.0])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0 (n=3)", "1 (n=2)", "2 (n=1)"]
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="length|agree"):
        plot_residuals_by_genotype([1.0, 2.0], [0])
