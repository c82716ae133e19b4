"""Validation shared by the evaluation functions."""

from __future__ import annotations

import numpy as np

from pmed_utils.validation import (
    check_binary_labels,
    check_finite,
    check_same_length,
    warn_degenerate,
)

__all__: list[str] = []


def check_scores(
    y_true, y_score, func: str, *, y_name: str = "y_true", score_name: str = "y_score"
) -> tuple[np.ndarray, np.ndarray]:
    """Return (labels int8, scores float) after checking lengths, labels and NaNs.

    Raises ValueError for mismatched lengths, labels other than 0/1, NaN or
    infinite scores, and a score that is not 1-D.
    """
    y = check_binary_labels(y_true, y_name, func=func)
    s = np.asarray(y_score)
    if s.ndim == 2 and s.shape[1] == 1:
        s = s[:, 0]
    if s.ndim != 1:
        raise ValueError(
            f"The '{score_name}' parameter of {func} must be 1-D (one score per person); got shape {s.shape}. "
            "For predict_proba output pass the positive-class column, e.g. proba[:, 1]."
        )
    check_same_length((y, y_name), (s, score_name), func=func)
    s = check_finite(s, score_name, func=func)
    return y, s


def both_classes(y: np.ndarray, func: str, *, what: str = "y_true") -> bool:
    """True when ``y`` holds cases and controls; otherwise warn (DegenerateInputWarning) and return False."""
    counts = np.bincount(y, minlength=2) if len(y) else np.zeros(2, int)
    if counts.min() > 0:
        return True
    missing = "no cases" if counts[1] == 0 else "no controls"
    warn_degenerate(
        func, f"{what} has {missing} ({counts[0]} controls, {counts[1]} cases); the statistic needs both classes"
    )
    return False


def check_probabilities(p: np.ndarray, func: str, name: str = "y_prob") -> np.ndarray:
    """Refuse values outside [0, 1] with a message that names the parameter."""
    if p.size and (p.min() < 0 or p.max() > 1):
        raise ValueError(
            f"The '{name}' parameter of {func} must hold probabilities in [0, 1]; got values from "
            f"{p.min():.3g} to {p.max():.3g}. Calibrate scores first (see recalibrate)."
        )
    return p
