"""Genotype quality control: call rates, allele frequencies, Hardy–Weinberg, heterozygosity, duplicates.

Calculation only (no plotting). Every statistic follows PLINK's definitions so
that it can be checked against PLINK 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.special import gammaln

from pmed_utils.genomics._blocks import map_variant_blocks
from pmed_utils.genomics._checks import check_genotypes
from pmed_utils.validation import check_in_range, check_same_length

__all__ = [
    "call_rate_per_sample",
    "call_rate_per_variant",
    "allele_frequencies",
    "allele_frequencies_from_counts",
    "genotype_counts",
    "variant_counts",
    "hwe_exact_pvalues",
    "hwe_exact_pvalues_from_counts",
    "heterozygosity_f",
    "find_duplicates",
    "QCResult",
    "quality_control",
    "impute_mean",
    "standardize",
]


def call_rate_per_sample(genotypes: ArrayLike, *, block_size: int = 4096) -> np.ndarray:
    """Fraction of non-missing calls per sample, shape (n_samples,).

    Examples
    --------
    >>> call_rate_per_sample(np.array([[0, -1], [1, 2]], np.int8)).tolist()
    [0.5, 1.0]
    """
    g = check_genotypes(genotypes, "call_rate_per_sample")
    if g.shape[1] == 0:
        return np.full(g.shape[0], np.nan)
    missing = map_variant_blocks(lambda cols: np.add.reduce(g[:, cols] < 0, axis=1, dtype=np.int64),
                                 g.shape[1], block_size)
    return 1 - np.sum(missing, axis=0) / g.shape[1]


def variant_counts(genotypes: ArrayLike, *, block_size: int = 4096) -> np.ndarray:
    """Per-variant counts of missing, 0, 1 and 2 alternative alleles, shape (n_variants, 4), int64.

    One pass over the int8 matrix in blocks of variants (no float copy), on all
    cores; every per-variant QC statistic is a function of these four counts.

    Examples
    --------
    >>> variant_counts(np.array([[0, -1], [1, 2], [1, 2]], np.int8)).tolist()
    [[0, 1, 2, 0], [1, 0, 0, 2]]
    """
    g = check_genotypes(genotypes, "variant_counts")
    n, m = g.shape

    def block(cols: slice) -> np.ndarray:
        b = g[:, cols]
        c = [np.add.reduce(b == k, axis=0, dtype=np.int64) for k in (-1, 1, 2)]
        return np.stack([c[0], n - c[0] - c[1] - c[2], c[1], c[2]], axis=1)

    if m == 0:
        return np.zeros((0, 4), np.int64)
    return np.concatenate(map_variant_blocks(block, m, block_size))


def call_rate_per_variant(genotypes: ArrayLike) -> np.ndarray:
    """Fraction of non-missing calls per variant, shape (n_variants,).

    Examples
    --------
    >>> call_rate_per_variant(np.array([[0, 2], [1, -1], [1, 2]], np.int8)).round(3).tolist()
    [1.0, 0.667]
    """
    g = check_genotypes(genotypes, "call_rate_per_variant")
    return 1 - variant_counts(g)[:, 0] / max(g.shape[0], 1)


def genotype_counts(genotypes: ArrayLike) -> np.ndarray:
    """Counts of 0, 1 and 2 alternative alleles per variant, shape (n_variants, 3), missing excluded.

    Examples
    --------
    >>> genotype_counts(np.array([[0, 2], [1, -1], [1, 2]], np.int8)).tolist()  # hom ref, het, hom alt
    [[1, 2, 0], [0, 0, 2]]
    """
    return variant_counts(check_genotypes(genotypes, "genotype_counts"))[:, 1:]


def allele_frequencies(genotypes: ArrayLike) -> np.ndarray:
    """Alternative-allele frequency per variant among non-missing calls (NaN if all missing).

    Examples
    --------
    >>> allele_frequencies(np.array([[0, 2], [1, -1]], np.int8)).tolist()
    [0.25, 1.0]
    """
    return allele_frequencies_from_counts(genotype_counts(genotypes))


def allele_frequencies_from_counts(counts: ArrayLike) -> np.ndarray:
    """Alternative-allele frequency per variant from genotype counts (n_variants, 3): hom ref, het, hom alt.

    NaN for a variant with no calls. Use it with :func:`variant_counts` (columns
    1–3) to avoid a second pass over the genotypes.

    Examples
    --------
    >>> allele_frequencies_from_counts([[1, 2, 1], [0, 0, 0]]).tolist()
    [0.5, nan]
    """
    counts = _check_genotype_counts(counts, "allele_frequencies_from_counts")
    n = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (counts[:, 1] + 2 * counts[:, 2]) / (2 * n)


def _check_genotype_counts(counts, func: str) -> np.ndarray:
    counts = np.asarray(counts)
    if counts.ndim != 2 or counts.shape[1] != 3 or (counts.size and counts.min() < 0):
        raise ValueError(f"{func}: 'counts' must be non-negative integers of shape "
                         f"(n_variants, 3) (hom ref, het, hom alt); got shape {counts.shape}.")
    return counts


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
    logp = (gammaln(n + 1) - gammaln(hom_r + 1) - gammaln(hets + 1) - gammaln(hom_c + 1) + hets * np.log(2)
            + gammaln(n_rare + 1) + gammaln(2 * n - n_rare + 1) - gammaln(2 * n + 1))
    p_obs = logp[np.searchsorted(hets, n_het)]
    probs = np.exp(logp)
    return float(min(1.0, probs[logp <= p_obs + _HWE_LOG_TOL].sum()))


# Heterozygote counts whose probabilities differ by less than this (relative) count as ties.
_HWE_LOG_TOL = 1e-7
# Window half-width in units of sqrt(expected heterozygotes): the variance of the count is below its
# mean, so the probability outside the window is below exp(-_HWE_WINDOW**2 / 2) ≈ 1e-22 of the peak.
_HWE_WINDOW = 10.0


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
    edge = np.maximum(np.where(start > parity, logp[:, 0], -np.inf),
                      np.where(start + 2 * (width - 1) < n_rare, logp[np.arange(len(n)), last], -np.inf))
    inside &= logp_obs - edge > 40
    probs = np.exp(logp - logp.max(axis=1, keepdims=True))
    tail = np.where(logp <= logp_obs[:, None] + _HWE_LOG_TOL, probs, 0).sum(axis=1)
    p = np.minimum(1.0, tail / probs.sum(axis=1))
    return np.where(inside & (n > 0), p, np.nan)


def hwe_exact_pvalues(genotypes: ArrayLike, *, block_size: int = 2048) -> np.ndarray:
    """Hardy–Weinberg exact-test p-value per variant (Wigginton et al. 2005), as PLINK's ``--hardy``.

    Variants with identical genotype counts share one computation; the rest are
    computed in blocks of similar sample size (see :func:`_hwe_pvalues_windowed`).

    Examples
    --------
    >>> g = np.array([[0] * 50 + [2] * 50], np.int8).T  # no heterozygotes at p = 0.5
    >>> bool(hwe_exact_pvalues(g)[0] < 1e-20)
    True
    """
    return hwe_exact_pvalues_from_counts(genotype_counts(genotypes), block_size=block_size)


def hwe_exact_pvalues_from_counts(counts: ArrayLike, *, block_size: int = 2048) -> np.ndarray:
    """Hardy–Weinberg exact-test p-values from per-variant genotype counts (n_variants, 3): hom ref, het, hom alt.

    Use it when the counts are at hand (e.g. from :func:`variant_counts`, columns 1–3)
    to avoid a second pass over the genotypes.

    Examples
    --------
    >>> hwe_exact_pvalues_from_counts([[25, 50, 25], [50, 0, 50]]).round(6).tolist()
    [1.0, 0.0]
    """
    counts = _check_genotype_counts(counts, "hwe_exact_pvalues_from_counts")
    if len(counts) == 0:
        return np.zeros(0)
    counts = counts.astype(np.int64)
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


def heterozygosity_f(genotypes: ArrayLike, frequencies: ArrayLike | None = None, *,
                     block_size: int = 4096) -> np.ndarray:
    """Inbreeding coefficient F per sample (PLINK ``--het``): 1 − observed/expected heterozygous calls.

    Strongly negative F suggests contamination; strongly positive F, inbreeding or poor quality.

    Examples
    --------
    >>> g = np.array([[1, 1, 1, 1], [0, 2, 0, 2], [1, 0, 1, 2]], np.int8)
    >>> heterozygosity_f(g, frequencies=[0.5] * 4).round(2).tolist()
    [-1.0, 1.0, 0.0]
    """
    g = check_genotypes(genotypes, "heterozygosity_f")
    p = allele_frequencies(g) if frequencies is None else np.asarray(frequencies, dtype=float)
    if p.shape != (g.shape[1],):
        raise ValueError(f"heterozygosity_f: {g.shape[1]} variants but {p.shape} frequencies; they must match.")
    h = np.nan_to_num(2 * p * (1 - p))  # a variant with no calls contributes nothing

    def block(cols: slice) -> np.ndarray:
        b = g[:, cols]
        # expected over called variants only = all variants minus the missing ones
        return np.stack([np.add.reduce(b == 1, axis=1, dtype=np.int64),
                         (b < 0).astype(np.float32) @ h[cols].astype(np.float32)])

    sums = np.sum(map_variant_blocks(block, g.shape[1], block_size), axis=0) if g.shape[1] else np.zeros((2, len(g)))
    expected = h.sum() - sums[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1 - sums[0] / expected


def find_duplicates(genotypes: ArrayLike, ids: ArrayLike, *, min_concordance: float = 0.98, n_variants: int = 2000,
                    random_state: int = 0) -> pd.DataFrame:
    """Pairs of samples whose genotypes agree at ≥ ``min_concordance`` of shared calls.

    Unrelated people agree at roughly half of the calls and siblings at about
    two thirds; duplicates (the same DNA genotyped twice) at nearly all.
    Candidate pairs are found on a random subset of variants, then confirmed on all.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = rng.binomial(2, 0.4, (5, 200)).astype(np.int8)
    >>> dup = g[2].copy()  # person "c" genotyped again: one call missing, one miscalled
    >>> dup[0] = -1
    >>> dup[1] = (dup[1] + 1) % 3
    >>> find_duplicates(np.vstack([g, dup]), ["a", "b", "c", "d", "e", "c_dup"])
      id_1   id_2  concordance  shared_calls
    0    c  c_dup     0.994975           199
    """
    g = check_genotypes(genotypes, "find_duplicates")
    ids = np.asarray(ids)
    check_same_length((g, "genotypes"), (ids, "ids"), func="find_duplicates")
    rng = np.random.default_rng(random_state)
    cols = rng.choice(g.shape[1], min(n_variants, g.shape[1]), replace=False)
    sub = g[:, cols].astype(np.float32)
    called = (sub >= 0).astype(np.float32)
    # agreement = shared calls with equal genotype; computed with one-hot dot products
    agree = sum(((sub == k).astype(np.float32)) @ ((sub == k).astype(np.float32)).T for k in (0, 1, 2))
    shared = called @ called.T
    with np.errstate(invalid="ignore", divide="ignore"):
        conc = agree / shared
    np.fill_diagonal(conc, 0)
    rows = []
    for i, j in zip(*np.nonzero(np.triu(conc >= min_concordance - 0.02))):
        both = (g[i] >= 0) & (g[j] >= 0)
        full = float((g[i][both] == g[j][both]).mean())
        if full >= min_concordance:
            rows.append({"id_1": ids[i], "id_2": ids[j], "concordance": full, "shared_calls": int(both.sum())})
    return pd.DataFrame(rows, columns=["id_1", "id_2", "concordance", "shared_calls"])


@dataclass
class QCResult:
    """Data kept after QC and a tidy report of what was removed and why.

    Returned by :func:`quality_control`.

    Examples
    --------
    See :func:`quality_control` for one made from toy genotypes; its fields:

    >>> from dataclasses import fields
    >>> [field.name for field in fields(QCResult)]
    ['genotypes', 'variants', 'samples', 'report', 'removed_samples', 'removed_variants']
    """

    genotypes: np.ndarray
    variants: pd.DataFrame
    samples: pd.DataFrame
    report: pd.DataFrame
    removed_samples: pd.DataFrame
    removed_variants: pd.DataFrame


def quality_control(genotypes: ArrayLike, variants: pd.DataFrame, samples: pd.DataFrame, *,
                    min_sample_call_rate: float = 0.95, min_variant_call_rate: float = 0.95, min_maf: float = 0.01,
                    hwe_p_min: float = 1e-6, het_sd: float = 4.0, remove_duplicates: bool = True) -> QCResult:
    """Standard QC in PLINK's order: samples by call rate, duplicates, heterozygosity; then variants.

    Variants: call rate, minor-allele frequency, Hardy–Weinberg (tested in the
    largest population only, since a mixture of populations departs from HWE
    by itself — the Wahlund effect).

    Returns
    -------
    QCResult
        ``report``: one row per step with the number removed and the rule.

    Raises
    ------
    ValueError
        Mismatched table sizes, thresholds out of range, invalid genotype codes.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = rng.binomial(2, 0.3, (50, 20)).astype(np.int8)
    >>> g[:, 0] = 0  # a monomorphic variant
    >>> g[7, :10] = -1  # a person with half of the calls missing
    >>> samples = pd.DataFrame({"id": [f"s{i}" for i in range(50)], "population": "EUR"})
    >>> variants = pd.DataFrame({"chrom": 1, "pos": np.arange(20), "id": [f"v{j}" for j in range(20)]})
    >>> result = quality_control(g, variants, samples)
    >>> result.report
           what                     step                rule  removed
    0   samples                call rate              < 0.95        1
    1   samples               duplicates  concordance ≥ 0.98        0
    2   samples         heterozygosity F             |z| > 4        0
    3  variants                call rate              < 0.95        0
    4  variants   minor-allele frequency              < 0.01        1
    5  variants  Hardy–Weinberg (in EUR)           p < 1e-06        0
    6   samples                     kept                           49
    7  variants                     kept                           19
    >>> result.genotypes.shape, len(result.samples), len(result.variants)
    ((49, 19), 49, 19)
    >>> result.removed_samples
       id         reason
    0  s7  low call rate
    >>> result.removed_variants
       id reason
    0  v0   rare
    """
    g = check_genotypes(genotypes, "quality_control")
    if len(variants) != g.shape[1]:
        raise ValueError(f"quality_control: 'variants' has {len(variants)} rows but 'genotypes' has {g.shape[1]} columns.")
    if len(samples) != g.shape[0]:
        raise ValueError(f"quality_control: 'samples' has {len(samples)} rows but 'genotypes' has {g.shape[0]} rows.")
    for name, value, high in (("min_sample_call_rate", min_sample_call_rate, 1), ("min_variant_call_rate", min_variant_call_rate, 1),
                              ("min_maf", min_maf, 0.5), ("hwe_p_min", hwe_p_min, 1)):
        check_in_range(value, name, 0, high, func="quality_control")
    report, removed_s, removed_v = [], [], []
    keep_s = np.ones(g.shape[0], bool)

    cr = call_rate_per_sample(g)
    low = cr < min_sample_call_rate
    removed_s.append(pd.DataFrame({"id": samples["id"].to_numpy()[low], "reason": "low call rate"}))
    report.append(("samples", "call rate", f"< {min_sample_call_rate:g}", int(low.sum())))
    keep_s &= ~low
    if remove_duplicates:
        dups = find_duplicates(g[keep_s], samples["id"].to_numpy()[keep_s])
        drop = set(dups["id_2"])
        is_dup = samples["id"].isin(drop).to_numpy()
        removed_s.append(pd.DataFrame({"id": samples["id"].to_numpy()[is_dup], "reason": "duplicate"}))
        report.append(("samples", "duplicates", "concordance ≥ 0.98", int(is_dup.sum())))
        keep_s &= ~is_dup
    f = heterozygosity_f(g[keep_s])
    f_all = np.full(g.shape[0], np.nan)
    f_all[keep_s] = f
    z = (f_all - np.nanmean(f)) / np.nanstd(f)
    het_out = keep_s & (np.abs(z) > het_sd)
    removed_s.append(pd.DataFrame({"id": samples["id"].to_numpy()[het_out], "reason": "heterozygosity outlier"}))
    report.append(("samples", "heterozygosity F", f"|z| > {het_sd:g}", int(het_out.sum())))
    keep_s &= ~het_out

    gs = g[keep_s]
    keep_v = np.ones(g.shape[1], bool)
    counts = variant_counts(gs)
    vcr = 1 - counts[:, 0] / max(gs.shape[0], 1)
    rule = vcr < min_variant_call_rate
    report.append(("variants", "call rate", f"< {min_variant_call_rate:g}", int(rule.sum())))
    removed_v.append(pd.DataFrame({"id": variants["id"].to_numpy()[rule], "reason": "low call rate"}))
    keep_v &= ~rule
    freq = allele_frequencies_from_counts(counts[:, 1:])
    maf = np.minimum(freq, 1 - freq)
    rule = keep_v & ~(maf >= min_maf)
    report.append(("variants", "minor-allele frequency", f"< {min_maf:g}", int(rule.sum())))
    removed_v.append(pd.DataFrame({"id": variants["id"].to_numpy()[rule], "reason": "rare"}))
    keep_v &= ~rule
    if "population" in samples:
        pops = samples["population"].to_numpy()[keep_s]
        largest = pd.Series(pops).value_counts().index[0]
        hwe_label = f"Hardy–Weinberg (in {largest})"
    else:  # one population assumed
        pops, largest, hwe_label = np.zeros(gs.shape[0]), 0.0, "Hardy–Weinberg"
    p_hwe = np.ones(g.shape[1])
    p_hwe[keep_v] = hwe_exact_pvalues(gs[pops == largest])[keep_v]
    rule = keep_v & (p_hwe < hwe_p_min)
    report.append(("variants", hwe_label, f"p < {hwe_p_min:g}", int(rule.sum())))
    removed_v.append(pd.DataFrame({"id": variants["id"].to_numpy()[rule], "reason": "Hardy–Weinberg"}))
    keep_v &= ~rule

    table = pd.DataFrame(report, columns=["what", "step", "rule", "removed"])
    table.loc[len(table)] = ("samples", "kept", "", int(keep_s.sum()))
    table.loc[len(table)] = ("variants", "kept", "", int(keep_v.sum()))
    return QCResult(g[np.ix_(keep_s, keep_v)], variants[keep_v].reset_index(drop=True),
                    samples[keep_s].reset_index(drop=True), table, pd.concat(removed_s, ignore_index=True),
                    pd.concat(removed_v, ignore_index=True))


def impute_mean(genotypes: ArrayLike) -> np.ndarray:
    """Replace missing calls (-1) by the variant's mean dosage; returns float32.

    Examples
    --------
    >>> impute_mean(np.array([[0, -1], [2, 1]], np.int8)).tolist()
    [[0.0, 1.0], [2.0, 1.0]]
    """
    g = check_genotypes(genotypes, "impute_mean")
    counts = variant_counts(g)
    if (counts[:, 0] == g.shape[0]).any() and g.shape[0] > 0:
        raise ValueError("impute_mean: some variants have no called genotype, so they have no mean; "
                         "remove them first (quality_control drops them by call rate).")
    means, _ = _imputed_moments(counts)
    return _mean_imputed_block(g, means, dtype=np.float32)


def _imputed_moments(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-variant mean dosage of the called genotypes and the centred sum of squares after mean imputation.

    Imputed calls equal the mean, so they add nothing to the centred sum of squares.
    """
    n_called = counts[:, 1:].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(n_called > 0, (counts[:, 2] + 2 * counts[:, 3]) / np.maximum(n_called, 1), 0.0)
    centred_ss = counts[:, 1] * means ** 2 + counts[:, 2] * (1 - means) ** 2 + counts[:, 3] * (2 - means) ** 2
    return means, centred_ss


