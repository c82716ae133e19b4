"""One genotype dataset type: genotypes, the variant table and the sample table, kept aligned.

Readers (:func:`~pmed_utils.genomics.io.read_plink`, ``read_vcf``), the simulator
and QC all pass a :class:`GenotypeData` rather than three loose objects whose
rows can drift apart (sgkit's single ``Dataset`` is the model). It still
unpacks as ``genotypes, variants, samples = data``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils.genomics._checks import check_genotypes

__all__ = ["GenotypeData"]


@dataclass
class GenotypeData:
    """Genotypes with one variant row per column and one sample row per row.

    Attributes
    ----------
    genotypes : ndarray of int8, shape (n_samples, n_variants)
        Alternative-allele counts 0/1/2; -1 is a missing call.
    variants : DataFrame, n_variants rows
        At least ``chrom``, ``pos``, ``id``, ``ref``, ``alt``.
    samples : DataFrame, n_samples rows
        At least ``id``.

    Examples
    --------
    >>> data = GenotypeData(np.array([[0, 1, 2], [1, -1, 0]], np.int8),
    ...                     pd.DataFrame({"chrom": [1, 1, 2], "pos": [10, 20, 5], "id": ["a", "b", "c"],
    ...                                   "ref": ["A", "C", "G"], "alt": ["G", "T", "A"]}),
    ...                     pd.DataFrame({"id": ["s1", "s2"]}))
    >>> data.n_samples, data.n_variants
    (2, 3)
    >>> genotypes, variants, samples = data          # unpacks like the old triple
    >>> data.select(variants=[0, 2]).variants["id"].tolist()
    ['a', 'c']
    >>> data.select(samples=np.array([False, True])).genotypes.tolist()
    [[1, -1, 0]]
    >>> GenotypeData(genotypes, variants.iloc[:2], samples)
    Traceback (most recent call last):
    ...
    ValueError: GenotypeData: genotypes has 3 columns but variants has 2 rows; they must describe the same variants in the same order.
    """

    genotypes: np.ndarray
    variants: pd.DataFrame
    samples: pd.DataFrame

    VARIANT_COLUMNS = ("chrom", "pos", "id", "ref", "alt")
    SAMPLE_COLUMNS = ("id",)

    def __post_init__(self) -> None:
        self.genotypes = check_genotypes(self.genotypes, "GenotypeData")
        for name, frame, required in (("variants", self.variants, self.VARIANT_COLUMNS),
                                      ("samples", self.samples, self.SAMPLE_COLUMNS)):
            if not isinstance(frame, pd.DataFrame):
                raise TypeError(f"The '{name}' parameter of GenotypeData must be a pandas DataFrame; "
                                f"got {type(frame).__name__}.")
            missing = [c for c in required if c not in frame.columns]
            if missing:
                raise ValueError(f"The '{name}' parameter of GenotypeData lacks the column(s) {missing}; "
                                 f"it has {list(frame.columns)}.")
        n, m = self.genotypes.shape
        if len(self.variants) != m:
            raise ValueError(f"GenotypeData: genotypes has {m} columns but variants has {len(self.variants)} rows; "
                             "they must describe the same variants in the same order.")
        if len(self.samples) != n:
            raise ValueError(f"GenotypeData: genotypes has {n} rows but samples has {len(self.samples)} rows; "
                             "they must describe the same people in the same order.")

    def __iter__(self) -> Iterator[Any]:
        return iter((self.genotypes, self.variants, self.samples))

    @property
    def n_samples(self) -> int:
        """Number of people (rows of ``genotypes``)."""
        return int(self.genotypes.shape[0])

    @property
    def n_variants(self) -> int:
        """Number of variants (columns of ``genotypes``)."""
        return int(self.genotypes.shape[1])

    def select(self, *, samples: ArrayLike | None = None, variants: ArrayLike | None = None) -> GenotypeData:
        """The same data restricted to some people and/or variants (integer positions or boolean masks).

        Tables are re-indexed from 0; other attributes (of a subclass) are kept as they are.
        """
        rows = slice(None) if samples is None else np.asarray(samples)
        cols = slice(None) if variants is None else np.asarray(variants)
        genotypes = self.genotypes[rows][:, cols]
        return replace(self, genotypes=genotypes,
                       variants=self.variants.iloc[cols].reset_index(drop=True),
                       samples=self.samples.iloc[rows].reset_index(drop=True))
