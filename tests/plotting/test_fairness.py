"""Fairness plots draw exactly the computed numbers."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from pmed_utils.evaluation import calibration_table, fairness_metrics
from pmed_utils.plotting import plot_calibration_by_group, plot_error_rates_by_group, plot_group_forest


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _table():
    rng = np.random.default_rng(0)
    groups = np.repeat(["A", "B", "C"], [500, 300, 200])
    p = rng.uniform(0.05, 0.7, 1000)
    y = (rng.random(1000) < p).astype(int)
    return y, p, groups, fairness_metrics(y, p, groups, 0.35)


def test_forest_plot_draws_each_metric_and_interval():
    _, _, _, table = _table()
    ax = plot_group_forest(table, ["auc", "ppv"])
    lines = [c.lines[0] for c in ax.containers]
    np.testing.assert_allclose(lines[0].get_xdata(), table["auc"])
    np.testing.assert_allclose(lines[1].get_xdata(), table["ppv"])
    # the error bars span exactly [low, high]
    segments = ax.containers[0].lines[2][0].get_segments()
    np.testing.assert_allclose([s[0][0] for s in segments], table["auc_low"])
    np.testing.assert_allclose([s[1][0] for s in segments], table["auc_high"])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "A · AUC" and labels[-1] == "C · PPV"


def test_forest_plot_reference_line_and_missing_columns():
    _, _, _, table = _table()
    ax = plot_group_forest(table, ["calibration_slope"], reference={"calibration_slope": 1.0})
    assert ax.lines[-1].get_xdata()[0] == 1.0
    with pytest.raises(ValueError, match="table"):
        plot_group_forest(table.drop(columns="auc_low"))


def test_error_rate_bars_are_the_table():
    _, _, _, table = _table()
    ax = plot_error_rates_by_group(table)
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(heights, [*table["tpr"], *table["fpr"]])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["A", "B", "C"]


def test_calibration_by_group_one_series_per_group():
    y, p, groups, _ = _table()
    tables = {g: calibration_table(y[groups == g], p[groups == g], n_bins=5) for g in ["A", "B", "C"]}
    ax = plot_calibration_by_group(tables)
    assert len(ax.containers) == 3
    for container, (_, t) in zip(ax.containers, tables.items(), strict=True):
        np.testing.assert_allclose(container.lines[0].get_ydata(), t["observed"])
    assert [t.get_text() for t in ax.get_legend().get_texts()].count("perfect calibration") == 1
