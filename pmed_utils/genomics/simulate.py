"""A realistic simulated cohort with known truth.

Genotypes come from msprime coalescent simulations under the published
Out-of-Africa demographic model of Gutenkunst et al. (2009) as implemented in
stdpopsim (``HomSap/OutOfAfrica_3G09``: YRI, CEU, CHB), on several segments of
different chromosomes with the human per-chromosome average recombination rate
(no genetic-map download). Disease follows the liability-threshold model with
known heritability and prevalence; the truth (causal variants, effects,
genetic values) is kept so that every estimate can be compared with it.
"""

from __future__ import annotations

import numbers
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from pmed_utils._cache import cached_call
from pmed_utils.genomics.dataset import GenotypeData
from pmed_utils.genomics.io import BED_MAGIC, bed_variant_bytes
from pmed_utils.reproducibility import check_random_state, derive_seed
from pmed_utils.validation import Interval, validate_params

__all__ = ["POPULATIONS", "Cohort", "CohortTruth", "SimulatedBed", "simulate_cohort", "write_simulated_bed"]

POPULATIONS = ("YRI", "CEU", "CHB")
#: Longest segment: every chromosome 1-22 has 20 Mb + this many bases (chromosome 21 has 46.7 Mb).
MAX_SEGMENT_LENGTH = 25_000_000


@dataclass
class CohortTruth:
    """What the simulation knows and an analysis must estimate.

    Attributes
    ----------
    causal_ids : ndarray of str, shape (n_causal,)
    causal_effects : ndarray of float, shape (n_causal,)
        Per-allele effects on the liability scale.
    genetic_value : ndarray of float, shape (n_samples,)
        Σ effect × genotype, centred within each population; its variance is ``h2``.
    environment, liability : ndarray of float, shape (n_samples,)
    threshold : float
        Liability threshold; disease = liability > threshold.
    h2, prevalence, env_variance : float
    low_call_rate_samples, duplicate_of : dict or list
        The documented messiness: ids of samples with many missing calls, and
        ``{duplicate id: original id}``.
    hwe_error_ids : ndarray of str
        Variants given systematic genotyping errors (heterozygotes called homozygous).
    missing_rate : float
        Probability that any call is missing.

    Examples
    --------
    >>> cohort = simulate_cohort(60, n_chromosomes=1, segment_length=1e5, n_causal=10, random_state=0)
    >>> truth = cohort.truth
    >>> truth.h2, truth.prevalence, round(truth.threshold, 4)  # threshold = Φ⁻¹(1 − prevalence)
    (0.5, 0.1, 1.2816)
    >>> len(truth.causal_ids), len(truth.causal_effects), round(float(truth.genetic_value.var()), 3)
    (10, 10, 0.5)
    >>> n = len(truth.liability)  # the simulated people, before the duplicated sample
    >>> bool(((truth.liability > truth.threshold) == cohort.samples["disease"][:n]).all())
    True
    >>> cohort.samples["id"].iloc[-1] in truth.duplicate_of, len(truth.low_call_rate_samples), len(truth.hwe_error_ids)
    (True, 3, 15)
    """

    causal_ids: np.ndarray
    causal_effects: np.ndarray
    genetic_value: np.ndarray
    environment: np.ndarray
    liability: np.ndarray
    threshold: float
    h2: float
    prevalence: float
    env_variance: float
    low_call_rate_samples: list[str] = field(default_factory=list)
    duplicate_of: dict[str, str] = field(default_factory=dict)
    hwe_error_ids: np.ndarray = field(default_factory=lambda: np.array([], dtype=str))
    missing_rate: float = 0.0


