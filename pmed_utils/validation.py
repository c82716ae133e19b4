"""Input checks shared by the package, with messages that say what to do.

Each check names the parameter and the function, states what is allowed and
what was received, in the form scikit-learn uses:
"The 'maf_min' parameter of filter_variants must be in [0, 0.5]; got 0.7."

Every public function declares what each of its parameters accepts with
:func:`validate_params` (scikit-learn's ``validate_params`` is the model), so
that a wrong type or an out-of-range value is refused before any computation,
with the function's own parameter name in the message. Checks that involve
several parameters or the content of an array (lengths that must agree,
NaNs, genotype codes) stay in the function body, with the ``check_*`` helpers
below. Degenerate but legal input warns with :class:`DegenerateInputWarning`
and gives NaN.
"""

from __future__ import annotations

import functools
import inspect
import numbers
import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd

__all__ = [
    "PmedWarning",
    "DegenerateInputWarning",
    "InvalidParameterError",
    "Interval",
    "Options",
    "validate_params",
    "invalid_values",
    "valid_value",
    "warn_degenerate",
    "check_binary_labels",
    "check_columns",
    "check_covariates",
    "check_finite",
    "check_in_range",
    "check_same_length",
    "check_choice",
    "check_output_file",
]

F = TypeVar("F", bound=Callable[..., Any])


class PmedWarning(UserWarning):
    """Base class of the warnings pmed raises itself.

    Examples
    --------
    >>> issubclass(DegenerateInputWarning, PmedWarning)
    True
    """


class DegenerateInputWarning(PmedWarning):
    """Legal input on which a statistic is undefined (no cases, a constant score, an empty group).

    The function warns with this class and returns NaN for the undefined value,
    never a number that looks valid.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_degenerate("r2_with_ci", "the score is constant")
    >>> caught[0].category.__name__, str(caught[0].message)
    ('DegenerateInputWarning', 'r2_with_ci: the score is constant; the result is NaN.')
    """


class InvalidParameterError(ValueError, TypeError):
    """A parameter's type or value is not allowed (both a ValueError and a TypeError).

    Examples
    --------
    >>> issubclass(InvalidParameterError, ValueError), issubclass(InvalidParameterError, TypeError)
    (True, True)
    """


