"""Genomic summary statistics leak membership: the Homer et al. (2008) test.

A study that publishes the allele frequencies of its participants (the
"mixture") reveals who took part. For a person with genotype Y (allele
dosage / 2) at SNP j, compare the distance to a reference population's
frequency with the distance to the mixture's:

    D_j = |Y_j − Pop_j| − |Y_j − M_j|.

A member pulled the mixture frequencies towards their own genotype, so their
D_j are positive on average; a non-member's average zero. Over s SNPs,
T = mean(D) / (sd(D) / √s) is approximately standard normal for a non-member,
and its mean for a member grows like √s: with enough SNPs, one person is found
in a mixture of thousands. This is why NIH moved aggregate GWAS allele
frequencies behind controlled access in 2008.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from pmed_utils.genomics._checks import check_genotypes
from pmed_utils.privacy._auc import auc_estimate
from pmed_utils.reproducibility import check_random_state
from pmed_utils.validation import Interval, validate_params

__all__ = ["allele_frequencies_of", "homer_power", "homer_statistic"]


def _dosage(genotypes: ArrayLike, func: str, param: str = "genotypes") -> np.ndarray:
    g = check_genotypes(genotypes, func, param)
    y = g.astype(float) / 2
    y[g < 0] = np.nan
    return y


@validate_params({"genotypes": ["array-like"]})
def allele_frequencies_of(genotypes: ArrayLike) -> np.ndarray:
    """Alternative-allele frequency of each variant in a group (the published summary statistic).

    Parameters
    ----------
    genotypes : array-like of int8, shape (n_samples, n_variants)
        0/1/2 allele counts, -1 = missing (left out).

    Returns
    -------
    ndarray of float, shape (n_variants,)
        Frequencies in [0, 1]; NaN where every call is missing.

    Examples
    --------
    >>> allele_frequencies_of([[0, 2], [1, 2], [-1, 0]])
    array([0.25      , 0.66666667])
    """
    y = _dosage(genotypes, "allele_frequencies_of")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing column: NaN, as documented
        return np.nanmean(y, axis=0)


@validate_params(
    {"genotypes": ["array-like"], "mixture_frequencies": ["array-like"], "reference_frequencies": ["array-like"]}
)
def homer_statistic(
    genotypes: ArrayLike, mixture_frequencies: ArrayLike, reference_frequencies: ArrayLike
) -> pd.DataFrame:
    """Homer et al.'s (2008) T statistic for each person: is this genotype in the mixture?

    Parameters
    ----------
    genotypes : array-like of int8, shape (n_people, n_variants)
        The people to test, 0/1/2 (-1 missing: that SNP is skipped for them).
    mixture_frequencies : array-like of float, shape (n_variants,)
        Published allele frequencies of the study (the mixture), in [0, 1].
    reference_frequencies : array-like of float, shape (n_variants,)
        Allele frequencies of a reference sample of the same population.

    Notes
    -----
    The normal null assumes independent SNPs. SNPs in linkage disequilibrium
    make the D_j correlated and T's null spread wider than 1, so non-members
    are flagged too often: use SNPs far apart (or LD-pruned), or calibrate on
    known non-members.

    Returns
    -------
    DataFrame
        One row per person: ``T`` (mean D over SD(D)/√s), ``p`` (one-sided,
        standard normal: small = evidence of membership), ``n_snps`` used.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = rng.uniform(0.1, 0.9, 5000)
    >>> people = rng.binomial(2, f, (120, 5000)).astype(np.int8)
    >>> mixture, reference = people[:100], rng.binomial(2, f, (100, 5000)).astype(np.int8)
    >>> res = homer_statistic(people, allele_frequencies_of(mixture), allele_frequencies_of(reference))
    >>> t = res["T"]
    >>> bool(t[:100].mean() > 3 > t[100:].max())  # members stand out; no non-member reaches 3
    True
    """
    func = "homer_statistic"
    y = _dosage(genotypes, func)
    m = np.asarray(mixture_frequencies, dtype=float)
    pop = np.asarray(reference_frequencies, dtype=float)
    for arr, name in ((m, "mixture_frequencies"), (pop, "reference_frequencies")):
        if arr.ndim != 1 or len(arr) != y.shape[1]:
            raise ValueError(
                f"The '{name}' parameter of {func} must have one frequency per variant ({y.shape[1]}); got shape {arr.shape}."
            )
        finite = arr[np.isfinite(arr)]
        if finite.size and (finite.min() < 0 or finite.max() > 1):
            raise ValueError(
                f"The '{name}' parameter of {func} must hold frequencies in [0, 1]; got values in [{finite.min():g}, {finite.max():g}]."
            )
    d = np.abs(y - pop) - np.abs(y - m)
    d[:, ~(np.isfinite(m) & np.isfinite(pop))] = np.nan
    s = np.isfinite(d).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(d, axis=1) / s
        sd = np.sqrt(np.nansum((d - mean[:, None]) ** 2, axis=1) / (s - 1))
        t = mean / (sd / np.sqrt(s))
    return pd.DataFrame({"T": t, "p": stats.norm.sf(t), "n_snps": s})


@validate_params(
    {
        "members": ["array-like"],
        "nonmembers": ["array-like"],
        "reference": ["array-like"],
        "n_snps": ["array-like"],
        "alpha": [Interval(numbers.Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
    }
)
def homer_power(
    members: ArrayLike,
    nonmembers: ArrayLike,
    reference: ArrayLike,
    n_snps: ArrayLike,
    *,
    alpha: float = 0.01,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """How often the Homer test finds members (and falsely flags non-members) as SNPs are added.

    The mixture frequencies are those of ``members``; the reference
    frequencies come from ``reference`` (other people of the same
    population). For each number of SNPs, a random subset of the variants is
    used (the same nested order for every size).

    Parameters
    ----------
    members : array-like of int8, shape (n_members, n_variants)
        The study participants, whose allele frequencies are published.
    nonmembers : array-like of int8, shape (n_nonmembers, n_variants)
        People of the same population who are not in the study.
    reference : array-like of int8, shape (n_reference, n_variants)
        The reference sample (neither members nor the non-members tested).
    n_snps : array-like of int, shape (n_sizes,)
        Numbers of SNPs to try, each in [2, n_variants].
    alpha : float in (0, 1), default 0.01
        One-sided significance level: p < alpha calls a person a member.
    random_state : int, Generator or None, default None
        Seeds the order in which SNPs are added.

    Returns
    -------
    DataFrame
        One row per size: ``n_snps``, ``power`` (members called),
        ``false_positive_rate`` (non-members called), ``auc`` (T of members vs
        non-members), ``auc_low``, ``auc_high``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> f = rng.uniform(0.05, 0.95, 4000)
    >>> g = rng.binomial(2, f, (300, 4000)).astype(np.int8)
    >>> t = homer_power(g[:100], g[100:200], g[200:], [100, 4000], random_state=0)
    >>> bool(t.power.iloc[-1] > t.power.iloc[0]), bool(t.false_positive_rate.iloc[-1] < 0.1)
    (True, True)
    """
    func = "homer_power"
    gm = check_genotypes(members, func, "members")
    gn = check_genotypes(nonmembers, func, "nonmembers")
    gr = check_genotypes(reference, func, "reference")
    m = gm.shape[1]
    if gn.shape[1] != m or gr.shape[1] != m:
        raise ValueError(
            f"The 'members', 'nonmembers' and 'reference' parameters of {func} must have the same variants; "
            f"got {m}, {gn.shape[1]} and {gr.shape[1]} columns."
        )
    sizes = np.asarray(n_snps)
    if sizes.ndim != 1 or len(sizes) == 0 or not np.issubdtype(sizes.dtype, np.integer):
        raise ValueError(f"The 'n_snps' parameter of {func} must be a 1-D array of ints; got {n_snps!r}.")
    if sizes.min() < 2 or sizes.max() > m:
        raise ValueError(
            f"The 'n_snps' parameter of {func} must hold sizes in [2, {m}] (the number of variants); got {sizes.tolist()}."
        )
    rng = check_random_state(random_state, func=func)
    order = rng.permutation(m)
    mix, ref = allele_frequencies_of(gm), allele_frequencies_of(gr)
    is_member = np.r_[np.ones(len(gm), np.int8), np.zeros(len(gn), np.int8)]
    people = np.vstack([gm, gn])
    rows = []
    for k in sizes:
        cols = order[: int(k)]
        res = homer_statistic(people[:, cols], mix[cols], ref[cols])
        called = res.p.to_numpy() < alpha
        auc = auc_estimate(is_member, np.nan_to_num(res["T"].to_numpy(), nan=0.0))
        rows.append(
            {
                "n_snps": int(k),
                "power": float(called[is_member == 1].mean()),
                "false_positive_rate": float(called[is_member == 0].mean()),
                "auc": auc.value,
                "auc_low": auc.low,
                "auc_high": auc.high,
            }
        )
    return pd.DataFrame(rows)
