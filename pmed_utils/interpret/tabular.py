"""Explaining the risk and PRS models: SHAP values, permutation importance, one person's explanation.

SHAP values (Lundberg & Lee 2017) split one prediction into a base value (the
mean prediction over a background set of people) plus one contribution per
feature; the contributions add up to the prediction minus the base value. They
are computed on the model's **logit** for a classifier (where a logistic
regression is additive) and on its prediction for a regressor. For a linear
model with independent features they are exactly :math:`\\beta_j (x_j - \\bar x_j)`,
the coefficient times the distance from the background mean (``shap``'s
``LinearExplainer``); any other model gets ``shap``'s exact (few features) or
permutation explainer on a small background.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pmed_utils.reproducibility import check_random_state, derive_seed
from pmed_utils.validation import (
    Interval,
    Options,
    check_binary_labels,
    check_covariates,
    check_same_length,
    validate_params,
)

__all__ = ["ShapValues", "explain_person", "permutation_importances", "shap_values"]

_EXACT_MAX_FEATURES = 12  # 2**12 coalitions per person: still quick on a small background


@dataclass(frozen=True, eq=False)  # DataFrame fields have no single truth value for ==
class ShapValues:
    """SHAP values of several people: base value + contributions = the model's output.

    Attributes
    ----------
    values : DataFrame, shape (n_people, n_features)
        Contribution of each feature to each person's output (logit for a classifier).
    data : DataFrame, shape (n_people, n_features)
        The feature values explained.
    base_value : float
        The output the contributions start from (the background's mean output; for
        a linear model, the output at the background mean).
    method : str
        "linear", "tree", "exact" or "permutation".
    output : str
        "logit" (classifiers), "probability" (forests and trees, explained on
        their raw output) or "prediction" (regressors).

    Examples
    --------
    >>> sv = ShapValues(pd.DataFrame({"a": [1.0, -1.0], "b": [0.5, 0.0]}),
    ...                 pd.DataFrame({"a": [2.0, 0.0], "b": [1.0, 0.0]}), 0.25, "linear", "logit")
    >>> sv.outputs.tolist(), sv.mean_abs().to_dict()
    ([1.75, -0.75], {'a': 1.0, 'b': 0.25})
    """

    values: pd.DataFrame
    data: pd.DataFrame
    base_value: float
    method: str
    output: str

    @property
    def outputs(self) -> pd.Series:
        """Base value plus each person's contributions: the model's output for them."""
        return self.base_value + self.values.sum(axis=1)

    def mean_abs(self) -> pd.Series:
        """Mean absolute contribution of each feature (a global importance), largest first."""
        return self.values.abs().mean().sort_values(ascending=False)


_SCALERS = ("StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler")


def _shap():
    """The ``shap`` module, imported without the notices its import prints.

    (matplotlib colour-map deprecations, and tqdm's "IProgress not found" in a
    notebook without ipywidgets: shap imports ``tqdm.auto``.)
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import shap
    return shap


def _is_classifier(model) -> bool:
    from sklearn.base import is_classifier

    return bool(is_classifier(model))


def _linear_parts(model) -> tuple[list, Any] | None:
    """(feature-wise scaling steps, linear estimator) when the model is linear in its inputs, else None."""
    from sklearn.pipeline import Pipeline

    steps = [s for _, s in model.steps] if isinstance(model, Pipeline) else [model]
    *pre, last = steps
    linear = hasattr(last, "coef_") and type(last).__module__.startswith("sklearn.linear_model")
    scalers_only = all(s == "passthrough" or type(s).__name__ in _SCALERS for s in pre)
    return ([s for s in pre if s != "passthrough"], last) if linear and scalers_only else None


def _check_fitted(model, func: str) -> None:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    if not (hasattr(model, "predict") and hasattr(model, "fit")):
        raise TypeError(
            f"The 'model' parameter of {func} must be a fitted scikit-learn estimator; got {type(model).__name__}."
        )
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise ValueError(f"The 'model' parameter of {func} must be fitted first (call model.fit(X, y)).") from None
    if _is_classifier(model) and len(getattr(model, "classes_", [])) != 2:
        raise ValueError(
            f"The 'model' parameter of {func} must be a binary classifier or a regressor; "
            f"got {len(model.classes_)} classes."
        )


def _is_tree_model(model) -> bool:
    return type(model).__module__.startswith(("sklearn.ensemble", "sklearn.tree", "xgboost", "lightgbm"))


def _subsample(background: np.ndarray, max_background: int, rng: np.random.Generator) -> np.ndarray:
    if len(background) <= max_background:
        return background
    return background[np.sort(rng.choice(len(background), max_background, replace=False))]


