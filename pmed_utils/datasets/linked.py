"""A linked cohort: each simulated person has genotypes, an environment and a real medical image.

:func:`make_linked_cohort` simulates people with
:func:`~pmed_utils.genomics.workflow.prepare_cohort` (genotypes, QC, a
60/20/20 split by person, ancestry PCs; disease by the liability-threshold
model) and gives each of them a real MedMNIST 28×28 image **drawn from the
image class that matches their disease status** (a case gets a pneumonia or
malignant image, a control a normal one), **from the same split**: training
people get images of MedMNIST's training split, validation people of its
validation split, test people of its test split. No image ever serves people
of two splits; within a split an image may serve several people when the pool
of that class is smaller than the people who need it (counted in
``image_reuse``).

What the construction implies
-----------------------------
The image depends on the genotype and the environment **only through the
disease status**: given D, the image is a draw from the class pool, whatever
the person's genotype. So, with G the genomic data (PRS, environment) and I the
image,

    logit P(D | G, I) = logit P(D | G) + logit P(D | I) − logit π,

where π is the prevalence under which P(D | I) was learned (the *prior
correction*: without it the prior odds would be counted twice). Adding the
two modalities' **calibrated** log-odds with that correction is therefore the
optimal fusion of those two scores
(:func:`pmed_utils.models.fusion.optimal_log_odds_combination`); every
learned fusion can at best reach it. Real modalities are rarely independent
given the disease (a retinal image shows age; a chest X-ray shows smoking),
so in real data the sum is a baseline, not a ceiling.

Class balance
-------------
The cohort's prevalence (``prevalence``, 0.2 by default) differs from the
image pools' (PneumoniaMNIST's training split is 74% pneumonia, BreastMNIST's
27% malignant). Images are drawn per class, so the people decide how many
images of each class are used, never the pools: a classifier trained on the
linked training people sees the cohort's prevalence. ``prevalence_table``
shows both, and the image model's prior π is the training people's
prevalence, not the pool's.

API
---
``make_linked_cohort(n_people=3000, *, image_dataset="pneumoniamnist",
prevalence=0.2, h2=0.5, n_chromosomes=3, segment_length=5e5, n_causal=200,
random_state=0) -> LinkedCohort`` with

- ``people``: one row per person (the rows of ``images`` and of
  ``genotypes``): person_id, population, sex, age, bmi, smoking, disease,
  split ("train" / "validation" / "test"), image_index (row in the MedMNIST
  split ``split``), image_label, prs (standardized on the training people),
  pc1…pc4, and the truth: genetic_value, environment, liability.
- ``images``: float32, shape (n_people, 28, 28, 1), in [0, 1].
- ``genotypes``: the :class:`~pmed_utils.genomics.dataset.GenotypeData` after QC.
- ``image_reuse``: one row per (split, disease): people, pool_images,
  distinct_images, max_uses, mean_uses.
- ``prevalence_table``: per split, the cohort's and the image pool's prevalence.
- ``index(split)``: row indices of a split; ``truth_risk()``: P(D | genetic
  value, environment), the simulation's ceiling for the genomic data.

Everything here is simulated except the images (real, CC BY 4.0, MedMNIST v2);
no person in the cohort is real.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from pmed_utils.datasets.medmnist import DatasetCard, load_medmnist
from pmed_utils.genomics.dataset import GenotypeData
from pmed_utils.genomics.gwas import gwas_linear
from pmed_utils.genomics.prs import clump_and_threshold, polygenic_score
from pmed_utils.genomics.workflow import prepare_cohort
from pmed_utils.reproducibility import check_random_state, derive_seed
from pmed_utils.validation import Interval, Options, validate_params

__all__ = ["IMAGE_DATASETS", "SPLITS", "LinkedCohort", "make_linked_cohort"]

#: The image datasets a linked cohort can use (both ship with pmed).
IMAGE_DATASETS = ("pneumoniamnist", "breastmnist")
#: The cohort's split names, in order; MedMNIST calls the middle one "val".
SPLITS = ("train", "validation", "test")
_MEDMNIST_SPLIT = {"train": "train", "validation": "val", "test": "test"}
_THRESHOLDS = (5e-8, 1e-6, 1e-4, 1e-3, 1e-2, 0.05)
_P_MAX = 0.05


@dataclass(eq=False)
class LinkedCohort:
    """Simulated people, each linked to a real MedMNIST image of their disease class.

    Attributes
    ----------
    people : DataFrame
        One row per person, aligned with ``images`` and ``genotypes``:
        person_id (str), population, sex (0/1), age, bmi, smoking (0/1),
        disease (0/1), split ("train", "validation", "test"), image_index
        (int, row of the image in MedMNIST's split of the same name),
        image_label (0/1, equal to disease), prs (float, standardized with
        the training people's mean and SD; weights learned on training
        people only), pc1…pc4 (ancestry PCs fitted on training people), and
        the simulation's truth: genetic_value, environment, liability.
    images : ndarray of float32, shape (n_people, 28, 28, 1)
        Each person's image, in [0, 1].
    genotypes : GenotypeData
        int8 genotypes after QC, one row per person.
    image_reuse : DataFrame
        One row per (split, disease): people, pool_images (images of that
        class in that split), distinct_images (used), max_uses, mean_uses
        (people per image used).
    prevalence_table : DataFrame
        Per split: people, cases, cohort_prevalence, pool_images,
        pool_prevalence (share of the lesion class in the image pool).
    image_dataset : str
    image_card : DatasetCard
        The MedMNIST card (licence, citation, class names).
    threshold, h2, env_variance : float
        The liability model: disease = liability > threshold; var(genetic
        value) = h2; var(environment) = env_variance; the rest is noise.
    prevalence : float
        The prevalence asked for (the population value).
    prs_weights : ndarray of float, shape (n_variants,)
        Per-allele weights of the PRS (C+T on a training-people GWAS of the
        biomarker among the variants with p < 0.05, threshold chosen on validation people).
    prs_center, prs_scale : float
        Training mean and SD of the raw score (``prs`` = (raw − center) / scale).

    Examples
    --------
    >>> linked = make_linked_cohort(300, n_chromosomes=1, segment_length=2e5, n_causal=30, random_state=0)
    >>> linked.images.shape[1:], linked.images.dtype, len(linked.people) == len(linked.images)
    ((28, 28, 1), dtype('float32'), True)
    >>> bool((linked.people["image_label"] == linked.people["disease"]).all())
    True
    >>> sorted(linked.people["split"].unique())
    ['test', 'train', 'validation']
    >>> linked.image_reuse.columns.tolist()
    ['split', 'disease', 'people', 'pool_images', 'distinct_images', 'max_uses', 'mean_uses']
    """

    people: pd.DataFrame
    images: np.ndarray
    genotypes: GenotypeData
    image_reuse: pd.DataFrame
    prevalence_table: pd.DataFrame
    image_dataset: str
    image_card: DatasetCard
    threshold: float
    h2: float
    env_variance: float
    prevalence: float
    prs_weights: np.ndarray = field(repr=False)
    prs_center: float = 0.0
    prs_scale: float = 1.0

    def index(self, split: str) -> np.ndarray:
        """Row indices of the people in one split.

        Parameters
        ----------
        split : {"train", "validation", "test"}
            The split.

        Returns
        -------
        ndarray of int64, shape (n_split,)
            Sorted row indices into ``people`` and ``images``.

        Examples
        --------
        >>> linked = make_linked_cohort(150, n_chromosomes=1, segment_length=1e5, n_causal=10, random_state=0)
        >>> sum(len(linked.index(s)) for s in SPLITS) == len(linked.people)
        True
        """
        if split not in SPLITS:
            raise ValueError(
                f"The 'split' parameter of LinkedCohort.index must be one of {list(SPLITS)}; got {split!r}."
            )
        return np.flatnonzero(self.people["split"].to_numpy() == split)

    def truth_risk(self) -> np.ndarray:
        """P(disease | genetic value, environment): what a perfect PRS and environment model would say.

        The liability is genetic value + environment + noise with noise
        variance 1 − h2 − env_variance, so the risk is
        Φ((genetic + environment − threshold) / √(1 − h2 − env_variance)).

        Returns
        -------
        ndarray of float64, shape (n_people,)
            One probability per person, in (0, 1).

        Examples
        --------
        >>> linked = make_linked_cohort(150, n_chromosomes=1, segment_length=1e5, n_causal=10, random_state=0)
        >>> risk = linked.truth_risk()
        >>> risk.shape == (len(linked.people),), bool(((risk > 0) & (risk < 1)).all())
        (True, True)
        """
        sd = np.sqrt(1.0 - self.h2 - self.env_variance)
        g = self.people["genetic_value"].to_numpy(float) + self.people["environment"].to_numpy(float)
        return np.clip(stats.norm.cdf((g - self.threshold) / sd), 1e-12, 1 - 1e-12)


def _draw_images(people_rows: np.ndarray, pool: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Pool indices for ``len(people_rows)`` people: random permutations of the pool, one after another.

    Each image is used ⌊n/k⌋ or ⌈n/k⌉ times (k = pool size): the least reuse possible.
    """
    n, k = len(people_rows), len(pool)
    if n == 0:
        return np.array([], dtype=np.int64)
    rounds = -(-n // k)
    order = np.concatenate([rng.permutation(pool) for _ in range(rounds)])[:n]
    return order.astype(np.int64)


@validate_params(
    {
        "n_people": [Interval(numbers.Integral, 100, None)],
        "image_dataset": [Options(set(IMAGE_DATASETS))],
        "prevalence": [Interval(numbers.Real, 0.02, 0.5, closed="both")],
        "h2": [Interval(numbers.Real, 0.05, 0.85, closed="both")],
        "n_chromosomes": [Interval(numbers.Integral, 1, 22)],
        "segment_length": [Interval(numbers.Real, 1e5, 2.5e7, closed="both")],
        "n_causal": [Interval(numbers.Integral, 1, None)],
        "random_state": ["random_state"],
    }
)
def make_linked_cohort(
    n_people: int = 3000,
    *,
    image_dataset: str = "pneumoniamnist",
    prevalence: float = 0.2,
    h2: float = 0.5,
    n_chromosomes: int = 3,
    segment_length: float = 5e5,
    n_causal: int = 200,
    random_state: int | np.random.Generator | None = 0,
) -> LinkedCohort:
    """Simulate people (genotypes, environment, disease) and link each to a real image of their disease class.

    Steps: :func:`~pmed_utils.genomics.workflow.prepare_cohort` (simulation,
    QC, split by person stratified by disease, PCs on training people); a
    PRS by clumping and thresholding of a GWAS of the biomarker (a
    quantitative trait with the disease's genetic architecture, as glaucoma
    scores borrow from intraocular-pressure GWAS) on training people (the variants with p < 0.05 clumped), the
    p-value threshold chosen on validation people; then, within each split
    and disease class, images of the matching MedMNIST split and class,
    drawn as successive random permutations of the pool (each image used
    ⌊n/k⌋ or ⌈n/k⌉ times). See the module docstring for what this implies.

    Parameters
    ----------
    n_people : int ≥ 100, default 3000
        People to simulate; QC removes a few (the duplicated sample and those
        with many missing calls), so ``len(people)`` is a little smaller.
    image_dataset : {"pneumoniamnist", "breastmnist"}, default "pneumoniamnist"
        Cases get pneumonia (or malignant) images, controls normal ones.
    prevalence : float in [0.02, 0.5], default 0.2
        Disease prevalence of the liability model.
    h2 : float in [0.05, 0.85], default 0.5
        Heritability of liability (environment explains 0.1, the rest is noise).
    n_chromosomes : int in [1, 22], default 3
        Simulated chromosome segments.
    segment_length : float in [1e5, 2.5e7], default 5e5
        Base pairs per segment.
    n_causal : int ≥ 1, default 200
        Causal variants.
    random_state : int, numpy.random.Generator or None, default 0
        Drives the simulation, split, PRS and image draws.

    Returns
    -------
    LinkedCohort
        People, aligned images and genotypes, the reuse and prevalence tables.

    Examples
    --------
    >>> linked = make_linked_cohort(300, n_chromosomes=1, segment_length=2e5, n_causal=30, random_state=0)
    >>> linked.people.loc[:, ["split", "disease"]].value_counts().sort_index().index.tolist()[:2]
    [('test', 0), ('test', 1)]
    >>> float(linked.images.min()) >= 0.0, float(linked.images.max()) <= 1.0
    (True, True)
    """
    rng = check_random_state(random_state, func="make_linked_cohort")
    seed = int(random_state) if isinstance(random_state, (int, np.integer)) else derive_seed(rng)
    data = prepare_cohort(
        n_people,
        n_chromosomes=n_chromosomes,
        segment_length=segment_length,
        h2=h2,
        prevalence=prevalence,
        n_causal=n_causal,
        random_state=seed,
    )
    truth = data.cohort.truth
    samples = data.samples.reset_index(drop=True)
    n = len(samples)
    # Environment truth, aligned as prepare_cohort aligns liability (QC removed rows).
    n_sim = len(truth.liability)
    row_of = pd.Series(np.arange(n_sim), index=data.cohort.samples["id"].to_numpy()[:n_sim])
    rows = row_of.loc[samples["id"].replace(truth.duplicate_of)].to_numpy()
    environment = truth.environment[rows]

    split = np.empty(n, dtype=object)
    for name in SPLITS:
        split[data.split[name]] = name
    train, val = data.split["train"], data.split["validation"]

    # PRS: weights from training people only, threshold from validation people.
    g = data.genotypes
    biomarker = samples["biomarker"].to_numpy(float)
    gwas = gwas_linear(g[train], biomarker[train], data.covariates[train], data.variants["id"])
    # Clumping every variant is slow; the candidate thresholds stop at 0.05, so only
    # variants below it can enter the score: clump those.
    keep = np.flatnonzero(gwas["p"].to_numpy() < _P_MAX)
    if keep.size < 2:
        keep = np.argsort(gwas["p"].to_numpy())[:2]
    ct = clump_and_threshold(
        gwas.iloc[keep].reset_index(drop=True),
        g[train][:, keep],
        data.variants.iloc[keep].reset_index(drop=True),
        g[val][:, keep],
        biomarker[val],
        thresholds=_THRESHOLDS,
    )
    weights = np.zeros(g.shape[1])
    weights[keep] = ct.weights
    frequencies = np.clip(
        np.where(g[train] >= 0, g[train], 0).sum(0) / (2 * np.maximum((g[train] >= 0).sum(0), 1)), 0, 1
    )
    raw = polygenic_score(g, weights, frequencies=frequencies)
    center, scale = float(raw[train].mean()), float(raw[train].std())
    scale = scale if scale > 0 else 1.0
    prs = (raw - center) / scale

    # Images: per split and class, from the same MedMNIST split.
    med = load_medmnist(image_dataset)
    disease = samples["disease"].to_numpy().astype(np.int8)
    image_index = np.full(n, -1, dtype=np.int64)
    images = np.zeros((n, 28, 28, 1), dtype=np.float32)
    reuse_rows, prevalence_rows = [], []
    image_rng = np.random.default_rng(derive_seed(rng))
    for name in SPLITS:
        pool_images = med.images[_MEDMNIST_SPLIT[name]]
        pool_labels = med.labels[_MEDMNIST_SPLIT[name]]
        in_split = np.flatnonzero(split == name)
        for cls in (0, 1):
            who = in_split[disease[in_split] == cls]
            pool = np.flatnonzero(pool_labels == cls)
            drawn = _draw_images(who, pool, image_rng)
            image_index[who] = drawn
            images[who, :, :, 0] = pool_images[drawn].astype(np.float32) / 255.0
            uses = np.bincount(drawn, minlength=len(pool_labels))[pool] if len(drawn) else np.zeros(len(pool))
            used = uses[uses > 0]
            reuse_rows.append(
                {
                    "split": name,
                    "disease": cls,
                    "people": len(who),
                    "pool_images": len(pool),
                    "distinct_images": len(used),
                    "max_uses": int(used.max()) if len(used) else 0,
                    "mean_uses": float(used.mean()) if len(used) else 0.0,
                }
            )
        prevalence_rows.append(
            {
                "split": name,
                "people": len(in_split),
                "cases": int(disease[in_split].sum()),
                "cohort_prevalence": float(disease[in_split].mean()),
                "pool_images": len(pool_labels),
                "pool_prevalence": float(pool_labels.mean()),
            }
        )

    people = pd.DataFrame(
        {
            "person_id": samples["id"].astype(str).to_numpy(),
            "population": samples["population"].to_numpy(),
            "sex": samples["sex"].to_numpy(),
            "age": samples["age"].to_numpy(float),
            "bmi": samples["bmi"].to_numpy(float),
            "smoking": samples["smoking"].to_numpy(),
            "disease": disease,
            "split": split.astype(str),
            "image_index": image_index,
            "image_label": disease.copy(),
            "prs": prs,
        }
    )
    for j in range(data.pcs.shape[1]):
        people[f"pc{j + 1}"] = data.pcs[:, j]
    people["genetic_value"] = data.genetic_value
    people["environment"] = environment
    people["liability"] = data.liability
    return LinkedCohort(
        people=people,
        images=images,
        genotypes=GenotypeData(g, data.variants, samples),
        image_reuse=pd.DataFrame(reuse_rows),
        prevalence_table=pd.DataFrame(prevalence_rows),
        image_dataset=image_dataset,
        image_card=med.card,
        threshold=float(truth.threshold),
        h2=float(truth.h2),
        env_variance=float(truth.env_variance),
        prevalence=float(prevalence),
        prs_weights=weights,
        prs_center=center,
        prs_scale=scale,
    )
