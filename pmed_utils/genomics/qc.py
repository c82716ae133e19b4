"""Genotype quality control: call rates, allele frequencies, Hardy–Weinberg, heterozygosity, duplicates.

Calculation only (no plotting). Every statistic follows PLINK's definitions so
that it can be checked against PLINK 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import gammaln

from pmed_utils.genomics._checks import check_genotypes
from pmed_utils.validation import check_in_range, check_same_length

__all__ = [
    "call_rate_per_sample",
    "call_rate_per_variant",
    "allele_frequencies",
    "genotype_counts",
    "hwe_exact_pvalues",
    "heterozygosity_f",
    "find_duplicates",
    "QCResult",
    "quality_control",
    "impute_mean",
    "standardize",
]


def call_rate_per_sample(genotypes) -> np.ndarray:
    """Fraction of non-missing calls per sample, shape (n_samples,).

    Examples
    --------
    >>> call_rate_per_sample(np.array([[0, -1], [1, 2]], np.int8)).tolist()
    [0.5, 1.0]
    """
    g = check_genotypes(genotypes, "call_rate_per_sample")
    return (g >= 0).mean(axis=1)


def call_rate_per_variant(genotypes) -> np.ndarray:
    """Fraction of non-missing calls per variant, shape (n_variants,)."""
    g = check_genotypes(genotypes, "call_rate_per_variant")
    return (g >= 0).mean(axis=0)


def genotype_counts(genotypes) -> np.ndarray:
    """Counts of 0, 1 and 2 alternative alleles per variant, shape (n_variants, 3), missing excluded."""
    g = check_genotypes(genotypes, "genotype_counts")
    return np.stack([(g == k).sum(axis=0) for k in (0, 1, 2)], axis=1)


def allele_frequencies(genotypes) -> np.ndarray:
    """Alternative-allele frequency per variant among non-missing calls (NaN if all missing).

    Examples
    --------
    >>> allele_frequencies(np.array([[0, 2], [1, -1]], np.int8)).tolist()
    [0.25, 1.0]
    """
    counts = genotype_counts(genotypes)
    n = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (counts[:, 1] + 2 * counts[:, 2]) / (2 * n)


def _hwe_pvalue(n_het: int, n_hom_rare: int, n_hom_common: int) -> float:
    """Exact two-sided HWE p-value (Wigginton, Cutler & Abecasis 2005): sum of P(h) ≤ P(observed)."""
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
    obs_het = n_het if 2 * n_hom_rare + n_het <= n else n_het
    p_obs = logp[np.searchsorted(hets, obs_het)]
    probs = np.exp(logp)
    return float(min(1.0, probs[logp <= p_obs + 1e-7 * abs(p_obs) + 1e-12].sum()))


def hwe_exact_pvalues(genotypes) -> np.ndarray:
    """Hardy–Weinberg exact-test p-value per variant (Wigginton et al. 2005), as PLINK's ``--hardy``.

    Variants with identical genotype counts share one computation.

    Examples
    --------
    >>> g = np.array([[0] * 50 + [2] * 50], np.int8).T  # no heterozygotes at p = 0.5
    >>> bool(hwe_exact_pvalues(g)[0] < 1e-20)
    True
    """
    counts = genotype_counts(genotypes)
    unique, inverse = np.unique(counts, axis=0, return_inverse=True)
    pvals = np.array([_hwe_pvalue(int(c[1]), int(c[2]), int(c[0])) for c in unique])
    return pvals[inverse.reshape(-1)]


def heterozygosity_f(genotypes, frequencies=None) -> np.ndarray:
    """Inbreeding coefficient F per sample (PLINK ``--het``): 1 − observed/expected heterozygous calls.

    Strongly negative F suggests contamination; strongly positive F, inbreeding or poor quality.
    """
    g = check_genotypes(genotypes, "heterozygosity_f")
    p = allele_frequencies(g) if frequencies is None else np.asarray(frequencies)
    called = g >= 0
    expected = (called * (2 * p * (1 - p))[None, :]).sum(axis=1)
    observed = (g == 1).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1 - observed / expected


def find_duplicates(genotypes, ids, *, min_concordance: float = 0.98, n_variants: int = 2000,
                    random_state: int = 0) -> pd.DataFrame:
    """Pairs of samples whose genotypes agree at ≥ ``min_concordance`` of shared calls.

    Unrelated people agree at roughly half of the calls and siblings at about
    two thirds; duplicates (the same DNA genotyped twice) at nearly all.
    Candidate pairs are found on a random subset of variants, then confirmed on all.
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
    """Data kept after QC and a tidy report of what was removed and why."""

    genotypes: np.ndarray
    variants: pd.DataFrame
    samples: pd.DataFrame
    report: pd.DataFrame
    removed_samples: pd.DataFrame
    removed_variants: pd.DataFrame


