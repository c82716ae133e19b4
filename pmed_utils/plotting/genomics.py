"""Drawings for the genomics chapters: PCA, Manhattan, QQ, risk by decile, portability, penalty path,
and a Dask cluster's work (task stream, worker memory)."""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from numpy.typing import ArrayLike

from pmed_utils.validation import (
    Interval,
    check_columns,
    check_same_length,
    validate_params,
)

__all__ = [
    "plot_manhattan",
    "plot_pca",
    "plot_penalty_path",
    "plot_portability",
    "plot_qq",
    "plot_risk_by_quantile",
    "plot_task_stream",
    "plot_worker_memory",
]

_AX = [Axes, None]


def _axes(ax, figsize):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


@validate_params(
    {
        "scores": ["array-like"],
        "populations": ["array-like"],
        "ax": _AX,
        "components": ["array-like"],
        "explained": ["array-like", None],
    }
)
def plot_pca(
    scores: ArrayLike,
    populations: ArrayLike,
    *,
    ax: Axes | None = None,
    components: tuple[int, int] = (0, 1),
    explained: ArrayLike | None = None,
    **kwargs,
) -> Axes:
    """Scatter of two principal components, coloured by population.

    Parameters
    ----------
    scores : array-like of float, shape (n_samples, n_components)
        Principal-component scores.
    populations : array-like, shape (n_samples,)
        Group label of each person (one colour and legend entry per label).
    ax : matplotlib Axes, optional
        Where to draw; default a new figure.
    components : tuple of two int, default (0, 1)
        The columns of ``scores`` on the x and y axes.
    explained : array-like of float, shape (n_components,), optional
        Fraction of variance per component, shown in the axis labels.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.scatter` (default ``s=8``, ``alpha=0.7``).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> ax = plot_pca(np.random.default_rng(0).normal(size=(20, 2)), ["A"] * 10 + ["B"] * 10)
    >>> sorted(t.get_text() for t in ax.get_legend().get_texts())
    ['A', 'B']
    """
    scores = np.asarray(scores, dtype=float)
    pops = np.asarray(populations)
    if scores.ndim != 2:
        raise ValueError(
            f"The 'scores' parameter of plot_pca must be 2-D (n_samples, n_components); got shape {scores.shape}."
        )
    check_same_length((scores, "scores"), (pops, "populations"), func="plot_pca")
    comps = np.asarray(components)
    if (
        comps.shape != (2,)
        or not np.issubdtype(comps.dtype, np.integer)
        or comps.min() < 0
        or comps.max() >= scores.shape[1]
    ):
        raise ValueError(
            f"The 'components' parameter of plot_pca must be two column indices in "
            f"[0, {scores.shape[1] - 1}]; got {components!r}."
        )
    ax = _axes(ax, (5.5, 4.5))
    kwargs.setdefault("s", 8)
    kwargs.setdefault("alpha", 0.7)
    i, j = (int(c) for c in comps)
    for p in sorted(pd.unique(pops)):
        mask = pops == p
        ax.scatter(scores[mask, i], scores[mask, j], label=str(p), **kwargs)
    shares = None if explained is None else np.asarray(explained, dtype=float)

    def lab(k: int) -> str:
        return f"PC {k + 1}" + (f" ({shares[k]:.1%})" if shares is not None else "")

    ax.set(xlabel=lab(i), ylabel=lab(j), title=ax.get_title() or "Principal components")
    ax.legend(fontsize="small", markerscale=2, ncol=2 if len(pd.unique(pops)) > 6 else 1)
    return ax


