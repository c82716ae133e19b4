"""Input checks for genotype matrices."""

from __future__ import annotations

import numpy as np

__all__: list[str] = []  # private: check_genotypes is used inside pmed_utils.genomics only


def check_chunked_genotypes(genotypes, func: str, param: str = "genotypes"):
    """Check a Dask genotype matrix's shape and dtype (its codes are checked chunk by chunk)."""
    if genotypes.ndim != 2:
        raise ValueError(
            f"The '{param}' parameter of {func} must be 2-D (n_samples, n_variants); got shape {genotypes.shape}."
        )
    if genotypes.dtype != np.int8:
        raise ValueError(
            f"The '{param}' parameter of {func} must be a dask array of int8 (0/1/2, -1 = missing); "
            f"got dtype {genotypes.dtype}."
        )
    return genotypes


def check_genotypes(genotypes, func: str, param: str = "genotypes") -> np.ndarray:
    """Return an int8 (n_samples, n_variants) matrix of 0/1/2/-1 or raise a clear error."""
    g = np.asarray(genotypes)
    if g.ndim != 2:
        raise ValueError(f"The '{param}' parameter of {func} must be 2-D (n_samples, n_variants); got shape {g.shape}.")
    # Fast path: two reductions instead of a membership test over every call.
    if g.dtype == np.int8 and (g.size == 0 or (g.min() >= -1 and g.max() <= 2)):
        return g
    if g.dtype != np.int8:
        if np.issubdtype(g.dtype, np.floating) and np.isnan(g).any():
            raise ValueError(f"The '{param}' parameter of {func} codes missing calls as -1, not NaN.")
        g = g.astype(np.int8) if np.all(np.isin(np.unique(g), [-1, 0, 1, 2])) else g
    bad = ~np.isin(g, np.array([-1, 0, 1, 2], dtype=g.dtype))
    if bad.any():
        values = np.unique(g[bad])[:5].tolist()
        raise ValueError(
            f"The '{param}' parameter of {func} must contain only 0, 1, 2 (alternative-allele counts) or -1 "
            f"(missing); got {values}."
        )
    return g.astype(np.int8, copy=False)
