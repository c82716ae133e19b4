"""Content checks shared by the survival functions (times, event indicators, scores)."""

from __future__ import annotations

from typing import Any

import numpy as np

from pmed_utils.validation import check_binary_labels, check_covariates, check_finite, check_same_length

__all__: list[str] = []


def time_array(time: Any, func: str, param: str = "time") -> np.ndarray:
    """Finite, strictly positive 1-D event or censoring times as float."""
    values = np.asarray(time)
    if values.ndim != 1:
        raise ValueError(f"The '{param}' parameter of {func} must be 1-D; got shape {values.shape}.")
    try:
        values = values.astype(float)
    except (TypeError, ValueError):
        raise ValueError(f"The '{param}' parameter of {func} must hold numbers (times).") from None
    values = check_finite(values, param, func=func)
    bad = values <= 0
    if bad.any():
        raise ValueError(
            f"The '{param}' parameter of {func} must hold times > 0 (time from the origin to the event "
            f"or to censoring); got {int(bad.sum())} value(s) <= 0, e.g. {float(values[bad][0])!r}."
        )
    return values


def event_array(event: Any, func: str, param: str = "event") -> np.ndarray:
    """0/1 (or boolean) event indicators as bool, refusing any other value."""
    values = np.ravel(np.asarray(event))
    try:
        labels = check_binary_labels(values, param, func=func)
    except ValueError:
        shown = sorted({str(v) for v in values.tolist()})[:6]
        raise ValueError(
            f"The '{param}' parameter of {func} must contain only 0 (censored) and 1 (event); got values {shown}."
        ) from None
    return labels.astype(bool)


def score_array(score: Any, func: str, param: str = "risk") -> np.ndarray:
    """A finite 1-D float score."""
    values = np.asarray(score)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(f"The '{param}' parameter of {func} must be 1-D; got shape {values.shape}.")
    try:
        values = values.astype(float)
    except (TypeError, ValueError):
        raise ValueError(f"The '{param}' parameter of {func} must hold numbers only.") from None
    return check_finite(values, param, func=func)


def survival_arrays(time: Any, event: Any, func: str, prefix: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Checked (time, event) of the same length."""
    t = time_array(time, func, f"{prefix}time")
    e = event_array(event, func, f"{prefix}event")
    check_same_length((t, f"{prefix}time"), (e, f"{prefix}event"), func=func)
    return t, e


def covariate_matrix(X: Any, func: str, param: str = "X") -> tuple[np.ndarray, list[str]]:
    """A finite 2-D float matrix and its column names (a DataFrame's, or x0, x1, ...)."""
    return check_covariates(X, param, func=func)


def structured_y(time: np.ndarray, event: np.ndarray) -> np.ndarray:
    """The (event, time) structured array scikit-survival expects."""
    y = np.empty(len(time), dtype=[("event", bool), ("time", float)])
    y["event"] = event
    y["time"] = time
    return y
