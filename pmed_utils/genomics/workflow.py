"""The analysis-ready cohort that the GWAS and polygenic-score chapters start from.

Each chapter runs on its own, so the steps of the earlier chapters — simulate,
clean, split people, compute principal components on training people — are
collected here rather than copied into every notebook.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmed_utils.genomics.dataset import GenotypeData
from pmed_utils.genomics.qc import QCResult, quality_control
from pmed_utils.genomics.simulate import Cohort, simulate_cohort
from pmed_utils.genomics.structure import GenotypePCA, genotype_pca, ld_prune
from pmed_utils.reproducibility import derive_seed
from pmed_utils.splits import split_by_individual
from pmed_utils.validation import Interval, validate_params

__all__ = ["AnalysisCohort", "prepare_cohort"]


@dataclass
class AnalysisCohort:
    """A simulated cohort after QC, split by individual, with ancestry PCs.

    Attributes
    ----------
    cohort : Cohort
        The raw simulation and its truth (rows of ``cohort.samples`` before QC).
    qc : QCResult
        What QC kept and removed.
    genotypes, variants, samples
        The data kept by QC (int8 genotypes, one row of ``samples`` per row of genotypes).
    split : dict of str to ndarray
        Row indices of ``genotypes`` for "train", "validation" and "test".
    pca : GenotypePCA
        Fitted on LD-pruned variants of training people only.
    pcs : ndarray, shape (n_people, n_pcs)
        Everyone projected on the training PCs.
    covariates : ndarray, shape (n_people, 2 + n_pcs)
        sex, age and the PCs: the GWAS covariates.
    liability, genetic_value : ndarray, shape (n_people,)
        The truth for the people kept by QC.

    Examples
    --------
    >>> data = prepare_cohort(300, n_chromosomes=1, segment_length=300_000, n_causal=50, random_state=1)
    >>> n = len(data.samples)
    >>> data.genotypes.shape == (n, len(data.variants)), data.pcs.shape == (n, 4), data.covariates.shape == (n, 6)
    (True, True, True)
    >>> sorted(np.concatenate(list(data.split.values())).tolist()) == list(range(n))  # each person in one part
    True
    >>> next(iter(data.cohort.truth.duplicate_of)) in set(data.qc.removed_samples["id"])
    True
    >>> bool(((data.liability > data.cohort.truth.threshold) == data.samples["disease"]).all())  # truth aligned
    True
    """

    cohort: Cohort
    qc: QCResult
    genotypes: np.ndarray
    variants: pd.DataFrame
    samples: pd.DataFrame
    split: dict[str, np.ndarray]
    pca: GenotypePCA
    pcs: np.ndarray
    covariates: np.ndarray
    liability: np.ndarray
    genetic_value: np.ndarray


@validate_params(
    {
        "n_samples": [Interval(numbers.Integral, 1, None)],
        "n_chromosomes": [Interval(numbers.Integral, 1, None)],
        "segment_length": [Interval(numbers.Real, 0, None, closed="neither")],
        "h2": [Interval(numbers.Real, 0, 1, closed="neither")],
        "prevalence": [Interval(numbers.Real, 0, 1, closed="neither")],
        "n_causal": [Interval(numbers.Integral, 1, None)],
        "n_pcs": [Interval(numbers.Integral, 1, None)],
        "random_state": ["random_state"],
        "cache": ["boolean"],
    }
)
def prepare_cohort(
    n_samples: int = 6000,
    *,
    n_chromosomes: int = 7,
    segment_length: float = 2_000_000,
    h2: float = 0.5,
    prevalence: float = 0.1,
    n_causal: int = 1000,
    n_pcs: int = 4,
    random_state: int | np.random.Generator | None = 42,
    cache: bool = False,
) -> AnalysisCohort:
    """Simulate, clean, split by person and compute ancestry PCs on the training people.

    The steps: :func:`~pmed_utils.genomics.simulate.simulate_cohort`,
    :func:`~pmed_utils.genomics.qc.quality_control`, a 60/20/20 split by
    person stratified by disease, :func:`~pmed_utils.genomics.structure.ld_prune`
    and :func:`~pmed_utils.genomics.structure.genotype_pca` on the training
    people, then everyone projected on their PCs.

    Parameters
    ----------
    n_samples : int, default 6000
        People to simulate (at least 30).
    n_chromosomes : int, default 7
        Independent chromosome segments.
    segment_length : float, default 2_000_000
        Base pairs per segment.
    h2 : float in (0, 1), default 0.5
        Heritability of liability.
    prevalence : float in (0, 1), default 0.1
        Disease prevalence.
    n_causal : int, default 1000
        Causal variants.
    n_pcs : int, default 4
        Principal components in the covariates.
    random_state : int, numpy.random.Generator or None, default 42
        Drives the simulation, QC's duplicate search, the split and the PCA.
    cache : bool, default False
        Passed to :func:`~pmed_utils.genomics.simulate.simulate_cohort`: read the
        simulated cohort from the cache when the same one was simulated before
        (QC, split and PCA are always computed).

    Returns
    -------
    AnalysisCohort
        The cohort after QC with split, PCs, covariates and aligned truth.

    Examples
    --------
    >>> data = prepare_cohort(300, n_chromosomes=1, segment_length=300_000, n_causal=50, random_state=1)
    >>> sorted(data.split), data.covariates.shape[1]
    (['test', 'train', 'validation'], 6)
    """
    # An int seeds every step (the chapters' numbers); a Generator or None gives one derived int seed.
    seed = int(random_state) if isinstance(random_state, (int, np.integer)) else derive_seed(random_state)
    cohort = simulate_cohort(
        n_samples,
        n_chromosomes=n_chromosomes,
        segment_length=segment_length,
        h2=h2,
        prevalence=prevalence,
        n_causal=n_causal,
        random_state=seed,
        cache=cache,
    )
    qc = quality_control(GenotypeData(cohort.genotypes, cohort.variants, cohort.samples), random_state=seed)
    g, variants, samples = qc.data
    split = split_by_individual(len(samples), stratify=samples["disease"], random_state=seed)
    train = split["train"]
    pruned = ld_prune(g[train], variants, r2_max=0.2)
    pca = genotype_pca(g[train][:, pruned], n_components=n_pcs, random_state=seed)
    pcs = pca.transform(g[:, pruned])
    covariates = np.column_stack([samples[["sex", "age"]].to_numpy(float), pcs])
    # Truth has one entry per simulated person (a duplicated sample shares its original's);
    # QC removed some rows, so align by id.
    n_people = len(cohort.truth.liability)
    row_of = pd.Series(np.arange(n_people), index=cohort.samples["id"].to_numpy()[:n_people])
    rows = row_of.loc[samples["id"].replace(cohort.truth.duplicate_of)].to_numpy()
    return AnalysisCohort(
        cohort,
        qc,
        g,
        variants,
        samples,
        split,
        pca,
        pcs,
        covariates,
        cohort.truth.liability[rows],
        cohort.truth.genetic_value[rows],
    )
