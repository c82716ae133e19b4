import matplotlib

matplotlib.use("Agg")
import pandas as pd
import pytest

from pmed_utils.plotting.fusion import plot_contributions, plot_fusion_aucs


def test_fusion_aucs_one_row_per_model_and_reference_lines():
    t = pd.DataFrame(
        {"model": ["a", "b", "c"], "auc": [0.6, 0.8, 0.9], "low": [0.5, 0.7, 0.85], "high": [0.7, 0.9, 0.95]}
    )
    ax = plot_fusion_aucs(t, references={"optimal": 0.91, "ceiling": 0.95})
    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["a", "b", "c"]
    assert len(ax.get_lines()) >= 2
    with pytest.raises(ValueError, match="'table' parameter of plot_fusion_aucs"):
        plot_fusion_aucs(t.drop(columns=["low"]))


def test_contributions_bars_and_bad_input():
    row = pd.Series({"genotype": 0.5, "image": -1.0, "bmi": 0.2, "smoking": 0.0, "risk": 0.3})
    ax = plot_contributions(row)
    assert len(ax.patches) == 4 and "30.0%" in ax.get_title()
    with pytest.raises(ValueError, match="one person"):
        plot_contributions(pd.DataFrame([row, row]))
    with pytest.raises(ValueError, match="none of"):
        plot_contributions(pd.Series({"x": 1.0}))
