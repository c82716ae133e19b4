"""Judging synthetic cohorts: fidelity, utility and privacy of generated genotypes and tables.

Genotypes (Yelmen et al. 2021): allele-frequency agreement, linkage
disequilibrium (r² against distance), overlap with the real people in PC space,
the nearest-neighbour adversarial accuracy AATS (0.5 ideal, near 0 copies,
near 1 people unlike the real ones), and the utility of a polygenic score
estimated on synthetic people and scored on real ones (TSTR) against one
estimated on real people (TRTR).

Tables: marginal agreement (Kolmogorov–Smirnov for numeric columns, total
variation for categorical ones), the difference of pairwise Spearman
correlations, TSTR for a logistic risk model, and the distance to the closest
training record for synthetic rows against real held-out rows.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats
from scipy.spatial.distance import cdist

from pmed_utils.evaluation._generative import DCRComparison, dcr_comparison
from pmed_utils.evaluation._roc import auc_delong
from pmed_utils.genomics._checks import check_genotypes
from pmed_utils.genomics.gwas import gwas_linear
from pmed_utils.genomics.prs import polygenic_score
from pmed_utils.genomics.stats import allele_frequencies
from pmed_utils.genomics.structure import genotype_pca
from pmed_utils.reproducibility import derive_seed
from pmed_utils.results import Estimate
from pmed_utils.validation import (
    Interval,
    Options,
    check_binary_labels,
    check_columns,
    check_finite,
    check_same_length,
    validate_params,
    warn_degenerate,
)

__all__ = [
    "AdversarialAccuracy",
    "CorrelationComparison",
    "PCAOverlap",
    "UtilityComparison",
    "allele_frequency_agreement",
    "ld_decay",
    "ld_decay_error",
    "marginal_agreement",
    "nearest_neighbour_adversarial_accuracy",
    "pairwise_correlation_difference",
    "pca_overlap",
    "prs_utility",
    "table_dcr",
    "table_tstr",
]


def _same_variants(real: np.ndarray, synthetic: np.ndarray, func: str) -> None:
    if real.shape[1] != synthetic.shape[1]:
        raise ValueError(
            f"The 'synthetic' parameter of {func} must have {real.shape[1]} variants (columns), as 'real'; "
            f"got {synthetic.shape[1]}."
        )


# --- genotypes: fidelity ----------------------------------------------------------------


@validate_params({"real": ["array-like"], "synthetic": ["array-like"]})
def allele_frequency_agreement(real: ArrayLike, synthetic: ArrayLike) -> float:
    """Pearson correlation of alternative-allele frequencies between real and synthetic people.

    Parameters
    ----------
    real, synthetic : array-like of int8, shape (n_real, n_variants) and (n_synthetic, n_variants)
        Genotypes 0/1/2, -1 for missing, on the same variants.

    Returns
    -------
    float
        The correlation across variants (1 is perfect); NaN with a
        :class:`~pmed_utils.validation.DegenerateInputWarning` when either set
        of frequencies is constant.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.05, 0.95, 200)
    >>> real, synth = rng.binomial(2, p, (500, 200)), rng.binomial(2, p, (500, 200))
    >>> bool(allele_frequency_agreement(real.astype(np.int8), synth.astype(np.int8)) > 0.99)
    True
    """
    func = "allele_frequency_agreement"
    r = check_genotypes(real, func, "real")
    s = check_genotypes(synthetic, func, "synthetic")
    _same_variants(r, s, func)
    fr, fs = allele_frequencies(r), allele_frequencies(s)
    ok = np.isfinite(fr) & np.isfinite(fs)
    if ok.sum() < 2 or np.ptp(fr[ok]) == 0 or np.ptp(fs[ok]) == 0:
        warn_degenerate(func, "fewer than two variants or constant allele frequencies")
        return float("nan")
    return float(np.corrcoef(fr[ok], fs[ok])[0, 1])


def _bin_edges(bins, distances: np.ndarray, func: str) -> np.ndarray:
    if isinstance(bins, numbers.Integral):
        top = float(distances.max()) if distances.size else 1.0
        return np.linspace(0.0, top * (1 + 1e-9), int(bins) + 1)
    edges = check_finite(np.asarray(bins, dtype=float).ravel(), "bins", func=func)
    if edges.size < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError(f"The 'bins' parameter of {func} must be increasing bin edges (at least 2); got {edges[:5]}.")
    return edges


@validate_params(
    {
        "genotypes": ["array-like"],
        "positions": ["array-like"],
        "bins": [Interval(numbers.Integral, 1, None), "array-like"],
    }
)
def ld_decay(genotypes: ArrayLike, positions: ArrayLike, *, bins: int | ArrayLike = 10) -> pd.DataFrame:
    """Mean r² between pairs of variants, binned by their distance: the decay of linkage disequilibrium.

    r² is the squared Pearson correlation of the (mean-imputed) allele counts
    of two variants, over every pair of variants.

    Parameters
    ----------
    genotypes : array-like of int8, shape (n_samples, n_variants)
        0/1/2, -1 for missing.
    positions : array-like of int, shape (n_variants,)
        Base-pair positions (one chromosome).
    bins : int ≥ 1 or array-like of float, default 10
        Number of equal-width distance bins from 0 to the largest distance,
        or the bin edges (bp).

    Returns
    -------
    DataFrame
        One row per bin: ``distance_low``, ``distance_high``, ``distance_mid``
        (bp), ``r2`` (mean r², NaN in an empty bin) and ``n_pairs``.
        Monomorphic variants are left out.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = rng.binomial(2, 0.5, (400, 1))
    >>> g = np.hstack([a, a, rng.binomial(2, 0.5, (400, 1))]).astype(np.int8)  # 0 and 1 in perfect LD
    >>> ld_decay(g, [100, 200, 10_000], bins=[0, 1000, 20_000])[["n_pairs", "r2"]].round(2).values.tolist()
    [[1.0, 1.0], [2.0, 0.0]]
    """
    func = "ld_decay"
    g = check_genotypes(genotypes, func)
    pos = check_finite(np.asarray(positions, dtype=float).ravel(), "positions", func=func)
    check_same_length((g.T, "genotypes"), (pos, "positions"), func=func)
    x = g.astype(float)
    x[g < 0] = np.nan
    means = np.nanmean(np.where(np.isnan(x).all(axis=0), 0.0, x), axis=0) if x.size else np.zeros(0)
    x = np.where(np.isnan(x), means, x)
    keep = x.std(axis=0) > 0
    x, pos = x[:, keep], pos[keep]
    iu = np.triu_indices(x.shape[1], k=1)
    dist = np.abs(pos[iu[0]] - pos[iu[1]])
    edges = _bin_edges(bins, dist, func)
    if x.shape[1] >= 2:
        r2 = np.corrcoef(x, rowvar=False)[iu] ** 2
    else:
        r2 = np.zeros(0)
    which = np.digitize(dist, edges) - 1
    rows = []
    for b in range(edges.size - 1):
        inside = which == b
        rows.append(
            {
                "distance_low": edges[b],
                "distance_high": edges[b + 1],
                "distance_mid": 0.5 * (edges[b] + edges[b + 1]),
                "r2": float(r2[inside].mean()) if inside.any() else float("nan"),
                "n_pairs": int(inside.sum()),
            }
        )
    return pd.DataFrame(rows)


@validate_params(
    {
        "real": ["array-like"],
        "synthetic": ["array-like"],
        "positions": ["array-like"],
        "bins": [Interval(numbers.Integral, 1, None), "array-like"],
    }
)
def ld_decay_error(real: ArrayLike, synthetic: ArrayLike, positions: ArrayLike, *, bins: int | ArrayLike = 10) -> float:
    """Mean absolute difference between the real and the synthetic LD-decay curves.

    Parameters
    ----------
    real, synthetic : array-like of int8, shape (n_real, n_variants) and (n_synthetic, n_variants)
        Genotypes on the same variants.
    positions : array-like of int, shape (n_variants,)
        Base-pair positions.
    bins : int ≥ 1 or array-like of float, default 10
        As in :func:`ld_decay`; edges are taken from the real people's pairs.

    Returns
    -------
    float
        Mean over bins (with pairs in both) of |r²_real − r²_synthetic|; 0 is
        perfect. NaN with a warning when no bin has pairs in both.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = rng.binomial(2, 0.5, (400, 1))
    >>> real = np.hstack([a, a]).astype(np.int8)  # r² = 1
    >>> synth = rng.binomial(2, 0.5, (400, 2)).astype(np.int8)  # r² ≈ 0
    >>> round(ld_decay_error(real, synth, [0, 100], bins=1), 1)
    1.0
    """
    func = "ld_decay_error"
    r = check_genotypes(real, func, "real")
    s = check_genotypes(synthetic, func, "synthetic")
    _same_variants(r, s, func)
    pos = np.asarray(positions, dtype=float).ravel()
    if isinstance(bins, numbers.Integral):
        check_same_length((r.T, "real"), (pos, "positions"), func=func)
        span = float(np.ptp(pos)) if pos.size else 1.0
        bins = np.linspace(0.0, span * (1 + 1e-9), int(bins) + 1)
    a = ld_decay(r, pos, bins=bins)["r2"].to_numpy()
    b = ld_decay(s, pos, bins=bins)["r2"].to_numpy()
    both = np.isfinite(a) & np.isfinite(b)
    if not both.any():
        warn_degenerate(func, "no distance bin has pairs of polymorphic variants in both sets")
        return float("nan")
    return float(np.abs(a[both] - b[both]).mean())


@dataclass
class PCAOverlap:
    """Real and synthetic people on the real people's principal components; returned by :func:`pca_overlap`.

    Attributes
    ----------
    real_scores : ndarray of float, shape (n_real, n_components)
    synthetic_scores : ndarray of float, shape (n_synthetic, n_components)
        Coordinates on the axes fitted to both sets together.
    classifier_auc : Estimate
        Cross-validated AUC (DeLong interval) of a k-nearest-neighbour
        classifier telling synthetic from real people on these components:
        0.5 means indistinguishable, 1 fully separable.
    hull_fraction : float
        Share of synthetic people inside the convex hull of the real people
        in the plane of the first two components.
    explained_variance_ratio : ndarray of float, shape (n_components,)

    Examples
    --------
    See :func:`pca_overlap`.

    >>> [f for f in PCAOverlap.__dataclass_fields__][:3]
    ['real_scores', 'synthetic_scores', 'classifier_auc']
    """

    real_scores: np.ndarray
    synthetic_scores: np.ndarray
    classifier_auc: Estimate
    hull_fraction: float
    explained_variance_ratio: np.ndarray


@validate_params(
    {
        "real": ["array-like"],
        "synthetic": ["array-like"],
        "n_components": [Interval(numbers.Integral, 2, None)],
        "n_neighbors": [Interval(numbers.Integral, 1, None)],
        "random_state": ["random_state"],
    }
)
def pca_overlap(
    real: ArrayLike,
    synthetic: ArrayLike,
    *,
    n_components: int = 4,
    n_neighbors: int = 15,
    random_state: int | np.random.Generator | None = 0,
) -> PCAOverlap:
    """How well synthetic people overlap the real ones in principal-component space.

    The principal axes are fitted to the real and synthetic people together
    (:func:`~pmed_utils.genomics.structure.genotype_pca`; axes fitted to one
    set alone spread that set more than people projected on them, which a
    classifier would pick up). Two summaries: a k-nearest-neighbour classifier's
    5-fold cross-validated AUC at telling the two apart (a two-sample test;
    0.5 ideal) and the share of synthetic people inside the real people's
    convex hull in the PC1–PC2 plane.

    Parameters
    ----------
    real, synthetic : array-like of int8, shape (n_real, n_variants) and (n_synthetic, n_variants)
        Genotypes on the same variants (at least 10 people each).
    n_components : int ≥ 2, default 4
        Components used by the classifier.
    n_neighbors : int ≥ 1, default 15
        Neighbours of the classifier.
    random_state : int, numpy.random.Generator or None, default 0
        Seeds the randomized SVD and the folds.

    Returns
    -------
    PCAOverlap
        Scores of both sets, classifier AUC, hull fraction.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = np.r_[np.full(100, 0.2), np.full(100, 0.7)]
    >>> real = np.vstack([rng.binomial(2, p, (150, 200)), rng.binomial(2, p[::-1], (150, 200))]).astype(np.int8)
    >>> same = np.vstack([rng.binomial(2, p, (150, 200)), rng.binomial(2, p[::-1], (150, 200))]).astype(np.int8)
    >>> one = rng.binomial(2, p, (300, 200)).astype(np.int8)  # only one of the two populations
    >>> round(pca_overlap(real, same).classifier_auc.value, 1), round(pca_overlap(real, one).hull_fraction, 1)
    (0.5, 0.9)
    >>> bool(pca_overlap(real, one).classifier_auc.value > 0.6)
    True
    """
    from scipy.spatial import Delaunay
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.neighbors import KNeighborsClassifier

    func = "pca_overlap"
    r = check_genotypes(real, func, "real")
    s = check_genotypes(synthetic, func, "synthetic")
    _same_variants(r, s, func)
    if min(r.shape[0], s.shape[0]) < 10:
        raise ValueError(f"{func} needs at least 10 real and 10 synthetic people; got {r.shape[0]} and {s.shape[0]}.")
    seed = derive_seed(random_state, func=func)
    both = np.vstack([r, s])
    pca = genotype_pca(both, n_components=min(int(n_components), min(both.shape) - 1), random_state=seed)
    real_scores, synth_scores = pca.scores[: r.shape[0]], pca.scores[r.shape[0] :]
    x = np.vstack([real_scores, synth_scores])
    y = np.r_[np.zeros(len(real_scores)), np.ones(len(synth_scores))].astype(int)
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    k = min(int(n_neighbors), int(0.8 * min(len(real_scores), len(synth_scores))))
    proba = cross_val_predict(KNeighborsClassifier(max(k, 1)), x, y, cv=folds, method="predict_proba")[:, 1]
    auc = auc_delong(y, proba).auc
    try:
        inside = Delaunay(real_scores[:, :2]).find_simplex(synth_scores[:, :2]) >= 0
        hull = float(inside.mean())
    except Exception:  # a degenerate (flat) hull: nothing is inside  # noqa: BLE001
        hull = float("nan")
    return PCAOverlap(real_scores, synth_scores, auc, hull, pca.explained_variance_ratio)


# --- genotypes or tables: privacy ---------------------------------------------------------


def _nearest(a: np.ndarray, b: np.ndarray, metric: str, exclude_self: bool, chunk: int = 1024) -> np.ndarray:
    out = np.empty(a.shape[0])
    for start in range(0, a.shape[0], chunk):
        d = cdist(a[start : start + chunk], b, metric)
        if exclude_self:
            rows = np.arange(d.shape[0])
            d[rows, start + rows] = np.inf
        out[start : start + chunk] = d.min(axis=1)
    return out


def _beats(far: np.ndarray, near: np.ndarray) -> float:
    """Share of far > near, ties counting one half."""
    return float(np.mean((far > near) + 0.5 * (far == near)))


@dataclass
class AdversarialAccuracy:
    """Nearest-neighbour adversarial accuracy; returned by :func:`nearest_neighbour_adversarial_accuracy`.

    Attributes
    ----------
    aats : float
        ½ (``aa_real`` + ``aa_synthetic``). 0.5: a nearest-neighbour
        classifier cannot tell the sets apart; near 0: synthetic people sit on
        top of real ones (copies, overfitting); near 1: they are unlike the
        real ones (underfitting).
    aa_real : float
        Share of real people whose nearest real neighbour is closer than their
        nearest synthetic person.
    aa_synthetic : float
        Share of synthetic people whose nearest synthetic neighbour is closer
        than their nearest real person.
    privacy_loss : float
        AATS against held-out real people minus AATS against the training
        people (Yelmen et al.'s privacy score; near 0 is good, > 0 means the
        generator is closer to the people it learned from). NaN without a holdout.

    Examples
    --------
    >>> AdversarialAccuracy(0.5, 0.5, 0.5, float("nan")).aats
    0.5
    """

    aats: float
    aa_real: float
    aa_synthetic: float
    privacy_loss: float


def _matrix(x, name: str, func: str) -> np.ndarray:
    arr = check_finite(np.asarray(x, dtype=float), name, func=func)
    if arr.ndim != 2 or arr.shape[0] < 2:
        raise ValueError(f"The '{name}' parameter of {func} must be 2-D with at least 2 rows; got shape {arr.shape}.")
    return arr


def _aats(r: np.ndarray, s: np.ndarray, metric: str) -> tuple[float, float, float]:
    d_rr = _nearest(r, r, metric, True)
    d_ss = _nearest(s, s, metric, True)
    d_rs = _nearest(r, s, metric, False)
    d_sr = _nearest(s, r, metric, False)
    aa_r, aa_s = _beats(d_rs, d_rr), _beats(d_sr, d_ss)
    return 0.5 * (aa_r + aa_s), aa_r, aa_s


@validate_params(
    {
        "real": ["array-like"],
        "synthetic": ["array-like"],
        "holdout": ["array-like", None],
        "metric": [Options({"cityblock", "euclidean", "hamming"})],
    }
)
def nearest_neighbour_adversarial_accuracy(
    real: ArrayLike, synthetic: ArrayLike, *, holdout: ArrayLike | None = None, metric: str = "cityblock"
) -> AdversarialAccuracy:
    """AATS, the nearest-neighbour adversarial accuracy of Yelmen et al. (2021), after Yale et al. (2020).

    For each real person, is the nearest other real person closer than the
    nearest synthetic one? For each synthetic person, is the nearest other
    synthetic person closer than the nearest real one? AATS averages the two
    shares (ties count one half). Use sets of equal size: the share depends on
    how many neighbours each set offers.

    Parameters
    ----------
    real : array-like of float, shape (n_real, n_features)
        Real people the generator learned from (genotypes 0/1/2, or encoded table rows).
    synthetic : array-like of float, shape (n_synthetic, n_features)
    holdout : array-like of float, shape (n_holdout, n_features), optional
        Real people the generator did not see; gives ``privacy_loss``.
    metric : {"cityblock", "euclidean", "hamming"}, default "cityblock"
        Distance (for genotypes, cityblock counts differing alleles).

    Returns
    -------
    AdversarialAccuracy
        ``aats``, ``aa_real``, ``aa_synthetic``, ``privacy_loss``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> real = rng.binomial(2, 0.3, (300, 50))
    >>> nearest_neighbour_adversarial_accuracy(real, real.copy()).aats  # copies
    0.0
    >>> fresh = rng.binomial(2, 0.3, (300, 50))  # independent draws from the same distribution
    >>> round(nearest_neighbour_adversarial_accuracy(real, fresh).aats, 1)
    0.5
    """
    func = "nearest_neighbour_adversarial_accuracy"
    r = _matrix(real, "real", func)
    s = _matrix(synthetic, "synthetic", func)
    if s.shape[1] != r.shape[1]:
        raise ValueError(
            f"The 'synthetic' parameter of {func} must have {r.shape[1]} columns, as 'real'; got {s.shape[1]}."
        )
    aats, aa_r, aa_s = _aats(r, s, metric)
    loss = float("nan")
    if holdout is not None:
        h = _matrix(holdout, "holdout", func)
        if h.shape[1] != r.shape[1]:
            raise ValueError(
                f"The 'holdout' parameter of {func} must have {r.shape[1]} columns, as 'real'; got {h.shape[1]}."
            )
        loss = _aats(h, s, metric)[0] - aats
    return AdversarialAccuracy(float(aats), float(aa_r), float(aa_s), float(loss))


# --- utility ------------------------------------------------------------------------------


@dataclass
class UtilityComparison:
    """Train-on-synthetic against train-on-real, both tested on real people.

    Returned by :func:`prs_utility` and :func:`table_tstr`.

    Attributes
    ----------
    auc_tstr : Estimate
        AUC on the real test people of the model trained on synthetic people (DeLong interval).
    auc_trtr : Estimate
        The same for the model trained on real people.
    ratio : float
        ``auc_tstr.value / auc_trtr.value`` (1 means no loss of utility).
    weights_synthetic, weights_real : ndarray of float
        The fitted weights (PRS weights per variant, or logistic coefficients).

    Examples
    --------
    >>> u = UtilityComparison(Estimate(0.7, 0.6, 0.8), Estimate(0.8, 0.7, 0.9), 0.875, np.zeros(2), np.zeros(2))
    >>> u.ratio
    0.875
    """

    auc_tstr: Estimate
    auc_trtr: Estimate
    ratio: float
    weights_synthetic: np.ndarray
    weights_real: np.ndarray


def _prs_weights(g: np.ndarray, y: np.ndarray, p_max: float, func: str) -> np.ndarray:
    if np.ptp(y) == 0:
        warn_degenerate(func, "a training trait has a single class, so no score can be estimated")
        return np.zeros(g.shape[1])
    res = gwas_linear(g, y.astype(float))
    return np.nan_to_num(np.where(res["p"].to_numpy() < p_max, res["beta"].to_numpy(), 0.0))


@validate_params(
    {
        "synthetic_genotypes": ["array-like"],
        "synthetic_trait": ["array-like"],
        "real_genotypes": ["array-like"],
        "real_trait": ["array-like"],
        "test_genotypes": ["array-like"],
        "test_trait": ["array-like"],
        "p_max": [Interval(numbers.Real, 0, 1, closed="right")],
    }
)
def prs_utility(
    synthetic_genotypes: ArrayLike,
    synthetic_trait: ArrayLike,
    real_genotypes: ArrayLike,
    real_trait: ArrayLike,
    test_genotypes: ArrayLike,
    test_trait: ArrayLike,
    *,
    p_max: float = 1e-3,
) -> UtilityComparison:
    """PRS utility of synthetic people: TSTR against TRTR AUC on real test people.

    The same recipe runs on each training set: a GWAS
    (:func:`~pmed_utils.genomics.gwas.gwas_linear` on the 0/1 trait, a linear
    probability model), weights = per-allele effects of the variants with
    p < ``p_max`` (0 elsewhere), then
    :func:`~pmed_utils.genomics.prs.polygenic_score` on the real test people.

    Parameters
    ----------
    synthetic_genotypes : array-like of int8, shape (n_synthetic, n_variants)
    synthetic_trait : array-like of int, shape (n_synthetic,)
        0/1 disease status of the synthetic people.
    real_genotypes : array-like of int8, shape (n_real, n_variants)
        The real training people (those the generator learned from).
    real_trait : array-like of int, shape (n_real,)
    test_genotypes : array-like of int8, shape (n_test, n_variants)
        Real people neither the generator nor the GWAS saw.
    test_trait : array-like of int, shape (n_test,)
    p_max : float in (0, 1], default 1e-3
        GWAS p-value threshold for a variant to enter the score.

    Returns
    -------
    UtilityComparison
        TSTR and TRTR AUCs, their ratio and both weight vectors. A training
        set with one class gives zero weights (AUC 0.5) and a warning.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> def people(n):
    ...     g = rng.binomial(2, 0.4, (n, 30)).astype(np.int8)
    ...     return g, (g[:, :3].sum(axis=1) + rng.normal(0, 1, n) > 3).astype(int)
    >>> (gs, ys), (gr, yr), (gt, yt) = people(600), people(600), people(600)
    >>> u = prs_utility(gs, ys, gr, yr, gt, yt)
    >>> bool(u.auc_trtr.value > 0.7), round(u.ratio, 1)
    (True, 1.0)
    """
    func = "prs_utility"
    sets = {}
    for name in ("synthetic", "real", "test"):
        g = check_genotypes(locals()[f"{name}_genotypes"], func, f"{name}_genotypes")
        y = check_binary_labels(locals()[f"{name}_trait"], f"{name}_trait", func=func)
        check_same_length((g, f"{name}_genotypes"), (y, f"{name}_trait"), func=func)
        sets[name] = (g, y)
    m = sets["real"][0].shape[1]
    for name in ("synthetic", "test"):
        if sets[name][0].shape[1] != m:
            raise ValueError(
                f"The '{name}_genotypes' parameter of {func} must have {m} variants, as 'real_genotypes'; "
                f"got {sets[name][0].shape[1]}."
            )
    w_syn = _prs_weights(*sets["synthetic"], p_max, func)
    w_real = _prs_weights(*sets["real"], p_max, func)
    gt, yt = sets["test"]
    auc_s = auc_delong(yt, polygenic_score(gt, w_syn)).auc
    auc_r = auc_delong(yt, polygenic_score(gt, w_real)).auc
    return UtilityComparison(auc_s, auc_r, float(auc_s.value / auc_r.value), w_syn, w_real)


# --- tables ---------------------------------------------------------------------------------


def _is_categorical(s: pd.Series, max_categories: int) -> bool:
    if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return True
    return s.nunique() <= max_categories


def _kinds(real: pd.DataFrame, categorical, max_categories: int) -> dict[str, bool]:
    if categorical is not None:
        return {c: c in set(categorical) for c in real.columns}
    return {c: _is_categorical(real[c], max_categories) for c in real.columns}


def _check_tables(real, synthetic, func: str, categorical=None) -> None:
    check_columns(synthetic, "synthetic", list(real.columns), func=func)
    if categorical is not None:
        check_columns(real, "real", list(categorical), func=func)
    for name, t in (("real", real), ("synthetic", synthetic)):
        if len(t) < 2:
            raise ValueError(f"The '{name}' parameter of {func} needs at least 2 rows; got {len(t)}.")
        if t[list(real.columns)].isna().any().any():
            raise ValueError(f"The '{name}' parameter of {func} has missing values; impute or drop them.")


_TABLE: dict[str, list[Any]] = {
    "real": ["dataframe"],
    "synthetic": ["dataframe"],
    "categorical": [list, tuple, None],
    "max_categories": [Interval(numbers.Integral, 1, None)],
}


@validate_params(_TABLE)
def marginal_agreement(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    *,
    categorical: Sequence[str] | None = None,
    max_categories: int = 10,
) -> pd.DataFrame:
    """Column-by-column distance between real and synthetic marginals.

    Numeric columns: the two-sample Kolmogorov–Smirnov statistic (largest gap
    between the empirical distribution functions). Categorical columns: the
    total-variation distance ½ Σ |p_real − p_synthetic| over categories. Both
    are 0 for identical marginals and 1 at most.

    Parameters
    ----------
    real, synthetic : DataFrame
        ``synthetic`` must have every column of ``real``.
    categorical : sequence of str or None, default None
        Categorical columns; None: non-numeric columns and numeric ones with
        at most ``max_categories`` distinct values.
    max_categories : int ≥ 1, default 10
        See ``categorical``.

    Returns
    -------
    DataFrame
        One row per column of ``real``: ``column``, ``kind`` ("numeric" or
        "categorical"), ``statistic`` ("KS" or "TV"), ``distance``.

    Examples
    --------
    >>> real = pd.DataFrame({"age": [50.0, 60, 70, 80], "sex": [0, 1, 0, 1]})
    >>> synth = pd.DataFrame({"age": [50.0, 60, 70, 80], "sex": [0, 0, 0, 1]})
    >>> marginal_agreement(real, synth, max_categories=2)["distance"].tolist()
    [0.0, 0.25]
    """
    func = "marginal_agreement"
    _check_tables(real, synthetic, func, categorical)
    rows = []
    for col, cat in _kinds(real, categorical, max_categories).items():
        a, b = real[col], synthetic[col]
        if cat:
            p = a.value_counts(normalize=True)
            q = b.value_counts(normalize=True)
            levels = p.index.union(q.index)
            d = 0.5 * float(np.abs(p.reindex(levels, fill_value=0) - q.reindex(levels, fill_value=0)).sum())
            rows.append({"column": col, "kind": "categorical", "statistic": "TV", "distance": d})
        else:
            d = float(stats.ks_2samp(a.to_numpy(float), b.to_numpy(float)).statistic)
            rows.append({"column": col, "kind": "numeric", "statistic": "KS", "distance": d})
    return pd.DataFrame(rows)


def _encode(frame: pd.DataFrame, reference: pd.DataFrame, kinds: dict[str, bool]) -> pd.DataFrame:
    """Numeric columns as they are; a two-level category as 0/1; more levels as indicators (from ``reference``)."""
    out = {}
    for col, cat in kinds.items():
        if not cat:
            out[col] = frame[col].to_numpy(float)
            continue
        levels = np.unique(reference[col].to_numpy())
        if levels.size <= 2:
            out[col] = (frame[col].to_numpy() == levels[-1]).astype(float)
        else:
            for level in levels:
                out[f"{col}={level}"] = (frame[col].to_numpy() == level).astype(float)
    return pd.DataFrame(out, index=frame.index)


@dataclass
class CorrelationComparison:
    """Pairwise Spearman correlations of real and synthetic tables; returned by :func:`pairwise_correlation_difference`.

    Attributes
    ----------
    real, synthetic : DataFrame, shape (n_encoded, n_encoded)
        Correlation matrices of the encoded columns (a category with more than
        two levels becomes one indicator per level).
    mean_abs_difference, max_abs_difference : float
        Over the pairs above the diagonal.

    Examples
    --------
    See :func:`pairwise_correlation_difference`.

    >>> list(CorrelationComparison.__dataclass_fields__)
    ['real', 'synthetic', 'mean_abs_difference', 'max_abs_difference']
    """

    real: pd.DataFrame
    synthetic: pd.DataFrame
    mean_abs_difference: float
    max_abs_difference: float


@validate_params(_TABLE)
def pairwise_correlation_difference(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    *,
    categorical: Sequence[str] | None = None,
    max_categories: int = 10,
) -> CorrelationComparison:
    """How far the synthetic table's pairwise (Spearman) correlations are from the real ones.

    Parameters
    ----------
    real, synthetic : DataFrame
        ``synthetic`` must have every column of ``real``.
    categorical : sequence of str or None, default None
        Categorical columns, as in :func:`marginal_agreement`.
    max_categories : int ≥ 1, default 10
        See ``categorical``.

    Returns
    -------
    CorrelationComparison
        Both matrices and the mean and largest absolute difference (a
        constant column's correlations count as 0).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> z = rng.multivariate_normal([0, 0], [[1, 0.6], [0.6, 1]], 3000)
    >>> real = pd.DataFrame(z, columns=["a", "b"])
    >>> flat = pd.DataFrame(rng.normal(size=(3000, 2)), columns=["a", "b"])  # correlation lost
    >>> round(pairwise_correlation_difference(real, flat).mean_abs_difference, 1)
    0.6
    """
    func = "pairwise_correlation_difference"
    _check_tables(real, synthetic, func, categorical)
    kinds = _kinds(real, categorical, max_categories)
    a, b = _encode(real, real, kinds), _encode(synthetic, real, kinds)
    with np.errstate(invalid="ignore", divide="ignore"):
        ca = a.corr(method="spearman").fillna(0.0)
        cb = b.corr(method="spearman").fillna(0.0)
    iu = np.triu_indices(ca.shape[0], k=1)
    diff = np.abs(ca.to_numpy() - cb.to_numpy())[iu]
    if diff.size == 0:
        warn_degenerate(func, "there is no pair of columns")
        return CorrelationComparison(ca, cb, float("nan"), float("nan"))
    return CorrelationComparison(ca, cb, float(diff.mean()), float(diff.max()))


@validate_params(
    {
        "synthetic": ["dataframe"],
        "real_train": ["dataframe"],
        "real_test": ["dataframe"],
        "target": ["str"],
        "features": [list, tuple, None],
        "categorical": [list, tuple, None],
        "max_categories": [Interval(numbers.Integral, 1, None)],
    }
)
def table_tstr(
    synthetic: pd.DataFrame,
    real_train: pd.DataFrame,
    real_test: pd.DataFrame,
    target: str,
    *,
    features: Sequence[str] | None = None,
    categorical: Sequence[str] | None = None,
    max_categories: int = 10,
) -> UtilityComparison:
    """TSTR for a tabular risk model: logistic regression trained on synthetic vs real rows, tested on real rows.

    Parameters
    ----------
    synthetic : DataFrame
        Synthetic rows with the ``target`` and ``features`` columns.
    real_train, real_test : DataFrame
        Real training rows (what the synthesizer learned from) and held-out real rows.
    target : str
        The 0/1 outcome column.
    features : sequence of str or None, default None
        Predictors; None: every other column of ``real_train``.
    categorical : sequence of str or None, default None
        Categorical predictors (indicators), as in :func:`marginal_agreement`.
    max_categories : int ≥ 1, default 10
        See ``categorical``.

    Returns
    -------
    UtilityComparison
        TSTR and TRTR AUCs (DeLong intervals), their ratio, and the two
        models' coefficients on standardized features.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> def rows(n):
    ...     x = rng.normal(size=n)
    ...     return pd.DataFrame({"x": x, "y": (x + rng.normal(size=n) > 1).astype(int)})
    >>> u = table_tstr(rows(500), rows(500), rows(500), "y")
    >>> bool(u.auc_trtr.value > 0.75), round(u.ratio, 2)
    (True, 1.0)
    """
    from sklearn.linear_model import LogisticRegression

    func = "table_tstr"
    check_columns(real_train, "real_train", [target], func=func)
    cols = [c for c in real_train.columns if c != target] if features is None else list(features)
    for name, t in (("synthetic", synthetic), ("real_train", real_train), ("real_test", real_test)):
        check_columns(t, name, [*cols, target], func=func)
        if t[[*cols, target]].isna().any().any():
            raise ValueError(f"The '{name}' parameter of {func} has missing values; impute or drop them.")
    kinds = _kinds(real_train[cols], categorical, max_categories)
    xr = _encode(real_train, real_train, kinds)
    mu, sd = xr.mean(), xr.std().replace(0, 1.0)
    coefs, aucs = [], []
    yt = check_binary_labels(real_test[target], "real_test", func=func)
    xt = ((_encode(real_test, real_train, kinds) - mu) / sd).to_numpy()
    for name, train in (("synthetic", synthetic), ("real_train", real_train)):
        y = check_binary_labels(train[target], name, func=func)
        x = ((_encode(train, real_train, kinds) - mu) / sd).to_numpy()
        if np.ptp(y) == 0:
            warn_degenerate(func, f"the target of '{name}' has a single class")
            coefs.append(np.zeros(x.shape[1]))
            aucs.append(auc_delong(yt, np.zeros(len(yt))).auc)
            continue
        model = LogisticRegression(max_iter=1000).fit(x, y)
        coefs.append(model.coef_.ravel())
        aucs.append(auc_delong(yt, model.decision_function(xt)).auc)
    return UtilityComparison(aucs[0], aucs[1], float(aucs[0].value / aucs[1].value), coefs[0], coefs[1])


@validate_params(
    {
        "synthetic": ["dataframe"],
        "train": ["dataframe"],
        "holdout": ["dataframe"],
        "categorical": [list, tuple, None],
        "max_categories": [Interval(numbers.Integral, 1, None)],
    }
)
def table_dcr(
    synthetic: pd.DataFrame,
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    *,
    categorical: Sequence[str] | None = None,
    max_categories: int = 10,
) -> DCRComparison:
    """Distance to the closest training record (DCR) of synthetic rows, against that of held-out real rows.

    Rows are encoded (numeric columns standardized by the training SD,
    categories as indicators) and compared with the Euclidean distance by
    :func:`~pmed_utils.evaluation.distance_to_closest_record`. A synthesizer
    that copies puts many synthetic rows much closer to a training row than a
    fresh person from the same population would be.

    Parameters
    ----------
    synthetic, train, holdout : DataFrame
        Synthetic rows, the real training rows the synthesizer learned from,
        and real rows it did not see; ``synthetic`` and ``holdout`` must have
        every column of ``train``.
    categorical : sequence of str or None, default None
        Categorical columns, as in :func:`marginal_agreement`.
    max_categories : int ≥ 1, default 10
        See ``categorical``.

    Returns
    -------
    DCRComparison
        From :func:`~pmed_utils.evaluation.dcr_comparison`: the two distance
        arrays, their 5th percentiles and ratio (below 1 is a sign of
        copying), and the share of synthetic rows closer than the held-out
        5th percentile.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> def rows(n):
    ...     return pd.DataFrame({"age": rng.normal(50, 10, n), "sex": rng.integers(0, 2, n)})
    >>> train = rows(300)
    >>> copies = table_dcr(train.sample(100, random_state=0), train, rows(100))
    >>> copies.ratio, float(np.mean(copies.synthetic < 1e-6))
    (0.0, 1.0)
    >>> fresh = table_dcr(rows(1000), train, rows(1000))  # new people: like held-out ones
    >>> bool(0.7 < fresh.ratio < 1.4), float(np.mean(fresh.synthetic < 1e-6))
    (True, 0.0)
    """
    func = "table_dcr"
    _check_tables(train, synthetic, func, categorical)
    _check_tables(train, holdout, func, categorical)
    kinds = _kinds(train, categorical, max_categories)
    xr = _encode(train, train, kinds)
    mu, sd = xr.mean(), xr.std().replace(0, 1.0)

    def enc(t: pd.DataFrame) -> np.ndarray:
        return ((_encode(t, train, kinds) - mu) / sd).to_numpy()

    return dcr_comparison(enc(synthetic), enc(holdout), enc(train))
