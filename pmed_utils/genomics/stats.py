"""Per-variant and per-sample genotype statistics: counts, call rates, allele frequencies, HWE, heterozygosity.

Calculation only (no filtering, no plotting). Every statistic follows PLINK 2's
definition (``--missing``, ``--freq``, ``--hardy``, ``--het``) so that it can be
checked against PLINK's output. Where a statistic is undefined — a variant
without any call has no frequency and no HWE test, a sample without an
informative call has no F — the value is NaN and a
:class:`~pmed_utils.validation.DegenerateInputWarning` says how many.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import gammaln

from pmed_utils.genomics import chunked
from pmed_utils.genomics._blocks import map_variant_blocks
from pmed_utils.genomics._checks import check_chunked_genotypes, check_genotypes
from pmed_utils.validation import Interval, validate_params, warn_degenerate

__all__ = [
    "allele_frequencies",
    "allele_frequencies_from_counts",
    "call_rate_per_sample",
    "call_rate_per_variant",
    "genotype_counts",
    "heterozygosity_f",
    "hwe_exact_pvalues",
    "hwe_exact_pvalues_from_counts",
    "variant_counts",
]

_BLOCK = [Interval(numbers.Integral, 1, None)]


def _genotypes(genotypes: ArrayLike, func: str):
    """The checked matrix: in memory as int8, or a Dask array left lazy (see genomics.chunked)."""
    if chunked.is_chunked(genotypes):
        return check_chunked_genotypes(genotypes, func)
    return check_genotypes(genotypes, func)


def _warn_if(mask: np.ndarray, func: str, what: str, total_name: str = "variants") -> None:
    if mask.any():
        warn_degenerate(func, f"{int(mask.sum())} of {mask.size} {total_name} {what}")


@validate_params({"genotypes": ["array-like"], "block_size": _BLOCK})
def variant_counts(genotypes: ArrayLike, *, block_size: int = 4096) -> np.ndarray:
    """Per-variant counts of missing calls and of 0, 1 and 2 alternative alleles.

    One pass over the int8 matrix in blocks of variants (no float copy), on all
    cores; every per-variant statistic here is a function of these four counts.

    Parameters
    ----------
    genotypes : ndarray of int8, shape (n_samples, n_variants)
        0/1/2 alternative-allele counts, -1 for a missing call.
    block_size : int, default 4096
        Variants per block.

    Returns
    -------
    ndarray of int64, shape (n_variants, 4)
        Columns: missing, hom ref (0), het (1), hom alt (2).

    Examples
    --------
    >>> variant_counts(np.array([[0, -1], [1, 2], [1, 2]], np.int8)).tolist()
    [[0, 1, 2, 0], [1, 0, 0, 2]]
    """
    if chunked.is_chunked(genotypes):
        g = check_chunked_genotypes(genotypes, "variant_counts")
        return chunked.concat_chunks(variant_counts, g, block_size=block_size)
    g = check_genotypes(genotypes, "variant_counts")
    n, m = g.shape

    def block(cols: slice) -> np.ndarray:
        b = g[:, cols]
        c = [np.add.reduce(b == k, axis=0, dtype=np.int64) for k in (-1, 1, 2)]
        return np.stack([c[0], n - c[0] - c[1] - c[2], c[1], c[2]], axis=1)

    if m == 0:
        return np.zeros((0, 4), np.int64)
    return np.concatenate(map_variant_blocks(block, m, block_size))


@validate_params({"genotypes": ["array-like"]})
def genotype_counts(genotypes: ArrayLike) -> np.ndarray:
    """Counts of 0, 1 and 2 alternative alleles per variant, missing calls excluded.

    Parameters
    ----------
    genotypes : ndarray of int8, shape (n_samples, n_variants)
        0/1/2, -1 for missing.

    Returns
    -------
    ndarray of int64, shape (n_variants, 3)
        Columns: hom ref, het, hom alt.

    Examples
    --------
    >>> genotype_counts(np.array([[0, 2], [1, -1], [1, 2]], np.int8)).tolist()
    [[1, 2, 0], [0, 0, 2]]
    """
    return variant_counts(_genotypes(genotypes, "genotype_counts"))[:, 1:]


@validate_params({"genotypes": ["array-like"], "block_size": _BLOCK})
def call_rate_per_sample(genotypes: ArrayLike, *, block_size: int = 4096) -> np.ndarray:
    """Fraction of non-missing calls per sample (1 − PLINK's ``F_MISS`` in ``.smiss``).

    Parameters
    ----------
    genotypes : ndarray of int8, shape (n_samples, n_variants)
        0/1/2, -1 for missing.
    block_size : int, default 4096
        Variants per block.

    Returns
    -------
    ndarray of float64, shape (n_samples,)
        NaN for everyone (with a warning) when there are no variants.

    Examples
    --------
    >>> call_rate_per_sample(np.array([[0, -1], [1, 2]], np.int8)).tolist()
    [0.5, 1.0]
    """
    g = _genotypes(genotypes, "call_rate_per_sample")
    if g.shape[1] == 0:
        if g.shape[0]:
            warn_degenerate("call_rate_per_sample", "there are no variants")
        return np.full(g.shape[0], np.nan)
    return 1 - _missing_per_sample(g, block_size) / g.shape[1]


def _missing_per_sample(g: np.ndarray, block_size: int) -> np.ndarray:
    if chunked.is_chunked(g):
        return chunked.sum_chunks(_missing_per_sample, g, block_size)
    missing = map_variant_blocks(
        lambda cols: np.add.reduce(g[:, cols] < 0, axis=1, dtype=np.int64), g.shape[1], block_size
    )
    return np.sum(missing, axis=0)


@validate_params({"genotypes": ["array-like"]})
def call_rate_per_variant(genotypes: ArrayLike) -> np.ndarray:
    """Fraction of non-missing calls per variant (1 − PLINK's ``F_MISS`` in ``.vmiss``).

    Parameters
    ----------
    genotypes : ndarray of int8, shape (n_samples, n_variants)
        0/1/2, -1 for missing.

    Returns
    -------
    ndarray of float64, shape (n_variants,)
        NaN for every variant (with a warning) when there are no samples.

    Examples
    --------
    >>> call_rate_per_variant(np.array([[0, 2], [1, -1], [1, 2]], np.int8)).round(3).tolist()
    [1.0, 0.667]
    """
    g = _genotypes(genotypes, "call_rate_per_variant")
    if g.shape[0] == 0:
        if g.shape[1]:
            warn_degenerate("call_rate_per_variant", "there are no samples")
        return np.full(g.shape[1], np.nan)
    return 1 - variant_counts(g)[:, 0] / g.shape[0]


def _check_genotype_counts(counts: ArrayLike, func: str) -> np.ndarray:
    arr = np.asarray(counts)
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise ValueError(
            f"The 'counts' parameter of {func} must have shape (n_variants, 3) "
            f"(hom ref, het, hom alt); got shape {arr.shape}."
        )
    if arr.size and not (
        np.issubdtype(arr.dtype, np.integer)
        or (np.issubdtype(arr.dtype, np.floating) and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)))
    ):
        raise ValueError(f"The 'counts' parameter of {func} must hold non-negative integers; got dtype {arr.dtype}.")
    if arr.size and arr.min() < 0:
        raise ValueError(f"The 'counts' parameter of {func} must hold non-negative integers; got {arr.min()}.")
    return arr.astype(np.int64)


def _frequencies(counts: np.ndarray) -> np.ndarray:
    n = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, (counts[:, 1] + 2 * counts[:, 2]) / (2 * np.maximum(n, 1)), np.nan)


@validate_params({"genotypes": ["array-like"]})
def allele_frequencies(genotypes: ArrayLike) -> np.ndarray:
    """Alternative-allele frequency per variant among the non-missing calls (PLINK ``--freq``).

    Parameters
    ----------
    genotypes : ndarray of int8, shape (n_samples, n_variants)
        0/1/2, -1 for missing.

    Returns
    -------
    ndarray of float64, shape (n_variants,)
        NaN (with a warning) for a variant without any call.

    Examples
    --------
    >>> allele_frequencies(np.array([[0, 2], [1, -1]], np.int8)).tolist()
    [0.25, 1.0]
    """
    counts = genotype_counts(_genotypes(genotypes, "allele_frequencies"))
    _warn_if(counts.sum(axis=1) == 0, "allele_frequencies", "have no called genotype")
    return _frequencies(counts)


@validate_params({"counts": ["array-like"]})
def allele_frequencies_from_counts(counts: ArrayLike) -> np.ndarray:
    """Alternative-allele frequency per variant from genotype counts (hom ref, het, hom alt).

    Use it with :func:`variant_counts` (columns 1–3) to avoid a second pass
    over the genotypes.

    Parameters
    ----------
    counts : array-like of int, shape (n_variants, 3)
        Hom ref, het and hom alt counts.

    Returns
    -------
    ndarray of float64, shape (n_variants,)
        NaN (with a warning) for a variant with no calls.

    Examples
    --------
    >>> allele_frequencies_from_counts([[1, 2, 1], [3, 0, 0]]).tolist()
    [0.5, 0.0]
    """
    c = _check_genotype_counts(counts, "allele_frequencies_from_counts")
    _warn_if(c.sum(axis=1) == 0, "allele_frequencies_from_counts", "have no called genotype")
    return _frequencies(c)


# Heterozygote counts whose probabilities differ by less than this (relative) count as ties.
_HWE_LOG_TOL = 1e-7
# Window half-width in units of sqrt(expected heterozygotes): the variance of the count is below its
# mean, so the probability outside the window is below exp(-_HWE_WINDOW**2 / 2) ≈ 1e-22 of the peak.
_HWE_WINDOW = 10.0


def _hwe_pvalue(n_het: int, n_hom_rare: int, n_hom_common: int) -> float:
    """Exact two-sided HWE p-value (Wigginton, Cutler & Abecasis 2005): sum of P(h) ≤ P(observed).

    The whole distribution of heterozygote counts, for one variant; the
    vectorised :func:`_hwe_pvalues_windowed` handles all others.
    """
    n = n_het + n_hom_rare + n_hom_common
    n_rare = 2 * n_hom_rare + n_het
    if n_rare > n:
        n_rare = 2 * n - n_rare
    if n == 0:
        return np.nan
    hets = np.arange(n_rare % 2, n_rare + 1, 2)
    hom_r = (n_rare - hets) // 2
    hom_c = n - hets - hom_r
    logp = (
        gammaln(n + 1)
        - gammaln(hom_r + 1)
        - gammaln(hets + 1)
        - gammaln(hom_c + 1)
        + hets * np.log(2)
        + gammaln(n_rare + 1)
        + gammaln(2 * n - n_rare + 1)
        - gammaln(2 * n + 1)
    )
    p_obs = logp[np.searchsorted(hets, n_het)]
    probs = np.exp(logp)
    return float(min(1.0, probs[logp <= p_obs + _HWE_LOG_TOL].sum()))


def _hwe_pvalues_windowed(n_het: np.ndarray, n_rare: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Exact HWE p-values for many variants at once, on a window of heterozygote counts.

    P(h + 2) / P(h) = 4 · hom_rare · hom_common / ((h + 1)(h + 2)) (Wigginton et al. 2005),
    so log-probabilities over the window are one cumulative sum. The window around
    the expected count holds all but ~1e-22 of the probability; a variant whose
    observed count lies outside it gets NaN (the caller computes it in full).
    """
    expected = n_rare * (2.0 * n - n_rare) / np.maximum(2.0 * n - 1, 1)
    half = np.ceil(_HWE_WINDOW * np.sqrt(expected + 1) / 2).astype(np.int64) + 4  # in steps of 2 hets
    parity = n_rare % 2
    centre = parity + 2 * np.round((expected - parity) / 2).astype(np.int64)
    start = np.maximum(parity, centre - 2 * half)
    width = int(2 * half.max() + 1)
    h = start[:, None] + 2 * np.arange(width)[None, :]  # (B, W) heterozygote counts
    valid = h <= n_rare[:, None]
    hom_r = (n_rare[:, None] - h) / 2
    hom_c = n[:, None] - h - hom_r
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.log(4 * hom_r[:, :-1] * hom_c[:, :-1]) - np.log((h[:, 1:] - 1.0) * h[:, 1:])
    step = np.where(valid[:, 1:], step, -np.inf)
    logp = np.concatenate([np.zeros((len(n), 1)), np.cumsum(step, axis=1)], axis=1)
    obs = (n_het - start) // 2
    inside = (obs >= 0) & (obs < width) & ((n_het - start) % 2 == 0)
    logp_obs = logp[np.arange(len(n)), np.clip(obs, 0, width - 1)]
    # Where the window cuts a tail off, the observed count must be far more probable than the
    # cut edge, or the missing tail would matter relative to the p-value.
    last = np.clip((n_rare - start) // 2, 0, width - 1)
    edge = np.maximum(
        np.where(start > parity, logp[:, 0], -np.inf),
        np.where(start + 2 * (width - 1) < n_rare, logp[np.arange(len(n)), last], -np.inf),
    )
    inside &= logp_obs - edge > 40
    probs = np.exp(logp - logp.max(axis=1, keepdims=True))
    tail = np.where(logp <= logp_obs[:, None] + _HWE_LOG_TOL, probs, 0).sum(axis=1)
    p = np.minimum(1.0, tail / probs.sum(axis=1))
    return np.where(inside & (n > 0), p, np.nan)


def _hwe_from_counts(counts: np.ndarray, block_size: int) -> np.ndarray:
    """HWE p-values from (n_variants, 3) int64 counts; NaN where a variant has no call (no warning)."""
    if len(counts) == 0:
        return np.zeros(0)
    base = int(counts.max()) + 1
    key = (counts[:, 0] * base + counts[:, 1]) * base + counts[:, 2]  # one integer per count triple
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    hom_c, het, hom_a = (counts[first, i] for i in range(3))
    n = hom_c + het + hom_a
    n_rare = np.minimum(2 * hom_a + het, 2 * hom_c + het)
    # blocks of similar expected heterozygosity share one window width
    order = np.argsort(n_rare * (2 * n - n_rare) / np.maximum(2 * n - 1, 1), kind="stable")
    pvals = np.empty(len(first))

    def block(part: slice) -> None:
        idx = order[part]
        pvals[idx] = _hwe_pvalues_windowed(het[idx], n_rare[idx], n[idx])

    map_variant_blocks(block, len(order), block_size)
    for i in np.flatnonzero(np.isnan(pvals) & (n > 0)):  # observed count far outside the window
        pvals[i] = _hwe_pvalue(int(het[i]), int(hom_a[i]), int(hom_c[i]))
    return pvals[inverse.reshape(-1)]


@validate_params({"genotypes": ["array-like"], "block_size": _BLOCK})
def hwe_exact_pvalues(genotypes: ArrayLike, *, block_size: int = 2048) -> np.ndarray:
    """Hardy–Weinberg exact-test p-value per variant (Wigginton et al. 2005), as PLINK's ``--hardy``.

    Variants with identical genotype counts share one computation; the rest are
    computed in blocks of similar sample size. A monomorphic variant has
    p = 1 (its only possible table is the observed one).

    Parameters
    ----------
    genotypes : ndarray of int8, shape (n_samples, n_variants)
        0/1/2, -1 for missing (missing calls are left out).
    block_size : int, default 2048
        Distinct count triples per block.

    Returns
    -------
    ndarray of float64, shape (n_variants,)
        Two-sided p-values; NaN (with a warning) for a variant without any call.

    Examples
    --------
    >>> g = np.array([[0] * 50 + [2] * 50], np.int8).T  # no heterozygotes at p = 0.5
    >>> bool(hwe_exact_pvalues(g)[0] < 1e-20)
    True
    """
    counts = genotype_counts(_genotypes(genotypes, "hwe_exact_pvalues"))
    _warn_if(counts.sum(axis=1) == 0, "hwe_exact_pvalues", "have no called genotype")
    return _hwe_from_counts(counts, block_size)


@validate_params({"counts": ["array-like"], "block_size": _BLOCK})
def hwe_exact_pvalues_from_counts(counts: ArrayLike, *, block_size: int = 2048) -> np.ndarray:
    """Hardy–Weinberg exact-test p-values from per-variant genotype counts (hom ref, het, hom alt).

    Use it when the counts are at hand (e.g. from :func:`variant_counts`,
    columns 1–3) to avoid a second pass over the genotypes.

    Parameters
    ----------
    counts : array-like of int, shape (n_variants, 3)
        Hom ref, het and hom alt counts.
    block_size : int, default 2048
        Distinct count triples per block.

    Returns
    -------
    ndarray of float64, shape (n_variants,)
        NaN (with a warning) for a variant with no calls.

    Examples
    --------
    >>> hwe_exact_pvalues_from_counts([[25, 50, 25], [50, 0, 50]]).round(6).tolist()
    [1.0, 0.0]
    """
    c = _check_genotype_counts(counts, "hwe_exact_pvalues_from_counts")
    _warn_if(c.sum(axis=1) == 0, "hwe_exact_pvalues_from_counts", "have no called genotype")
    return _hwe_from_counts(c, block_size)


def _heterozygosity_f(g: np.ndarray, p: np.ndarray, block_size: int) -> np.ndarray:
    """F per sample with given frequencies; NaN (no warning) where no called variant is informative."""
    h = np.nan_to_num(2 * p * (1 - p))  # a variant with no calls contributes nothing
    informative = h > 0

    def block(cols: slice) -> np.ndarray:
        b = g[:, cols]
        # expected over called variants only = all variants minus the missing ones
        return np.stack(
            [
                np.add.reduce(b == 1, axis=1, dtype=np.int64).astype(np.float64),
                (b < 0).astype(np.float32) @ h[cols].astype(np.float32),
                np.add.reduce((b >= 0) & informative[cols], axis=1, dtype=np.int64).astype(np.float64),
            ]
        )

    sums = np.sum(map_variant_blocks(block, g.shape[1], block_size), axis=0) if g.shape[1] else np.zeros((3, len(g)))
    expected = h.sum() - sums[1]
    has_info = sums[2] > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(has_info, 1 - sums[0] / np.where(has_info, expected, 1.0), np.nan)


@validate_params({"genotypes": ["array-like"], "frequencies": ["array-like", None], "block_size": _BLOCK})
def heterozygosity_f(
    genotypes: ArrayLike, frequencies: ArrayLike | None = None, *, block_size: int = 4096
) -> np.ndarray:
    """Inbreeding coefficient F per sample (PLINK ``--het``): 1 − observed / expected heterozygous calls.

    The expectation Σ 2p(1 − p) runs over the sample's called variants.
    Strongly negative F suggests contamination; strongly positive F,
    inbreeding or poor quality.

    Parameters
    ----------
    genotypes : ndarray of int8, shape (n_samples, n_variants)
        0/1/2, -1 for missing.
    frequencies : array-like of float in [0, 1], shape (n_variants,), optional
        Alternative-allele frequencies; default: :func:`allele_frequencies` of
        ``genotypes``. A NaN frequency (a variant without calls) contributes nothing.
    block_size : int, default 4096
        Variants per block.

    Returns
    -------
    ndarray of float64, shape (n_samples,)
        NaN (with a warning) for a sample with no informative called variant
        (all its calls missing or on monomorphic variants), where F is 0/0.

    Examples
    --------
    >>> g = np.array([[1, 1, 1, 1], [0, 2, 0, 2], [1, 0, 1, 2]], np.int8)
    >>> heterozygosity_f(g, frequencies=[0.5] * 4).round(2).tolist()
    [-1.0, 1.0, 0.0]
    """
    g = check_genotypes(genotypes, "heterozygosity_f")
    if frequencies is None:
        p = _frequencies(genotype_counts(g))
    else:
        try:
            p = np.asarray(frequencies, dtype=float)
        except (TypeError, ValueError):
            raise ValueError("The 'frequencies' parameter of heterozygosity_f must be numeric.") from None
        if p.shape != (g.shape[1],):
            raise ValueError(
                f"heterozygosity_f: 'genotypes' has {g.shape[1]} variants but 'frequencies' has "
                f"shape {p.shape}; they must match."
            )
        if np.any((p < 0) | (p > 1)):
            raise ValueError(
                "The 'frequencies' parameter of heterozygosity_f must be in [0, 1] (or NaN for a "
                f"variant without calls); got values from {np.nanmin(p):g} to {np.nanmax(p):g}."
            )
    f = _heterozygosity_f(g, p, block_size)
    _warn_if(np.isnan(f), "heterozygosity_f", "have no informative called variant (F is 0/0)", "samples")
    return f
