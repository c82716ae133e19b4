"""Population structure: LD pruning (as PLINK 2's ``--indep-pairwise``) and PCA of standardized genotypes."""

from __future__ import annotations

import bisect
import numbers
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils.genomics._blocks import map_variant_blocks
from pmed_utils.genomics._checks import check_genotypes
from pmed_utils.genomics.dataset import GenotypeData
from pmed_utils.genomics.preprocessing import GenotypeScaler
from pmed_utils.genomics.stats import variant_counts
from pmed_utils.reproducibility import derive_seed
from pmed_utils.validation import (
    DegenerateInputWarning,
    Interval,
    check_columns,
    validate_params,
)

__all__ = ["GenotypePCA", "genotype_pca", "ld_prune"]

# PLINK 2 keeps the first variant of a pair unless its major-allele frequency is larger by more than this.
_SMALL_EPSILON = 2.0**-44


def _exceeds_band(g: np.ndarray, window: int, r2_max: float) -> np.ndarray:
    """``out[a, d - 1]``: whether variants a and a + d (0 < d < window) have r² > r2_max.

    r² is the squared Pearson correlation of the dosages over the people
    called at both variants (as PLINK 2 computes it from hardcalls). Sums of
    integer dosages are exact in float32 products; the comparison
    cov² > r2_max · var_a · var_b is made in float64 without dividing, so a
    pair with no variance never counts. Blocks of ``window`` variants are
    compared with themselves and the next ``window - 1``, converted from int8
    one block at a time.
    """
    n, m = g.shape
    width = window - 1

    def block(cols: slice) -> np.ndarray:
        start, stop = cols.start, cols.stop
        part = g[:, start : min(stop + width, m)]
        called = part >= 0
        x = np.where(called, part, 0).astype(np.float32)
        k = stop - start
        xb = x[:, :k]
        dot = (xb.T @ x).astype(np.float64)
        if called.all():
            s = x.sum(axis=0, dtype=np.float64)
            q = (x * x).sum(axis=0, dtype=np.float64)
            pairs: np.ndarray | float = float(n)
            sum_a, sum_b = s[:k, None], s[None, :]
            sq_a, sq_b = q[:k, None], q[None, :]
        else:
            mask = called.astype(np.float32)
            sq = x * x
            mb = mask[:, :k]
            pairs = (mb.T @ mask).astype(np.float64)
            sum_a = (xb.T @ mask).astype(np.float64)
            sum_b = (mb.T @ x).astype(np.float64)
            sq_a = (sq[:, :k].T @ mask).astype(np.float64)
            sq_b = (mb.T @ sq).astype(np.float64)
        cov = dot * pairs - sum_a * sum_b
        var_a = sq_a * pairs - sum_a**2
        var_b = sq_b * pairs - sum_b**2
        hit = cov * cov > r2_max * var_a * var_b
        out = np.zeros((k, width), bool)
        rows = np.arange(k)
        for d in range(1, window):
            ok = rows + d < hit.shape[1]
            out[rows[ok], d - 1] = hit[rows[ok], rows[ok] + d]
        return out

    if m == 0:
        return np.zeros((0, width), bool)
    # blocks on all cores, BLAS on one thread each (small products are slow with many BLAS threads)
    return np.concatenate(map_variant_blocks(block, m, window))


def _indep_pairwise(
    exceeds: np.ndarray, major_freq: np.ndarray, uninformative: np.ndarray, window: int, step: int
) -> np.ndarray:
    """PLINK 2's greedy ``--indep-pairwise`` on one chromosome; returns the mask of removed variants.

    Windows of ``window`` variants start every ``step`` variants; the last
    ends at the chromosome's last variant. In each window, every remaining
    variant (in order) is checked against the later remaining ones it has not
    been checked against yet; at the first pair with r² above the threshold,
    the variant with the smaller minor-allele frequency is removed (the later
    one on a tie). Passes repeat until a pass removes nothing.
    """
    m = len(major_freq)
    pairs = exceeds.tolist()
    freq = major_freq.tolist()
    removed = uninformative.tolist()
    unchecked = list(range(1, m + 1))  # first partner each variant has not been compared with yet
    start, end = 0, min(window, m)
    members = list(range(end))
    while True:
        changed = True
        while changed:
            changed = False
            for pos, a in enumerate(members):
                if removed[a] or unchecked[a] >= end:
                    continue
                first = bisect.bisect_left(members, unchecked[a], pos + 1)
                unchecked[a] = end
                row = pairs[a]
                for i in range(first, len(members)):
                    b = members[i]
                    if removed[b] or not row[b - a - 1]:
                        continue
                    changed = True
                    if freq[a] > freq[b] * (1 + _SMALL_EPSILON):
                        removed[a] = True
                    else:
                        removed[b] = True
                        unchecked[a] = next((c for c in members[i + 1 :] if not removed[c]), end)
                    break
        if end == m:
            return np.array(removed, bool)
        start += step
        new_end = min(start + window, m)
        members = [i for i in members if i >= start and not removed[i]] + list(range(end, new_end))
        end = new_end