@validate_params(
    {
        "gwas": ["dataframe"],
        "variants": ["dataframe"],
        "ax": _AX,
        "causal_ids": ["array-like", set, frozenset, None],
        "significance": [Interval(numbers.Real, 0, 1, closed="neither")],
    }
)
def plot_manhattan(
    gwas: pd.DataFrame,
    variants: pd.DataFrame,
    *,
    ax: Axes | None = None,
    causal_ids: Iterable[str] | None = None,
    significance: float = 5e-8,
    **kwargs,
) -> Axes:
    """−log10 p along the genome, chromosomes in alternating colours, true causal variants circled.

    Parameters
    ----------
    gwas : DataFrame
        One row per variant with a ``p`` column (as from ``gwas_linear``).
    variants : DataFrame
        The same variants in the same order, with ``chrom``, ``pos``, ``id``.
    ax : matplotlib Axes, optional
        Where to draw; default a new figure.
    causal_ids : array-like or set of str, optional
        Ids to circle in red (the simulated truth).
    significance : float in (0, 1), default 5e-8
        Drawn as a dashed line at −log10(significance).
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.scatter` (default ``s=4``).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on: one scatter per chromosome, in chromosome order.

    Examples
    --------
    >>> v = pd.DataFrame({"chrom": [1, 1, 2], "pos": [10, 20, 5], "id": ["a", "b", "c"]})
    >>> g = pd.DataFrame({"id": ["a", "b", "c"], "p": [0.5, 1e-9, 0.01]})
    >>> ax = plot_manhattan(g, v, causal_ids=["b"])
    >>> np.round(ax.collections[0].get_offsets()[:, 1], 2).tolist()
    [0.3, 9.0]
    """
    check_columns(gwas, "gwas", ["p"], func="plot_manhattan")
    check_columns(variants, "variants", ["chrom", "pos", "id"], func="plot_manhattan")
    check_same_length((gwas, "gwas"), (variants, "variants"), func="plot_manhattan")
    ax = _axes(ax, (10, 3.8))
    kwargs.setdefault("s", 4)
    frame = variants[["chrom", "pos", "id"]].reset_index(drop=True).assign(p=gwas["p"].to_numpy(dtype=float))
    offset, ticks, x = 0, [], np.zeros(len(frame))
    for k, (_chrom, part) in enumerate(frame.groupby("chrom", sort=True)):
        x[part.index] = part["pos"] - part["pos"].min() + offset
        ticks.append((offset + x[part.index].max()) / 2 if len(part) else offset)
        ax.scatter(x[part.index], -np.log10(part["p"]), color=("#1f4e79", "#6fa8dc")[k % 2], **kwargs)
        offset = x[part.index].max() + 1e5
    if causal_ids is not None:
        causal = frame["id"].isin(set(causal_ids)).to_numpy()
        ax.scatter(
            x[causal],
            -np.log10(frame["p"][causal]),
            facecolors="none",
            edgecolors="#d62728",
            s=30,
            lw=0.8,
            label="true causal variant",
        )
        ax.legend(fontsize="small", loc="upper right")
    ax.axhline(-np.log10(significance), color="grey", ls="--", lw=1)
    ax.set_xticks(ticks, [str(c) for c in sorted(frame["chrom"].unique())])
    ax.set(xlabel="Chromosome", ylabel="−log10 p", title=ax.get_title() or "Manhattan plot")
    return ax


@validate_params({"p_values": ["array-like"], "ax": _AX, "label": ["str", None]})
def plot_qq(p_values: ArrayLike, *, ax: Axes | None = None, label: str | None = None, **kwargs) -> Axes:
    """Observed against expected −log10 p under the null, with the identity line.

    Parameters
    ----------
    p_values : array-like of float in [0, 1], shape (n_variants,)
        GWAS p-values; NaN are left out.
    ax : matplotlib Axes, optional
        Where to draw; default a new figure.
    label : str, optional
        Legend entry for these points (a legend is drawn when given).
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.scatter` (default ``s=6``).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on. Expected values are −log10((i − 0.5)/n), i = 1..n,
        against the sorted observed −log10 p.

    Examples
    --------
    >>> ax = plot_qq(np.linspace(0.001, 1, 1000))
    >>> ax.get_xlabel()
    'Expected −log10 p'
    """
    p = np.asarray(p_values, dtype=float).ravel()
    p = np.sort(p[np.isfinite(p)])
    if np.any((p < 0) | (p > 1)):
        raise ValueError(
            f"The 'p_values' parameter of plot_qq must hold p-values in [0, 1]; "
            f"got {p[(p < 0) | (p > 1)][:3].tolist()}."
        )
    ax = _axes(ax, (4.5, 4.5))
    expected = -np.log10((np.arange(1, p.size + 1) - 0.5) / max(p.size, 1))
    kwargs.setdefault("s", 6)
    ax.scatter(expected, -np.log10(p), label=label, **kwargs)
    top = expected.max() if p.size else 1.0
    ax.plot([0, top], [0, top], color="grey", ls="--", lw=1)
    ax.set(xlabel="Expected −log10 p", ylabel="Observed −log10 p", title=ax.get_title() or "QQ plot")
    if label:
        ax.legend(fontsize="small")
    return ax