@dataclass(eq=False, repr=False)
class Cohort(GenotypeData):
    """A simulated :class:`~pmed_utils.genomics.dataset.GenotypeData` with its truth.

    It is a GenotypeData (so it unpacks as ``genotypes, variants, samples``,
    is accepted wherever a dataset is, and checks that its parts agree) with
    one more attribute, ``truth``.

    Attributes
    ----------
    genotypes : ndarray of int8, shape (n_samples, n_variants)
        Alternative-allele counts 0/1/2, -1 = missing call.
    variants : DataFrame
        chrom (int), pos (int), id (str), ref, alt; one row per column of ``genotypes``.
    samples : DataFrame
        id, population, sex (0 = female, 1 = male), age, bmi, smoking (0/1),
        disease (0/1), biomarker (float); one row per row of ``genotypes``.
    truth : CohortTruth
        What the simulation knows. Its per-person arrays cover the simulated
        people (the rows before the duplicated sample); ``select`` keeps it as is.

    Examples
    --------
    >>> cohort = simulate_cohort(60, n_chromosomes=1, segment_length=1e5, n_causal=10, random_state=0)
    >>> cohort.genotypes.dtype, cohort.genotypes.shape == (len(cohort.samples), len(cohort.variants))
    (dtype('int8'), True)
    >>> len(cohort.samples), int(cohort.genotypes.min())  # 60 people + 1 duplicated sample; -1 = missing
    (61, -1)
    >>> cohort.variants.columns.tolist()
    ['chrom', 'pos', 'id', 'ref', 'alt']
    >>> cohort.samples.columns.tolist()
    ['id', 'population', 'sex', 'age', 'bmi', 'smoking', 'disease', 'biomarker']
    >>> isinstance(cohort, GenotypeData), cohort
    (True, Cohort(61 samples × 548 variants))
    """

    truth: CohortTruth


def _check_fractions(population_fractions: dict[str, float] | None) -> dict[str, float]:
    if population_fractions is None:
        return {p: 1 / 3 for p in POPULATIONS}
    unknown = sorted(map(str, set(population_fractions) - set(POPULATIONS)))
    if unknown:
        raise ValueError(
            f"The 'population_fractions' parameter of simulate_cohort accepts the keys "
            f"{list(POPULATIONS)}; got {unknown}."
        )
    values = {}
    for p, f in population_fractions.items():
        ok = isinstance(f, (numbers.Real, np.floating)) and not isinstance(f, (bool, np.bool_))
        if not ok or not np.isfinite(f) or f < 0:
            raise ValueError(
                f"The 'population_fractions' parameter of simulate_cohort must map each "
                f"population to a share ≥ 0; got {p!r}: {f!r}."
            )
        values[p] = float(f)
    if abs(sum(values.values()) - 1) > 1e-6:
        raise ValueError(
            f"The 'population_fractions' parameter of simulate_cohort must sum to 1; "
            f"got {values} (sum {sum(values.values()):g})."
        )
    return values


def _simulate_segment(n_per_pop: dict[str, int], chrom: int, length: float, seed: int, min_maf: float):
    import stdpopsim

    species = stdpopsim.get_species("HomSap")
    model = species.get_demographic_model("OutOfAfrica_3G09")
    contig = species.get_contig(
        f"chr{chrom}", left=20_000_000, right=20_000_000 + length, mutation_rate=model.mutation_rate
    )
    ts = stdpopsim.get_engine("msprime").simulate(model, contig, samples=n_per_pop, seed=seed)
    n_hap = ts.num_samples
    # Derived-allele count of each biallelic site (one mutation), read off the tree at its
    # position. Arrays instead of tskit's Site objects: the same counts, several times faster.
    site_of_mutation = ts.tables.mutations.site
    node_of_mutation = ts.tables.mutations.node
    biallelic = np.bincount(site_of_mutation, minlength=ts.num_sites) == 1
    first_mutation = np.searchsorted(site_of_mutation, np.arange(ts.num_sites))
    tree_starts = np.searchsorted(ts.tables.sites.position, ts.breakpoints(as_array=True))
    counts = np.full(ts.num_sites, -1, dtype=np.int64)
    for tree in ts.trees():
        for site in range(tree_starts[tree.index], tree_starts[tree.index + 1]):
            if biallelic[site]:
                counts[site] = tree.num_samples(node_of_mutation[first_mutation[site]])
    freq = counts / n_hap
    keep = (counts >= 0) & (np.minimum(freq, 1 - freq) >= min_maf)
    ts = ts.delete_sites(np.flatnonzero(~keep))
    haplotypes = ts.genotype_matrix()  # (sites, haplotypes), consecutive haplotypes = one person
    genotypes = (haplotypes[:, 0::2] + haplotypes[:, 1::2]).astype(np.int8).T
    positions = ts.tables.sites.position.astype(np.int64)
    sample_pop = [ts.population(ts.node(u).population).metadata["name"] for u in ts.samples()[0::2]]
    return genotypes, positions, sample_pop


