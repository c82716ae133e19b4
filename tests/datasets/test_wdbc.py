"""Tests of pmed_utils/datasets/wdbc.py against scikit-learn's copy of the data."""

import numpy as np
from sklearn.datasets import load_breast_cancer

from pmed_utils.datasets.wdbc import load_wdbc


def test_wdbc_features_as_shipped_and_malignant_coded_1():
    X, y = load_wdbc()
    bunch = load_breast_cancer()
    np.testing.assert_array_equal(X.to_numpy(), bunch.data)
    assert list(X.columns) == list(bunch.feature_names)
    # scikit-learn: 0 = malignant; pmed: 1 = has the condition
    np.testing.assert_array_equal(y.to_numpy(), (bunch.target == 0).astype(np.int8))
    assert y.dtype == np.int8 and int(y.sum()) == 212 and y.name == "malignant"