# ---------------------------------------------------------------------------
# Parameter constraints
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """Numbers of one kind in an interval: ``Interval(numbers.Real, 0, 1, closed="both")``.

    Parameters
    ----------
    kind : numbers.Integral or numbers.Real
        ``Integral`` accepts int (not bool); ``Real`` accepts int and float, finite.
    low, high : float or None
        Bounds; None means unbounded on that side.
    closed : {"both", "neither", "left", "right"}, default "both"
        Which bounds belong to the interval.

    Examples
    --------
    >>> Interval(numbers.Real, 0, 1, closed="neither").describe()
    'a float in (0, 1)'
    >>> Interval(numbers.Integral, 1, None).describe()
    'an int in [1, inf)'
    >>> Interval(numbers.Real, 0, 1).accepts(1.0), Interval(numbers.Real, 0, 1).accepts(1.5)
    (True, False)
    """

    kind: type
    low: float | None
    high: float | None
    closed: str = "both"

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` is a number of this kind inside the interval."""
        if isinstance(value, (bool, np.bool_)):
            return False
        if self.kind is numbers.Integral:
            if not isinstance(value, (numbers.Integral, np.integer)):
                return False
        elif not isinstance(value, (numbers.Real, np.floating, np.integer)):
            return False
        x = float(value)
        if not np.isfinite(x):
            return False
        if self.low is not None:
            if x < self.low or (x == self.low and self.closed in ("neither", "right")):
                return False
        if self.high is not None:
            if x > self.high or (x == self.high and self.closed in ("neither", "left")):
                return False
        return True

    def describe(self) -> str:
        """The interval in words, as the error message shows it."""
        left = "[" if self.closed in ("both", "left") and self.low is not None else "("
        right = "]" if self.closed in ("both", "right") and self.high is not None else ")"
        low = "-inf" if self.low is None else f"{self.low:g}"
        high = "inf" if self.high is None else f"{self.high:g}"
        name = "an int" if self.kind is numbers.Integral else "a float"
        return f"{name} in {left}{low}, {high}{right}"


@dataclass(frozen=True)
class Options:
    """One of a fixed set of values: ``Options({"mean", "drop"})``.

    Examples
    --------
    >>> Options({"drop", "mean"}).describe()
    "one of 'drop', 'mean'"
    """

    values: frozenset

    def __init__(self, values: Iterable[Any]) -> None:
        object.__setattr__(self, "values", frozenset(values))

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` is one of the options."""
        try:
            return value in self.values and not isinstance(value, (bool, np.bool_))
        except TypeError:  # unhashable
            return False

    def describe(self) -> str:
        """The options in words, as the error message shows them."""
        return "one of " + ", ".join(repr(v) for v in sorted(self.values, key=str))


def _is_array_like(value: Any) -> bool:
    if isinstance(value, (list, tuple, np.ndarray, pd.Series, pd.DataFrame, pd.Index, range)):
        return True
    # Duck arrays (a Dask array of genotypes read chunk by chunk) convert with np.asarray.
    return hasattr(value, "__array__") and hasattr(value, "shape") and hasattr(value, "dtype")


def _is_random_state(value: Any) -> bool:
    if value is None or isinstance(value, np.random.Generator):
        return True
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)) and int(value) >= 0


_NAMED: dict[str, tuple[Callable[[Any], Any], str]] = {
    "array-like": (_is_array_like, "an array-like (list, tuple, numpy array or pandas object)"),
    "boolean": (lambda v: isinstance(v, (bool, np.bool_)), "a bool"),
    "random_state": (_is_random_state, "None, a non-negative int or a numpy.random.Generator"),
    "path": (lambda v: isinstance(v, (str, os.PathLike)), "a path (str or os.PathLike)"),
    "str": (lambda v: isinstance(v, str), "a str"),
    "callable": (callable, "a callable"),
    "dataframe": (lambda v: isinstance(v, pd.DataFrame), "a pandas DataFrame"),
    "mapping": (lambda v: isinstance(v, dict), "a dict"),
}


def _accepts(constraint: Any, value: Any) -> bool:
    if constraint is None:
        return value is None
    if isinstance(constraint, str):
        return _NAMED[constraint][0](value)
    if isinstance(constraint, type):
        # bool is an int subclass, but True is not a sample size.
        return isinstance(value, constraint) and not (isinstance(value, bool) and constraint in (int, float))
    return constraint.accepts(value)


def _describe(constraint: Any) -> str:
    if constraint is None:
        return "None"
    if isinstance(constraint, str):
        return _NAMED[constraint][1]
    if isinstance(constraint, type):
        return f"an instance of {constraint.__name__}"
    return constraint.describe()


def _shown(value: Any) -> str:
    if _is_array_like(value) and not isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of shape {getattr(value, 'shape', (len(value),))}"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _check_constraints(value: Any, constraints: Sequence[Any], param: str, func: str) -> None:
    if any(_accepts(c, value) for c in constraints):
        return
    allowed = [_describe(c) for c in constraints]
    listed = allowed[0] if len(allowed) == 1 else ", ".join(allowed[:-1]) + " or " + allowed[-1]
    raise InvalidParameterError(f"The '{param}' parameter of {func} must be {listed}; got {_shown(value)}.")


def validate_params(constraints: dict[str, list[Any]]) -> Callable[[F], F]:
    """Decorate a function so that each parameter is checked against its constraints first.

    Parameters
    ----------
    constraints : dict of str to list
        For each parameter, the list of what it may be (any one suffices):
        an :class:`Interval`, :class:`Options`, a type (``isinstance``), ``None``,
        or one of the names ``"array-like"``, ``"boolean"``, ``"random_state"``,
        ``"path"``, ``"str"``, ``"callable"``, ``"dataframe"``, ``"mapping"``.
        Every parameter of the function must be listed (a test checks this);
        ``self`` and ``*args``/``**kwargs`` are not.

    Returns
    -------
    callable
        The decorator. The decorated function keeps its name, docstring and
        signature, and carries the constraints as ``__pmed_constraints__``.

    Raises
    ------
    InvalidParameterError
        When called with a value outside its constraints: "The 'maf_min'
        parameter of filter_variants must be a float in [0, 0.5]; got 0.7."

    Examples
    --------
    >>> @validate_params({"maf_min": [Interval(numbers.Real, 0, 0.5)]})
    ... def filter_variants(maf_min=0.01):
    ...     return maf_min
    >>> filter_variants(0.05)
    0.05
    >>> filter_variants(0.7)
    Traceback (most recent call last):
    ...
    pmed_utils.validation.InvalidParameterError: The 'maf_min' parameter of filter_variants must be a float in [0, 0.5]; got 0.7.
    """

    def decorator(func: F) -> F:
        signature = inspect.signature(func)
        names = [
            p.name
            for p in signature.parameters.values()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name not in ("self", "cls")
        ]
        unknown = sorted(set(constraints) - set(names))
        if unknown:
            raise TypeError(f"validate_params on {func.__qualname__}: no parameter named {unknown}.")
        name = func.__name__ if func.__name__ != "__init__" else func.__qualname__.split(".")[0]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as exc:
                raise TypeError(f"{name}: {exc}") from None
            for param, value in bound.arguments.items():
                if param in constraints:
                    _check_constraints(value, constraints[param], param, name)
            return func(*args, **kwargs)

        wrapper.__pmed_constraints__ = dict(constraints)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


validate_params = validate_params({"constraints": ["mapping"]})(validate_params)


@validate_params({"func": ["str"], "reason": ["str"]})
def warn_degenerate(func: str, reason: str) -> None:
    """Warn that ``func`` returns NaN because its (legal) input is degenerate.

    Parameters
    ----------
    func : str
        Name of the public function that returns NaN.
    reason : str
        What makes the input degenerate, e.g. ``"the phenotype is constant"``.

    Returns
    -------
    None

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_degenerate("gwas_linear", "the phenotype is constant")
    >>> str(caught[0].message)
    'gwas_linear: the phenotype is constant; the result is NaN.'
    """
    warnings.warn(f"{func}: {reason}; the result is NaN.", DegenerateInputWarning, stacklevel=_outside_pmed())


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _outside_pmed() -> int:
    """The ``stacklevel`` that points at the first caller outside pmed_utils (the user's line)."""
    frame = inspect.currentframe()
    level = 0
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    return max(level, 1)


_SENTINEL_TYPES = ("a-string-that-is-no-option", object(), -1, 1.5, [1.0, 2.0], True, None)


@validate_params({"constraints": ["array-like"]})
def invalid_values(constraints: Sequence[Any]) -> list[Any]:
    """Values that satisfy none of ``constraints`` (for the bad-input tests).

    Parameters
    ----------
    constraints : list
        One parameter's constraints, as given to :func:`validate_params`.

    Returns
    -------
    list
        Values of other types, and numbers just outside each :class:`Interval`.

    Examples
    --------
    >>> invalid_values([Interval(numbers.Real, 0, 1)])[:3]
    ['a-string-that-is-no-option', <object object at ...>, -1]
    >>> 0.5 in invalid_values([Interval(numbers.Real, 0, 1)])
    False
    """
    candidates: list[Any] = list(_SENTINEL_TYPES) + [float("nan")]
    for c in constraints:
        if isinstance(c, Interval):
            step = 1 if c.kind is numbers.Integral else 0.5
            if c.low is not None:
                candidates.append(type(step)(c.low) - step)
                if c.closed in ("neither", "right"):
                    candidates.append(type(step)(c.low) if c.kind is numbers.Integral else float(c.low))
            if c.high is not None:
                candidates.append(type(step)(c.high) + step)
                if c.closed in ("neither", "left"):
                    candidates.append(type(step)(c.high) if c.kind is numbers.Integral else float(c.high))
            if c.kind is numbers.Integral:
                lo = c.low if c.low is not None else 0
                candidates.append(float(lo) + 0.5)
    out: list[Any] = []
    for v in candidates:
        if not any(_accepts(c, v) for c in constraints) and not any(v is o for o in out):
            out.append(v)
    return out


@validate_params({"constraints": ["array-like"]})
def valid_value(constraints: Sequence[Any]) -> Any:
    """One value that satisfies ``constraints`` (for the bad-input tests).

    Parameters
    ----------
    constraints : list
        One parameter's constraints, as given to :func:`validate_params`.

    Returns
    -------
    object
        A value the first satisfiable constraint accepts; for a class, an
        instance made without calling its ``__init__``.

    Examples
    --------
    >>> valid_value([Interval(numbers.Integral, 1, None)])
    1
    >>> valid_value([Options({"mean"})])
    'mean'
    """
    for c in constraints:
        if c is None:
            return None
        if isinstance(c, Interval):
            if c.kind is numbers.Integral:
                lo = int(np.ceil(c.low)) if c.low is not None else 0
                for v in (lo, lo + 1):
                    if c.accepts(v):
                        return v
            else:
                low = c.low if c.low is not None else (c.high - 1 if c.high is not None else 0.0)
                high = c.high if c.high is not None else low + 2
                return float((low + high) / 2)
        if isinstance(c, Options):
            return sorted(c.values, key=str)[0]
        if isinstance(c, type):
            if c is pd.DataFrame:
                return pd.DataFrame()
            if c in (int, float, str, bool):
                return c()
            if c in (numbers.Integral, numbers.Real, numbers.Number):
                return 0 if c is numbers.Integral else 0.0
            return c.__new__(c)  # type: ignore[call-overload]  # an instance without running __init__
        named = {
            "array-like": np.zeros(2),
            "boolean": False,
            "random_state": 0,
            "path": "unused-path",
            "str": "",
            "callable": len,
            "dataframe": pd.DataFrame(),
            "mapping": {},
        }
        if c in named:
            return named[c]
    raise ValueError(f"no valid value for constraints {constraints!r}")


def _where(param: str, func: str | None) -> str:
    return f"The '{param}' parameter" + (f" of {func}" if func else "")


@validate_params(
    {
        "value": [object],
        "param": ["str"],
        "low": [numbers.Real],
        "high": [numbers.Real],
        "func": ["str", None],
        "closed": [Options({"both", "neither", "left", "right"})],
    }
)
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
    param : str
        Its parameter name, for the message.
    low, high : float
        Interval bounds.
    func : str, optional
        The public function's name, for the message.
    closed : {"both", "neither", "left", "right"}
        Which bounds are allowed.

    Returns
    -------
    float
        ``value`` as a float.

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


@validate_params({"frame": [object], "param": ["str"], "columns": ["array-like"], "func": ["str", None]})
def check_columns(frame: Any, param: str, columns: Iterable[str], *, func: str | None = None) -> pd.DataFrame:
    """Check that a DataFrame has the required columns, listing the missing ones.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to check.
    param : str
        Its parameter name, for the message.
    columns : iterable of str
        Columns that must be present.
    func : str, optional
        The public function's name, for the message.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself.

    Examples
    --------
    >>> check_columns(pd.DataFrame({"chrom": [1]}), "variants", ["chrom", "pos"], func="ld_prune")
    Traceback (most recent call last):
    ...
    ValueError: The 'variants' parameter of ld_prune lacks the column(s) ['pos']; it has ['chrom'].
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{_where(param, func)} must be a pandas DataFrame; got {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{_where(param, func)} lacks the column(s) {missing}; it has {list(frame.columns)[:20]}.")
    return frame


@validate_params({"value": [object], "param": ["str"], "choices": [object], "func": ["str", None]})
def check_choice(value: Any, param: str, choices: Iterable[Any], *, func: str | None = None) -> Any:
    """Check that ``value`` is one of ``choices`` (listing them in the error).

    Parameters
    ----------
    value : object
        The value to check.
    param : str
        Its parameter name, for the message.
    choices : iterable
        The allowed values.
    func : str, optional
        The public function's name, for the message.

    Returns
    -------
    object
        ``value`` itself.

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


@validate_params({"array": [object], "param": ["str"], "func": ["str", None]})
def check_finite(array: Any, param: str, *, func: str | None = None) -> np.ndarray:
    """Return ``array`` as a float ndarray, refusing NaN and infinity.

    Parameters
    ----------
    array : array-like
        Numbers of any shape.
    param : str
        Its parameter name, for the message.
    func : str, optional
        The public function's name, for the message.

    Returns
    -------
    ndarray of float64
        ``array`` converted, same shape.

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


@validate_params({"X": [object], "param": ["str"], "func": ["str", None]})
def check_covariates(X: Any, param: str = "X", *, func: str | None = None) -> tuple[np.ndarray, list[str]]:
    """A finite 2-D float covariate matrix and its column names.

    Parameters
    ----------
    X : DataFrame or array-like of shape (n_samples, n_features) or (n_samples,)
        Covariates; a 1-D array is one column.
    param : str, default "X"
        Its parameter name, for the message.
    func : str, optional
        The public function's name, for the message.

    Returns
    -------
    values : ndarray of float64, shape (n_samples, n_features)
    names : list of str
        The DataFrame's column names, or ``x0, x1, ...``.

    Examples
    --------
    >>> values, names = check_covariates(pd.DataFrame({"age": [50, 61], "bmi": [24.0, 31.5]}))
    >>> values.tolist(), names
    ([[50.0, 24.0], [61.0, 31.5]], ['age', 'bmi'])
    >>> check_covariates([["a"], ["b"]], func="fit_cox")
    Traceback (most recent call last):
    ...
    ValueError: The 'X' parameter of fit_cox must hold numbers only (encode categories first).
    """
    if isinstance(X, pd.DataFrame):
        names = [str(c) for c in X.columns]
        values = X.to_numpy()
    else:
        values = X.to_numpy() if isinstance(X, pd.Series) else np.asarray(X)
        if values.ndim == 1:
            values = values[:, None]
        names = [f"x{j}" for j in range(values.shape[1])] if values.ndim == 2 else []
    if values.ndim != 2 or values.shape[1] == 0:
        raise ValueError(f"{_where(param, func)} must be 2-D with at least one column; got shape {values.shape}.")
    try:
        values = values.astype(float)
    except (TypeError, ValueError):
        raise ValueError(f"{_where(param, func)} must hold numbers only (encode categories first).") from None
    return check_finite(values, param, func=func), names


@validate_params({"y": [object], "param": ["str"], "func": ["str", None]})
def check_binary_labels(y: Any, param: str = "y_true", *, func: str | None = None) -> np.ndarray:
    """Return 1-D labels as an int8 array of 0/1, or raise a clear error.

    Booleans are accepted. Any other value (2, -1, 0.5, NaN, strings) is an
    error that lists the values found.

    Parameters
    ----------
    y : array-like of shape (n,) or (n, 1)
        The labels.
    param : str, default "y_true"
        Its parameter name, for the message.
    func : str, optional
        The public function's name, for the message.

    Returns
    -------
    ndarray of int8, shape (n,)
        The labels as 0/1.

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
            f"{_where(param, func)} must contain only 0 and 1 (1 = has the condition); got values {shown}."
        )
    return arr.astype(np.int8)