_QUANTILE_NAMES = {4: "quartile", 5: "quintile", 10: "decile", 20: "ventile", 100: "percentile"}


@validate_params({"table": ["dataframe"], "ax": _AX, "prevalence": [Interval(numbers.Real, 0, 1), None]})
def plot_risk_by_quantile(
    table: pd.DataFrame, *, ax: Axes | None = None, prevalence: float | None = None, **kwargs
) -> Axes:
    """Disease rate per score quantile with Wilson intervals (from ``risk_by_quantile``).

    Parameters
    ----------
    table : DataFrame
        One row per quantile with ``quantile``, ``rate``, ``ci_low``, ``ci_high``.
    ax : matplotlib Axes, optional
        Where to draw; default a new figure.
    prevalence : float in [0, 1], optional
        Overall rate, drawn as a dashed line.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.bar` (default colour dark blue).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on: one bar per quantile, height = rate.

    Examples
    --------
    >>> from pmed_utils.evaluation import risk_by_quantile
    >>> t = risk_by_quantile(np.arange(100), np.r_[np.zeros(80), np.ones(20)], n_quantiles=5)
    >>> ax = plot_risk_by_quantile(t, prevalence=0.2)
    >>> [float(bar.get_height()) for bar in ax.patches]
    [0.0, 0.0, 0.0, 0.0, 1.0]
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['overall rate']
    >>> ax.get_xlabel()
    'Score quintile (1 = lowest)'
    """
    check_columns(table, "table", ["quantile", "rate", "ci_low", "ci_high"], func="plot_risk_by_quantile")
    ax = _axes(ax, (5.5, 3.8))
    kwargs.setdefault("color", "#1f4e79")
    # Wilson bounds can sit a rounding error beyond the rate when it is 0 or 1
    yerr = np.clip(
        np.vstack([table["rate"] - table["ci_low"], table["ci_high"] - table["rate"]]).astype(float), 0, None
    )
    ax.bar(table["quantile"], table["rate"], yerr=yerr, capsize=3, **kwargs)
    if prevalence is not None:
        ax.axhline(prevalence, color="grey", ls="--", lw=1, label="overall rate")
        ax.legend(fontsize="small")
    quantile = _QUANTILE_NAMES.get(len(table), "quantile")  # the axis names what the table holds
    ax.set(
        xlabel=f"Score {quantile} (1 = lowest)",
        ylabel="Observed disease rate",
        title=ax.get_title() or f"Risk by polygenic score {quantile}",
    )
    ax.set_xticks(table["quantile"])
    return ax