def _output_function(model):
    """X → the explained output: the logit of P(class 1) for a classifier, the prediction otherwise."""
    if _is_classifier(model):

        def logit(X):
            p = np.clip(model.predict_proba(X)[:, 1], 1e-9, 1 - 1e-9)
            return np.log(p / (1 - p))

        return logit
    return lambda X: np.asarray(model.predict(X), dtype=float)


def _frame(values, names) -> pd.DataFrame:
    return pd.DataFrame(values, columns=names)


def _inputs(model, X, background, feature_names, func: str):
    X_values, names = check_covariates(X, "X", func=func)
    B_values, b_names = check_covariates(background, "background", func=func)
    if B_values.shape[1] != X_values.shape[1]:
        raise ValueError(
            f"The 'background' parameter of {func} must have the same {X_values.shape[1]} columns as 'X'; "
            f"got {B_values.shape[1]}."
        )
    if feature_names is not None:
        names = [str(f) for f in feature_names]
        if len(names) != X_values.shape[1]:
            raise ValueError(
                f"The 'feature_names' parameter of {func} must name each of the {X_values.shape[1]} columns; "
                f"got {len(names)} names."
            )
    expected = getattr(model, "n_features_in_", X_values.shape[1])
    if expected != X_values.shape[1]:
        raise ValueError(
            f"The 'X' parameter of {func} must have the {expected} columns the model was fitted on; "
            f"got {X_values.shape[1]}."
        )
    columns = getattr(model, "feature_names_in_", None)
    if columns is not None:  # fitted on a DataFrame: give it one back
        X_values, B_values = pd.DataFrame(X_values, columns=columns), pd.DataFrame(B_values, columns=columns)
    return X_values, B_values, names


