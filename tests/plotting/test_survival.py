"""The survival plots draw exactly the computed numbers."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from pmed_utils.plotting.survival import plot_kaplan_meier, plot_survival_calibration, plot_time_dependent_auc
from pmed_utils.survival import TimeDependentAUC, kaplan_meier


def test_plot_kaplan_meier_draws_the_steps():
    km = {"a": kaplan_meier([2.0, 3.0, 5.0], [1, 1, 0]), "b": kaplan_meier([1.0, 4.0], [1, 1])}
    ax = plot_kaplan_meier(km)
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_xdata(), [0.0, 2.0, 3.0, 5.0])
    np.testing.assert_allclose(line.get_ydata(), np.concatenate([[1.0], km["a"].survival]))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    plt.close("all")


def test_plot_survival_calibration_draws_points_and_identity():
    table = pd.DataFrame({"predicted": [0.1, 0.3], "observed": [0.12, 0.28], "low": [0.05, 0.2], "high": [0.2, 0.37]})
    ax = plot_survival_calibration(table)
    np.testing.assert_allclose(ax.get_lines()[0].get_xdata(), [0.1, 0.3])
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.12, 0.28])
    with pytest.raises(ValueError, match="observed"):
        plot_survival_calibration(table.drop(columns="observed"))
    plt.close("all")


def test_plot_time_dependent_auc_draws_the_auc():
    res = TimeDependentAUC(np.array([1.0, 2.0, 3.0]), np.array([0.6, 0.7, 0.65]), 0.66)
    ax = plot_time_dependent_auc({"Cox": res})
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), res.auc)
    assert ax.get_legend().get_texts()[0].get_text() == "Cox (mean 0.660)"
    plt.close("all")
