"""CNN features fed to classical models (decision tree, RBF SVM, logistic regression)."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from pmed_utils.validation import check_binary_labels, check_same_length

__all__ = ["feature_extractor", "extract_features", "classical_models", "fit_classical_models"]


def feature_extractor(model, layer: str = "features"):
    """A Keras model that maps images to the activations of ``layer`` (the penultimate layer).

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> feature_extractor(small_cnn()).output_shape
    (None, 128)
    """
    import keras

    return keras.Model(model.inputs, model.get_layer(layer).output, name=f"{model.name}_features")


def extract_features(model, x, layer: str = "features", batch_size: int = 256) -> np.ndarray:
    """Penultimate-layer features of a trained CNN, shape (n, n_features), float32."""
    return np.asarray(feature_extractor(model, layer).predict(x, batch_size=batch_size, verbose=0), dtype=np.float32)


def classical_models(random_state: int = 0) -> dict:
    """The seed's classical models on CNN features: decision tree, RBF SVM, logistic regression.

    Examples
    --------
    >>> sorted(classical_models())
    ['RBF SVM', 'decision tree', 'logistic regression']
    """
    return {
        "decision tree": DecisionTreeClassifier(max_depth=4, min_samples_leaf=5, random_state=random_state),
        "RBF SVM": make_pipeline(StandardScaler(), SVC(kernel="rbf", C=1.0, probability=True, random_state=random_state)),
        "logistic regression": make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000)),
    }


def fit_classical_models(features, y, random_state: int = 0) -> dict:
    """Fit every model of :func:`classical_models` on (features, y) and return them by name."""
    y = check_binary_labels(y, "y", func="fit_classical_models")
    check_same_length((features, "features"), (y, "y"), func="fit_classical_models")
    return {name: model.fit(features, y) for name, model in classical_models(random_state).items()}