@validate_params(
    {
        "data": [GenotypeData, "array-like"],
        "variants": ["dataframe", None],
        "r2_max": [Interval(numbers.Real, 0, 1)],
        "window": [Interval(numbers.Integral, 2, None)],
        "step": [Interval(numbers.Integral, 1, None)],
    }
)
def ld_prune(
    data: GenotypeData | ArrayLike,
    variants: pd.DataFrame | None = None,
    *,
    r2_max: float = 0.2,
    window: int = 50,
    step: int = 5,
) -> np.ndarray:
    """Indices of the variants kept by LD pruning, as PLINK 2's ``--indep-pairwise window step r2_max``.

    On each chromosome, windows of ``window`` consecutive variants start
    every ``step`` variants. Within a window, pairs with r² > ``r2_max`` are
    found in order and, of each pair, the variant with the smaller
    minor-allele frequency is removed (the later one on a tie), until no such
    pair remains. r² is computed over the people called at both variants.
    Variants that carry no information (monomorphic, all heterozygous, or
    without any call) are removed, as PLINK does. The result equals PLINK 2's
    ``.prune.in`` (tested on a stored PLINK 2 run).

    Parameters
    ----------
    data : GenotypeData or ndarray of int8, shape (n_samples, n_variants)
        The genotypes (0/1/2, -1 missing), with their variant table in a
        GenotypeData or as ``variants``.
    variants : DataFrame, optional
        With a genotype matrix: one row per variant, in genome order, with a
        ``chrom`` column.
    r2_max : float in [0, 1], default 0.2
        Pairs with a larger r² are pruned.
    window : int ≥ 2, default 50
        Window size in variants.
    step : int in [1, window], default 5
        Variants the window moves by.

    Returns
    -------
    ndarray of int64, shape (n_kept,)
        Column indices of the kept variants, ascending.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = rng.binomial(2, 0.4, (100, 3)).astype(np.int8)
    >>> g[:, 1] = g[:, 0]  # variant 1 is a copy of variant 0 (r² = 1)
    >>> ld_prune(g, pd.DataFrame({"chrom": [1, 1, 1], "pos": [100, 200, 300]})).tolist()
    [0, 2]
    >>> ld_prune(g, pd.DataFrame({"chrom": [1, 2, 1], "pos": [100, 200, 300]})).tolist()  # other chromosome
    [0, 1, 2]
    """
    if isinstance(data, GenotypeData):
        if variants is not None:
            raise ValueError(
                "ld_prune: 'data' is a GenotypeData, which holds the variant table; do not pass 'variants' as well."
            )
        g, variants = data.genotypes, data.variants
    else:
        if variants is None:
            raise ValueError("ld_prune: with a genotype matrix as 'data', pass 'variants' too.")
        g = check_genotypes(data, "ld_prune", "data")
    check_columns(variants, "variants", ["chrom"], func="ld_prune")
    if len(variants) != g.shape[1]:
        raise ValueError(
            f"ld_prune: 'variants' has {len(variants)} rows but the genotypes have {g.shape[1]} "
            "columns; they must describe the same variants."
        )
    if step > window:
        raise ValueError(f"The 'step' parameter of ld_prune must be at most 'window' ({window}); got {step}.")
    counts = variant_counts(g)
    n_called = counts[:, 1:].sum(axis=1)
    uninformative = (counts[:, 1] + counts[:, 3] == 0) | (counts[:, 1] == n_called) | (counts[:, 3] == n_called)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = (counts[:, 2] + 2 * counts[:, 3]) / (2 * np.maximum(n_called, 1))
    major = np.maximum(p, 1 - p)
    removed = np.zeros(g.shape[1], bool)
    chrom = variants["chrom"].to_numpy()
    for value in pd.unique(chrom):
        idx = np.flatnonzero(chrom == value)
        exceeds = _exceeds_band(g[:, idx], window, r2_max)
        removed[idx] = _indep_pairwise(exceeds, major[idx], uninformative[idx], window, step)
    return np.flatnonzero(~removed)