def _mean_imputed_block(block: np.ndarray, means: np.ndarray, dtype=np.float64) -> np.ndarray:
    """Float copy of an int8 block of variants with missing calls (-1) set to the variant's mean."""
    x = block.astype(dtype)
    missing = block < 0
    if missing.any():
        np.copyto(x, np.broadcast_to(means.astype(dtype), x.shape), where=missing)
    return x


def standardize(dosages: ArrayLike, means: ArrayLike | None = None,
                sds: ArrayLike | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The seed's z-score per variant: (x − mean) / sd; returns (z, means, sds).

    Pass the training set's ``means`` and ``sds`` to standardize validation or
    test people with the same scale (no leakage). Monomorphic variants get z = 0.

    Examples
    --------
    >>> z, means, sds = standardize([[0.0, 1.0], [1.0, 1.0], [2.0, 1.0]])
    >>> z[:, 0].astype(float).round(4).tolist(), z[:, 1].tolist()  # the second variant is monomorphic
    ([-1.2247, 0.0, 1.2247], [0.0, 0.0, 0.0])
    >>> round(float(z[:, 0].mean()), 4), round(float(z[:, 0].std()), 4)
    (0.0, 1.0)
    >>> new, _, _ = standardize([[2.0, 1.0]], means, sds)  # a new person on the training scale
    >>> new.astype(float).round(4).tolist()
    [[1.2247, 0.0]]
    """
    x = np.asarray(dosages, dtype=np.float32)
    if np.isnan(x).any():
        raise ValueError("The 'dosages' parameter of standardize contains NaN; call impute_mean first.")
    means = x.mean(axis=0) if means is None else np.asarray(means, dtype=np.float32)
    sds = x.std(axis=0) if sds is None else np.asarray(sds, dtype=np.float32)
    safe = np.where(sds > 0, sds, 1.0)
    return ((x - means) / safe).astype(np.float32), means, sds
