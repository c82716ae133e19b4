"""Content checks shared by the causal estimators (treatment labels, propensities, outcomes)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import clone

from pmed_utils.reproducibility import derive_seed
from pmed_utils.validation import check_binary_labels, check_covariates, check_finite

__all__: list[str] = []


def treatment_array(treatment: Any, func: str) -> np.ndarray:
    """0/1 treatment labels as int8, refusing any other label."""
    values = np.ravel(np.asarray(treatment))
    try:
        return check_binary_labels(values, "treatment", func=func)
    except ValueError:
        shown = sorted({str(v) for v in values.tolist()})[:6]
        raise ValueError(
            f"The 'treatment' parameter of {func} must contain only 0 (control) and 1 (treated); got values {shown}."
        ) from None


def outcome_array(outcome: Any, func: str, param: str = "outcome") -> np.ndarray:
    """A finite 1-D float outcome."""
    values = np.asarray(outcome)
    if values.ndim != 1:
        raise ValueError(f"The '{param}' parameter of {func} must be 1-D; got shape {values.shape}.")
    return check_finite(values, param, func=func)


def propensity_array(propensity: Any, func: str) -> np.ndarray:
    """Propensities strictly inside (0, 1)."""
    e = outcome_array(propensity, func, "propensity")
    bad = (e <= 0) | (e >= 1)
    if bad.any():
        raise ValueError(
            f"The 'propensity' parameter of {func} must lie strictly inside (0, 1) (a probability of "
            f"treatment that is 0 or 1 leaves no comparison); got {int(bad.sum())} values outside, "
            f"e.g. {float(e[bad][0])!r}."
        )
    return e


def covariate_matrix(X: Any, func: str, param: str = "X") -> np.ndarray:
    """A finite 2-D float covariate matrix (a DataFrame's values, a 1-D array as one column)."""
    return check_covariates(X, param, func=func)[0]


def seeded_clone(model: Any, random_state: Any, func: str) -> Any:
    """A fresh, unfitted copy of a scikit-learn model, seeded from ``random_state`` if it takes a seed."""
    fresh = clone(model)
    params = fresh.get_params()
    seeds = {
        k: derive_seed(random_state, func=func) for k in params if k == "random_state" or k.endswith("__random_state")
    }
    if seeds:
        fresh.set_params(**seeds)
    return fresh
