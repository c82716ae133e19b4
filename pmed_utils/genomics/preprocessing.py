"""Genotypes made ready for models: mean imputation and a fitted standardizing scaler.

:class:`GenotypeScaler` learns each variant's mean dosage and standard
deviation on the training people (from genotype counts, in one pass over the
int8 matrix) and applies them to anyone: missing calls become the training
mean, then ``z = (x - mean) / sd``. GWAS, polygenic scores and PCA all use it,
so that validation and test people are put on the training scale (no leakage).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from pmed_utils.genomics._checks import check_genotypes
from pmed_utils.genomics.stats import variant_counts
from pmed_utils.validation import Options, validate_params, warn_degenerate

__all__ = ["GenotypeScaler", "impute_mean", "standardize"]

_DTYPES = Options({"float32", "float64", np.float32, np.float64})
_VARIANTS = ["array-like", slice, None]


def _imputed_moments(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-variant mean dosage of the called genotypes and the centred sum of squares after mean imputation.

    ``counts`` is :func:`~pmed_utils.genomics.stats.variant_counts` (missing, 0, 1, 2).
    Imputed calls equal the mean, so they add nothing to the centred sum of
    squares. A variant with no call gets mean 0 and sum of squares 0 here
    (:class:`GenotypeScaler` reports NaN for it instead).
    """
    n_called = counts[:, 1:].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(n_called > 0, (counts[:, 2] + 2 * counts[:, 3]) / np.maximum(n_called, 1), 0.0)
    centred_ss = counts[:, 1] * means**2 + counts[:, 2] * (1 - means) ** 2 + counts[:, 3] * (2 - means) ** 2
    return means, centred_ss


def _mean_imputed_block(block: np.ndarray, means: np.ndarray, dtype: DTypeLike = np.float64) -> np.ndarray:
    """Float copy of an int8 block of variants with missing calls (-1) set to the variant's mean."""
    x = block.astype(dtype)
    missing = block < 0
    if missing.any():
        np.copyto(x, np.broadcast_to(np.asarray(means).astype(dtype), x.shape), where=missing)
    return x


def _no_call_warning(counts: np.ndarray, func: str, what: str) -> np.ndarray:
    """Boolean mask of variants without any call; warns (DegenerateInputWarning) if there are some."""
    no_calls = counts[:, 1:].sum(axis=1) == 0
    if no_calls.any():
        warn_degenerate(
            func,
            f"{int(no_calls.sum())} of {len(no_calls)} variants have no called genotype, so their {what} undefined",
        )
    return no_calls


