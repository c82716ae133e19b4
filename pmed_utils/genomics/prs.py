"""Polygenic risk scores: clumping + thresholding, and penalized regression.

GRS_j = Σ_i w_i · g_ij. Every weight is learned on training people only; the
p-value threshold or penalty is tuned on validation people; test people are
scored once at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils.genomics._blocks import map_variant_blocks
from pmed_utils.genomics._checks import check_genotypes
from pmed_utils.genomics.qc import _imputed_moments, _mean_imputed_block, impute_mean, standardize, variant_counts
from pmed_utils.validation import check_finite, check_same_length

__all__ = ["polygenic_score", "clump", "ClumpThresholdResult", "clump_and_threshold", "PenalizedScore", "penalized_score"]


def polygenic_score(genotypes: ArrayLike, weights: ArrayLike, *, impute: str = "mean",
                    frequencies: ArrayLike | None = None) -> np.ndarray:
    """Σ_i w_i · g_ij per person (PLINK ``--score ... cols=+scoresums``).

    Parameters
    ----------
    genotypes : int8 (n, m), 0/1/2/-1
    weights : float (m,), per alternative allele
    impute : {"mean", "zero"}
        A missing call contributes 2·frequency·w ("mean", PLINK's default) or
        nothing ("zero", PLINK's ``no-mean-imputation``).

    Examples
    --------
    >>> polygenic_score(np.array([[0, 2], [1, -1]], np.int8), [0.5, 1.0], impute="zero").tolist()
    [2.0, 0.5]
    """
    g = check_genotypes(genotypes, "polygenic_score")
    w = check_finite(weights, "weights", func="polygenic_score")
    if w.shape != (g.shape[1],):
        raise ValueError(f"polygenic_score: {g.shape[1]} variants but {w.shape} weights; they must match one to one.")
    if impute not in ("mean", "zero"):
        raise ValueError(f"The 'impute' parameter of polygenic_score must be 'mean' or 'zero'; got {impute!r}.")
    if impute == "zero":
        fill = np.zeros(g.shape[1])
    elif frequencies is None:
        fill, _ = _imputed_moments(variant_counts(g))
    else:
        fill = 2 * check_finite(frequencies, "frequencies", func="polygenic_score")
        if fill.shape != w.shape:
            raise ValueError(f"polygenic_score: {w.size} weights but {fill.size} frequencies; they must match.")
    # Only variants with a non-zero weight are read (thresholded scores use few of them).
    used = np.flatnonzero(w)

    def block(idx: slice) -> np.ndarray:
        cols = idx if used.size == g.shape[1] else used[idx]  # a slice avoids a gather
        return _mean_imputed_block(g[:, cols], fill[cols]) @ w[cols]

    if used.size == 0:
        return np.zeros(g.shape[0])
    return np.sum(map_variant_blocks(block, used.size, 2048), axis=0)


def clump(p_values: ArrayLike, z_scores: np.ndarray, chrom: ArrayLike, pos: ArrayLike, *, p_max: float = 1.0,
          r2_max: float = 0.1, window_bp: int = 250_000) -> np.ndarray:
    """Greedy LD clumping: indices of index variants, most significant first.

    Each index variant removes every variant within ``window_bp`` on its
    chromosome whose r² with it exceeds ``r2_max`` (r² from ``z_scores``, the
    standardized training genotypes).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = rng.binomial(2, 0.4, (200, 2)).astype(np.int8)
    >>> g = np.column_stack([g[:, 0], g[:, 0], g[:, 1]])  # variants 0 and 1 are identical (r² = 1)
    >>> z, _, _ = standardize(impute_mean(g))
    >>> clump([1e-8, 1e-6, 1e-3], z, chrom=[1, 1, 1], pos=[100, 200, 300]).tolist()
    [0, 2]
    >>> clump([1e-8, 1e-6, 1e-3], z, chrom=[1, 1, 1], pos=[100, 200, 300], p_max=1e-4).tolist()
    [0]
    """
    p = np.asarray(p_values, dtype=float)
    order = [i for i in np.argsort(p) if p[i] <= p_max and np.isfinite(p[i])]
    chrom, pos = np.asarray(chrom), np.asarray(pos)
    n = z_scores.shape[0]
    removed = np.zeros(p.size, bool)
    index = []
    for i in order:
        if removed[i]:
            continue
        index.append(i)
        near = np.flatnonzero((chrom == chrom[i]) & (np.abs(pos - pos[i]) <= window_bp) & ~removed)
        r2 = (z_scores[:, near].T @ z_scores[:, i] / n) ** 2
        removed[near[r2 > r2_max]] = True
    return np.array(index, dtype=int)


@dataclass
class ClumpThresholdResult:
    """The clumped, thresholded score chosen on validation people; returned by :func:`clump_and_threshold`.

    Attributes
    ----------
    weights : ndarray of float, shape (n_variants,)
        GWAS betas of the chosen clumped variants, zero elsewhere.
    threshold : float
        The chosen p-value threshold.
    n_variants : int
        Number of variants in the score.
    tuning : DataFrame
        One row per threshold: p_threshold, n_variants, validation_metric.

    Examples
    --------
    See :func:`clump_and_threshold` for one chosen on toy validation people; its fields:

    >>> from dataclasses import fields
    >>> [field.name for field in fields(ClumpThresholdResult)]
    ['weights', 'threshold', 'n_variants', 'tuning']
    """

    weights: np.ndarray  # (m,), zero outside the chosen clumped set
    threshold: float
    n_variants: int
    tuning: pd.DataFrame  # threshold, n_variants, validation metric


def clump_and_threshold(gwas: pd.DataFrame, train_z: np.ndarray, variants: pd.DataFrame, val_genotypes: ArrayLike,
                        val_target: ArrayLike, *,
                        thresholds: Sequence[float] = (5e-8, 1e-6, 1e-4, 1e-3, 1e-2, 0.05, 0.1, 0.5, 1.0),
                        r2_max: float = 0.1, window_bp: int = 250_000,
                        metric: Callable[[ArrayLike, np.ndarray], float] | None = None) -> ClumpThresholdResult:
    """C+T: clump the training GWAS, then pick the p-value threshold that scores best on validation people.

    ``metric(target, score)`` defaults to the squared correlation.

    Examples
    --------
    >>> from pmed_utils.genomics.gwas import gwas_linear
    >>> rng = np.random.default_rng(0)
    >>> g = rng.binomial(2, 0.3, (600, 10)).astype(np.int8)
    >>> g[:, 1] = g[:, 0]  # variant 1 is in perfect LD with variant 0
    >>> y = g[:, 0] + g[:, 2] + rng.normal(size=600)  # variants 0 (= 1) and 2 are causal
    >>> gwas = gwas_linear(g[:400], y[:400])  # training people: the first 400
    >>> train_z, _, _ = standardize(impute_mean(g[:400]))
    >>> variants = pd.DataFrame({"chrom": 1, "pos": np.arange(10) * 1000})
    >>> result = clump_and_threshold(gwas, train_z, variants, g[400:], y[400:], thresholds=(1e-6, 1.0))
    >>> np.flatnonzero(result.weights).tolist()  # clumping kept one of the identical variants 0 and 1
    [0, 2]
    >>> result.threshold, result.n_variants, result.weights[[0, 2]].round(2).tolist()
    (1e-06, 2, [1.06, 1.07])
    >>> result.tuning.round({"validation_metric": 3})
       p_threshold  n_variants  validation_metric
    0     0.000001           2              0.525
    1     1.000000           9              0.518
    """
    metric = metric or (lambda y, s: float(np.corrcoef(y, s)[0, 1] ** 2) if np.std(s) > 0 else 0.0)
    index = clump(gwas["p"].to_numpy(), train_z, variants["chrom"], variants["pos"], p_max=max(thresholds),
                  r2_max=r2_max, window_bp=window_bp)
    beta = gwas["beta"].to_numpy()
    rows, best = [], None
    for t in thresholds:
        chosen = index[gwas["p"].to_numpy()[index] <= t]
        w = np.zeros(len(gwas))
        w[chosen] = beta[chosen]
        value = metric(val_target, polygenic_score(val_genotypes, w)) if chosen.size else np.nan
        rows.append({"p_threshold": t, "n_variants": int(chosen.size), "validation_metric": value})
        if chosen.size and (best is None or value > best[0]):
            best = (value, t, w, chosen.size)
    if best is None:
        raise ValueError("clump_and_threshold: no variant passed any p-value threshold.")
    return ClumpThresholdResult(best[2], best[1], best[3], pd.DataFrame(rows))


@dataclass
class PenalizedScore:
    """An elastic-net polygenic score; returned by :func:`penalized_score`.

    Attributes
    ----------
    weights : ndarray of float, shape (n_variants,)
        Per alternative allele, for :func:`polygenic_score` on raw genotypes.
    intercept : float
        Added to the score to predict the target on its original scale (minus its training mean).
    alpha, l1_ratio : float
        The penalty chosen on validation people.
    n_nonzero : int
        Number of variants with a non-zero weight.
    tuning : DataFrame
        One row per (l1_ratio, alpha): n_nonzero, validation_r2.

    Examples
    --------
    See :func:`penalized_score` for one fitted on toy genotypes; its fields:

    >>> from dataclasses import fields
    >>> [field.name for field in fields(PenalizedScore)]
    ['weights', 'intercept', 'alpha', 'l1_ratio', 'n_nonzero', 'tuning']
    """

    weights: np.ndarray  # per alternative allele, (m,)
    intercept: float
    alpha: float
    l1_ratio: float
    n_nonzero: int
    tuning: pd.DataFrame  # one row per (l1_ratio, alpha): n_nonzero, validation_r2


def penalized_score(train_genotypes: ArrayLike, train_target: ArrayLike, val_genotypes: ArrayLike,
                    val_target: ArrayLike, *, alphas: Sequence[float] | None = None,
                    l1_ratio: float | Sequence[float] = (0.01, 0.02, 0.05, 0.1, 0.5),
                    random_state: int = 0) -> PenalizedScore:
    """Elastic-net regression of a (liability-scale proxy or quantitative) target on standardized genotypes.

    The mix of L1 and L2 penalties (``l1_ratio``, one value or several) and the
    penalty strength are chosen together on the validation people by squared
    correlation. Weights are returned per alternative allele, so
    :func:`polygenic_score` applies them to raw genotypes.

    Parameters
    ----------
    train_genotypes, val_genotypes : int8 (n, m), 0/1/2/-1
    train_target, val_target : float (n,)
    alphas : sequence of float, optional
        Penalty strengths. Default: 9 values from 0.5 to 0.03 × the smallest penalty that
        sets every weight to zero (computed for each ``l1_ratio``); weaker penalties fit
        noise with a few thousand people and are slow to fit.
    l1_ratio : float or sequence of float in (0, 1]
        1 is the lasso; small values approach ridge regression, which suits many small effects.
    random_state : int

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = rng.binomial(2, 0.3, (400, 50)).astype(np.int8)
    >>> y = g[:, :5].sum(axis=1) + rng.normal(size=400)
    >>> fit = penalized_score(g[:300], y[:300], g[300:], y[300:], l1_ratio=0.5)
    >>> bool(np.all(fit.weights[:5] > 0.5)), fit.tuning.shape[0]
    (True, 9)
    >>> float(fit.l1_ratio), fit.n_nonzero == int(np.count_nonzero(fit.weights)), fit.tuning.shape
    (0.5, True, (9, 4))
    >>> fit.weights[:6].astype(float).round(2).tolist()  # the five causal variants, then a null one
    [0.52, 0.64, 0.67, 0.73, 0.94, 0.0]
    >>> score = polygenic_score(g[300:], fit.weights)
    >>> round(float(np.corrcoef(score, y[300:])[0, 1] ** 2), 2)
    0.68
    """
    from sklearn.linear_model import ElasticNet

    y = check_finite(train_target, "train_target", func="penalized_score")
    yv = check_finite(val_target, "val_target", func="penalized_score")
    check_same_length((train_genotypes, "train_genotypes"), (y, "train_target"), func="penalized_score")
    check_same_length((val_genotypes, "val_genotypes"), (yv, "val_target"), func="penalized_score")
    ratios = np.atleast_1d(np.asarray(l1_ratio, dtype=float))
    if ratios.size == 0 or np.any((ratios <= 0) | (ratios > 1)):
        raise ValueError(f"The 'l1_ratio' parameter of penalized_score must be in (0, 1]; got {l1_ratio!r}.")
    z, means, sds = standardize(impute_mean(train_genotypes))
    zv, _, _ = standardize(impute_mean(val_genotypes), means, sds)
    yc = y - y.mean()
    rows, best = [], None
    for ratio in ratios:
        grid = alphas
        if grid is None:
            alpha_max = np.abs(z.T @ yc).max() / (len(y) * ratio)
            grid = alpha_max * np.logspace(-0.3, -1.5, 9)
        model = ElasticNet(l1_ratio=ratio, warm_start=True, max_iter=2000, selection="random",
                           random_state=random_state, precompute=False)
        for a in sorted(grid, reverse=True):  # strong to weak: warm starts make the path cheap
            model.set_params(alpha=a).fit(z, yc)
            s = zv @ model.coef_
            r2 = float(np.corrcoef(yv, s)[0, 1] ** 2) if np.std(s) > 0 else 0.0
            rows.append({"l1_ratio": ratio, "alpha": a, "n_nonzero": int((model.coef_ != 0).sum()), "validation_r2": r2})
            if best is None or r2 > best[0]:
                best = (r2, a, ratio, model.coef_.copy())
    safe = np.where(sds > 0, sds, 1.0)
    w = best[3] / safe
    intercept = float(-(means * w).sum())
    return PenalizedScore(w, intercept, best[1], best[2], int((best[3] != 0).sum()), pd.DataFrame(rows))
