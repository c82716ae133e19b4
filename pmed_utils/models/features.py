"""CNN features fed to classical models (decision tree, RBF SVM, logistic regression)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from pmed_utils._tensorflow import keras_module
from pmed_utils.models.training import predict_in_batches
from pmed_utils.validation import check_binary_labels, check_finite, check_same_length

if TYPE_CHECKING:
    import keras

__all__ = ["feature_extractor", "extract_features", "classical_models", "fit_classical_models", "compare_feature_models"]


def feature_extractor(model: "keras.Model", layer: str = "features") -> "keras.Model":
    """A Keras model that maps images to the activations of ``layer`` (the penultimate layer).

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> feature_extractor(small_cnn()).output_shape
    (None, 128)
    """
    keras = keras_module()
    # A one-element list of inputs makes Keras warn on every call that the structure differs.
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    return keras.Model(inputs, model.get_layer(layer).output, name=f"{model.name}_features")


def extract_features(model: "keras.Model", x: np.ndarray, layer: str = "features",
                     batch_size: int = 256) -> np.ndarray:
    """Penultimate-layer features of a trained CNN, shape (n, n_features), float32.

    Examples
    --------
    >>> from pmed_utils.models import seed_cnn
    >>> extract_features(seed_cnn(), np.zeros((2, 64, 64, 3), "float32")).shape
    (2, 128)
    """
    return np.asarray(predict_in_batches(feature_extractor(model, layer), np.asarray(x, np.float32), batch_size),
                      dtype=np.float32)


def classical_models(random_state: int = 0) -> dict:
    """The seed's classical models on CNN features: decision tree, RBF SVM, logistic regression.

    Examples
    --------
    >>> sorted(classical_models())
    ['RBF SVM', 'decision tree', 'logistic regression']
    """
    return {
        "decision tree": DecisionTreeClassifier(max_depth=4, min_samples_leaf=5, random_state=random_state),
        # Platt scaling by internal cross-validation turns SVM margins into probabilities.
        "RBF SVM": make_pipeline(StandardScaler(), CalibratedClassifierCV(SVC(kernel="rbf", C=1.0), ensemble=False)),
        "logistic regression": make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000)),
    }


def fit_classical_models(features: ArrayLike, y: ArrayLike, random_state: int = 0) -> dict:
    """Fit every model of :func:`classical_models` on (features, y) and return them by name.

    Parameters
    ----------
    features : ndarray of float, shape (n_samples, n_features)
        E.g. from :func:`extract_features`; no NaN.
    y : array-like of 0/1, shape (n_samples,)
        1 = lesion.
    random_state : int

    Returns
    -------
    dict of str to fitted scikit-learn estimator

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(60, 3)); y = (f[:, 0] > 0).astype(int)
    >>> models = fit_classical_models(f, y)
    >>> float(models["logistic regression"].score(f, y)) > 0.9
    True
    """
    y = check_binary_labels(y, "y", func="fit_classical_models")
    features = check_finite(features, "features", func="fit_classical_models")
    if features.ndim != 2:
        raise ValueError(
            f"The 'features' parameter of fit_classical_models must be 2-D (n_samples, n_features); got shape {features.shape}."
        )
    check_same_length((features, "features"), (y, "y"), func="fit_classical_models")
    return {name: model.fit(features, y) for name, model in classical_models(random_state).items()}


def compare_feature_models(model: "keras.Model", x_train: np.ndarray, y_train: ArrayLike, x_test: np.ndarray, *,
                           layer: str = "features", random_state: int = 0,
                           head_name: str = "CNN head") -> dict[str, np.ndarray]:
    """Test-set lesion scores of the CNN's own head and of classical models fitted on its features.

    The seed's §3.1 steps 2–3: the penultimate-layer activations of a trained
    CNN are extracted for the training and test images; a decision tree, an
    RBF SVM and a logistic regression are fitted on the training features, and
    every model (the CNN's sigmoid head included) scores the *same* test images.

    Parameters
    ----------
    model : keras.Model
        A trained binary CNN with a layer named ``layer``.
    x_train, x_test : ndarray of float32, shape (n, h, w, c)
        Model inputs (as from :func:`pmed_utils.imaging.to_model_input`).
    y_train : array-like of 0/1, shape (n_train,)
    layer : str, default "features"
    random_state : int
    head_name : str
        Key of the CNN's own scores in the result.

    Returns
    -------
    dict of str to ndarray of float, shape (n_test,)
        Probability of a lesion per test image: ``head_name`` first, then each
        classical model.

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> x = np.random.default_rng(0).random((12, 16, 16, 1)).astype("float32")
    >>> scores = compare_feature_models(small_cnn((16, 16, 1), filters=(4,)), x, [0, 1] * 6, x[:5])
    >>> list(scores), scores["RBF SVM"].shape
    (['CNN head', 'decision tree', 'RBF SVM', 'logistic regression'], (5,))
    """
    from pmed_utils.models.training import predict_scores

    features_train = extract_features(model, x_train, layer)
    features_test = extract_features(model, x_test, layer)
    fitted = fit_classical_models(features_train, y_train, random_state=random_state)
    scores = {head_name: predict_scores(model, x_test)}
    scores.update({name: est.predict_proba(features_test)[:, 1] for name, est in fitted.items()})
    return scores
