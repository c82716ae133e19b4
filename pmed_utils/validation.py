"""Input checks shared by the package, with messages that say what to do.

Each check names the parameter and the function, states what is allowed and
what was received, in the form scikit-learn uses:
"The 'maf_min' parameter of filter_variants must be in [0, 0.5]; got 0.7."
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = [
    "check_binary_labels",
    "check_finite",
    "check_in_range",
    "check_same_length",
    "check_choice",
]


def _where(param: str, func: str | None) -> str:
    return f"The '{param}' parameter" + (f" of {func}" if func else "")


def check_in_range(
    value: Any,
    param: str,
    low: float,
    high: float,
    *,
    func: str | None = None,
    closed: str = "both",
) -> float:
    """Check that a scalar lies in an interval and return it as float.

    Parameters
    ----------
    value : float
        The value to check.
    param, func : str
        Names used in the error message.
    low, high : float
        Interval bounds.
    closed : {"both", "neither", "left", "right"}
        Which bounds are allowed.

    Examples
    --------
    >>> check_in_range(0.5, "h2", 0, 1, closed="neither")
    0.5
    >>> check_in_range(1.5, "h2", 0, 1, func="simulate_cohort", closed="neither")
    Traceback (most recent call last):
    ...
    ValueError: The 'h2' parameter of simulate_cohort must be in (0, 1); got 1.5.
    """
    left = "[" if closed in ("both", "left") else "("
    right = "]" if closed in ("both", "right") else ")"
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{_where(param, func)} must be a number; got {value!r}.") from None
    ok_low = x >= low if left == "[" else x > low
    ok_high = x <= high if right == "]" else x < high
    if not (np.isfinite(x) and ok_low and ok_high):
        raise ValueError(f"{_where(param, func)} must be in {left}{low:g}, {high:g}{right}; got {value!r}.")
    return x


def check_choice(value: Any, param: str, choices: Iterable[Any], *, func: str | None = None) -> Any:
    """Check that ``value`` is one of ``choices`` (listing them in the error).

    Examples
    --------
    >>> check_choice("breastmnist", "name", ["breastmnist", "pneumoniamnist"])
    'breastmnist'
    """
    choices = list(choices)
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{_where(param, func)} must be one of {listed}; got {value!r}.")
    return value


def check_finite(array: Any, param: str, *, func: str | None = None) -> np.ndarray:
    """Return ``array`` as a float ndarray, refusing NaN and infinity.

    Examples
    --------
    >>> check_finite([0.1, float("nan")], "y_score", func="roc_with_ci")
    Traceback (most recent call last):
    ...
    ValueError: The 'y_score' parameter of roc_with_ci contains 1 NaN or infinite value(s) (first at index 1); remove or impute them first.
    """
    arr = np.asarray(array, dtype=float)
    bad = ~np.isfinite(arr)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        where = first[0] if len(first) == 1 else first
        raise ValueError(
            f"{_where(param, func)} contains {int(bad.sum())} NaN or infinite value(s) "
            f"(first at index {where}); remove or impute them first."
        )
    return arr


def check_binary_labels(y: Any, param: str = "y_true", *, func: str | None = None) -> np.ndarray:
    """Return 1-D labels as an int8 array of 0/1, or raise a clear error.

    Booleans are accepted. Any other value (2, -1, 0.5, NaN, strings) is an
    error that lists the values found.

    Examples
    --------
    >>> check_binary_labels([0, 1, 1, 0])
    array([0, 1, 1, 0], dtype=int8)
    >>> check_binary_labels([0, 2], func="roc_with_ci")
    Traceback (most recent call last):
    ...
    ValueError: The 'y_true' parameter of roc_with_ci must contain only 0 and 1 (1 = has the condition); got values [0, 2].
    """
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{_where(param, func)} must be 1-D; got shape {arr.shape}.")
    if arr.dtype == bool:
        return arr.astype(np.int8)
    try:
        values = np.unique(arr)
    except TypeError:
        values = np.unique(arr.astype(str))
    if not set(values.tolist()) <= {0, 1}:
        shown = values.tolist()[:10]
        raise ValueError(
            f"{_where(param, func)} must contain only 0 and 1 (1 = has the condition); "
            f"got values {shown}."
        )
    return arr.astype(np.int8)


def check_same_length(*arrays_and_names: tuple[Any, str], func: str | None = None) -> int:
    """Check that arrays share their first dimension and return it.

    Examples
    --------
    >>> check_same_length(([0, 1], "y_true"), ([0.2, 0.4, 0.9], "y_score"), func="auc_delong")
    Traceback (most recent call last):
    ...
    ValueError: Inconsistent lengths in auc_delong: y_true has 2 rows, y_score has 3; they must describe the same people in the same order.
    """
    lengths = [(name, len(a)) for a, name in arrays_and_names]
    if len({n for _, n in lengths}) > 1:
        listed = ", ".join(f"{name} has {n} rows" if i == 0 else f"{name} has {n}" for i, (name, n) in enumerate(lengths))
        where = f" in {func}" if func else ""
        raise ValueError(
            f"Inconsistent lengths{where}: {listed}; they must describe the same people in the same order."
        )
    return lengths[0][1]