@validate_params(
    {
        "model": [object],
        "X": ["array-like"],
        "background": ["array-like"],
        "feature_names": ["array-like", None],
        "method": [Options({"auto", "linear", "tree", "exact", "permutation"})],
        "max_background": [Interval(numbers.Integral, 1, None)],
        "random_state": ["random_state"],
    }
)
def shap_values(
    model: Any,
    X: ArrayLike,
    background: ArrayLike,
    *,
    feature_names: Sequence[str] | None = None,
    method: str = "auto",
    max_background: int = 100,
    random_state: int | np.random.Generator | None = None,
) -> ShapValues:
    """SHAP values of a fitted scikit-learn model for the people in ``X``, with the ``shap`` library.

    ``method="auto"`` picks ``"linear"`` for a linear model (a scikit-learn
    linear estimator, possibly after feature-wise scalers in a Pipeline:
    ``shap.LinearExplainer`` with an independent masker on the whole
    background, exactly :math:`\\beta_j (x_j - \\bar x_j)`), ``"tree"`` for a
    tree ensemble (``shap.TreeExplainer``, interventional, on the model's raw
    output: the log-odds of a gradient-boosting classifier, the probability of a
    random forest), ``"exact"`` for any other model with at most 12 features
    (``shap.explainers.Exact``: exact Shapley values given the background) and
    ``"permutation"`` beyond (``shap.explainers.Permutation``). All but the linear
    explainer use at most ``max_background`` background people. The exact and
    permutation explainers compile numba code on their first call in a session,
    which takes tens of seconds.

    Parameters
    ----------
    model : fitted scikit-learn estimator
        A binary classifier (explained on the logit of class 1) or a regressor.
    X : DataFrame or array-like, shape (n_people, n_features)
        The people to explain.
    background : DataFrame or array-like, shape (n_background, n_features)
        The reference people (usually training people); the base value is their mean output.
    feature_names : sequence of str, optional
        Column names; None = the DataFrame's columns or x0, x1, ...
    method : {"auto", "linear", "tree", "exact", "permutation"}, default "auto"
        The explainer.
    max_background : int, default 100
        Background people kept (drawn at random) by the tree, exact and permutation explainers.
    random_state : int, numpy.random.Generator or None, default None
        The background draw and the permutations.

    Returns
    -------
    ShapValues
        ``base_value + values.sum(axis=1)`` equals the model's output for each person.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)
    >>> model = LogisticRegression().fit(X, y)
    >>> sv = shap_values(model, X[:3], X)
    >>> np.allclose(sv.values, model.coef_[0] * (X[:3] - X.mean(axis=0)))
    True
    >>> np.allclose(sv.outputs, model.decision_function(X[:3]))
    True
    """
    shap = _shap()
    func = "shap_values"
    _check_fitted(model, func)
    X_in, B_in, names = _inputs(model, X, background, feature_names, func)
    parts = _linear_parts(model)
    if method == "auto":
        if parts is not None:
            method = "linear"
        elif _is_tree_model(model):
            method = "tree"
        else:
            method = "exact" if len(names) <= _EXACT_MAX_FEATURES else "permutation"
    if method == "linear" and parts is None:
        raise ValueError(
            f"The 'method' parameter of {func} is 'linear', which needs a scikit-learn linear model (optionally "
            f"after {', '.join(_SCALERS)} in a Pipeline); got {type(model).__name__}. Use method='auto'."
        )
    output = "logit" if _is_classifier(model) else "prediction"
    if method == "linear":
        scalers, linear = parts  # type: ignore[misc]
        Xt, Bt = X_in, B_in
        for step in scalers:
            Xt, Bt = step.transform(Xt), step.transform(Bt)
        Xt, Bt = np.asarray(Xt, dtype=float), np.asarray(Bt, dtype=float)
        explainer = shap.LinearExplainer(linear, shap.maskers.Independent(Bt, max_samples=len(Bt)))
        values = np.asarray(explainer.shap_values(Xt), dtype=float).reshape(len(Xt), -1)
        base = float(np.ravel(explainer.expected_value)[0])
    elif method == "tree":
        rng = check_random_state(random_state, func=func)
        B_arr = _subsample(np.asarray(B_in, dtype=float), max_background, rng)
        try:
            explainer = shap.TreeExplainer(model, data=B_arr, feature_perturbation="interventional", model_output="raw")
        except Exception as err:  # shap's own message says which models it supports
            raise ValueError(
                f"The 'method' parameter of {func} is 'tree', but shap's TreeExplainer does not support "
                f"{type(model).__name__} ({err}). Use method='auto'."
            ) from None
        raw = np.asarray(explainer.shap_values(np.asarray(X_in, dtype=float), check_additivity=False), dtype=float)
        expected = np.ravel(explainer.expected_value)
        if raw.ndim == 3:  # one slice per class: keep class 1
            raw, expected = raw[..., -1], expected[-1:]
        values, base = raw, float(expected[0])
        if _is_classifier(model) and not hasattr(model, "decision_function"):
            output = "probability"  # forests and single trees average probabilities
    else:
        rng = check_random_state(random_state, func=func)
        B_arr = _subsample(np.asarray(B_in, dtype=float), max_background, rng)
        columns = getattr(model, "feature_names_in_", None)
        to_output = _output_function(model)

        def f(A):
            return to_output(pd.DataFrame(A, columns=columns) if columns is not None else A)

        masker = shap.maskers.Independent(B_arr, max_samples=len(B_arr))
        X_arr = np.asarray(X_in, dtype=float)
        if method == "exact":
            explanation = shap.explainers.Exact(f, masker)(X_arr, silent=True)
        else:
            explainer = shap.explainers.Permutation(f, masker, seed=derive_seed(rng))
            explanation = explainer(X_arr, max_evals=max(500, 2 * len(names) + 1), silent=True)
        values = np.asarray(explanation.values, dtype=float)
        base = float(np.ravel(explanation.base_values)[0])
    data = np.asarray(X_in, dtype=float)
    return ShapValues(_frame(values, names), _frame(data, names), base, method, output)


