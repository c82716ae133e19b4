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

from pmed_utils.genomics._checks import check_chunked_genotypes, check_genotypes
from pmed_utils.genomics.chunked import is_chunked
from pmed_utils.validation import validate_params

__all__ = ["GenotypeData", "as_genotype_data"]

VARIANT_COLUMNS = ("chrom", "pos", "id", "ref", "alt")
SAMPLE_COLUMNS = ("id",)


def _check_parts(genotypes: Any, variants: Any, samples: Any, func: str) -> np.ndarray:
    """Validate the three parts of a dataset; return the genotypes as int8 (a Dask matrix stays lazy)."""
    g = check_chunked_genotypes(genotypes, func) if is_chunked(genotypes) else check_genotypes(genotypes, func)
    for name, frame, required in (("variants", variants, VARIANT_COLUMNS), ("samples", samples, SAMPLE_COLUMNS)):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"The '{name}' parameter of {func} must be a pandas DataFrame; got {type(frame).__name__}.")
        missing = [c for c in required if c not in frame.columns]
        if missing:
            raise ValueError(
                f"The '{name}' parameter of {func} lacks the column(s) {missing}; it has {list(frame.columns)}."
            )
    n, m = g.shape
    if len(variants) != m:
        raise ValueError(
            f"{func}: genotypes has {m} columns but variants has {len(variants)} rows; "
            "they must describe the same variants in the same order."
        )
    if len(samples) != n:
        raise ValueError(
            f"{func}: genotypes has {n} rows but samples has {len(samples)} rows; "
            "they must describe the same people in the same order."
        )
    return g


@dataclass(eq=False, repr=False)
class GenotypeData:
    """Genotypes with one variant row per column and one sample row per row.

    Construction checks that the three parts agree: genotype codes 0/1/2/-1,
    as many variant rows as columns and as many sample rows as rows, and the
    required table columns. A mismatch is an error, never a silent shift.
    Two datasets compare equal only if they are the same object.

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
    >>> data
    GenotypeData(2 samples × 3 variants)
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

    VARIANT_COLUMNS = VARIANT_COLUMNS
    SAMPLE_COLUMNS = SAMPLE_COLUMNS

    def __post_init__(self) -> None:
        self.genotypes = _check_parts(self.genotypes, self.variants, self.samples, type(self).__name__)

    def __repr__(self) -> str:
        shape = getattr(getattr(self, "genotypes", None), "shape", None)
        if shape is None or len(shape) != 2:
            return f"{type(self).__name__}(not initialised)"
        return f"{type(self).__name__}({shape[0]} samples × {shape[1]} variants)"

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
        for name, index, size in (("samples", rows, self.n_samples), ("variants", cols, self.n_variants)):
            if isinstance(index, slice):
                continue
            if index.dtype == bool:
                if index.shape != (size,):
                    raise ValueError(
                        f"The '{name}' parameter of select is a boolean mask of shape "
                        f"{index.shape}; it must have shape ({size},)."
                    )
            elif not np.issubdtype(index.dtype, np.integer) or index.ndim != 1:
                raise ValueError(
                    f"The '{name}' parameter of select must be 1-D integer positions or a "
                    f"boolean mask; got an array of {index.dtype} with shape {index.shape}."
                )
            elif index.size and (index.min() < -size or index.max() >= size):
                raise ValueError(f"The '{name}' parameter of select has positions outside [0, {size}).")
        genotypes = self.genotypes
        # np.take copies a subset of int8 columns about six times faster than fancy indexing.
        for axis, index in ((0, rows), (1, cols)):
            if not isinstance(index, slice):
                positions = np.flatnonzero(index) if index.dtype == bool else index
                genotypes = np.take(genotypes, positions, axis=axis)
        return replace(
            self,
            genotypes=genotypes,
            variants=self.variants.iloc[cols].reset_index(drop=True),
            samples=self.samples.iloc[rows].reset_index(drop=True),
        )


@validate_params(
    {
        "data": [GenotypeData, "array-like"],
        "variants": ["dataframe", None],
        "samples": ["dataframe", None],
        "func": ["str"],
    }
)
def as_genotype_data(
    data: GenotypeData | ArrayLike,
    variants: pd.DataFrame | None = None,
    samples: pd.DataFrame | None = None,
    *,
    func: str = "as_genotype_data",
) -> GenotypeData:
    """A :class:`GenotypeData` from either a dataset or genotypes with their two tables.

    Functions that accept both forms (``write_plink(prefix, data)`` and
    ``write_plink(prefix, genotypes, variants, samples)``) call this first, so
    that the three parts are checked against each other in one place.

    Parameters
    ----------
    data : GenotypeData or array-like of shape (n_samples, n_variants)
        A dataset, or genotype codes 0/1/2 with -1 for a missing call.
    variants : DataFrame or None, default None
        The variant table (``chrom``, ``pos``, ``id``, ``ref``, ``alt``); required
        with genotypes, not allowed with a GenotypeData.
    samples : DataFrame or None, default None
        The sample table (at least ``id``); required with genotypes, not allowed
        with a GenotypeData.
    func : str, default "as_genotype_data"
        Name of the calling public function, used in error messages.

    Returns
    -------
    GenotypeData
        ``data`` itself when it is a GenotypeData, else a new one (genotypes as int8).

    Examples
    --------
    >>> variants = pd.DataFrame({"chrom": [1, 1], "pos": [10, 20], "id": ["a", "b"],
    ...                          "ref": ["A", "C"], "alt": ["G", "T"]})
    >>> data = as_genotype_data([[0, 2], [1, -1]], variants, pd.DataFrame({"id": ["s1", "s2"]}))
    >>> data.genotypes.dtype, data.n_samples, data.n_variants
    (dtype('int8'), 2, 2)
    >>> as_genotype_data(data) is data
    True
    >>> as_genotype_data([[0, 2]], variants, func="write_plink")
    Traceback (most recent call last):
    ...
    ValueError: write_plink: genotypes were given without a samples table; pass a GenotypeData, or genotypes with both variants and samples.
    """
    return _as_genotype_data(data, variants, samples, func)


def _as_genotype_data(data: Any, variants: Any, samples: Any, func: str) -> GenotypeData:
    if isinstance(data, GenotypeData):
        given = [name for name, value in (("variants", variants), ("samples", samples)) if value is not None]
        if given:
            raise ValueError(
                f"{func}: a GenotypeData carries its own tables, so {' and '.join(given)} must not be given as well."
            )
        return data
    for name, value in (("variants", variants), ("samples", samples)):
        if value is None:
            raise ValueError(
                f"{func}: genotypes were given without a {name} table; pass a GenotypeData, "
                "or genotypes with both variants and samples."
            )
    g = _check_parts(data, variants, samples, func)
    return GenotypeData(g, variants, samples)
