"""CNN features fed to classical models (decision tree, RBF SVM, logistic regression)."""

from __future__ import annotations

import numbers
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
from pmed_utils.models.training import (
    _check_model,
    _check_model_input,
    predict_in_batches,
    predict_scores,
)
from pmed_utils.reproducibility import derive_seed
from pmed_utils.validation import (
    Interval,
    check_binary_labels,
    check_finite,
    check_same_length,
    validate_params,
)

if TYPE_CHECKING:
    import keras

__all__ = [
    "classical_models",
    "compare_feature_models",
    "extract_features",
    "feature_extractor",
    "fit_classical_models",
]


@validate_params({"model": ["callable"], "layer": ["str"]})
def feature_extractor(model: keras.Model, layer: str = "features") -> keras.Model:
    """A Keras model that maps images to the activations of ``layer`` (the penultimate layer).

    Parameters
    ----------
    model : keras.Model
        A CNN with a layer named ``layer`` (as :func:`seed_cnn` and :func:`small_cnn` have).
    layer : str, default "features"
        Name of the layer whose output becomes the features.

    Returns
    -------
    keras.Model
        Same input as ``model``; output shape (None, n_features).

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> feature_extractor(small_cnn((8, 8, 1), filters=(2, 4))).output_shape
    (None, 4)
    """
    keras = keras_module()
    _check_model(model, "feature_extractor")
    names = [lay.name for lay in model.layers]
    if layer not in names:
        raise ValueError(
            f"The 'layer' parameter of feature_extractor must name a layer of {model.name}; "
            f"got {layer!r}, it has {names}."
        )
    # A one-element list of inputs makes Keras warn on every call that the structure differs.
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    return keras.Model(inputs, model.get_layer(layer).output, name=f"{model.name}_features")


@validate_params(
    {"model": ["callable"], "x": ["array-like"], "layer": ["str"], "batch_size": [Interval(numbers.Integral, 1, None)]}
)
def extract_features(model: keras.Model, x: np.ndarray, layer: str = "features", batch_size: int = 256) -> np.ndarray:
    """Penultimate-layer features of a trained CNN, one vector per image.

    Parameters
    ----------
    model : keras.Model
        A CNN with a layer named ``layer``.
    x : ndarray of float32, shape (n, height, width, channels)
        Images in [0, 1] matching the model's input shape.
    layer : str, default "features"
        The layer whose activations are returned.
    batch_size : int, default 256
        Images per forward pass.

    Returns
    -------
    ndarray of float32, shape (n, n_features)

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> extract_features(small_cnn((8, 8, 1), filters=(2, 4)), np.zeros((2, 8, 8, 1), "float32")).shape
    (2, 4)
    """
    extractor = feature_extractor(model, layer)
    x = _check_model_input(model, x, "x", func="extract_features")
    return np.asarray(predict_in_batches(extractor, x, int(batch_size)), dtype=np.float32)


@validate_params({"random_state": ["random_state"]})
def classical_models(random_state: int | np.random.Generator | None = None) -> dict:
    """The seed's classical models on CNN features: decision tree, RBF SVM, logistic regression (unfitted).

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None, default None
        Seeds the decision tree (``derive_seed(random_state)``); the SVM and the
        logistic regression are deterministic.

    Returns
    -------
    dict of str to scikit-learn estimator
        ``"decision tree"`` (depth 4, at least 5 images per leaf), ``"RBF SVM"``
        (standardised, Platt-scaled by internal cross-validation) and
        ``"logistic regression"`` (standardised, C = 0.1).

    Examples
    --------
    >>> sorted(classical_models())
    ['RBF SVM', 'decision tree', 'logistic regression']
    """
    seed = derive_seed(random_state, func="classical_models")
    return {
        "decision tree": DecisionTreeClassifier(max_depth=4, min_samples_leaf=5, random_state=seed),
        # Platt scaling by internal cross-validation turns SVM margins into probabilities.
        "RBF SVM": make_pipeline(StandardScaler(), CalibratedClassifierCV(SVC(kernel="rbf", C=1.0), ensemble=False)),
        "logistic regression": make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000)),
    }