@validate_params(
    {
        "model": [object],
        "x_row": ["array-like"],
        "background": ["array-like"],
        "feature_names": ["array-like", None],
        "random_state": ["random_state"],
    }
)
def explain_person(
    model: Any,
    x_row: ArrayLike,
    background: ArrayLike,
    feature_names: Sequence[str] | None = None,
    *,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """One person's prediction as a base value plus one contribution per feature (SHAP, logit scale).

    For a personal risk report: which of this person's values raise their
    predicted risk above the average person's, and which lower it.

    Parameters
    ----------
    model : fitted scikit-learn estimator
        A binary classifier or a regressor (see :func:`shap_values`).
    x_row : pandas Series, DataFrame of one row, or array-like of shape (n_features,)
        The person's feature values.
    background : DataFrame or array-like, shape (n_background, n_features)
        The reference people (usually training people).
    feature_names : sequence of str, optional
        Feature names; None = the Series/DataFrame labels or x0, x1, ...
    random_state : int, numpy.random.Generator or None, default None
        For non-linear models (see :func:`shap_values`).

    Returns
    -------
    DataFrame
        Indexed by feature, largest absolute contribution first: ``value`` (the
        person's) and ``contribution`` (logit units for a classifier). ``attrs``
        holds ``base_value``, ``output`` (base value + the contributions: the
        model's logit or prediction), ``probability`` (classifiers) and ``method``.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame(rng.normal(size=(200, 2)), columns=["prs", "bmi"])
    >>> model = LogisticRegression().fit(X, (X["prs"] + rng.normal(size=200) > 0).astype(int))
    >>> table = explain_person(model, X.iloc[0], X)
    >>> table.index.tolist(), list(table.columns)
    (['prs', 'bmi'], ['value', 'contribution'])
    >>> bool(np.isclose(table.attrs["base_value"] + table["contribution"].sum(),
    ...                 model.decision_function(X.iloc[[0]])[0]))
    True
    """
    func = "explain_person"
    if isinstance(x_row, pd.Series):
        row = x_row.to_frame().T
    elif isinstance(x_row, pd.DataFrame):
        row = x_row
    else:
        arr = np.asarray(x_row)
        row = arr.reshape(1, -1) if arr.ndim == 1 else arr
    if getattr(row, "shape", (0,))[0] != 1:
        raise ValueError(
            f"The 'x_row' parameter of {func} must be one person (a Series or a row of features); "
            f"got shape {np.shape(row)}."
        )
    if isinstance(row, pd.DataFrame):
        row = row.astype(float, errors="ignore")
    sv = shap_values(model, row, background, feature_names=feature_names, random_state=random_state)
    table = pd.DataFrame({"value": sv.data.iloc[0], "contribution": sv.values.iloc[0]})
    table.index.name = "feature"
    table = table.reindex(table["contribution"].abs().sort_values(ascending=False).index)
    output = float(sv.base_value + table["contribution"].sum())
    table.attrs = {"base_value": sv.base_value, "output": output, "method": sv.method, "output_scale": sv.output}
    if sv.output == "logit":
        table.attrs["probability"] = float(1 / (1 + np.exp(-output)))
    return table


@validate_params(
    {
        "model": [object],
        "X": ["array-like"],
        "y": ["array-like"],
        "feature_names": ["array-like", None],
        "scoring": ["str"],
        "n_repeats": [Interval(numbers.Integral, 1, None)],
        "random_state": ["random_state"],
    }
)
def permutation_importances(
    model: Any,
    X: ArrayLike,
    y: ArrayLike,
    *,
    feature_names: Sequence[str] | None = None,
    scoring: str = "roc_auc",
    n_repeats: int = 10,
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """How much the score drops when one feature's values are shuffled among people.

    A wrapper of :func:`sklearn.inspection.permutation_importance`, run on
    held-out people: shuffling a feature the model relies on breaks its link
    to the outcome, and the score falls by that feature's importance.

    Parameters
    ----------
    model : fitted scikit-learn estimator
        The model to inspect.
    X : DataFrame or array-like, shape (n_people, n_features)
        Held-out people.
    y : array-like, shape (n_people,)
        Their outcomes (0/1 for a classifier).
    feature_names : sequence of str, optional
        Column names; None = the DataFrame's columns or x0, x1, ...
    scoring : str, default "roc_auc"
        A scikit-learn scorer name (``sklearn.metrics.get_scorer_names()``).
    n_repeats : int, default 10
        Shuffles per feature.
    random_state : int, numpy.random.Generator or None, default None
        The shuffles.

    Returns
    -------
    DataFrame
        Indexed by feature, most important first: ``importance`` (mean drop of
        the score) and ``std`` (over the repeats).

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 2)); y = (X[:, 0] + 0.3 * rng.normal(size=300) > 0).astype(int)
    >>> table = permutation_importances(LogisticRegression().fit(X, y), X, y, random_state=0)
    >>> table.index.tolist(), bool(table["importance"].iloc[0] > 0.2)
    (['x0', 'x1'], True)
    """
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import get_scorer_names

    func = "permutation_importances"
    _check_fitted(model, func)
    if scoring not in get_scorer_names():
        raise ValueError(
            f"The 'scoring' parameter of {func} must be a scikit-learn scorer name such as 'roc_auc', "
            f"'neg_log_loss' or 'r2'; got {scoring!r}."
        )
    X_in, _, names = _inputs(model, X, X, feature_names, func)
    target = check_binary_labels(y, "y", func=func) if _is_classifier(model) else np.asarray(y, dtype=float)
    check_same_length((X_in, "X"), (target, "y"), func=func)
    result = permutation_importance(
        model, X_in, target, scoring=scoring, n_repeats=n_repeats, random_state=derive_seed(random_state, func=func)
    )
    table = pd.DataFrame(
        {"importance": result.importances_mean, "std": result.importances_std}, index=pd.Index(names, name="feature")
    )
    return table.sort_values("importance", ascending=False)
