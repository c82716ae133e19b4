"""Label bias: a recorded diagnosis that depends on access to care, on top of the true disease (simulated).

Obermeyer et al. (2019) found that an algorithm trained to predict health
costs, a proxy for health needs, under-referred Black patients: less access
to care meant lower costs at the same need. Here the proxy is a diagnosis in
the records. A true case is diagnosed only if the person reaches care, with a
probability that differs between groups, so a model trained on the diagnosis
learns that the under-served group is "healthier" than it is.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils.reproducibility import check_random_state
from pmed_utils.validation import (
    Interval,
    check_binary_labels,
    check_same_length,
    validate_params,
)

__all__ = ["simulate_proxy_diagnosis"]


@validate_params(
    {
        "disease": ["array-like"],
        "groups": ["array-like", pd.Categorical],
        "access": ["mapping"],
        "false_positive_rate": [Interval(numbers.Real, 0, 1)],
        "random_state": ["random_state"],
    }
)
def simulate_proxy_diagnosis(
    disease: ArrayLike,
    groups: ArrayLike,
    access: Mapping[Any, float],
    *,
    false_positive_rate: float = 0.0,
    random_state: int | np.random.Generator | None = None,
) -> np.ndarray:
    """Simulate a recorded diagnosis: true cases diagnosed with their group's access to care.

    Each true case (``disease == 1``) is diagnosed with probability
    ``access[group]``, independently; each person without the disease is
    (mis)diagnosed with probability ``false_positive_rate``. Among true cases
    the diagnosed share in a group is therefore ``access[group]`` up to
    binomial sampling error, and the proxy's prevalence is
    ``base_rate · access + (1 − base_rate) · false_positive_rate``.

    Parameters
    ----------
    disease : array-like of int, shape (n,)
        The true disease, 0/1 (for the simulated cohort, ``samples["disease"]``).
    groups : array-like or pandas.Categorical, shape (n,)
        Group label per person (for example ``samples["population"]``), no missing values.
    access : mapping of group to float
        Probability in [0, 1] that a true case in the group reaches care and is
        diagnosed; every group in ``groups`` needs a value.
    false_positive_rate : float in [0, 1], default 0.0
        Probability that a person without the disease is recorded as diagnosed.
    random_state : int, Generator or None, default None
        Drives the draws (None means the package's fixed default seed).

    Returns
    -------
    ndarray of int8, shape (n,)
        The proxy label, 0/1.

    Examples
    --------
    >>> disease = np.ones(4000, dtype=int)
    >>> groups = np.repeat(["A", "B"], 2000)
    >>> proxy = simulate_proxy_diagnosis(disease, groups, {"A": 0.9, "B": 0.5}, random_state=0)
    >>> proxy.dtype, round(float(proxy[groups == "A"].mean()), 1), round(float(proxy[groups == "B"].mean()), 1)
    (dtype('int8'), 0.9, 0.5)
    """
    y = check_binary_labels(disease, "disease", func="simulate_proxy_diagnosis")
    missing = np.asarray(pd.isna(groups)).reshape(-1)
    g = np.asarray(groups).reshape(-1)
    check_same_length((y, "disease"), (g, "groups"), func="simulate_proxy_diagnosis")
    if missing.any():
        raise ValueError(
            f"The 'groups' parameter of simulate_proxy_diagnosis has {int(missing.sum())} missing label(s) "
            "(NaN or None); give every person a group."
        )
    labels = list(pd.unique(g))
    unknown = [label for label in labels if label not in access]
    if unknown:
        raise ValueError(
            f"The 'access' parameter of simulate_proxy_diagnosis has no value for groups {unknown!r}; "
            f"it has {list(access)!r}."
        )
    for label, value in access.items():
        ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and 0 <= float(value) <= 1
        if not ok:
            raise ValueError(
                "The 'access' parameter of simulate_proxy_diagnosis must map each group to a probability "
                f"in [0, 1]; got {label!r}: {value!r}."
            )
    rng = check_random_state(random_state, func="simulate_proxy_diagnosis")
    p_access = np.array([float(access[label]) for label in g], dtype=float) if len(g) else np.zeros(0)
    u = rng.random(len(y))
    diagnosed = np.where(y == 1, u < p_access, u < false_positive_rate)
    return diagnosed.astype(np.int8)
