"""pmed_utils.datasets.genotypes: the HapMap3 genotypes shipped with pmed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pmed_utils.datasets import load_hapmap3
from pmed_utils.genomics.dataset import GenotypeData

DATA = Path(__file__).resolve().parents[1] / "data" / "io"


def test_load_hapmap3_is_a_labelled_dataset_matching_plink2():
    data = load_hapmap3()
    assert isinstance(data, GenotypeData) and data.genotypes.shape == (957, 14079)
    assert data.samples["population"].notna().all() and data.samples["super_population"].notna().all()
    assert data.samples["population"].value_counts()["CEU"] > 100
    # allele frequencies of a subset of variants, from plink2 --bfile HM3... --freq (tests/data/io/run_plink2.sh)
    ref = pd.read_csv(DATA / "hapmap3_subset.afreq", sep="\t")
    rows = data.variants.set_index("id").index.get_indexer(ref["ID"])
    g = data.genotypes[:, rows]
    freq = np.where(g >= 0, g, 0).sum(axis=0) / (2 * (g >= 0).sum(axis=0))
    np.testing.assert_allclose(freq, ref["ALT_FREQS"], rtol=6e-6)
    genotypes, variants, samples = data
    assert genotypes is data.genotypes and variants is data.variants and samples is data.samples
