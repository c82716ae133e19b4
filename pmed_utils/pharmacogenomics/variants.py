"""Pharmacogene genotypes for a simulated cohort: CYP2C9 *2, *3, *8 and VKORC1 −1639G>A.

Each person's two CYP2C9 haplotypes are drawn independently (Hardy–Weinberg)
from the population's frequencies of the star alleles *1, *2, *3 and *8 (at
most one variant per haplotype, as in the star-allele nomenclature), and the
two VKORC1 −1639 alleles likewise from the A-allele frequency.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmed_utils.reproducibility import check_random_state
from pmed_utils.validation import check_columns, validate_params

__all__ = [
    "PGX_ALLELE_FREQUENCIES",
    "CYP2C9_DIPLOTYPES",
    "VKORC1_GENOTYPES",
    "simulate_pharmacogenes",
]

# Alternative-allele frequencies from the 1000 Genomes Project phase 3 super-populations
# (African AFR, European EUR, East Asian EAS), as tabulated by Shendre, Dillon & Limdi
# (Pharmacogenomics 2018, 19:1357, Table 1):
#   CYP2C9*2 rs1799853   AFR 0.008  EUR 0.124  EAS 0.001
#   CYP2C9*3 rs1057910   AFR 0.002  EUR 0.073  EAS 0.034
#   CYP2C9*8 rs7900194   AFR 0.053  EUR 0.002  EAS 0.000
#   VKORC1 −1639A rs9923231 AFR 0.054  EUR 0.388  EAS 0.885
# The cohort's YRI, CEU and CHB stand for the African-, European- and East-Asian-like groups.
PGX_ALLELE_FREQUENCIES: dict[str, dict[str, float]] = {
    "YRI": {"cyp2c9_2": 0.008, "cyp2c9_3": 0.002, "cyp2c9_8": 0.053, "vkorc1_a": 0.054},
    "CEU": {"cyp2c9_2": 0.124, "cyp2c9_3": 0.073, "cyp2c9_8": 0.002, "vkorc1_a": 0.388},
    "CHB": {"cyp2c9_2": 0.001, "cyp2c9_3": 0.034, "cyp2c9_8": 0.000, "vkorc1_a": 0.885},
}

CYP2C9_DIPLOTYPES = ("*1/*1", "*1/*2", "*1/*3", "*1/*8", "*2/*2", "*2/*3", "*2/*8", "*3/*3", "*3/*8", "*8/*8")
VKORC1_GENOTYPES = ("G/G", "A/G", "A/A")

_STARS = np.array(["*1", "*2", "*3", "*8"])
_FREQ_KEYS = ("cyp2c9_2", "cyp2c9_3", "cyp2c9_8", "vkorc1_a")


def _check_frequencies(freqs: dict, populations: set[str]) -> dict[str, dict[str, float]]:
    where = "The 'allele_frequencies' parameter of simulate_pharmacogenes"
    missing = sorted(populations - set(freqs))
    if missing:
        raise ValueError(
            f"{where} has no frequencies for the population(s) {missing}; "
            f"give a dict per population with keys {list(_FREQ_KEYS)}."
        )
    out = {}
    for pop in populations:
        row = freqs[pop]
        if not isinstance(row, dict) or set(row) != set(_FREQ_KEYS):
            raise ValueError(f"{where} must map {pop!r} to a dict with keys {list(_FREQ_KEYS)}; got {row!r}.")
        values = {k: float(row[k]) for k in _FREQ_KEYS}
        if not all(np.isfinite(v) and 0 <= v <= 1 for v in values.values()):
            raise ValueError(f"{where} must hold frequencies in [0, 1]; got {row!r} for {pop!r}.")
        star_sum = values["cyp2c9_2"] + values["cyp2c9_3"] + values["cyp2c9_8"]
        if star_sum > 1:
            raise ValueError(f"{where}: the CYP2C9 *2, *3 and *8 frequencies of {pop!r} sum to {star_sum:g} > 1.")
        out[pop] = values
    return out


@validate_params(
    {"samples": ["dataframe", object], "allele_frequencies": ["mapping", None], "random_state": ["random_state"]}
)
def simulate_pharmacogenes(
    samples: pd.DataFrame,
    *,
    allele_frequencies: dict[str, dict[str, float]] | None = None,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Draw CYP2C9 and VKORC1 genotypes for each person from their population's allele frequencies.

    Parameters
    ----------
    samples : DataFrame or Cohort
        One row per person with a ``population`` column (``"YRI"``, ``"CEU"``,
        ``"CHB"`` or any population named in ``allele_frequencies``); a
        :class:`pmed_utils.genomics.simulate.Cohort` is read through its
        ``samples`` table. An ``id`` column, if present, is carried over.
    allele_frequencies : dict, optional
        ``{population: {"cyp2c9_2": p, "cyp2c9_3": p, "cyp2c9_8": p, "vkorc1_a": p}}``;
        default :data:`PGX_ALLELE_FREQUENCIES` (1000 Genomes, see the module source).
    random_state : int, Generator or None, default None
        None means the package default seed.

    Returns
    -------
    DataFrame, one row per row of ``samples`` (same index)
        ``id`` (if given), ``population``; ``cyp2c9`` (str diplotype such as
        ``"*1/*3"``, alleles sorted); ``cyp2c9_2``, ``cyp2c9_3``, ``cyp2c9_8``
        (int8 counts 0/1/2 of each star allele); ``vkorc1`` (``"G/G"``,
        ``"A/G"`` or ``"A/A"``) and ``vkorc1_a`` (int8 count of −1639A).

    Examples
    --------
    >>> import pandas as pd
    >>> people = pd.DataFrame({"population": ["YRI"] * 3 + ["CHB"] * 3})
    >>> genes = simulate_pharmacogenes(people, random_state=0)
    >>> genes.columns.tolist()
    ['population', 'cyp2c9', 'cyp2c9_2', 'cyp2c9_3', 'cyp2c9_8', 'vkorc1', 'vkorc1_a']
    >>> bool(genes.cyp2c9.isin(CYP2C9_DIPLOTYPES).all()), bool(genes.vkorc1.isin(VKORC1_GENOTYPES).all())
    (True, True)
    """
    if not isinstance(samples, pd.DataFrame):
        inner = getattr(samples, "samples", None)
        if not isinstance(inner, pd.DataFrame):
            raise TypeError(
                "The 'samples' parameter of simulate_pharmacogenes must be a DataFrame or a Cohort; "
                f"got {type(samples).__name__}."
            )
        samples = inner
    check_columns(samples, "samples", ["population"], func="simulate_pharmacogenes")
    pops = samples["population"].astype(str).to_numpy()
    freqs = _check_frequencies(
        allele_frequencies if allele_frequencies is not None else PGX_ALLELE_FREQUENCIES, set(pops)
    )
    rng = check_random_state(random_state, func="simulate_pharmacogenes")
    n = len(samples)
    hap = np.empty((n, 2), dtype=int)  # index into _STARS
    vk = np.zeros(n, dtype=np.int8)
    for pop in sorted(set(pops)):
        rows = np.flatnonzero(pops == pop)
        f = freqs[pop]
        p = np.array([1 - f["cyp2c9_2"] - f["cyp2c9_3"] - f["cyp2c9_8"], f["cyp2c9_2"], f["cyp2c9_3"], f["cyp2c9_8"]])
        p = np.clip(p, 0, None)
        hap[rows] = rng.choice(4, size=(len(rows), 2), p=p / p.sum())
        vk[rows] = rng.binomial(2, f["vkorc1_a"], size=len(rows))
    hap.sort(axis=1)
    out = pd.DataFrame(index=samples.index)
    if "id" in samples.columns:
        out["id"] = samples["id"].to_numpy()
    out["population"] = pops
    out["cyp2c9"] = [f"{_STARS[a]}/{_STARS[b]}" for a, b in hap]
    for k, name in ((1, "cyp2c9_2"), (2, "cyp2c9_3"), (3, "cyp2c9_8")):
        out[name] = (hap == k).sum(axis=1).astype(np.int8)
    out["vkorc1"] = np.array(VKORC1_GENOTYPES)[vk]
    out["vkorc1_a"] = vk
    return out