class GenotypeScaler:
    """Mean-impute and standardize genotypes on the scale of the people it was fitted on.

    ``fit`` learns, for each variant, the mean dosage of the called genotypes
    and the standard deviation after mean imputation (population SD, ``ddof=0``,
    as ``numpy.std``), both from genotype counts. ``transform`` fills a
    missing call with that mean and returns ``(x - mean) / sd``; a variant
    that was monomorphic in the fitted people has ``sd = 0`` and gives ``z = 0``
    (it carries no information). A variant with no call at all in the fitted
    people has no mean: ``fit`` warns (:class:`~pmed_utils.validation.DegenerateInputWarning`)
    and its ``means_``, ``sds_`` and transformed column are NaN.

    Attributes
    ----------
    means_ : ndarray of float64, shape (n_variants,)
        Mean dosage (alternative-allele count) of the called genotypes.
    sds_ : ndarray of float64, shape (n_variants,)
        Standard deviation of the mean-imputed dosages.
    centred_sum_squares_ : ndarray of float64, shape (n_variants,)
        Σ (x − mean)² over the fitted people after imputation (``n_samples_ * sds_**2``, exact from counts).
    counts_ : ndarray of int64, shape (n_variants, 4)
        Missing, 0, 1 and 2 counts (:func:`~pmed_utils.genomics.stats.variant_counts`).
    n_samples_ : int
        Number of people it was fitted on.

    Examples
    --------
    >>> train = np.array([[0, 1], [2, 1], [1, -1], [1, 1]], np.int8)
    >>> scaler = GenotypeScaler().fit(train)
    >>> scaler.means_.tolist(), scaler.sds_.round(4).tolist()  # the second variant is monomorphic
    ([1.0, 1.0], [0.7071, 0.0])
    >>> scaler.transform(train, dtype="float64").round(4).tolist()
    [[-1.4142, 0.0], [1.4142, 0.0], [0.0, 0.0], [0.0, 0.0]]
    >>> scaler.transform(np.array([[2, -1]], np.int8), dtype="float64").round(4).tolist()  # a new person, training scale
    [[1.4142, 0.0]]
    >>> scaler.impute(np.array([[-1, 0]], np.int8)).tolist()  # missing call -> training mean
    [[1.0, 0.0]]
    >>> scaler.transform(train[:, 1:], variants=[1]).shape  # a block of the fitted variants
    (4, 1)
    """

    def __init__(self) -> None:
        self.means_: np.ndarray
        self.sds_: np.ndarray
        self.centred_sum_squares_: np.ndarray
        self.counts_: np.ndarray
        self.n_samples_: int

    @validate_params({"genotypes": ["array-like"]})
    def fit(self, genotypes: ArrayLike) -> GenotypeScaler:
        """Learn per-variant means and standard deviations from genotype counts.

        Parameters
        ----------
        genotypes : ndarray of int8, shape (n_samples, n_variants)
            Alternative-allele counts 0/1/2, -1 for a missing call.

        Returns
        -------
        GenotypeScaler
            ``self``, fitted.

        Examples
        --------
        >>> GenotypeScaler().fit(np.array([[0], [2]], np.int8)).sds_.tolist()
        [1.0]
        """
        g = check_genotypes(genotypes, "GenotypeScaler.fit")
        counts = variant_counts(g)
        no_calls = _no_call_warning(counts, "GenotypeScaler.fit", "means and standard deviations are")
        means, centred_ss = _imputed_moments(counts)
        means[no_calls] = np.nan
        centred_ss[no_calls] = np.nan
        self.counts_ = counts
        self.n_samples_ = int(g.shape[0])
        self.means_ = means
        self.centred_sum_squares_ = centred_ss
        with np.errstate(invalid="ignore", divide="ignore"):
            self.sds_ = np.sqrt(centred_ss / g.shape[0]) if g.shape[0] else np.full(len(means), np.nan)
        return self

    @classmethod
    @validate_params({"frequencies": ["array-like"]})
    def from_frequencies(cls, frequencies: ArrayLike) -> GenotypeScaler:
        """A scaler set from known alternative-allele frequencies instead of fitted on people.

        As PLINK's ``--read-freq``: the mean dosage is 2p and the SD its
        Hardy–Weinberg value √(2p(1 − p)). Frequencies of 0 make ``impute``
        fill missing calls with 0 (PLINK's ``no-mean-imputation``).

        Parameters
        ----------
        frequencies : array-like of float in [0, 1], shape (n_variants,)
            Alternative-allele frequency per variant.

        Returns
        -------
        GenotypeScaler
            With ``means_``, ``sds_`` set; ``counts_`` is empty and ``n_samples_`` is 0.

        Examples
        --------
        >>> scaler = GenotypeScaler.from_frequencies([0.5, 0.0])
        >>> scaler.means_.tolist(), scaler.sds_.round(4).tolist()
        ([1.0, 0.0], [0.7071, 0.0])
        >>> scaler.impute(np.array([[-1, -1], [2, 1]], np.int8)).tolist()
        [[1.0, 0.0], [2.0, 1.0]]
        """
        try:
            p = np.asarray(frequencies, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError("The 'frequencies' parameter of from_frequencies must be numeric.") from None
        if p.ndim != 1 or not np.all((p >= 0) & (p <= 1)):
            raise ValueError(
                "The 'frequencies' parameter of from_frequencies must be a 1-D array of values in "
                f"[0, 1] (no NaN); got shape {p.shape}."
            )
        scaler = cls()
        scaler.means_ = 2 * p
        scaler.sds_ = np.sqrt(2 * p * (1 - p))
        scaler.centred_sum_squares_ = np.full(len(p), np.nan)
        scaler.counts_ = np.zeros((0, 4), np.int64)
        scaler.n_samples_ = 0
        return scaler

    def _columns(self, g: np.ndarray, variants: ArrayLike | slice | None, func: str) -> np.ndarray | slice:
        if not hasattr(self, "means_"):
            raise ValueError(f"{func}: this GenotypeScaler is not fitted yet; call fit(training_genotypes) first.")
        n_fitted = len(self.means_)
        if variants is None:
            cols: np.ndarray | slice = slice(None)
            expected = n_fitted
        elif isinstance(variants, slice):
            cols = variants
            expected = len(range(*variants.indices(n_fitted)))
        else:
            cols = np.asarray(variants)
            if cols.dtype == bool:
                if cols.shape != (n_fitted,):
                    raise ValueError(
                        f"The 'variants' parameter of {func} is a boolean mask of shape {cols.shape}; "
                        f"it must have one entry per fitted variant ({n_fitted})."
                    )
                cols = np.flatnonzero(cols)
            elif (
                cols.ndim != 1
                or not np.issubdtype(cols.dtype, np.integer)
                or (cols.size and (cols.min() < -n_fitted or cols.max() >= n_fitted))
            ):
                raise ValueError(
                    f"The 'variants' parameter of {func} must hold positions of fitted variants "
                    f"(integers in [0, {n_fitted})) or a boolean mask; got {variants!r}."
                )
            expected = len(cols)
        if g.shape[1] != expected:
            raise ValueError(
                f"{func}: 'genotypes' has {g.shape[1]} columns but {expected} fitted variants "
                "were selected; pass the variants these columns are with 'variants'."
            )
        return cols

    @validate_params({"genotypes": ["array-like"], "variants": _VARIANTS, "dtype": [_DTYPES]})
    def impute(
        self, genotypes: ArrayLike, *, variants: ArrayLike | slice | None = None, dtype: DTypeLike = "float64"
    ) -> np.ndarray:
        """Dosages with each missing call replaced by the fitted variant's mean (not standardized).

        Parameters
        ----------
        genotypes : ndarray of int8, shape (n_samples, n_columns)
            Anyone's genotypes, 0/1/2 or -1 for missing.
        variants : slice, array of int or bool mask, optional
            Which fitted variants the columns are (for a block of variants);
            default: all fitted variants, in order.
        dtype : {"float64", "float32"}, default "float64"
            Output type.

        Returns
        -------
        ndarray of float, shape (n_samples, n_columns)

        Examples
        --------
        >>> scaler = GenotypeScaler().fit(np.array([[0, 2], [1, 2]], np.int8))
        >>> scaler.impute(np.array([[-1, -1]], np.int8)).tolist()
        [[0.5, 2.0]]
        """
        g = check_genotypes(genotypes, "GenotypeScaler.impute")
        cols = self._columns(g, variants, "GenotypeScaler.impute")
        return _mean_imputed_block(g, self.means_[cols], dtype=np.dtype(dtype))

    @validate_params({"genotypes": ["array-like"], "variants": _VARIANTS, "dtype": [_DTYPES]})
    def transform(
        self, genotypes: ArrayLike, *, variants: ArrayLike | slice | None = None, dtype: DTypeLike = "float32"
    ) -> np.ndarray:
        """Standardize anyone's genotypes with the fitted means and SDs: ``(x - mean) / sd``.

        Parameters
        ----------
        genotypes : ndarray of int8, shape (n_samples, n_columns)
            0/1/2 or -1 for missing (a missing call becomes 0, the fitted mean).
        variants : slice, array of int or bool mask, optional
            Which fitted variants the columns are; default all, in order.
        dtype : {"float32", "float64"}, default "float32"
            Output type.

        Returns
        -------
        ndarray of float, shape (n_samples, n_columns)
            z-scores; 0 for a variant monomorphic in the fitted people, NaN for
            one without any call there.

        Examples
        --------
        >>> scaler = GenotypeScaler().fit(np.array([[0], [2]], np.int8))
        >>> scaler.transform(np.array([[1], [2], [-1]], np.int8)).tolist()
        [[0.0], [1.0], [0.0]]
        """
        g = check_genotypes(genotypes, "GenotypeScaler.transform")
        cols = self._columns(g, variants, "GenotypeScaler.transform")
        means, sds = self.means_[cols], self.sds_[cols]
        x = _mean_imputed_block(g, means, dtype=np.float64)
        safe = np.where(sds > 0, sds, 1.0)
        with np.errstate(invalid="ignore"):
            return ((x - means) / safe).astype(np.dtype(dtype))

    @validate_params({"genotypes": ["array-like"], "dtype": [_DTYPES]})
    def fit_transform(self, genotypes: ArrayLike, *, dtype: DTypeLike = "float32") -> np.ndarray:
        """Fit on ``genotypes`` and return them standardized.

        Parameters
        ----------
        genotypes : ndarray of int8, shape (n_samples, n_variants)
            0/1/2 or -1 for missing.
        dtype : {"float32", "float64"}, default "float32"
            Output type.

        Returns
        -------
        ndarray of float, shape (n_samples, n_variants)

        Examples
        --------
        >>> GenotypeScaler().fit_transform(np.array([[0], [2]], np.int8)).tolist()
        [[-1.0], [1.0]]
        """
        return self.fit(genotypes).transform(genotypes, dtype=dtype)


@validate_params({"genotypes": ["array-like"]})
def impute_mean(genotypes: ArrayLike) -> np.ndarray:
    """Replace missing calls (-1) by the variant's mean dosage among the called genotypes.

    A variant without any call has no mean: its column is NaN, with a
    :class:`~pmed_utils.validation.DegenerateInputWarning`.

    Parameters
    ----------
    genotypes : ndarray of int8, shape (n_samples, n_variants)
        0/1/2 alternative-allele counts, -1 for missing.

    Returns
    -------
    ndarray of float32, shape (n_samples, n_variants)

    Examples
    --------
    >>> impute_mean(np.array([[0, -1], [2, 1]], np.int8)).tolist()
    [[0.0, 1.0], [2.0, 1.0]]
    """
    g = check_genotypes(genotypes, "impute_mean")
    counts = variant_counts(g)
    no_calls = _no_call_warning(counts, "impute_mean", "means are")
    means, _ = _imputed_moments(counts)
    means[no_calls] = np.nan
    return _mean_imputed_block(g, means, dtype=np.float32)


@validate_params({"dosages": ["array-like"], "means": ["array-like", None], "sds": ["array-like", None]})
def standardize(
    dosages: ArrayLike, means: ArrayLike | None = None, sds: ArrayLike | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """z-score per variant of float dosages: (x − mean) / sd; returns (z, means, sds).

    Pass the training set's ``means`` and ``sds`` to standardize validation or
    test people with the same scale (no leakage). Monomorphic variants get
    z = 0. For int8 genotypes with missing calls, :class:`GenotypeScaler` does
    imputation and scaling in one fitted object.

    Parameters
    ----------
    dosages : array-like of float, shape (n_samples, n_variants)
        Dosages without NaN (e.g. from :func:`impute_mean`).
    means, sds : array-like of float, shape (n_variants,), optional
        The scale to use; default: computed from ``dosages`` (SD with ``ddof=0``).

    Returns
    -------
    z : ndarray of float32, shape (n_samples, n_variants)
    means, sds : ndarray of float32, shape (n_variants,)

    Examples
    --------
    >>> z, means, sds = standardize([[0.0, 1.0], [1.0, 1.0], [2.0, 1.0]])
    >>> z[:, 0].astype(float).round(4).tolist(), z[:, 1].tolist()  # the second variant is monomorphic
    ([-1.2247, 0.0, 1.2247], [0.0, 0.0, 0.0])
    >>> round(float(z[:, 0].mean()), 4), round(float(z[:, 0].std()), 4)
    (0.0, 1.0)
    >>> new, _, _ = standardize([[2.0, 1.0]], means, sds)  # a new person on the training scale
    >>> new.astype(float).round(4).tolist()
    [[1.2247, 0.0]]
    """
    try:
        x = np.asarray(dosages, dtype=np.float32)
    except (TypeError, ValueError):
        raise ValueError("The 'dosages' parameter of standardize must be numeric.") from None
    if x.ndim != 2:
        raise ValueError(
            f"The 'dosages' parameter of standardize must be 2-D (n_samples, n_variants); got shape {x.shape}."
        )
    if np.isnan(x).any():
        raise ValueError(
            "The 'dosages' parameter of standardize contains NaN (a variant without calls?); "
            "call impute_mean first and drop variants without calls."
        )
    out = []
    for name, given, default in (("means", means, lambda: x.mean(axis=0)), ("sds", sds, lambda: x.std(axis=0))):
        if given is None:
            out.append(default() if len(x) else np.full(x.shape[1], np.nan, np.float32))
            continue
        arr = np.asarray(given, dtype=np.float32)
        if arr.shape != (x.shape[1],):
            raise ValueError(
                f"The '{name}' parameter of standardize must have shape ({x.shape[1]},), "
                f"one value per column of 'dosages'; got shape {arr.shape}."
            )
        out.append(arr)
    means_, sds_ = out
    safe = np.where(sds_ > 0, sds_, 1.0)
    return ((x - means_) / safe).astype(np.float32), means_, sds_
