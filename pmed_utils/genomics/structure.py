"""Population structure: LD pruning and PCA of standardized genotypes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmed_utils.genomics._checks import check_genotypes
from pmed_utils.genomics.qc import impute_mean, standardize

__all__ = ["ld_prune", "GenotypePCA", "genotype_pca"]


def ld_prune(genotypes, variants: pd.DataFrame, *, r2_max: float = 0.2, window: int = 50, step: int = 5) -> np.ndarray:
    """Indices of variants kept by windowed r² pruning (like ``plink --indep-pairwise window step r2``).

    Within each window of ``window`` consecutive variants on a chromosome, the
    later variant of any pair with r² > ``r2_max`` is dropped; the window then
    moves by ``step`` variants.
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
    """Principal components of standardized genotypes."""

    scores: np.ndarray  # (n_samples, k)
    explained_variance_ratio: np.ndarray  # (k,)
    loadings: np.ndarray  # (k, n_variants)
    means: np.ndarray
    sds: np.ndarray

    def transform(self, genotypes) -> np.ndarray:
        """Project other people (e.g. a test set) on the same axes."""
        z, _, _ = standardize(impute_mean(check_genotypes(genotypes, "GenotypePCA.transform")), self.means, self.sds)
        return z @ self.loadings.T


def genotype_pca(genotypes, n_components: int = 10, random_state: int = 0) -> GenotypePCA:
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
