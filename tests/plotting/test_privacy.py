"""Privacy plots draw the numbers they are given."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from pmed_utils.plotting.privacy import plot_attack_vs_gap, plot_federated, plot_homer_power, plot_privacy_tradeoff


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_tradeoff_draws_the_dp_points_and_the_baseline():
    t = pd.DataFrame({"epsilon": [8.0, 1.0, np.inf], "test_auc": [0.9, 0.8, 0.95], "attack_auc": [0.51, 0.5, 0.56]})
    ax = plot_privacy_tradeoff(t)
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_xdata(), [1.0, 8.0])
    np.testing.assert_allclose(line.get_ydata(), [0.8, 0.9])
    assert any(np.allclose(line.get_ydata(), 0.95) for line in ax.get_lines())


def test_attack_vs_gap_points():
    t = pd.DataFrame(
        {"gap": [0.1, 0.5], "attack_auc": [0.52, 0.6], "attack_low": [0.5, 0.55], "attack_high": [0.55, 0.65]}
    )
    ax = plot_attack_vs_gap(t)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.52, 0.6])


def test_federated_bars_and_homer_lines():
    t = pd.DataFrame(
        {
            "split": ["IID", "IID", "non-IID", "non-IID"],
            "strategy": ["pooled", "FedAvg"] * 2,
            "auc": [0.9, 0.89, 0.9, 0.8],
            "auc_low": [0.75] * 4,
            "auc_high": [0.95] * 4,
        }
    )
    ax = plot_federated(t)
    assert [p.get_height() for p in ax.patches] == pytest.approx([0.9, 0.89, 0.9, 0.8])
    h = pd.DataFrame({"n_snps": [10, 100], "power": [0.1, 0.9], "false_positive_rate": [0.0, 0.01]})
    np.testing.assert_allclose(plot_homer_power(h).get_lines()[0].get_ydata(), [0.1, 0.9])
    with pytest.raises(ValueError, match="power"):
        plot_homer_power(h.drop(columns="power"))
