"""Plots draw exactly the computed numbers."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from pmed_utils.evaluation import (
    calibration_table,
    cross_validate,
    decision_curve,
    precision_recall,
    roc_with_ci,
    thresholded_report,
)
from pmed_utils.plotting import (
    plot_calibration,
    plot_confusion_matrix,
    plot_cv_folds,
    plot_decision_curve,
    plot_precision_recall,
    plot_roc,
    plot_rocs,
)


def _scores(seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 300)
    return y, 1 / (1 + np.exp(-(rng.normal(size=300) + 1.5 * y - 0.75)))


def test_plot_roc_draws_the_curve_band_and_auc_in_legend():
    y, s = _scores()
    res = roc_with_ci(y, s, n_bootstraps=50)
    ax = plot_roc(res, label="m")
    curve = ax.get_lines()[0]
    np.testing.assert_allclose(curve.get_xdata(), res.fpr)
    np.testing.assert_allclose(curve.get_ydata(), res.tpr)
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == np.min(res.tpr_low) and np.isclose(band[:, 1].max(), np.max(res.tpr_high))
    legend = ax.get_legend().get_texts()[0].get_text()
    assert legend == f"m: AUC {res.auc.value:.3f} (95% CI {res.auc.low:.3f}–{res.auc.high:.3f})"
    assert ax.get_xlabel() and ax.get_ylabel()


def test_plot_rocs_one_line_per_model_plus_diagonals():
    y, s = _scores()
    a, b = roc_with_ci(y, s, n_bootstraps=20), roc_with_ci(y, s**2, n_bootstraps=20)
    ax = plot_rocs({"a": a, "b": b})
    np.testing.assert_allclose(ax.get_lines()[2].get_ydata(), b.tpr)


def test_plot_calibration_points_are_the_table():
    y, s = _scores()
    table = calibration_table(y, s, n_bins=5)
    ax = plot_calibration(table)
    x, yy = ax.get_lines()[0].get_data()
    np.testing.assert_allclose(x, table["mean_predicted"])
    np.testing.assert_allclose(yy, table["observed"])
    # error bars span the Wilson interval
    segments = ax.collections[0].get_segments()
    np.testing.assert_allclose([seg[:, 1] for seg in segments], table[["low", "high"]].to_numpy())


def test_plot_decision_curve_lines_are_the_net_benefits():
    y, s = _scores()
    dc = decision_curve(y, s)
    ax = plot_decision_curve(dc)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), dc["net_benefit_model"])
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), dc["net_benefit_all"])


def test_plot_confusion_matrix_image_and_labels_are_the_counts():
    y, s = _scores()
    _, cm = thresholded_report(y, s, 0.5)
    ax = plot_confusion_matrix(cm)
    np.testing.assert_array_equal(ax.images[0].get_array(), cm.to_numpy())
    assert [int(t.get_text()) for t in ax.texts] == cm.to_numpy().ravel().tolist()


def test_plot_cv_folds_dots_are_fold_metrics():
    X, y = make_classification(200, 5, random_state=0)
    cv = cross_validate(LogisticRegression(), X, y, n_splits=4)
    ax = plot_cv_folds(cv, label="LR")
    np.testing.assert_allclose(ax.collections[0].get_offsets()[:, 1], cv.fold_metrics["auc"])
    assert ax.collections[1].get_segments()[0][0, 1] == pytest.approx(cv.fold_metrics["auc"].mean())
    with pytest.raises(ValueError, match="'metric' parameter of plot_cv_folds must be one of"):
        plot_cv_folds(cv, metric="n_test")


def test_plot_cv_folds_labels_the_x_axis_with_model_names_only():
    X, y = make_classification(200, 5, random_state=0)
    cv = cross_validate(LogisticRegression(), X, y, n_splits=4)
    ax = plot_cv_folds(cv, label="30 features", position=0)
    plot_cv_folds(cv, ax=ax, label="3 features", position=1, color="tab:orange")
    ax.figure.canvas.draw()
    assert list(ax.get_xticks()) == [0, 1]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["30 features", "3 features"]
    assert [t.get_text() for t in plot_cv_folds(cv).get_xticklabels()] == ["auc"]
    plt.close("all")


def test_plot_precision_recall_curve_and_baseline():
    y, s = _scores()
    pr = precision_recall(y, s)
    ax = plot_precision_recall(pr)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), pr.precision)
    assert ax.get_lines()[1].get_ydata()[0] == pr.prevalence


def test_plots_draw_on_the_given_axes_and_refuse_a_positional_or_wrong_ax():
    y, s = _scores()
    res = roc_with_ci(y, s, n_bootstraps=20)
    _, ax = plt.subplots()
    assert plot_roc(res, ax=ax) is ax and isinstance(ax, Axes)
    with pytest.raises(TypeError):
        plot_roc(res, ax)  # ax is keyword-only
    with pytest.raises(ValueError, match="'ax' parameter of plot_precision_recall"):
        plot_precision_recall(precision_recall(y, s), ax="left")
    with pytest.raises(ValueError, match="'results' parameter of plot_rocs must map names to RocResult"):
        plot_rocs({"a": res, "b": 0.8})
    plt.close("all")