@validate_params({"features": ["array-like"], "y": ["array-like"], "random_state": ["random_state"]})
def fit_classical_models(
    features: ArrayLike, y: ArrayLike, random_state: int | np.random.Generator | None = None
) -> dict:
    """Fit every model of :func:`classical_models` on (features, y) and return them by name.

    Parameters
    ----------
    features : ndarray of float, shape (n_samples, n_features)
        E.g. from :func:`extract_features`; no NaN.
    y : array-like of 0/1, shape (n_samples,)
        1 = lesion; both classes, at least 3 images of each (the SVM's Platt
        scaling uses 3-fold cross-validation).
    random_state : int, numpy.random.Generator or None, default None
        As for :func:`classical_models`.

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
    func = "fit_classical_models"
    y = check_binary_labels(y, "y", func=func)
    features = check_finite(features, "features", func=func)
    if features.ndim != 2:
        raise ValueError(
            f"The 'features' parameter of {func} must be 2-D (n_samples, n_features); got shape {features.shape}."
        )
    check_same_length((features, "features"), (y, "y"), func=func)
    counts = np.bincount(y, minlength=2)
    if counts.min() < 3:
        raise ValueError(
            f"The 'y' parameter of {func} must hold at least 3 images of each class (the SVM's "
            f"probabilities come from 3-fold cross-validation); got counts {counts.tolist()} "
            "(no lesion, lesion)."
        )
    return {name: model.fit(features, y) for name, model in classical_models(random_state).items()}


@validate_params(
    {
        "model": ["callable"],
        "x_train": ["array-like"],
        "y_train": ["array-like"],
        "x_test": ["array-like"],
        "layer": ["str"],
        "pixel_baseline": ["boolean"],
        "random_state": ["random_state"],
        "head_name": ["str"],
    }
)
def compare_feature_models(
    model: keras.Model,
    x_train: np.ndarray,
    y_train: ArrayLike,
    x_test: np.ndarray,
    *,
    layer: str = "features",
    pixel_baseline: bool = False,
    random_state: int | np.random.Generator | None = None,
    head_name: str = "CNN head",
) -> dict[str, np.ndarray]:
    """Test-set lesion scores of the CNN's own head and of classical models fitted on its features.

    The seed's §3.1 steps 2–3: the penultimate-layer activations of a trained
    CNN are extracted for the training and test images; a decision tree, an
    RBF SVM and a logistic regression are fitted on the training features, and
    every model (the CNN's sigmoid head included) scores the *same* test images.
    With ``pixel_baseline=True`` the same classical models are also fitted on
    the raw pixels, to show what the convolutions add.

    Parameters
    ----------
    model : keras.Model
        A trained binary CNN with a layer named ``layer``.
    x_train : ndarray of float32, shape (n_train, height, width, channels)
        Training images (as from :func:`pmed_utils.imaging.to_model_input`).
    y_train : array-like of 0/1, shape (n_train,)
        Training labels, 1 = lesion.
    x_test : ndarray of float32, shape (n_test, height, width, channels)
        The images every model scores.
    layer : str, default "features"
        The layer whose activations are the features.
    pixel_baseline : bool, default False
        Also fit the classical models on the flattened pixels.
    random_state : int, numpy.random.Generator or None, default None
        As for :func:`classical_models`.
    head_name : str, default "CNN head"
        Key of the CNN's own scores in the result.

    Returns
    -------
    dict of str to ndarray of float, shape (n_test,)
        Probability of a lesion per test image: ``head_name`` first, then each
        classical model on the features (``"decision tree"``, ``"RBF SVM"``,
        ``"logistic regression"``), then, with ``pixel_baseline``, each on the
        pixels (``"decision tree (pixels)"``, ...).

    Examples
    --------
    >>> from pmed_utils.models import small_cnn
    >>> x = np.random.default_rng(0).random((12, 8, 8, 1)).astype("float32")
    >>> scores = compare_feature_models(small_cnn((8, 8, 1), filters=(2,)), x, [0, 1] * 6, x[:5],
    ...                                 pixel_baseline=True)
    >>> list(scores)[:4], scores["RBF SVM (pixels)"].shape
    (['CNN head', 'decision tree', 'RBF SVM', 'logistic regression'], (5,))
    """
    func = "compare_feature_models"
    _check_model(model, func)
    x_train = _check_model_input(model, x_train, "x_train", func=func)
    x_test = _check_model_input(model, x_test, "x_test", func=func)
    y_train = check_binary_labels(y_train, "y_train", func=func)
    check_same_length((x_train, "x_train"), (y_train, "y_train"), func=func)
    inputs = {"": (extract_features(model, x_train, layer), extract_features(model, x_test, layer))}
    if pixel_baseline:
        inputs[" (pixels)"] = (x_train.reshape(len(x_train), -1), x_test.reshape(len(x_test), -1))
    scores = {head_name: predict_scores(model, x_test)}
    for suffix, (train, test) in inputs.items():
        fitted = fit_classical_models(train, y_train, random_state=random_state)
        scores.update({f"{name}{suffix}": est.predict_proba(test)[:, 1] for name, est in fitted.items()})
    return scores
