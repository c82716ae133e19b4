"""The Wisconsin diagnostic breast cancer data (ships with scikit-learn)."""

from __future__ import annotations

import pandas as pd
from sklearn.datasets import load_breast_cancer

from pmed_utils.validation import validate_params

__all__ = ["WDBC_CITATION", "load_wdbc"]

WDBC_CITATION = (
    "W. N. Street, W. H. Wolberg and O. L. Mangasarian. Nuclear feature extraction for breast "
    "tumor diagnosis. IS&T/SPIE 1993 International Symposium on Electronic Imaging, vol. 1905, "
    "pp. 861-870. Data: UCI Machine Learning Repository, CC BY 4.0."
)


@validate_params({})
def load_wdbc() -> tuple[pd.DataFrame, pd.Series]:
    """Load the 569 fine-needle-aspirate cases as a feature table and a diagnosis.

    The 30 features (radius, texture, perimeter, area, smoothness, … as mean,
    standard error and "worst" value) were measured from digitized images of
    fine-needle aspirates of breast masses.

    Returns
    -------
    features : DataFrame, shape (569, 30)
        float64 measurements; column names as in scikit-learn.
    malignant : Series of int8, shape (569,)
        1 = malignant (the condition we want to detect), 0 = benign.
        scikit-learn codes the target the other way round (0 = malignant);
        pmed always uses 1 for "has the condition".

    Examples
    --------
    >>> X, y = load_wdbc()
    >>> X.shape, int(y.sum())
    ((569, 30), 212)
    """
    bunch = load_breast_cancer(as_frame=True)
    features = bunch.data.copy()
    malignant = (bunch.target == 0).astype("int8").rename("malignant")
    return features, malignant