@validate_params(
    {"table": ["dataframe"], "ax": _AX, "y_max": [Interval(numbers.Real, 0, None, closed="neither"), None]}
)
def plot_portability(table: pd.DataFrame, *, ax: Axes | None = None, y_max: float | None = None, **kwargs) -> Axes:
    """Bar chart of relative accuracy per population (``relative_r2`` column, reference = 1).

    With ``relative_ci_low`` / ``relative_ci_high`` columns (as from
    :func:`pmed_utils.evaluation.r2_by_group`) the bars get 95% CI error bars. A small
    population can have an interval many times the reference; the y-axis then stops at
    ``y_max`` and each error bar that runs past it is marked with an arrow and its upper end.

    Parameters
    ----------
    table : DataFrame
        Indexed by population, with ``relative_r2`` (and optionally the CI columns).
    ax : matplotlib Axes, optional
        Where to draw; default a new figure.
    y_max : float, optional
        Top of the y-axis when an error bar would reach higher (default: 2, or 1.25 × the
        tallest bar if that is higher). The axis stops at the top of the error bars when
        they stay below it.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.bar`.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on: one bar per population, height = ``relative_r2``; the error
        bars span the full interval, also where the axis cuts them.

    Examples
    --------
    >>> from pmed_utils.evaluation import r2_by_group
    >>> rng = np.random.default_rng(0)
    >>> g = np.repeat(["A", "B"], 200)
    >>> s = rng.normal(size=400)
    >>> t = r2_by_group(s, np.where(g == "A", 1.0, 0.5) * s + rng.normal(size=400), g, n_bootstraps=100)
    >>> ax = plot_portability(t)
    >>> [tick.get_text() for tick in ax.get_xticklabels()]
    ['A', 'B']
    >>> [bar.get_height() for bar in ax.patches] == t["relative_r2"].tolist()
    True
    """
    check_columns(table, "table", ["relative_r2"], func="plot_portability")
    ax = _axes(ax, (4.5, 3.5))
    kwargs.setdefault("color", ["#1f4e79", "#6fa8dc", "#e69138", "#93c47d"][: len(table)])
    value = table["relative_r2"].to_numpy(float)
    high = np.full(value.shape, np.nan)
    if {"relative_ci_low", "relative_ci_high"} <= set(table.columns):
        low, high = table["relative_ci_low"].to_numpy(float), table["relative_ci_high"].to_numpy(float)
        kwargs.setdefault("yerr", np.vstack([np.clip(value - low, 0, None), np.clip(high - value, 0, None)]))
        kwargs.setdefault("capsize", 4)
    bars = ax.bar(table.index.astype(str), table["relative_r2"], **kwargs)
    ax.axhline(1, color="grey", ls="--", lw=1)
    top = y_max if y_max is not None else max(2.0, 1.25 * np.nanmax(value, initial=0))
    if ax.get_ylim()[1] > top:
        ax.set_ylim(top=top)
        for bar, end in zip(bars, high, strict=True):
            if end > top:
                x = bar.get_x() + bar.get_width() / 2
                ax.plot([x], [top], marker="^", color="black", clip_on=False, label="_cut")
                ax.annotate(f"CI to {end:.3g}", (x, top), xytext=(6, -12), textcoords="offset points", fontsize="small")
    ax.set(
        xlabel="Test population",
        ylabel="R² relative to the training ancestry",
        title=ax.get_title() or "Portability of the score",
    )
    return ax


@validate_params({"tuning": ["dataframe"], "ax": _AX})
def plot_penalty_path(tuning: pd.DataFrame, *, ax: Axes | None = None, **kwargs) -> Axes:
    """Validation r² against the penalty strength, one line per L1 share (``PenalizedScore.tuning``).

    Parameters
    ----------
    tuning : DataFrame
        One row per fit with ``l1_ratio``, ``alpha`` and ``validation_r2``
        (as in :class:`~pmed_utils.genomics.prs.PenalizedScore`).
    ax : matplotlib Axes, optional
        Where to draw; default a new figure.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.plot` (default ``marker="o"``, ``ms=3``).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on: one line per ``l1_ratio`` (ascending), α on a log axis.

    Examples
    --------
    >>> tuning = pd.DataFrame({"l1_ratio": [0.1, 0.1, 0.5, 0.5], "alpha": [1.0, 0.1, 1.0, 0.1],
    ...                        "validation_r2": [0.2, 0.3, 0.25, 0.28]})
    >>> ax = plot_penalty_path(tuning)
    >>> [line.get_label() for line in ax.get_lines()], ax.get_xscale()
    (['l1_ratio 0.1', 'l1_ratio 0.5'], 'log')
    """
    check_columns(tuning, "tuning", ["l1_ratio", "alpha", "validation_r2"], func="plot_penalty_path")
    ax = _axes(ax, (6, 3.5))
    kwargs.setdefault("marker", "o")
    kwargs.setdefault("ms", 3)
    for ratio, path in tuning.groupby("l1_ratio", sort=True):
        path = path.sort_values("alpha")
        ax.plot(path["alpha"], path["validation_r2"], label=f"l1_ratio {ratio:g}", **kwargs)
    ax.set(
        xscale="log",
        xlabel="Penalty strength α",
        ylabel="r² on validation people",
        title=ax.get_title() or "Choosing the elastic-net penalty",
    )
    ax.legend(fontsize="small")
    return ax


