"""Monitoring plots draw exactly the computed numbers."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from pmed_utils.evaluation import calibration_by_period, cusum, page_hinkley, rolling_auc
from pmed_utils.plotting import plot_detector, plot_over_time


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _stream(seed=0):
    rng = np.random.default_rng(seed)
    month = np.repeat(np.arange(12), 100)
    y = rng.binomial(1, 0.3, 1200)
    p = np.clip(0.3 + 0.2 * (y - 0.3) + rng.normal(0, 0.05, 1200), 0.01, 0.99)
    return y, p, month


def test_plot_over_time_draws_the_metric_band_and_drifts():
    y, p, month = _stream()
    table = rolling_auc(y, p, month)
    ax = plot_over_time(table, drifts=pd.DataFrame({"kind": ["scanner"], "month": [6]}), label="frozen")
    assert np.allclose(ax.lines[0].get_ydata(), table["auc"])
    assert len(ax.collections) == 1  # the CI band
    assert [line.get_xdata()[0] for line in ax.lines[1:]] == [5.5]
    cal = calibration_by_period(y, p, month)
    ax2 = plot_over_time(cal, column="citl")
    assert np.allclose(ax2.lines[0].get_ydata(), cal["citl"]) and ax2.get_ylabel().startswith("Calibration")


def test_plot_over_time_requires_the_columns():
    with pytest.raises(ValueError, match="table"):
        plot_over_time(pd.DataFrame({"period": [0]}), column="auc")


def test_plot_detector_marks_the_alarms_at_their_periods():
    z = np.r_[np.zeros(10), np.full(10, 3.0)]
    r = cusum(z, period=np.arange(20) + 100)
    ax = plot_detector(r, drifts=[110])
    assert np.allclose(ax.lines[0].get_ydata(), r.statistic)
    assert np.allclose(ax.collections[0].get_offsets()[:, 0], r.alarms)
    assert ax.lines[1].get_ydata()[0] == r.threshold
    ph = plot_detector(page_hinkley(z))
    assert ph.get_title() == "Page–Hinkley"
