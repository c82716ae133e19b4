"""Real human genotypes shipped with pmed: HapMap3, LD-thinned (for population structure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from pmed_utils.datasets._base import packaged_data_path, verify_md5
from pmed_utils.validation import validate_params

if TYPE_CHECKING:
    from pmed_utils.genomics.dataset import GenotypeData

__all__ = ["HAPMAP3_CITATION", "load_hapmap3"]

HAPMAP3_CITATION = (
    "The International HapMap 3 Consortium. Integrating common and rare genetic variation in diverse human "
    "populations. Nature 467, 52-58 (2010). doi:10.1038/nature09298. LD-thinned subset from FlashPCA2 "
    "(Abraham, Qiu & Inouye, Bioinformatics 33:2776, 2017)."
)
_FILES = {
    "HM3_thinned_autosomal_overlap.bed": "226662232967591843e333354e025726",
    "HM3_thinned_autosomal_overlap.bim": "8b35504b9bb0718c44b57aa8506cfc74",
    "HM3_thinned_autosomal_overlap.fam": "83f8f2b2e4257b73b64d3c77bda2cd13",
    "relationships_w_pops_121708.txt": "a70333f0e0bd9d5a72a3a253895228b1",
}
SUPER_POPULATION = {
    "YRI": "AFR",
    "LWK": "AFR",
    "MKK": "AFR",
    "ASW": "AFR",
    "CEU": "EUR",
    "TSI": "EUR",
    "CHB": "EAS",
    "CHD": "EAS",
    "JPT": "EAS",
    "GIH": "SAS",
    "MEX": "AMR",
}


@validate_params({})
def load_hapmap3() -> GenotypeData:
    """HapMap3 genotypes (957 people × 14,079 LD-thinned autosomal SNPs) with population labels.

    The files shipped with pmed are MD5-verified on load and read with
    :func:`pmed_utils.genomics.io.read_plink`.

    Returns
    -------
    GenotypeData
        ``genotypes``: int8 array of shape (957, 14079) counting allele 1 of
        the .bim (0/1/2, -1 missing); ``variants``: chrom, pos, id, ref, alt;
        ``samples``: the .fam columns (fid, id, father, mother, sex, phenotype)
        plus ``population`` (11 HapMap3 populations) and ``super_population``
        (AFR, EUR, EAS, SAS, AMR). It unpacks as
        ``genotypes, variants, samples = load_hapmap3()``.

    Examples
    --------
    >>> data = load_hapmap3()
    >>> data.genotypes.shape, data.samples.population.nunique()
    ((957, 14079), 11)
    >>> g, variants, samples = data
    >>> sorted(samples.super_population.unique())
    ['AFR', 'AMR', 'EAS', 'EUR', 'SAS']
    """
    from pmed_utils.genomics.dataset import GenotypeData
    from pmed_utils.genomics.io import read_plink

    for name, md5 in _FILES.items():
        verify_md5(
            packaged_data_path("genotypes", "hapmap3", name),
            md5,
            fix="The copy shipped with pmed is damaged: reinstall pmed from a clean checkout.",
        )
    bed = packaged_data_path("genotypes", "hapmap3", "HM3_thinned_autosomal_overlap.bed")
    g, variants, samples = read_plink(bed.with_name(bed.name[: -len(".bed")]))
    pops = pd.read_csv(packaged_data_path("genotypes", "hapmap3", "relationships_w_pops_121708.txt"), sep=r"\s+")
    samples = samples.merge(
        pops[["IID", "population"]].rename(columns={"IID": "id"}), on="id", how="left", validate="one_to_one"
    )
    samples["super_population"] = samples["population"].map(SUPER_POPULATION)
    return GenotypeData(g, variants, samples)
