"""Splitting people into training, validation and test sets, each person in exactly one.

A split comes before any analysis (QC thresholds, principal components, GWAS and
score weights are all fitted on training people only), so it sits below the
analysis layers: genomics, imaging and evaluation all import it from here.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from pmed_utils.reproducibility import DEFAULT_RANDOM_STATE, derive_seed
from pmed_utils.validation import Interval, check_same_length, validate_params

__all__ = ["split_by_individual"]


@validate_params(
    {
        "n": [Interval(numbers.Integral, 3, None)],
        "fractions": [tuple, list],
        "stratify": ["array-like", None],
        "random_state": ["random_state"],
    }
)
def split_by_individual(
    n: int,
    fractions: Sequence[float] = (0.6, 0.2, 0.2),
    stratify: ArrayLike | None = None,
    random_state: int | np.random.Generator | None = 0,
) -> dict[str, np.ndarray]:
    """Indices for train / validation / test, each person in exactly one set (optionally stratified).

    Parameters
    ----------
    n : int
        Number of people (at least 3).
    fractions : tuple or list of three float, default (0.6, 0.2, 0.2)
        Fractions for training, validation and test, each in (0, 1), summing to 1.
    stratify : array-like of shape (n,), optional
        Labels whose proportions each set keeps (e.g. disease status).
    random_state : int, numpy.random.Generator or None, default 0
        An int is scikit-learn's seed as is; a Generator gives a seed through
        :func:`~pmed_utils.reproducibility.derive_seed`; None means
        :data:`~pmed_utils.reproducibility.DEFAULT_RANDOM_STATE`.

    Returns
    -------
    dict of str to ndarray of int
        Sorted row indices under "train", "validation" and "test".

    Examples
    --------
    >>> parts = split_by_individual(100)
    >>> [len(parts[k]) for k in ("train", "validation", "test")]
    [60, 20, 20]
    """
    from sklearn.model_selection import train_test_split

    if len(fractions) != 3 or not all(isinstance(f, (numbers.Real, np.floating)) and 0 < f < 1 for f in fractions):
        raise ValueError(
            "The 'fractions' parameter of split_by_individual must hold three fractions in (0, 1) "
            f"(train, validation, test); got {fractions!r}."
        )
    if not np.isclose(sum(fractions), 1):
        raise ValueError(f"The 'fractions' parameter of split_by_individual must sum to 1; got {fractions}.")
    if stratify is not None:
        check_same_length((np.arange(n), "n"), (np.asarray(stratify), "stratify"), func="split_by_individual")
    if random_state is None:
        seed = DEFAULT_RANDOM_STATE
    elif isinstance(random_state, np.random.Generator):
        seed = derive_seed(random_state, func="split_by_individual")
    else:
        seed = int(random_state)
    idx = np.arange(n)
    rest_frac = fractions[1] + fractions[2]
    try:
        train, rest = train_test_split(idx, test_size=rest_frac, stratify=stratify, random_state=seed)
        strat_rest = None if stratify is None else np.asarray(stratify)[rest]
        val, test = train_test_split(rest, test_size=fractions[2] / rest_frac, stratify=strat_rest, random_state=seed)
    except ValueError as exc:  # a set would be empty, or a stratum too small to split
        raise ValueError(
            f"split_by_individual cannot split {n} people into {tuple(fractions)}"
            f"{' stratified' if stratify is not None else ''}: {exc}"
        ) from None
    return {"train": np.sort(train), "validation": np.sort(val), "test": np.sort(test)}