@validate_params(
    {
        "n_samples": [Interval(numbers.Integral, 30, None)],
        "population_fractions": ["mapping", None],
        "n_chromosomes": [Interval(numbers.Integral, 1, 22)],
        "segment_length": [Interval(numbers.Real, 1e3, MAX_SEGMENT_LENGTH)],
        "h2": [Interval(numbers.Real, 0, 1, closed="neither")],
        "prevalence": [Interval(numbers.Real, 0, 1, closed="neither")],
        "n_causal": [Interval(numbers.Integral, 1, None)],
        "env_variance": [Interval(numbers.Real, 0, 1, closed="left")],
        "min_maf": [Interval(numbers.Real, 0, 0.5, closed="left")],
        "add_messiness": ["boolean"],
        "random_state": ["random_state"],
        "cache": ["boolean"],
    }
)
def simulate_cohort(
    n_samples: int = 6000,
    *,
    population_fractions: dict[str, float] | None = None,
    n_chromosomes: int = 7,
    segment_length: float = 2e6,
    h2: float = 0.5,
    prevalence: float = 0.1,
    n_causal: int = 1000,
    env_variance: float = 0.1,
    min_maf: float = 0.005,
    add_messiness: bool = True,
    random_state: int | np.random.Generator | None = 0,
    cache: bool = False,
) -> Cohort:
    """Simulate a three-population cohort with a heritable disease and a biomarker.

    Parameters
    ----------
    n_samples : int ≥ 30, default 6000
        Number of people (diploid), split across YRI, CEU and CHB by
        ``population_fractions``.
    population_fractions : dict of str to float, or None, default None
        Share of each population, keys among ``POPULATIONS`` ("YRI", "CEU",
        "CHB"), values ≥ 0 summing to 1; None means one third each. A
        population whose share rounds to no one is left out.
    n_chromosomes : int in [1, 22], default 7
        Number of independent chromosome segments (chromosomes 1, 2, …).
    segment_length : float in [1e3, 2.5e7], default 2e6
        Length of each segment in base pairs (starting at 20 Mb on each chromosome).
    h2 : float in (0, 1), default 0.5
        Heritability of liability: var(genetic value) = h2 exactly in the cohort.
    prevalence : float in (0, 1), default 0.1
        Disease prevalence K: threshold = Φ⁻¹(1 − K) on a liability of variance 1.
    n_causal : int ≥ 1, default 1000
        Number of causal variants, drawn among the variants with MAF ≥ 1%. It is
        an error to ask for more than the simulation has (the message says how
        many there are and how to get more).
    env_variance : float in [0, 1 − h2), default 0.1
        Liability variance explained by BMI and smoking; the rest, 1 − h2 −
        env_variance, is noise.
    min_maf : float in [0, 0.5), default 0.005
        Rarer variants are dropped when simulating (real arrays miss them too).
    add_messiness : bool, default True
        Add what a cleaning chapter needs: 0.5% missing calls, three samples
        with 20–30% missing calls, 15 variants whose heterozygotes are often
        miscalled as homozygous (breaking Hardy–Weinberg), and one duplicated sample.
    random_state : int, Generator or None, default 0
        Drives every random step; the msprime seed of each segment comes from
        :func:`~pmed_utils.reproducibility.derive_seed`, so the same value gives
        the same cohort.
    cache : bool, default False
        Keep the cohort in ``<data folder>/cache`` (see
        :func:`~pmed_utils.datasets.get_data_home`) and read it back when called
        again with the same arguments, by the same pmed code and library versions;
        otherwise it is simulated afresh and the entry replaced. A full-size
        cohort (6,000 people, 7 segments of 2 Mb) takes half a minute to simulate
        and 400 MB on disk. Only an int or None ``random_state`` is cached (a
        Generator's state is not a key).

    Returns
    -------
    Cohort
        A GenotypeData (int8 genotypes of shape (n_samples + 1 with messiness,
        n_variants), variants, samples) with the :class:`CohortTruth`.

    Raises
    ------
    ValueError
        For parameters outside the ranges above, population fractions that do
        not sum to 1, or ``n_causal`` larger than the number of variants with
        MAF ≥ 1% in the simulated segments.

    Examples
    --------
    >>> c = simulate_cohort(150, n_chromosomes=1, segment_length=2e5, n_causal=20, random_state=1)
    >>> c.genotypes.dtype, c.genotypes.shape[0]
    (dtype('int8'), 151)
    >>> sorted(c.samples.population.unique())
    ['CEU', 'CHB', 'YRI']
    """
    if env_variance >= 1 - h2:
        raise ValueError(
            f"The 'env_variance' parameter of simulate_cohort must be in [0, 1 - h2) = "
            f"[0, {1 - h2:g}) so that some variance is left for noise; got {env_variance!r}."
        )
    fractions = _check_fractions(population_fractions)
    if cache and not isinstance(random_state, np.random.Generator):
        arguments: dict[str, Any] = {
            "n_samples": int(n_samples),
            "population_fractions": fractions,
            "n_chromosomes": int(n_chromosomes),
            "segment_length": float(segment_length),
            "h2": float(h2),
            "prevalence": float(prevalence),
            "n_causal": int(n_causal),
            "env_variance": float(env_variance),
            "min_maf": float(min_maf),
            "add_messiness": bool(add_messiness),
            "random_state": None if random_state is None else int(random_state),
        }
        return cached_call("simulate_cohort", arguments, lambda: simulate_cohort(**arguments))
    rng = check_random_state(random_state, func="simulate_cohort")
    n_per_pop = {p: round(n_samples * f) for p, f in fractions.items()}
    n_per_pop[max(n_per_pop, key=lambda p: n_per_pop[p])] += n_samples - sum(n_per_pop.values())
    n_per_pop = {p: k for p, k in n_per_pop.items() if k > 0}

    blocks: list[np.ndarray] = []
    variant_rows: list[pd.DataFrame] = []
    sample_pop: list[str] = []
    for chrom in range(1, int(n_chromosomes) + 1):
        g, pos, pops = _simulate_segment(n_per_pop, chrom, segment_length, derive_seed(rng), min_maf)
        blocks.append(g)
        sample_pop = sample_pop or pops  # the same people, in the same order, on every segment
        variant_rows.append(pd.DataFrame({"chrom": chrom, "pos": pos}))
    genotypes = np.concatenate(blocks, axis=1)
    variants = pd.concat(variant_rows, ignore_index=True)
    variants = variants.drop_duplicates(["chrom", "pos"]).reset_index()
    genotypes = np.take(genotypes, variants.pop("index").to_numpy(), axis=1)
    variants["id"] = [f"rs_sim{c}_{p}" for c, p in zip(variants.chrom, variants.pos, strict=True)]
    bases = np.array(list("ACGT"))
    ref = rng.integers(0, 4, len(variants))
    variants["ref"] = bases[ref]
    variants["alt"] = bases[(ref + rng.integers(1, 4, len(variants))) % 4]
    n, m = genotypes.shape

    # --- the trait: liability-threshold model with known h2 and prevalence ---------------
    freq = genotypes.mean(axis=0) / 2
    maf = np.minimum(freq, 1 - freq)
    eligible = np.flatnonzero(maf >= 0.01)
    if n_causal > eligible.size:
        raise ValueError(
            f"The 'n_causal' parameter of simulate_cohort asks for {n_causal} causal variants but the "
            f"simulation has only {eligible.size} variants with MAF ≥ 1% (of {m}, on {n_chromosomes} segment(s) "
            f"of {segment_length:g} bp); lower n_causal or simulate more genome (n_chromosomes, segment_length)."
        )
    causal = np.sort(rng.choice(eligible, n_causal, replace=False))
    g_std = (genotypes[:, causal] - 2 * freq[causal]) / np.sqrt(2 * freq[causal] * (1 - freq[causal]))
    beta_std = rng.normal(size=n_causal)
    genetic = g_std @ beta_std
    # Neutral drift alone gives each population a different mean genetic value and so
    # very different disease rates; real between-population differences in risk are
    # mostly environmental, so we centre the genetic value within each population
    # (every population then has prevalence close to K and heritability h2).
    pop_array = np.array(sample_pop)
    pop_means = {p: genetic[pop_array == p].mean() for p in set(sample_pop)}
    genetic = genetic - np.array([pop_means[p] for p in sample_pop])
    scale = np.sqrt(h2) / genetic.std()
    genetic = genetic * scale
    effects = beta_std * scale / np.sqrt(2 * freq[causal] * (1 - freq[causal]))  # per allele

    sex = rng.integers(0, 2, n)
    age = np.clip(rng.normal(55, 10, n), 30, 85).round(1)
    bmi = np.clip(rng.normal(26.5 + 0.8 * (np.array(sample_pop) == "YRI"), 4.5, n), 16, 50).round(1)
    smoking = np.asarray(rng.random(n) < 0.22).astype(np.int8)
    env = 0.6 * (bmi - bmi.mean()) / bmi.std() + 0.8 * (smoking - smoking.mean()) / smoking.std()
    env = env / env.std() * np.sqrt(env_variance) if env_variance > 0 else np.zeros(n)
    noise = rng.normal(0, np.sqrt(1 - h2 - env_variance), n)
    liability = genetic + env + noise
    threshold = float(stats.norm.ppf(1 - prevalence))
    disease = (liability > threshold).astype(np.int8)
    biomarker = 5.0 + genetic + rng.normal(0, np.sqrt(1 - h2), n)  # same genetic architecture, h2 = h2

    ids = [f"{p}_{i:05d}" for i, p in enumerate(sample_pop)]
    samples = pd.DataFrame(
        {
            "id": ids,
            "population": sample_pop,
            "sex": sex,
            "age": age,
            "bmi": bmi,
            "smoking": smoking,
            "disease": disease,
            "biomarker": biomarker.round(3),
        }
    )
    truth = CohortTruth(
        variants["id"].to_numpy()[causal],
        effects,
        genetic,
        env,
        liability,
        threshold,
        float(h2),
        float(prevalence),
        float(env_variance),
    )

    if add_messiness:  # genotypes is this function's own array (np.take copied it): edit in place
        missing_rate = 0.005
        genotypes[rng.random(genotypes.shape) < missing_rate] = -1
        low = rng.choice(n, 3, replace=False)
        for i, rate in zip(low, (0.2, 0.25, 0.3), strict=True):
            genotypes[i, rng.random(m) < rate] = -1
        common = np.setdiff1d(np.flatnonzero(maf >= 0.1), causal)
        bad = rng.choice(common, min(15, common.size), replace=False)
        for j in bad:  # heterozygotes miscalled as homozygous: an excess of homozygotes
            het = np.flatnonzero(genotypes[:, j] == 1)
            flip = het[rng.random(het.size) < 0.6]
            genotypes[flip, j] = rng.choice(np.array([0, 2], dtype=np.int8), flip.size)
        original = int(rng.integers(n))
        copy = genotypes[original].copy()
        discordant = rng.random(m) < 0.002  # a re-genotyped sample differs at a few calls
        copy[discordant & (copy >= 0)] = rng.integers(0, 3, int((discordant & (copy >= 0)).sum()))
        genotypes = np.vstack([genotypes, copy[None, :]])
        dup = samples.iloc[[original]].copy()
        dup["id"] = f"{ids[original]}_dup"
        samples = pd.concat([samples, dup], ignore_index=True)
        truth.low_call_rate_samples = [ids[i] for i in low]
        truth.duplicate_of = {f"{ids[original]}_dup": ids[original]}
        truth.hwe_error_ids = variants["id"].to_numpy()[bad]
        truth.missing_rate = missing_rate
    return Cohort(genotypes.astype(np.int8, copy=False), variants, samples, truth)


