"""Validation shared by the evaluation functions."""

from __future__ import annotations

import numpy as np

from pmed_utils.validation import check_binary_labels, check_finite, check_same_length


def check_scores(y_true, y_score, func: str, *, need_both_classes: bool = True):
    """Return (labels int8, scores float) after checking lengths, labels and NaNs.

    Raises ValueError for mismatched lengths, labels other than 0/1, NaN or
    infinite scores, and (if ``need_both_classes``) a single class.
    """
    y = check_binary_labels(y_true, "y_true", func=func)
    s = np.asarray(y_score)
    if s.ndim == 2 and s.shape[1] == 1:
        s = s[:, 0]
    if s.ndim != 1:
        raise ValueError(
            f"The 'y_score' parameter of {func} must be 1-D (one score per person); got shape {s.shape}. "
            "For predict_proba output pass the positive-class column, e.g. proba[:, 1]."
        )
    check_same_length((y, "y_true"), (s, "y_score"), func=func)
    s = check_finite(s, "y_score", func=func)
    if need_both_classes and len(np.unique(y)) < 2:
        raise ValueError(
            f"{func} needs both classes in y_true; got only label {int(y[0]) if len(y) else 'none'} "
            f"in {len(y)} people. A ROC curve or AUC is undefined without cases and controls."
        )
    return y, s
