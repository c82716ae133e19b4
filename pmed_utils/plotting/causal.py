"""Drawings of treatment-effect results (computation lives in pmed_utils.causal)."""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from pmed_utils.causal.uplift import QiniCurve
from pmed_utils.results import Estimate
from pmed_utils.validation import Interval, validate_params

__all__ = ["plot_qini", "plot_cate_vs_truth", "plot_estimates"]


def _axes(ax: Axes | None, figsize=(5, 4.5)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


@validate_params({"curves": [QiniCurve, "mapping"], "ax": [Axes, None]})
def plot_qini(curves: QiniCurve | Mapping[str, QiniCurve], ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Draw Qini curves, each with its coefficient in the legend, and the random-ranking line.

    Parameters
    ----------
    curves : QiniCurve or dict of str to QiniCurve
        From :func:`pmed_utils.causal.qini_curve` or :func:`pmed_utils.causal.true_qini_curve`.
    ax : Axes, optional
        Where to draw; None makes a new figure.
    **kwargs
        Passed to ``Axes.plot`` for every curve.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from pmed_utils.causal import true_qini_curve
    >>> ax = plot_qini({"truth": true_qini_curve([1.0, -1.0], [2.0, 1.0])})
    >>> ax.get_xlabel()
    'Fraction of people treated (highest predicted benefit first)'
    """
    ax = _axes(ax)
    items = {"": curves} if isinstance(curves, QiniCurve) else dict(curves)
    for name, curve in items.items():
        label = f"{name}: Qini {curve.coefficient:.3f}" if name else f"Qini {curve.coefficient:.3f}"
        (line,) = ax.plot(curve.fraction, curve.gain, label=label, **kwargs)
        ax.plot([0, 1], [0, curve.gain[-1]], ls=":", lw=1, color=line.get_color())
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(
        xlabel="Fraction of people treated (highest predicted benefit first)",
        ylabel="Cumulative gain per person",
        title=ax.get_title() or "Qini curves",
    )
    ax.legend(fontsize="small")
    return ax


@validate_params({"cate_true": ["array-like"], "estimates": ["mapping"], "ax": [Axes, None]})
def plot_cate_vs_truth(cate_true: Any, estimates: Mapping[str, Any], ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Scatter each learner's estimated effects against the true effects, with the identity line.

    Parameters
    ----------
    cate_true : array-like of float, shape (n_samples,)
        True individual effects.
    estimates : dict of str to array-like of float, shape (n_samples,)
        Estimated effects per learner (the legend shows the names).
    ax : Axes, optional
        Where to draw; None makes a new figure.
    **kwargs
        Passed to ``Axes.scatter``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> ax = plot_cate_vs_truth([0.0, 1.0], {"T": [0.1, 0.8]})
    >>> ax.get_ylabel()
    'Estimated effect'
    """
    ax = _axes(ax)
    truth = np.asarray(cate_true, dtype=float)
    kwargs.setdefault("s", 6)
    kwargs.setdefault("alpha", 0.4)
    values = [truth]
    for name, est in estimates.items():
        est = np.asarray(est, dtype=float)
        ax.scatter(truth, est, label=name, **kwargs)
        values.append(est)
    finite = np.concatenate(values)
    finite = finite[np.isfinite(finite)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    ax.plot([lo, hi], [lo, hi], ls="--", color="grey", lw=1, label="estimate = truth")
    ax.set(
        xlabel="True effect", ylabel="Estimated effect", title=ax.get_title() or "Individual effects against the truth"
    )
    ax.legend(fontsize="small", markerscale=2)
    return ax


@validate_params({"estimates": ["mapping"], "truth": [Interval(numbers.Real, None, None), None], "ax": [Axes, None]})
def plot_estimates(
    estimates: Mapping[str, Estimate], truth: float | None = None, ax: Axes | None = None, **kwargs: Any
) -> Axes:
    """Forest plot: each estimate with its interval, and the true value as a vertical line.

    Parameters
    ----------
    estimates : dict of str to Estimate
        E.g. naive, IPW and AIPW estimates of the average effect.
    truth : float or None, default None
        The true value, drawn as a dashed line.
    ax : Axes, optional
        Where to draw; None makes a new figure.
    **kwargs
        Passed to ``Axes.errorbar``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> ax = plot_estimates({"naive": Estimate(0.5, 0.4, 0.6)}, truth=0.1)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['naive']
    """
    ax = _axes(ax, figsize=(5, 0.6 * len(estimates) + 1.5))
    names = list(estimates)
    y = np.arange(len(names))[::-1]
    values = np.array([float(estimates[n].value) for n in names])
    low = np.array([estimates[n].low for n in names])
    high = np.array([estimates[n].high for n in names])
    kwargs.setdefault("fmt", "o")
    kwargs.setdefault("capsize", 4)
    ax.errorbar(values, y, xerr=[values - low, high - values], **kwargs)
    if truth is not None:
        ax.axvline(float(truth), ls="--", color="tab:red", lw=1.2, label=f"truth {float(truth):.3f}")
        ax.legend(fontsize="small")
    ax.set_yticks(y, names)
    ax.set(xlabel="Estimate (with its interval)", title=ax.get_title() or "Estimates against the truth")
    return ax
