"""Population structure: LD pruning and PCA of standardized genotypes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils.genomics._checks import check_genotypes
from pmed_utils.genomics.qc import impute_mean, standardize

__all__ = ["ld_prune", "GenotypePCA", "genotype_pca"]


def ld_prune(genotypes: ArrayLike, variants: pd.DataFrame, *, r2_max: float = 0.2, window: int = 50,
             step: int = 5) -> np.ndarray:
    """Indices of variants kept by windowed r² pruning (like ``plink --indep-pairwise window step r2``).

    Within each window of ``window`` consecutive variants on a chromosome, the
    later variant of any pair with r² > ``r2_max`` is dropped; the window then
    moves by ``step`` variants.

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
    g = check_genotypes(genotypes, "ld_prune")
    z, _, _ = standardize(impute_mean(g))
    n = z.shape[0]
    keep = np.ones(g.shape[1], bool)
    for _, idx in variants.reset_index(drop=True).groupby("chrom").groups.items():
        idx = np.asarray(idx)
        for start in range(0, len(idx), step):
            win = idx[start:start + window]
            win = win[keep[win]]
            if win.size < 2:
                continue
            r2 = (z[:, win].T @ z[:, win] / n) ** 2
            for a in range(win.size):
                if not keep[win[a]]:
                    continue
                later = np.flatnonzero(r2[a, a + 1:] > r2_max) + a + 1
                keep[win[later]] = False
    return np.flatnonzero(keep)


@dataclass
class GenotypePCA:
    """Principal components of standardized genotypes; returned by :func:`genotype_pca`.

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

    scores: np.ndarray  # (n_samples, k)
    explained_variance_ratio: np.ndarray  # (k,)
    loadings: np.ndarray  # (k, n_variants)
    means: np.ndarray
    sds: np.ndarray

    def transform(self, genotypes) -> np.ndarray:
        """Project other people (e.g. a test set) on the same axes."""
        z, _, _ = standardize(impute_mean(check_genotypes(genotypes, "GenotypePCA.transform")), self.means, self.sds)
        return z @ self.loadings.T


def genotype_pca(genotypes: ArrayLike, n_components: int = 10, random_state: int = 0) -> GenotypePCA:
    """PCA by randomized SVD on mean-imputed, standardized genotypes.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = rng.binomial(2, 0.2, (50, 300)); b = rng.binomial(2, 0.7, (50, 300))
    >>> pca = genotype_pca(np.vstack([a, b]).astype(np.int8), n_components=2)
    >>> bool(abs(pca.scores[:50, 0].mean() - pca.scores[50:, 0].mean()) > 10)
    True
    """
    from sklearn.decomposition import PCA

    z, means, sds = standardize(impute_mean(check_genotypes(genotypes, "genotype_pca")))
    k = min(n_components, min(z.shape) - 1)
    model = PCA(n_components=k, svd_solver="randomized", random_state=random_state).fit(z)
    return GenotypePCA(model.transform(z), model.explained_variance_ratio_, model.components_, means, sds)