@dataclass
class SimulatedBed:
    """A simulated cohort written to disk by :func:`write_simulated_bed`, with its truth.

    Attributes
    ----------
    prefix : Path
        ``prefix.bed/.bim/.fam`` hold the genotypes.
    samples : DataFrame
        id, sex (0/1), age, phenotype (quantitative): one row per person, in .fam order.
    causal : DataFrame
        index (column of the .bed), id, effect (per standardized genotype).
    h2 : float
        Share of the phenotype's variance from the causal variants.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sim = write_simulated_bed(Path(tmp) / "c", 50, 20, n_causal=2, random_state=0)
    ...     sorted(p.suffix for p in Path(tmp).iterdir())
    ['.bed', '.bim', '.fam']
    >>> sim.causal.columns.tolist(), sim.h2
    (['index', 'id', 'effect'], 0.3)
    """

    prefix: Path
    samples: pd.DataFrame
    causal: pd.DataFrame
    h2: float


@validate_params(
    {
        "prefix": ["path"],
        "n_samples": [Interval(numbers.Integral, 2, None)],
        "n_variants": [Interval(numbers.Integral, 1, None)],
        "n_causal": [Interval(numbers.Integral, 0, None)],
        "h2": [Interval(numbers.Real, 0, 1, closed="left")],
        "chunk_variants": [Interval(numbers.Integral, 1, None)],
        "random_state": ["random_state"],
    }
)
def write_simulated_bed(
    prefix: str | os.PathLike,
    n_samples: int,
    n_variants: int,
    *,
    n_causal: int = 100,
    h2: float = 0.3,
    chunk_variants: int = 10_000,
    random_state: int | np.random.Generator | None = None,
) -> SimulatedBed:
    """Write a cohort too large for memory to ``prefix.bed``, a chunk of variants at a time.

    For scaling studies, not population genetics: variants are independent
    (no linkage disequilibrium, one population), with alternative-allele
    frequencies drawn uniformly from [0.05, 0.5] and Hardy–Weinberg genotypes.
    The phenotype is ``Σ effect × standardized genotype`` over ``n_causal``
    random variants, plus sex and age effects and Gaussian noise, so that the
    causal variants explain ``h2`` of the variance not due to the covariates.
    Memory use is one chunk of ``n_samples × chunk_variants`` genotypes.

    Parameters
    ----------
    prefix : str or os.PathLike
        Path of the .bed/.bim/.fam without suffix (folders must exist).
    n_samples, n_variants : int
        People and variants.
    n_causal : int, default 100
        Causal variants (at most ``n_variants``).
    h2 : float in [0, 1), default 0.3
        Variance share of the causal variants.
    chunk_variants : int, default 10_000
        Variants generated and written at a time.
    random_state : int, Generator or None
        Seed; the same seed and ``chunk_variants`` write the same files.

    Returns
    -------
    SimulatedBed
        The prefix, the samples table (with the phenotype and covariates) and
        the causal variants with their effects.

    Examples
    --------
    >>> import tempfile
    >>> from pmed_utils.genomics.io import read_plink
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sim = write_simulated_bed(Path(tmp) / "big", 200, 1_000, n_causal=5, chunk_variants=300, random_state=0)
    ...     data = read_plink(sim.prefix)
    >>> data.genotypes.shape, sim.samples.columns.tolist(), len(sim.causal)
    ((200, 1000), ['id', 'sex', 'age', 'phenotype'], 5)
    """
    func = "write_simulated_bed"
    if n_causal > n_variants:
        raise ValueError(
            f"The 'n_causal' parameter of {func} must be at most n_variants ({n_variants}); got {n_causal}."
        )
    rng = check_random_state(random_state, func=func)
    prefix = Path(prefix)
    frequencies = rng.uniform(0.05, 0.5, n_variants)
    causal = np.sort(rng.choice(n_variants, n_causal, replace=False))
    effects = rng.normal(0, 1, n_causal)
    sex = rng.integers(0, 2, n_samples)
    age = np.round(rng.uniform(40, 70, n_samples), 1)
    ids = [f"id{i:07d}" for i in range(n_samples)]
    variant_ids = [f"v{j:07d}" for j in range(n_variants)]
    genetic = np.zeros(n_samples)
    with open(prefix.with_suffix(".bed"), "wb") as bed:
        bed.write(BED_MAGIC)
        for start in range(0, n_variants, chunk_variants):
            stop = min(start + chunk_variants, n_variants)
            p = frequencies[start:stop].astype(np.float32)
            block = (rng.random((n_samples, stop - start), dtype=np.float32) < p).view(np.int8)
            block += rng.random((n_samples, stop - start), dtype=np.float32) < p
            here = (causal >= start) & (causal < stop)
            if here.any():
                cols = causal[here] - start
                standardized = (block[:, cols] - 2 * p[cols]) / np.sqrt(2 * p[cols] * (1 - p[cols]))
                genetic += standardized @ effects[here]
            bed.write(bed_variant_bytes(block))
    pd.DataFrame(
        {"chrom": 1, "id": variant_ids, "cm": 0, "pos": np.arange(1, n_variants + 1) * 100, "a1": "G", "a2": "A"}
    ).to_csv(prefix.with_suffix(".bim"), sep="\t", header=False, index=False)
    pd.DataFrame(
        {"fid": ids, "iid": ids, "father": 0, "mother": 0, "sex": np.where(sex == 1, 1, 2), "pheno": -9}
    ).to_csv(prefix.with_suffix(".fam"), sep=" ", header=False, index=False)
    if n_causal and genetic.std() > 0:
        genetic = (genetic - genetic.mean()) / genetic.std() * np.sqrt(h2)
    noise = rng.normal(0, np.sqrt(1 - h2), n_samples)
    phenotype = genetic + noise + 0.3 * sex + 0.02 * (age - 55)
    samples = pd.DataFrame({"id": ids, "sex": sex, "age": age, "phenotype": phenotype})
    causal_table = pd.DataFrame({"index": causal, "id": np.asarray(variant_ids)[causal], "effect": effects})
    return SimulatedBed(prefix, samples, causal_table, float(h2))
