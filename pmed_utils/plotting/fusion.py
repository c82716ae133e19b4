"""Drawings of multimodal fusion results (computation lives in pmed_utils.models.fusion)."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from pmed_utils.validation import check_columns, validate_params

__all__ = ["plot_contributions", "plot_fusion_aucs"]

_CONTRIBUTION_ORDER = ("genotype", "image", "bmi", "smoking", "age", "sex")


def _axes(ax: Axes | None, figsize=(6, 4)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


@validate_params({"table": ["dataframe"], "ax": [Axes, None], "references": ["mapping", None]})
def plot_fusion_aucs(
    table: pd.DataFrame, *, ax: Axes | None = None, references: dict[str, float] | None = None, **kwargs: Any
) -> Axes:
    """Test AUC of each model with its confidence interval, one row per model, references as vertical lines.

    Parameters
    ----------
    table : DataFrame
        One row per model with columns ``model``, ``auc``, ``low``, ``high``
        (e.g. built from :func:`pmed_utils.evaluation.auc_delong` estimates).
    ax : Axes, optional
        Where to draw; None makes a new figure.
    references : dict of str to float, optional
        Labelled vertical lines (e.g. the optimal combination, the truth ceiling).
    **kwargs
        Passed to ``Axes.errorbar``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> t = pd.DataFrame({"model": ["PRS", "image"], "auc": [0.7, 0.9], "low": [0.65, 0.87], "high": [0.75, 0.93]})
    >>> ax = plot_fusion_aucs(t, references={"ceiling": 0.95})
    >>> ax.get_xlabel()
    'Test AUC (95% CI)'
    """
    check_columns(table, "table", ["model", "auc", "low", "high"], func="plot_fusion_aucs")
    ax = _axes(ax, figsize=(6, 0.45 * len(table) + 1.5))
    y = np.arange(len(table))[::-1]
    auc = table["auc"].to_numpy(float)
    err = np.vstack([auc - table["low"].to_numpy(float), table["high"].to_numpy(float) - auc])
    kwargs.setdefault("fmt", "o")
    kwargs.setdefault("capsize", 3)
    ax.errorbar(auc, y, xerr=err, **kwargs)
    ax.set_yticks(y, table["model"].astype(str).tolist())
    styles = ["--", ":", "-.", (0, (5, 1))]
    for i, (name, value) in enumerate((references or {}).items()):
        ax.axvline(float(value), color="grey", ls=styles[i % len(styles)], lw=1, label=f"{name} ({value:.3f})")
    if references:
        ax.legend(fontsize="small", loc="lower right")
    ax.set(xlabel="Test AUC (95% CI)")
    return ax


@validate_params({"contributions": [pd.Series, "dataframe"], "ax": [Axes, None], "title": ["str", None]})
def plot_contributions(
    contributions: pd.Series | pd.DataFrame, *, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """One person's log-odds, factor by factor: a horizontal bar per modality or clinical factor.

    Parameters
    ----------
    contributions : Series or one-row DataFrame
        A row of :meth:`pmed_utils.models.fusion.FusedRiskModel.contributions`
        (columns genotype, image, bmi, smoking, age, sex, baseline, log_odds).
    ax : Axes, optional
        Where to draw; None makes a new figure.
    title : str, optional
        Axes title (default: the risk, when the row has one).

    Returns
    -------
    Axes

    Examples
    --------
    >>> row = pd.Series({"baseline": -1.5, "genotype": 0.8, "image": 1.2, "bmi": 0.1, "smoking": -0.1,
    ...                  "age": 0.0, "sex": 0.0, "log_odds": 0.5, "risk": 0.62})
    >>> ax = plot_contributions(row)
    >>> ax.get_xlabel()
    'Contribution to the log-odds (0 = average person, or an image that says nothing)'
    """
    row = contributions.iloc[0] if isinstance(contributions, pd.DataFrame) else contributions
    if isinstance(contributions, pd.DataFrame) and len(contributions) != 1:
        raise ValueError(
            f"The 'contributions' parameter of plot_contributions must be one person (a Series or a one-row "
            f"DataFrame); got {len(contributions)} rows."
        )
    names = [c for c in _CONTRIBUTION_ORDER if c in row.index]
    if not names:
        raise ValueError(
            f"The 'contributions' parameter of plot_contributions has none of {list(_CONTRIBUTION_ORDER)}."
        )
    values = np.array([float(row[c]) for c in names])
    ax = _axes(ax, figsize=(5.5, 3))
    y = np.arange(len(names))[::-1]
    colors = np.where(values >= 0, "#c0392b", "#2471a3")
    ax.barh(y, values, color=colors)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, names)
    ax.set_xlabel("Contribution to the log-odds (0 = average person, or an image that says nothing)")
    if title is None and "risk" in row.index:
        title = f"Fused risk {float(row['risk']):.1%} (simulated person)"
    if title:
        ax.set_title(title)
    return ax