@validate_params({"tasks": ["dataframe"], "ax": _AX})
def plot_task_stream(tasks: pd.DataFrame, *, ax: Axes | None = None, **kwargs) -> Axes:
    """The Dask dashboard's task stream: one row per worker thread, one bar per task, coloured by task name.

    Parameters
    ----------
    tasks : DataFrame
        ``worker``, ``thread``, ``task``, ``start``, ``stop`` (seconds), as made by
        :func:`~pmed_utils.genomics.chunked.task_stream_frame`.
    ax : matplotlib Axes, optional
        Where to draw; default a new figure.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.broken_barh` (default ``height=0.8``).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on: time on x, one lane per worker thread on y, a legend of task names.

    Examples
    --------
    >>> tasks = pd.DataFrame({"worker": ["w1", "w1", "w2"], "thread": [0, 0, 1],
    ...                       "task": ["read_bed_chunk", "gwas_linear", "read_bed_chunk"],
    ...                       "start": [0.0, 1.0, 0.2], "stop": [1.0, 2.5, 1.1]})
    >>> ax = plot_task_stream(tasks)
    >>> sorted(t.get_text() for t in ax.get_legend().get_texts()), ax.get_xlabel()
    (['gwas_linear', 'read_bed_chunk'], 'Seconds since the first task')
    """
    check_columns(tasks, "tasks", ["worker", "thread", "task", "start", "stop"], func="plot_task_stream")
    ax = _axes(ax, (7, 2.5))
    height = kwargs.pop("height", 0.8)
    names = sorted(tasks["task"].unique())
    colours = {name: plt.get_cmap("tab10")(i % 10) for i, name in enumerate(names)}
    for name, group in tasks.groupby("task", sort=True):
        for lane, part in group.groupby("thread"):
            spans = list(zip(part["start"], part["stop"] - part["start"], strict=True))
            ax.broken_barh(spans, (lane - height / 2, height), color=colours[name], **kwargs)
        ax.bar(0, 0, color=colours[name], label=name)  # one legend entry per task name
    lanes = sorted(tasks["thread"].unique())
    labels = [f"{tasks.loc[tasks['thread'] == lane, 'worker'].iloc[0].rsplit(':', 1)[-1]} / {lane}" for lane in lanes]
    ax.set_yticks(lanes, labels)
    ax.set(
        xlabel="Seconds since the first task",
        ylabel="Worker (port) / thread",
        title=ax.get_title() or "Task stream: what each worker thread was doing",
    )
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


@validate_params({"memory": ["dataframe"], "ax": _AX})
def plot_worker_memory(memory: pd.DataFrame, *, ax: Axes | None = None, **kwargs) -> Axes:
    """Each worker's peak memory as a bar, its memory limit as a line.

    Parameters
    ----------
    memory : DataFrame
        ``worker``, ``peak_mb``, ``limit_mb``, as made by
        :func:`~pmed_utils.genomics.chunked.worker_peak_memory`.
    ax : matplotlib Axes, optional
        Where to draw; default a new figure.
    **kwargs
        Passed to :meth:`~matplotlib.axes.Axes.bar`.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> memory = pd.DataFrame({"worker": ["tcp://h:1", "tcp://h:2"], "peak_mb": [300.0, 320.0],
    ...                        "limit_mb": [1000.0, 1000.0]})
    >>> ax = plot_worker_memory(memory)
    >>> len(ax.patches), ax.get_ylabel()
    (2, 'Peak resident memory (MB)')
    """
    check_columns(memory, "memory", ["worker", "peak_mb", "limit_mb"], func="plot_worker_memory")
    ax = _axes(ax, (4, 3))
    kwargs.setdefault("color", "tab:blue")
    names = [str(w).rsplit(":", 1)[-1] for w in memory["worker"]]
    ax.bar(names, memory["peak_mb"], label="peak", **kwargs)
    for i, limit in enumerate(memory["limit_mb"]):
        ax.hlines(limit, i - 0.4, i + 0.4, color="tab:red", lw=2, label="memory limit" if i == 0 else "_nolegend_")
    ax.set(xlabel="Worker (port)", ylabel="Peak resident memory (MB)", title=ax.get_title() or "Memory per worker")
    ax.set_ylim(0, max(memory["limit_mb"].max(), memory["peak_mb"].max()) * 1.15)
    ax.legend(fontsize="small", loc="lower right")
    return ax
