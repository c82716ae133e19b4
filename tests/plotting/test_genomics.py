"""The genomics plots draw exactly the computed numbers."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from pmed_utils.evaluation import risk_by_quantile
from pmed_utils.genomics.gwas import gwas_linear
from pmed_utils.genomics.prs import penalized_score
from pmed_utils.plotting import (
    plot_manhattan,
    plot_pca,
    plot_penalty_path,
    plot_portability,
    plot_qq,
    plot_risk_by_quantile,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_manhattan_y_is_minus_log10_p_in_genome_order():
    rng = np.random.default_rng(0)
    g = rng.integers(0, 3, (200, 9)).astype(np.int8)
    y = g[:, 4] + rng.normal(size=200)
    res = gwas_linear(g, y)
    # chromosomes listed out of order: the plot sorts them, positions start at 0 per chromosome
    variants = pd.DataFrame(
        {
            "chrom": [2, 2, 2, 1, 1, 1, 3, 3, 3],
            "pos": [50, 10, 30, 5, 15, 25, 7, 8, 9],
            "id": [f"v{i}" for i in range(9)],
        }
    )
    _, ax = plt.subplots()
    assert plot_manhattan(res, variants, ax=ax, causal_ids={"v4"}, significance=1e-5) is ax
    per_chrom = ax.collections[:3]
    for points, rows in zip(per_chrom, ([3, 4, 5], [0, 1, 2], [6, 7, 8]), strict=True):
        offsets = points.get_offsets()
        np.testing.assert_allclose(offsets[:, 1], -np.log10(res["p"].to_numpy()[rows]))
        pos = variants["pos"].to_numpy()[rows]
        np.testing.assert_allclose(np.diff(offsets[:, 0]), np.diff(pos))  # distances kept within a chromosome
    circled = ax.collections[3].get_offsets()
    np.testing.assert_allclose(circled[:, 1], [-np.log10(res["p"][4])])
    assert ax.get_lines()[0].get_ydata()[0] == pytest.approx(5)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3"]


def test_manhattan_contract():
    v = pd.DataFrame({"chrom": [1], "pos": [1], "id": ["a"]})
    with pytest.raises(ValueError, match=r"'gwas' parameter of plot_manhattan lacks the column\(s\) \['p'\]"):
        plot_manhattan(pd.DataFrame({"q": [0.1]}), v)
    with pytest.raises(ValueError, match="Inconsistent lengths in plot_manhattan"):
        plot_manhattan(pd.DataFrame({"p": [0.1, 0.2]}), v)
    with pytest.raises(ValueError, match="'significance' parameter of plot_manhattan"):
        plot_manhattan(pd.DataFrame({"p": [0.1]}), v, significance=5)


def test_qq_draws_sorted_observed_against_expected_uniform_quantiles():
    p = np.array([0.9, np.nan, 0.01, 0.5, 1e-6])
    ax = plot_qq(p, label="test")
    offsets = ax.collections[0].get_offsets()
    finite = np.sort(p[np.isfinite(p)])
    n = finite.size
    np.testing.assert_allclose(offsets[:, 0], -np.log10((np.arange(1, n + 1) - 0.5) / n))
    np.testing.assert_allclose(offsets[:, 1], -np.log10(finite))
    identity = ax.get_lines()[0]
    np.testing.assert_allclose(identity.get_xdata(), identity.get_ydata())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["test"]
    with pytest.raises(ValueError, match=r"p-values in \[0, 1\]"):
        plot_qq([0.5, 2.0])


def test_pca_points_are_the_scores_of_each_population():
    rng = np.random.default_rng(1)
    scores = rng.normal(size=(30, 3))
    pops = np.array(["B", "A", "C"] * 10)
    ax = plot_pca(scores, pops, components=(2, 0), explained=[0.5, 0.3, 0.1])
    for points, name in zip(ax.collections, ["A", "B", "C"], strict=True):
        np.testing.assert_allclose(points.get_offsets(), scores[pops == name][:, [2, 0]])
    assert ax.get_xlabel() == "PC 3 (10.0%)" and ax.get_ylabel() == "PC 1 (50.0%)"
    with pytest.raises(ValueError, match="'components' parameter of plot_pca must be two column indices"):
        plot_pca(scores, pops, components=(0, 3))
    with pytest.raises(ValueError, match="Inconsistent lengths in plot_pca"):
        plot_pca(scores, pops[:5])


def test_risk_by_quantile_bars_and_error_bars_are_the_table():
    rng = np.random.default_rng(2)
    score = rng.normal(size=500)
    disease = (rng.random(500) < 1 / (1 + np.exp(-(score - 2)))).astype(int)
    table = risk_by_quantile(score, disease, n_quantiles=10)
    ax = plot_risk_by_quantile(table, prevalence=disease.mean())
    np.testing.assert_allclose([bar.get_height() for bar in ax.patches], table["rate"])
    segments = ax.collections[0].get_segments()
    np.testing.assert_allclose(
        [s[:, 1] for s in segments],
        np.column_stack([np.minimum(table["ci_low"], table["rate"]), np.maximum(table["ci_high"], table["rate"])]),
        atol=1e-12,
    )
    assert ax.get_lines()[-1].get_ydata()[0] == pytest.approx(disease.mean())
    with pytest.raises(ValueError, match="lacks the column"):
        plot_risk_by_quantile(table.drop(columns="rate"))


def test_portability_bars_are_relative_r2():
    table = pd.DataFrame({"relative_r2": [1.0, 0.6, 0.3]}, index=["CEU", "CHB", "YRI"])
    ax = plot_portability(table)
    np.testing.assert_allclose([bar.get_height() for bar in ax.patches], table["relative_r2"])
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['relative_r2'\]"):
        plot_portability(table.rename(columns={"relative_r2": "r2"}))


def test_portability_axis_stops_below_a_huge_interval_and_marks_the_cut_error_bar():
    table = pd.DataFrame(
        {"relative_r2": [1.0, 1.6, 0.1], "relative_ci_low": [0.9, 0.4, 0.0], "relative_ci_high": [1.1, 16.8, 2.4]},
        index=["CEU", "CHB", "YRI"],
    )
    ax = plot_portability(table)
    np.testing.assert_allclose([bar.get_height() for bar in ax.patches], table["relative_r2"])
    # the error bars keep the whole interval; only the axis is cut, at 2 (> 1.25 x tallest bar)
    segments = np.array([s[:, 1] for s in ax.collections[0].get_segments()])
    np.testing.assert_allclose(segments, table[["relative_ci_low", "relative_ci_high"]])
    assert ax.get_ylim()[1] == 2.0
    cut = [line for line in ax.get_lines() if line.get_marker() == "^"]
    assert [(line.get_xdata()[0], line.get_ydata()[0]) for line in cut] == [(1, 2.0), (2, 2.0)]
    assert [t.get_text() for t in ax.texts] == ["CI to 16.8", "CI to 2.4"]
    # narrow intervals: the axis is not cut and nothing is marked
    ax = plot_portability(table.assign(relative_ci_high=[1.1, 1.9, 0.5]))
    assert 1.9 <= ax.get_ylim()[1] < 2.0 and not ax.texts
    ax = plot_portability(table, y_max=20)
    assert ax.get_ylim()[1] >= 16.8 and not ax.texts


def test_penalty_path_lines_are_the_tuning_table():
    rng = np.random.default_rng(3)
    g = rng.binomial(2, 0.3, (300, 20)).astype(np.int8)
    y = g[:, :3].sum(axis=1) + rng.normal(size=300)
    fit = penalized_score(g[:200], y[:200], g[200:], y[200:], l1_ratio=(0.1, 0.5))
    ax = plot_penalty_path(fit.tuning)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["l1_ratio 0.1", "l1_ratio 0.5"]
    for line, ratio in zip(lines, (0.1, 0.5), strict=True):
        path = fit.tuning[fit.tuning["l1_ratio"] == ratio].sort_values("alpha")
        np.testing.assert_allclose(line.get_xdata(), path["alpha"])
        np.testing.assert_allclose(line.get_ydata(), path["validation_r2"])
    assert ax.get_xscale() == "log"


def test_task_stream_draws_one_lane_per_thread_and_one_bar_per_task():
    from pmed_utils.plotting.genomics import plot_task_stream

    tasks = pd.DataFrame(
        {
            "worker": ["tcp://h:1", "tcp://h:1", "tcp://h:2"],
            "thread": [0, 0, 1],
            "task": ["read_bed_chunk", "gwas_linear", "read_bed_chunk"],
            "start": [0.0, 1.0, 0.5],
            "stop": [1.0, 3.0, 1.5],
        }
    )
    ax = plot_task_stream(tasks)
    bars = [box for collection in ax.collections for box in collection.get_paths()]
    assert len(bars) == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1 / 0", "2 / 1"]
    with pytest.raises(ValueError, match="tasks"):
        plot_task_stream(tasks.drop(columns="stop"))


def test_worker_memory_bars_and_limit_lines():
    from pmed_utils.plotting.genomics import plot_worker_memory

    memory = pd.DataFrame({"worker": ["tcp://h:1", "tcp://h:2"], "peak_mb": [300.0, 450.0], "limit_mb": [500.0, 500.0]})
    ax = plot_worker_memory(memory)
    assert [round(p.get_height()) for p in ax.patches] == [300, 450]
    assert ax.collections[0].get_segments()[0][0][1] == 500.0  # the limit line