@dataclass
class GenotypePCA:
    """Principal components of standardized genotypes; returned by :func:`genotype_pca`.

    Attributes
    ----------
    scores : ndarray of float, shape (n_samples, n_components)
        The fitted people's coordinates.
    explained_variance_ratio : ndarray of float, shape (n_components,)
        Fraction of the total variance of the z-scores per component.
    loadings : ndarray of float, shape (n_components, n_variants)
        Principal axes.
    means, sds : ndarray of float, shape (n_variants,)
        The fitted scale (``scaler.means_``, ``scaler.sds_``).
    scaler : GenotypeScaler
        Imputes and standardizes new people on the training scale.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = rng.binomial(2, 0.2, (50, 300)); b = rng.binomial(2, 0.7, (50, 300))  # two populations
    >>> pca = genotype_pca(np.vstack([a, b]).astype(np.int8), n_components=2)
    >>> pca.scores.shape, pca.loadings.shape, pca.means.shape
    ((100, 2), (2, 300), (300,))
    >>> round(float(pca.explained_variance_ratio[0]), 2)  # PC1 separates the populations
    0.41
    >>> new = pca.transform(rng.binomial(2, 0.7, (5, 300)).astype(np.int8))  # 5 new people like b
    >>> bool(np.all(np.sign(new[:, 0]) == np.sign(pca.scores[50:, 0].mean())))
    True
    """

    scores: np.ndarray
    explained_variance_ratio: np.ndarray
    loadings: np.ndarray
    means: np.ndarray
    sds: np.ndarray
    scaler: GenotypeScaler

    @validate_params({"genotypes": ["array-like"]})
    def transform(self, genotypes: ArrayLike) -> np.ndarray:
        """Project other people (e.g. a test set) on the same axes.

        Parameters
        ----------
        genotypes : ndarray of int8, shape (n_people, n_variants)
            The fitted variants, 0/1/2 or -1 for missing (imputed with the training mean).

        Returns
        -------
        ndarray of float32, shape (n_people, n_components)

        Examples
        --------
        >>> g = np.random.default_rng(1).binomial(2, 0.5, (20, 30)).astype(np.int8)
        >>> genotype_pca(g, n_components=2).transform(g[:3]).shape
        (3, 2)
        """
        z = self.scaler.transform(check_genotypes(genotypes, "GenotypePCA.transform"))
        return np.nan_to_num(z) @ self.loadings.T


@validate_params(
    {
        "genotypes": ["array-like"],
        "n_components": [Interval(numbers.Integral, 1, None)],
        "random_state": ["random_state"],
    }
)
def genotype_pca(
    genotypes: ArrayLike, n_components: int = 10, random_state: int | np.random.Generator | None = None
) -> GenotypePCA:
    """PCA by randomized SVD on mean-imputed, standardized genotypes (:class:`GenotypeScaler`).

    Parameters
    ----------
    genotypes : ndarray of int8, shape (n_samples, n_variants)
        0/1/2, -1 for missing. A variant without any call is left out (loading
        0) with a :class:`~pmed_utils.validation.DegenerateInputWarning`.
    n_components : int, default 10
        At most ``min(n_samples, n_variants) - 1``.
    random_state : int, numpy.random.Generator or None
        Seeds the randomized SVD (through :func:`~pmed_utils.reproducibility.derive_seed`).

    Returns
    -------
    GenotypePCA

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = rng.binomial(2, 0.2, (50, 300)); b = rng.binomial(2, 0.7, (50, 300))
    >>> pca = genotype_pca(np.vstack([a, b]).astype(np.int8), n_components=2)
    >>> bool(abs(pca.scores[:50, 0].mean() - pca.scores[50:, 0].mean()) > 10)
    True
    """
    from sklearn.decomposition import PCA

    g = check_genotypes(genotypes, "genotype_pca")
    limit = min(g.shape) - 1
    if n_components > limit:
        raise ValueError(
            f"The 'n_components' parameter of genotype_pca must be at most min(n_samples, n_variants)"
            f" - 1 = {max(limit, 0)} for genotypes of shape {g.shape}; got {n_components}."
        )
    seed = derive_seed(random_state, func="genotype_pca")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateInputWarning)
        scaler = GenotypeScaler().fit(g)
    no_calls = np.isnan(scaler.means_)
    if no_calls.any():
        warnings.warn(
            f"genotype_pca: {int(no_calls.sum())} of {g.shape[1]} variants have no called genotype; "
            "they are left out (loading 0).",
            DegenerateInputWarning,
            stacklevel=3,
        )
    z = np.nan_to_num(scaler.transform(g))
    model = PCA(n_components=n_components, svd_solver="randomized", random_state=seed).fit(z)
    return GenotypePCA(
        model.transform(z), model.explained_variance_ratio_, model.components_, scaler.means_, scaler.sds_, scaler
    )