@validate_params({"func": ["str", None]})
def check_same_length(*arrays_and_names: tuple[Any, str], func: str | None = None) -> int:
    """Check that arrays share their first dimension and return it.

    Parameters
    ----------
    *arrays_and_names : tuple of (array-like, str)
        Each array with its parameter name.
    func : str, optional
        The public function's name, for the message.

    Returns
    -------
    int
        The common length.

    Examples
    --------
    >>> check_same_length(([0, 1], "y_true"), ([0.2, 0.4, 0.9], "y_score"), func="auc_delong")
    Traceback (most recent call last):
    ...
    ValueError: Inconsistent lengths in auc_delong: y_true has 2 rows, y_score has 3; they must describe the same people in the same order.
    """
    lengths = [(name, len(a)) for a, name in arrays_and_names]
    if len({n for _, n in lengths}) > 1:
        listed = ", ".join(
            f"{name} has {n} rows" if i == 0 else f"{name} has {n}" for i, (name, n) in enumerate(lengths)
        )
        where = f" in {func}" if func else ""
        raise ValueError(
            f"Inconsistent lengths{where}: {listed}; they must describe the same people in the same order."
        )
    return lengths[0][1]


@validate_params({"path": ["path"], "param": ["str"], "suffix": ["str"], "func": ["str", None]})
def check_output_file(path: Any, param: str, suffix: str, *, func: str | None = None) -> str:
    """Check that ``path`` names a file with ``suffix`` in a folder that exists, and return it as a str.

    Parameters
    ----------
    path : str or os.PathLike
        Where a function will write.
    param : str
        The parameter's name, for the message.
    suffix : str
        The ending the file name must have (``".keras"``).
    func : str, optional
        The public function's name, for the message.

    Returns
    -------
    str
        ``os.fspath(path)``.

    Raises
    ------
    ValueError
        The name does not end with ``suffix``.
    FileNotFoundError
        Its folder does not exist.

    Examples
    --------
    >>> check_output_file("weights.h5", "path", ".keras", func="save_model")
    Traceback (most recent call last):
    ...
    ValueError: The 'path' parameter of save_model must end with '.keras'; got 'weights.h5'.
    """
    path = os.fspath(path)
    if not path.endswith(suffix):
        raise ValueError(f"{_where(param, func)} must end with {suffix!r}; got {path!r}.")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{_where(param, func)} points into a missing folder {folder}; create it first.")
    return path