def quality_control(genotypes, variants: pd.DataFrame, samples: pd.DataFrame, *, min_sample_call_rate: float = 0.95,
                    min_variant_call_rate: float = 0.95, min_maf: float = 0.01, hwe_p_min: float = 1e-6,
                    het_sd: float = 4.0, remove_duplicates: bool = True) -> QCResult:
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
    vcr = call_rate_per_variant(gs)
    rule = vcr < min_variant_call_rate
    report.append(("variants", "call rate", f"< {min_variant_call_rate:g}", int(rule.sum())))
    removed_v.append(pd.DataFrame({"id": variants["id"].to_numpy()[rule], "reason": "low call rate"}))
    keep_v &= ~rule
    freq = allele_frequencies(gs)
    maf = np.minimum(freq, 1 - freq)
    rule = keep_v & ~(maf >= min_maf)
    report.append(("variants", "minor-allele frequency", f"< {min_maf:g}", int(rule.sum())))
    removed_v.append(pd.DataFrame({"id": variants["id"].to_numpy()[rule], "reason": "rare"}))
    keep_v &= ~rule
    pops = samples["population"].to_numpy()[keep_s] if "population" in samples else np.zeros(gs.shape[0])
    largest = pd.Series(pops).value_counts().index[0]
    p_hwe = np.ones(g.shape[1])
    p_hwe[keep_v] = hwe_exact_pvalues(gs[pops == largest][:, keep_v])
    rule = keep_v & (p_hwe < hwe_p_min)
    report.append(("variants", f"Hardy–Weinberg (in {largest})", f"p < {hwe_p_min:g}", int(rule.sum())))
    removed_v.append(pd.DataFrame({"id": variants["id"].to_numpy()[rule], "reason": "Hardy–Weinberg"}))
    keep_v &= ~rule

    table = pd.DataFrame(report, columns=["what", "step", "rule", "removed"])
    table.loc[len(table)] = ("samples", "kept", "", int(keep_s.sum()))
    table.loc[len(table)] = ("variants", "kept", "", int(keep_v.sum()))
    return QCResult(g[np.ix_(keep_s, keep_v)], variants[keep_v].reset_index(drop=True),
                    samples[keep_s].reset_index(drop=True), table, pd.concat(removed_s, ignore_index=True),
                    pd.concat(removed_v, ignore_index=True))


def impute_mean(genotypes) -> np.ndarray:
    """Replace missing calls (-1) by the variant's mean dosage; returns float32.

    Examples
    --------
    >>> impute_mean(np.array([[0, -1], [2, 1]], np.int8)).tolist()
    [[0.0, 1.0], [2.0, 1.0]]
    """
    g = check_genotypes(genotypes, "impute_mean")
    x = g.astype(np.float32)
    x[g < 0] = np.nan
    means = np.nanmean(x, axis=0)
    rows, cols = np.nonzero(g < 0)
    x[rows, cols] = means[cols]
    return x


def standardize(dosages, means=None, sds=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The seed's z-score per variant: (x − mean) / sd; returns (z, means, sds).

    Pass the training set's ``means`` and ``sds`` to standardize validation or
    test people with the same scale (no leakage). Monomorphic variants get z = 0.
    """
    x = np.asarray(dosages, dtype=np.float32)
    if np.isnan(x).any():
        raise ValueError("The 'dosages' parameter of standardize contains NaN; call impute_mean first.")
    means = x.mean(axis=0) if means is None else np.asarray(means, dtype=np.float32)
    sds = x.std(axis=0) if sds is None else np.asarray(sds, dtype=np.float32)
    safe = np.where(sds > 0, sds, 1.0)
    return ((x - means) / safe).astype(np.float32), means, sds
