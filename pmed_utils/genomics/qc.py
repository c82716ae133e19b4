"""Genotype quality control: the filters, duplicate detection, and the QC step with its report.

:func:`quality_control` runs PLINK's usual order on a
:class:`~pmed_utils.genomics.dataset.GenotypeData`: samples first
(:func:`filter_samples`: call rate, duplicates, heterozygosity), then variants
(:func:`filter_variants`: call rate, minor-allele frequency, Hardy–Weinberg).
The statistics themselves live in :mod:`pmed_utils.genomics.stats`; mean
imputation and standardization in :mod:`pmed_utils.genomics.preprocessing`.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils.genomics._checks import check_genotypes
from pmed_utils.genomics.dataset import GenotypeData

# The no-warning forms of the statistics: QC reports degenerate variants in its table instead.
from pmed_utils.genomics.stats import (
    _frequencies,
    _heterozygosity_f,
    _hwe_from_counts,
    call_rate_per_sample,
    genotype_counts,
    variant_counts,
)
from pmed_utils.reproducibility import check_random_state
from pmed_utils.validation import Interval, check_same_length, validate_params

__all__ = ["QCResult", "filter_samples", "filter_variants", "find_duplicates", "quality_control"]

_RATE = [Interval(numbers.Real, 0, 1)]


@validate_params(
    {
        "genotypes": ["array-like"],
        "ids": ["array-like"],
        "min_concordance": [Interval(numbers.Real, 0, 1, closed="right")],
        "n_variants": [Interval(numbers.Integral, 1, None)],
        "random_state": ["random_state"],
    }
)
def find_duplicates(
    genotypes: ArrayLike,
    ids: ArrayLike,
    *,
    min_concordance: float = 0.98,
    n_variants: int = 1000,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Pairs of samples whose genotypes agree at ≥ ``min_concordance`` of their shared calls.

    Unrelated people agree at roughly half of the calls and siblings at about
    two thirds; duplicates (the same DNA genotyped twice) at nearly all.
    Candidate pairs are found on a random subset of ``n_variants`` variants,
    then confirmed on all.

    Parameters
    ----------
    genotypes : ndarray of int8, shape (n_samples, n_variants)
        0/1/2, -1 for missing.
    ids : array-like of str, shape (n_samples,)
        Sample ids, one per row of ``genotypes``.
    min_concordance : float in (0, 1], default 0.98
        Fraction of shared calls that must agree.
    n_variants : int, default 1000
        Variants used to find candidate pairs (candidates need ``min_concordance`` − 0.02
        there). On 1,000 variants an unrelated pair's concordance varies by about ±0.02
        around one half, far from a duplicate's.
    random_state : int, numpy.random.Generator or None
        Chooses the candidate variants (None: the package default seed).

    Returns
    -------
    DataFrame
        One row per pair: ``id_1``, ``id_2`` (the later row), ``concordance``
        (float) and ``shared_calls`` (int).

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
    rng = check_random_state(random_state, func="find_duplicates")
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
    for i, j in zip(*np.nonzero(np.triu(conc >= min_concordance - 0.02)), strict=True):
        both = (g[i] >= 0) & (g[j] >= 0)
        if not both.any():
            continue
        full = float((g[i][both] == g[j][both]).mean())
        if full >= min_concordance:
            rows.append({"id_1": ids[i], "id_2": ids[j], "concordance": full, "shared_calls": int(both.sum())})
    return pd.DataFrame(rows, columns=["id_1", "id_2", "concordance", "shared_calls"])


@dataclass
class QCResult:
    """Data kept by QC and a tidy report of what was removed and why.

    Returned by :func:`quality_control`, :func:`filter_samples` and
    :func:`filter_variants`.

    Attributes
    ----------
    data : GenotypeData
        The samples and variants kept (``genotypes``, ``variants`` and
        ``samples`` are shortcuts to its fields).
    report : DataFrame
        One row per step: ``what`` (samples/variants), ``step``, ``rule``,
        ``removed``; then one "kept" row each for samples and variants.
    removed_samples, removed_variants : DataFrame
        ``id`` and ``reason`` of every removed sample / variant.

    Examples
    --------
    See :func:`quality_control` for one made from toy genotypes; its fields:

    >>> from dataclasses import fields
    >>> [field.name for field in fields(QCResult)]
    ['data', 'report', 'removed_samples', 'removed_variants']
    """

    data: GenotypeData
    report: pd.DataFrame
    removed_samples: pd.DataFrame
    removed_variants: pd.DataFrame

    @property
    def genotypes(self) -> np.ndarray:
        """Kept genotypes, int8 (n_kept_samples, n_kept_variants)."""
        return self.data.genotypes

    @property
    def variants(self) -> pd.DataFrame:
        """Kept variants, one row per column of ``genotypes``."""
        return self.data.variants

    @property
    def samples(self) -> pd.DataFrame:
        """Kept samples, one row per row of ``genotypes``."""
        return self.data.samples


def _removed(ids: np.ndarray, mask: np.ndarray, reason: str) -> pd.DataFrame:
    return pd.DataFrame({"id": ids[mask], "reason": reason})


def _result(
    data: GenotypeData,
    keep_s: np.ndarray,
    keep_v: np.ndarray,
    rows: list[tuple],
    removed_s: list[pd.DataFrame],
    removed_v: list[pd.DataFrame],
) -> QCResult:
    table = pd.DataFrame(rows, columns=["what", "step", "rule", "removed"])
    table.loc[len(table)] = ("samples", "kept", "", int(keep_s.sum()))
    table.loc[len(table)] = ("variants", "kept", "", int(keep_v.sum()))
    empty = pd.DataFrame({"id": pd.Series(dtype=object), "reason": pd.Series(dtype=object)})
    return QCResult(
        data.select(samples=keep_s, variants=keep_v),
        table,
        pd.concat([empty, *removed_s], ignore_index=True),
        pd.concat([empty, *removed_v], ignore_index=True),
    )


@validate_params(
    {
        "data": [GenotypeData],
        "min_call_rate": _RATE,
        "het_sd": [Interval(numbers.Real, 0, None, closed="neither")],
        "remove_duplicates": ["boolean"],
        "min_concordance": [Interval(numbers.Real, 0, 1, closed="right")],
        "random_state": ["random_state"],
    }
)
def filter_samples(
    data: GenotypeData,
    *,
    min_call_rate: float = 0.95,
    het_sd: float = 4.0,
    remove_duplicates: bool = True,
    min_concordance: float = 0.98,
    random_state: int | np.random.Generator | None = None,
) -> QCResult:
    """Remove samples by call rate, then duplicates, then heterozygosity outliers.

    Parameters
    ----------
    data : GenotypeData
        Genotypes with their variant and sample tables.
    min_call_rate : float in [0, 1], default 0.95
        A sample with a smaller fraction of calls is removed.
    het_sd : float > 0, default 4.0
        A sample whose heterozygosity F lies more than ``het_sd`` standard
        deviations from the mean F is removed.
    remove_duplicates : bool, default True
        Remove the second sample of each pair found by :func:`find_duplicates`.
    min_concordance : float in (0, 1], default 0.98
        Passed to :func:`find_duplicates`.
    random_state : int, numpy.random.Generator or None
        Passed to :func:`find_duplicates`.

    Returns
    -------
    QCResult
        All variants, the kept samples, and the report of the three steps.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = rng.binomial(2, 0.3, (30, 40)).astype(np.int8)
    >>> g[3, :20] = -1  # half of the calls missing
    >>> variants = pd.DataFrame({"chrom": 1, "pos": np.arange(40), "id": [f"v{j}" for j in range(40)],
    ...                          "ref": "A", "alt": "G"})
    >>> data = GenotypeData(g, variants, pd.DataFrame({"id": [f"s{i}" for i in range(30)]}))
    >>> filter_samples(data).removed_samples
       id         reason
    0  s3  low call rate
    """
    g, _, samples = data
    ids = samples["id"].to_numpy()
    rows: list[tuple] = []
    removed: list[pd.DataFrame] = []
    keep = np.ones(g.shape[0], bool)
    with np.errstate(invalid="ignore"):
        low = ~(call_rate_per_sample(g) >= min_call_rate) if g.shape[1] else np.zeros(g.shape[0], bool)
    removed.append(_removed(ids, low, "low call rate"))
    rows.append(("samples", "call rate", f"< {min_call_rate:g}", int(low.sum())))
    keep &= ~low
    if remove_duplicates:
        dups = find_duplicates(g[keep], ids[keep], min_concordance=min_concordance, random_state=random_state)
        is_dup = keep & np.isin(ids, dups["id_2"].to_numpy())
        removed.append(_removed(ids, is_dup, "duplicate"))
        rows.append(("samples", "duplicates", f"concordance ≥ {min_concordance:g}", int(is_dup.sum())))
        keep &= ~is_dup
    f_all = np.full(g.shape[0], np.nan)
    kept = g[keep]
    f_all[keep] = _heterozygosity_f(kept, _frequencies(genotype_counts(kept)), 4096)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (f_all - np.nanmean(f_all)) / np.nanstd(f_all) if np.isfinite(f_all).any() else f_all
    het_out = keep & (np.abs(z) > het_sd)
    removed.append(_removed(ids, het_out, "heterozygosity outlier"))
    rows.append(("samples", "heterozygosity F", f"|z| > {het_sd:g}", int(het_out.sum())))
    keep &= ~het_out
    return _result(data, keep, np.ones(g.shape[1], bool), rows, removed, [])


@validate_params(
    {"data": [GenotypeData], "min_call_rate": _RATE, "min_maf": [Interval(numbers.Real, 0, 0.5)], "hwe_p_min": _RATE}
)
def filter_variants(
    data: GenotypeData, *, min_call_rate: float = 0.95, min_maf: float = 0.01, hwe_p_min: float = 1e-6
) -> QCResult:
    """Remove variants by call rate, then minor-allele frequency, then Hardy–Weinberg equilibrium.

    Hardy–Weinberg is tested in the largest population only (the
    ``population`` column of ``data.samples``, if there is one), since a
    mixture of populations departs from equilibrium by itself (the Wahlund
    effect). A variant without any call has call rate 0 and is removed first.

    Parameters
    ----------
    data : GenotypeData
        Genotypes with their variant and sample tables.
    min_call_rate : float in [0, 1], default 0.95
        A variant with a smaller fraction of calls is removed.
    min_maf : float in [0, 0.5], default 0.01
        A variant with a smaller minor-allele frequency is removed.
    hwe_p_min : float in [0, 1], default 1e-6
        A variant with an exact-test p-value below this is removed.

    Returns
    -------
    QCResult
        All samples, the kept variants, and the report of the three steps.

    Examples
    --------
    >>> g = np.array([[0, 0, 1], [0, 1, 1], [0, 2, -1], [0, 1, -1]], np.int8)
    >>> variants = pd.DataFrame({"chrom": 1, "pos": [1, 2, 3], "id": ["mono", "ok", "gappy"],
    ...                          "ref": "A", "alt": "G"})
    >>> data = GenotypeData(g, variants, pd.DataFrame({"id": ["a", "b", "c", "d"]}))
    >>> filter_variants(data).removed_variants
          id         reason
    0  gappy  low call rate
    1   mono           rare
    """
    g, variants, samples = data
    ids = variants["id"].to_numpy()
    n = g.shape[0]
    counts = variant_counts(g)
    rows: list[tuple] = []
    removed: list[pd.DataFrame] = []
    with np.errstate(invalid="ignore", divide="ignore"):
        call_rate = 1 - counts[:, 0] / n if n else np.full(g.shape[1], np.nan)
    keep = np.ones(g.shape[1], bool)
    rule = ~(call_rate >= min_call_rate)
    rows.append(("variants", "call rate", f"< {min_call_rate:g}", int(rule.sum())))
    removed.append(_removed(ids, rule, "low call rate"))
    keep &= ~rule
    freq = _frequencies(counts[:, 1:])
    maf = np.minimum(freq, 1 - freq)
    rule = keep & ~(maf >= min_maf)
    rows.append(("variants", "minor-allele frequency", f"< {min_maf:g}", int(rule.sum())))
    removed.append(_removed(ids, rule, "rare"))
    keep &= ~rule
    if "population" in samples and n:
        pops = samples["population"].to_numpy()
        largest = pd.Series(pops).value_counts().index[0]
        in_largest = pops == largest
        hwe_label = f"Hardy–Weinberg (in {largest})"
    else:  # one population assumed
        in_largest, hwe_label = np.ones(n, bool), "Hardy–Weinberg"
    p_hwe = np.ones(g.shape[1])
    if keep.any():
        sub = g[np.ix_(in_largest, np.flatnonzero(keep))]
        p_hwe[keep] = _hwe_from_counts(variant_counts(sub)[:, 1:], 2048)
    rule = keep & (p_hwe < hwe_p_min)
    rows.append(("variants", hwe_label, f"p < {hwe_p_min:g}", int(rule.sum())))
    removed.append(_removed(ids, rule, "Hardy–Weinberg"))
    keep &= ~rule
    return _result(data, np.ones(n, bool), keep, rows, [], removed)


@validate_params(
    {
        "data": [GenotypeData, "array-like"],
        "variants": ["dataframe", None],
        "samples": ["dataframe", None],
        "min_sample_call_rate": _RATE,
        "min_variant_call_rate": _RATE,
        "min_maf": [Interval(numbers.Real, 0, 0.5)],
        "hwe_p_min": _RATE,
        "het_sd": [Interval(numbers.Real, 0, None, closed="neither")],
        "remove_duplicates": ["boolean"],
        "random_state": ["random_state"],
    }
)
def quality_control(
    data: GenotypeData | ArrayLike,
    variants: pd.DataFrame | None = None,
    samples: pd.DataFrame | None = None,
    *,
    min_sample_call_rate: float = 0.95,
    min_variant_call_rate: float = 0.95,
    min_maf: float = 0.01,
    hwe_p_min: float = 1e-6,
    het_sd: float = 4.0,
    remove_duplicates: bool = True,
    random_state: int | np.random.Generator | None = None,
) -> QCResult:
    """Standard QC in PLINK's order: samples (:func:`filter_samples`), then variants (:func:`filter_variants`).

    Samples: call rate, duplicates, heterozygosity F. Variants, on the kept
    samples: call rate, minor-allele frequency, Hardy–Weinberg (in the largest
    population only, since a mixture of populations departs from HWE by
    itself — the Wahlund effect).

    Parameters
    ----------
    data : GenotypeData or ndarray of int8
        The dataset. The older call ``quality_control(genotypes, variants, samples)``
        (int8 matrix and the two tables) is also accepted.
    variants, samples : DataFrame, optional
        Only with a genotype matrix as ``data``.
    min_sample_call_rate, min_variant_call_rate : float in [0, 1], default 0.95
        Smallest fraction of calls a sample / variant must have.
    min_maf : float in [0, 0.5], default 0.01
        Smallest minor-allele frequency.
    hwe_p_min : float in [0, 1], default 1e-6
        Smallest Hardy–Weinberg exact-test p-value.
    het_sd : float > 0, default 4.0
        Largest |z| of a sample's heterozygosity F.
    remove_duplicates : bool, default True
        Remove one sample of each duplicate pair.
    random_state : int, numpy.random.Generator or None
        Chooses the variants used to find duplicate candidates.

    Returns
    -------
    QCResult
        ``data``: the kept dataset; ``report``: one row per step with the
        number removed and the rule; ``removed_samples``/``removed_variants``:
        who was removed and why.

    Raises
    ------
    ValueError
        Tables that do not match the genotypes, invalid genotype codes.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = rng.binomial(2, 0.3, (50, 20)).astype(np.int8)
    >>> g[:, 0] = 0  # a monomorphic variant
    >>> g[7, :10] = -1  # a person with half of the calls missing
    >>> samples = pd.DataFrame({"id": [f"s{i}" for i in range(50)], "population": "EUR"})
    >>> variants = pd.DataFrame({"chrom": 1, "pos": np.arange(20), "id": [f"v{j}" for j in range(20)],
    ...                          "ref": "A", "alt": "G"})
    >>> result = quality_control(GenotypeData(g, variants, samples))
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
    >>> result.data.n_samples, result.data.n_variants, result.genotypes.shape
    (49, 19, (49, 19))
    >>> result.removed_samples
       id         reason
    0  s7  low call rate
    >>> result.removed_variants
       id reason
    0  v0   rare
    """
    if isinstance(data, GenotypeData):
        if variants is not None or samples is not None:
            raise ValueError(
                "quality_control: 'data' is a GenotypeData, which holds the variant and sample "
                "tables; do not pass 'variants' or 'samples' as well."
            )
    else:
        if variants is None or samples is None:
            raise ValueError(
                "quality_control: with a genotype matrix as 'data', pass 'variants' and 'samples' "
                "too (or pass one GenotypeData)."
            )
        data = GenotypeData(check_genotypes(data, "quality_control", "data"), variants, samples)
    by_sample = filter_samples(
        data,
        min_call_rate=min_sample_call_rate,
        het_sd=het_sd,
        remove_duplicates=remove_duplicates,
        random_state=random_state,
    )
    by_variant = filter_variants(
        by_sample.data, min_call_rate=min_variant_call_rate, min_maf=min_maf, hwe_p_min=hwe_p_min
    )
    steps = pd.concat([by_sample.report.iloc[:-2], by_variant.report.iloc[:-2]], ignore_index=True)
    kept = pd.DataFrame(
        [("samples", "kept", "", by_variant.data.n_samples), ("variants", "kept", "", by_variant.data.n_variants)],
        columns=steps.columns,
    )
    return QCResult(
        by_variant.data,
        pd.concat([steps, kept], ignore_index=True),
        by_sample.removed_samples,
        by_variant.removed_variants,
    )
