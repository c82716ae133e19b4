"""pmed_utils.genomics.dataset: GenotypeData keeps genotypes, variants and samples aligned."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmed_utils.genomics.dataset import GenotypeData, as_genotype_data


def _parts(n: int = 3, m: int = 4):
    g = np.arange(n * m).reshape(n, m) % 3
    variants = pd.DataFrame(
        {"chrom": 1, "pos": np.arange(m), "id": [f"v{j}" for j in range(m)], "ref": "A", "alt": "G"}
    )
    samples = pd.DataFrame({"id": [f"s{i}" for i in range(n)]})
    return g, variants, samples


def test_construction_casts_to_int8_and_unpacks():
    g, v, s = _parts()
    data = GenotypeData(g.astype(np.int64), v, s)
    assert data.genotypes.dtype == np.int8
    assert data.genotypes.tolist() == g.tolist()
    genotypes, variants, samples = data
    assert (
        genotypes is data.genotypes and variants is v and samples is s and (data.n_samples, data.n_variants) == (3, 4)
    )


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        (lambda g, v, s: (g[:, :3], v, s), ValueError, "genotypes has 3 columns but variants has 4 rows"),
        (lambda g, v, s: (g[:2], v, s), ValueError, "genotypes has 2 rows but samples has 3 rows"),
        (lambda g, v, s: (g + 1, v, s), ValueError, r"only 0, 1, 2 .*got \[3\]"),
        (lambda g, v, s: (g.astype(float) * np.nan, v, s), ValueError, "not NaN"),
        (lambda g, v, s: (g[0], v, s), ValueError, "must be 2-D"),
        (lambda g, v, s: (g, v.drop(columns=["ref", "pos"]), s), ValueError, r"lacks the column\(s\) \['pos', 'ref'\]"),
        (
            lambda g, v, s: (g, v, s["id"]),
            TypeError,
            "The 'samples' parameter of GenotypeData must be a pandas DataFrame",
        ),
    ],
)
def test_misaligned_or_invalid_parts_are_refused(change, error, match):
    with pytest.raises(error, match=match):
        GenotypeData(*change(*_parts()))


def test_select_by_positions_and_masks():
    data = GenotypeData(*_parts(4, 5))
    part = data.select(samples=[3, 1], variants=np.array([True, False, False, True, False]))
    assert part.genotypes.tolist() == data.genotypes[[3, 1]][:, [0, 3]].tolist()
    assert part.samples["id"].tolist() == ["s3", "s1"] and part.variants["id"].tolist() == ["v0", "v3"]
    assert part.samples.index.tolist() == [0, 1]
    assert data.select().genotypes.shape == (4, 5)
    with pytest.raises(ValueError, match=r"boolean mask of shape \(2,\); it must have shape \(4,\)"):
        data.select(samples=[True, False])
    with pytest.raises(ValueError, match=r"positions outside \[0, 5\)"):
        data.select(variants=[7])
    with pytest.raises(ValueError, match="integer positions or a boolean mask"):
        data.select(variants=[0.5])


def test_as_genotype_data_names_the_calling_function():
    g, v, s = _parts()
    data = as_genotype_data(g, v, s, func="write_vcf")
    assert isinstance(data, GenotypeData) and as_genotype_data(data) is data
    with pytest.raises(ValueError, match="write_vcf: genotypes has 2 rows but samples has 3 rows"):
        as_genotype_data(g[:2], v, s, func="write_vcf")
    with pytest.raises(ValueError, match="without a variants table"):
        as_genotype_data(g, samples=s)
    with pytest.raises(ValueError, match="samples must not be given as well"):
        as_genotype_data(data, samples=s)
