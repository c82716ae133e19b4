"""Membership inference: was this person in the training set? Two attacks and their AUC.

A model that fits its training examples better than new ones leaks who was in
the training set. The **loss-threshold attack** (Yeom et al. 2018) calls an
example a member when the model's loss on it is low; its AUC over members and
non-members measures the leak, and it grows with the train–test gap. The
**shadow-model attack** (Shokri et al. 2017) trains models like the target on
data the attacker owns (disjoint from the target's), records how they score
their own training examples ("in") and held-out ones ("out"), and fits an
attack classifier on those outputs, which it then applies to the target.

Models are Keras binary classifiers (one sigmoid output) or scikit-learn
classifiers with ``predict_proba``. The attack AUC comes with a Hanley–McNeil
(1982) interval, computed here because this package sits below the evaluation
layer.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from pmed_utils._tensorflow import keras_module
from pmed_utils.privacy._auc import auc_estimate
from pmed_utils.reproducibility import check_random_state, derive_seed
from pmed_utils.results import Estimate
from pmed_utils.validation import (
    Interval,
    check_binary_labels,
    check_finite,
    check_same_length,
    validate_params,
    warn_degenerate,
)

__all__ = [
    "MembershipAttackResult",
    "attack_auc",
    "example_losses",
    "fit_model",
    "loss_threshold_attack",
    "predict_positive",
    "shadow_model_attack",
]

_LEVEL = Interval(numbers.Real, 0, 1, closed="neither")


def _is_keras(model: Any) -> bool:
    import sys

    if "keras" not in sys.modules:
        return False
    return isinstance(model, sys.modules["keras"].Model)


def _check_model(model: Any, func: str) -> None:
    if not (_is_keras(model) or hasattr(model, "predict_proba")):
        raise TypeError(
            f"The 'model' parameter of {func} must be a keras.Model with one sigmoid output or a "
            f"scikit-learn classifier with predict_proba; got {type(model).__name__}."
        )


def _as_inputs(model: Any, x: Any, param: str, func: str) -> np.ndarray:
    x = check_finite(np.asarray(x, dtype=np.float32), param, func=func).astype(np.float32, copy=False)
    if _is_keras(model):
        expected = tuple(model.input_shape[1:])
        if x.shape[1:] != expected:
            raise ValueError(f"The '{param}' parameter of {func} must have shape (n, *{expected}); got {x.shape}.")
        return x
    return x.reshape(len(x), -1)


def _positive(model: Any, x: np.ndarray) -> np.ndarray:
    if _is_keras(model):
        if len(x) == 0:
            return np.zeros(0)
        out = [np.asarray(model(x[i : i + 512], training=False)).ravel() for i in range(0, len(x), 512)]
        return np.concatenate(out).astype(float)
    return np.asarray(model.predict_proba(x))[:, 1].astype(float)


@validate_params({"model": [object], "x": ["array-like"]})
def predict_positive(model: Any, x: ArrayLike) -> np.ndarray:
    """The model's probability of class 1, for a Keras sigmoid model or a scikit-learn classifier.

    Parameters
    ----------
    model : keras.Model or scikit-learn classifier
        A binary model (one sigmoid output, or ``predict_proba``).
    x : array-like of float, shape (n, ...)
        Inputs (images for Keras; flattened to (n, n_features) for scikit-learn).

    Returns
    -------
    ndarray of float, shape (n,)
        Probabilities in [0, 1].

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> clf = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    >>> predict_positive(clf, [[0.0], [1.0]]).round(2)
    array([0.44, 0.56])
    """
    _check_model(model, "predict_positive")
    return _positive(model, _as_inputs(model, x, "x", "predict_positive"))


@validate_params({"model": [object], "x": ["array-like"], "y": ["array-like"]})
def example_losses(model: Any, x: ArrayLike, y: ArrayLike) -> np.ndarray:
    """Each example's binary cross-entropy under the model (the loss-threshold attack's input).

    Parameters
    ----------
    model : keras.Model or scikit-learn classifier
        A binary model.
    x : array-like of float, shape (n, ...)
        Inputs.
    y : array-like of 0/1, shape (n,)
        Labels.

    Returns
    -------
    ndarray of float, shape (n,)
        −log p(true label), probabilities clipped to [1e-7, 1 − 1e-7].

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> clf = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    >>> example_losses(clf, [[0.0], [1.0]], [0, 0]).round(2)
    array([0.59, 0.81])
    """
    func = "example_losses"
    _check_model(model, func)
    y = check_binary_labels(y, "y", func=func)
    x = _as_inputs(model, x, "x", func)
    check_same_length((x, "x"), (y, "y"), func=func)
    p = np.clip(_positive(model, x), 1e-7, 1 - 1e-7)
    return -np.where(y == 1, np.log(p), np.log1p(-p))


@validate_params({"scores": ["array-like"], "is_member": ["array-like"], "confidence": [_LEVEL]})
def attack_auc(scores: ArrayLike, is_member: ArrayLike, confidence: float = 0.95) -> Estimate:
    """AUC of a membership attack (members vs non-members) with a Hanley–McNeil interval.

    0.5 means the attacker learns nothing; 1 means every member is told apart.

    Parameters
    ----------
    scores : array-like of float, shape (n,)
        Attack scores, higher = more likely a member.
    is_member : array-like of 0/1, shape (n,)
        1 = in the training set.
    confidence : float in (0, 1), default 0.95
        Level of the interval.

    Returns
    -------
    Estimate
        AUC with its Wald interval from the Hanley–McNeil variance, clipped to
        [0, 1]; NaN (with a warning) when one group is empty.

    Examples
    --------
    >>> a = attack_auc([0.9, 0.8, 0.3, 0.2, 0.7, 0.1], [1, 1, 0, 0, 1, 0])
    >>> a.value, a.method
    (1.0, 'Hanley-McNeil')
    """
    func = "attack_auc"
    y = check_binary_labels(is_member, "is_member", func=func)
    s = check_finite(np.asarray(scores, dtype=float), "scores", func=func)
    check_same_length((s, "scores"), (y, "is_member"), func=func)
    if y.sum() == 0 or y.sum() == len(y):
        warn_degenerate(func, "members or non-members are missing, so the attack AUC is undefined")
    return auc_estimate(y, s, confidence)


@dataclass(frozen=True, eq=False)
class MembershipAttackResult:
    """A membership attack's scores and how well they tell members apart.

    Attributes
    ----------
    auc : Estimate
        Attack AUC (members vs non-members).
    advantage : float
        Membership advantage max(TPR − FPR) over thresholds (Yeom et al. 2018).
    scores : ndarray of float, shape (n_members + n_nonmembers,)
        Attack scores, members first.
    is_member : ndarray of int8, same shape
        1 = member.
    train_loss, test_loss : float
        Mean cross-entropy on members and on non-members; their difference is
        the overfitting the attack feeds on.
    method : str
        "loss threshold" or "shadow models".

    Examples
    --------
    >>> r = MembershipAttackResult(Estimate(0.5, 0.4, 0.6), 0.0, np.zeros(2), np.array([1, 0], "int8"), 0.3, 0.3, "loss threshold")
    >>> r.generalization_gap
    0.0
    """

    auc: Estimate
    advantage: float
    scores: np.ndarray
    is_member: np.ndarray
    train_loss: float
    test_loss: float
    method: str

    @property
    def generalization_gap(self) -> float:
        """Mean test loss minus mean train loss."""
        return self.test_loss - self.train_loss


def _advantage(scores: np.ndarray, member: np.ndarray) -> float:
    order = np.argsort(-scores, kind="stable")
    m = member[order]
    tpr = np.cumsum(m) / max(m.sum(), 1)
    fpr = np.cumsum(1 - m) / max((1 - m).sum(), 1)
    return float(max(0.0, np.max(tpr - fpr)))


def _member_data(model, x_members, y_members, x_nonmembers, y_nonmembers, func):
    _check_model(model, func)
    ym = check_binary_labels(y_members, "y_members", func=func)
    yn = check_binary_labels(y_nonmembers, "y_nonmembers", func=func)
    xm = _as_inputs(model, x_members, "x_members", func)
    xn = _as_inputs(model, x_nonmembers, "x_nonmembers", func)
    check_same_length((xm, "x_members"), (ym, "y_members"), func=func)
    check_same_length((xn, "x_nonmembers"), (yn, "y_nonmembers"), func=func)
    return xm, ym, xn, yn


def _losses(model, x, y) -> np.ndarray:
    p = np.clip(_positive(model, x), 1e-7, 1 - 1e-7)
    return -np.where(y == 1, np.log(p), np.log1p(-p))


_MEMBERS: dict[str, list[Any]] = {
    "model": [object],
    "x_members": ["array-like"],
    "y_members": ["array-like"],
    "x_nonmembers": ["array-like"],
    "y_nonmembers": ["array-like"],
}


@validate_params({**_MEMBERS, "confidence": [_LEVEL]})
def loss_threshold_attack(
    model: Any,
    x_members: ArrayLike,
    y_members: ArrayLike,
    x_nonmembers: ArrayLike,
    y_nonmembers: ArrayLike,
    confidence: float = 0.95,
) -> MembershipAttackResult:
    """The loss-threshold membership attack (Yeom et al. 2018): low loss ⇒ "member".

    Parameters
    ----------
    model : keras.Model or scikit-learn classifier
        The target model, trained on the members.
    x_members : array-like of float, shape (n_members, ...)
        Training examples of the target.
    y_members : array-like of 0/1, shape (n_members,)
        Their labels.
    x_nonmembers : array-like of float, shape (n_nonmembers, ...)
        Examples from the same population the target never saw.
    y_nonmembers : array-like of 0/1, shape (n_nonmembers,)
        Their labels.
    confidence : float in (0, 1), default 0.95
        Level of the AUC interval.

    Returns
    -------
    MembershipAttackResult
        Scores = −loss; AUC, advantage, mean train and test losses.

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.normal(size=(400, 5)), rng.integers(0, 2, 400)
    >>> tree = DecisionTreeClassifier(random_state=0).fit(x[:200], y[:200])  # memorises noise
    >>> r = loss_threshold_attack(tree, x[:200], y[:200], x[200:], y[200:])
    >>> bool(r.auc.value > 0.7), bool(r.generalization_gap > 1)
    (True, True)
    """
    func = "loss_threshold_attack"
    xm, ym, xn, yn = _member_data(model, x_members, y_members, x_nonmembers, y_nonmembers, func)
    lm, ln = _losses(model, xm, ym), _losses(model, xn, yn)
    scores = -np.concatenate([lm, ln])
    member = np.r_[np.ones(len(lm), np.int8), np.zeros(len(ln), np.int8)]
    return MembershipAttackResult(
        auc=attack_auc(scores, member, confidence),
        advantage=_advantage(scores, member),
        scores=scores,
        is_member=member,
        train_loss=float(lm.mean()) if len(lm) else np.nan,
        test_loss=float(ln.mean()) if len(ln) else np.nan,
        method="loss threshold",
    )


@validate_params(
    {
        "model": [object],
        "x": ["array-like"],
        "y": ["array-like"],
        "epochs": [Interval(numbers.Integral, 1, None)],
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "random_state": ["random_state"],
    }
)
def fit_model(
    model: Any,
    x: ArrayLike,
    y: ArrayLike,
    *,
    epochs: int = 10,
    batch_size: int = 32,
    random_state: int | np.random.Generator | None = None,
) -> Any:
    """Fit a Keras model for exactly ``epochs`` epochs (no early stopping), or a scikit-learn classifier.

    Membership experiments need a model that overfits as much as its epoch
    budget lets it, so nothing stops the run early. A scikit-learn estimator is
    fitted once on the flattened inputs (its own settings decide how long).

    Parameters
    ----------
    model : keras.Model or scikit-learn classifier
        A compiled binary Keras model, or an estimator with ``fit`` and ``predict_proba``.
    x : array-like of float, shape (n, ...)
        Training inputs.
    y : array-like of 0/1, shape (n,)
        Training labels.
    epochs : int ≥ 1, default 10
        Keras epoch budget.
    batch_size : int ≥ 1, default 32
        Keras batch size.
    random_state : int, Generator or None, default None
        Seeds Keras' shuffling and dropout (``keras.utils.set_random_seed``).

    Returns
    -------
    keras.Model or estimator
        The same object, fitted.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> clf = fit_model(LogisticRegression(), [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
    >>> clf.predict([[3.0]]).tolist()
    [1]
    """
    func = "fit_model"
    _check_model(model, func)
    y = check_binary_labels(y, "y", func=func)
    x = _as_inputs(model, x, "x", func)
    check_same_length((x, "x"), (y, "y"), func=func)
    if _is_keras(model):
        keras = keras_module()
        keras.utils.set_random_seed(derive_seed(random_state, func=func))
        model.fit(x, y.astype(np.float32), epochs=int(epochs), batch_size=int(batch_size), verbose=0, shuffle=True)
    else:
        model.fit(x, y)
    return model


def _attack_features(model, x, y) -> np.ndarray:
    p = np.clip(_positive(model, x), 1e-7, 1 - 1e-7)
    p_true = np.where(y == 1, p, 1 - p)
    logit = np.log(p_true) - np.log1p(-p_true)
    return np.column_stack([logit, y, logit * y])


@validate_params(
    {
        "build_model": ["callable"],
        "x_shadow": ["array-like"],
        "y_shadow": ["array-like"],
        **_MEMBERS,
        "n_shadow": [Interval(numbers.Integral, 1, None)],
        "epochs": [Interval(numbers.Integral, 1, None)],
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "confidence": [_LEVEL],
        "random_state": ["random_state"],
    }
)
def shadow_model_attack(
    build_model: Callable[[], Any],
    x_shadow: ArrayLike,
    y_shadow: ArrayLike,
    model: Any,
    x_members: ArrayLike,
    y_members: ArrayLike,
    x_nonmembers: ArrayLike,
    y_nonmembers: ArrayLike,
    *,
    n_shadow: int = 2,
    epochs: int = 10,
    batch_size: int = 32,
    confidence: float = 0.95,
    random_state: int | np.random.Generator | None = None,
) -> MembershipAttackResult:
    """The shadow-model membership attack (Shokri et al. 2017) against a target model.

    The attacker's data ``x_shadow`` (disjoint from the target's) is cut into
    ``n_shadow`` disjoint parts; each part is halved into "in" and "out", a
    fresh model from ``build_model()`` is trained on "in" with
    :func:`fit_model`, and its outputs on "in" (label 1) and "out" (label 0)
    train a logistic-regression attack classifier on (logit of the true-class
    probability, label, their product). The classifier then scores the target's
    members and non-members.

    Parameters
    ----------
    build_model : callable
        No arguments; returns a fresh untrained model like the target.
    x_shadow : array-like of float, shape (n_shadow_examples, ...)
        The attacker's own labelled data.
    y_shadow : array-like of 0/1, shape (n_shadow_examples,)
        Its labels.
    model : keras.Model or scikit-learn classifier
        The target model.
    x_members : array-like of float, shape (n_members, ...)
        The target's training examples.
    y_members : array-like of 0/1, shape (n_members,)
        Their labels.
    x_nonmembers : array-like of float, shape (n_nonmembers, ...)
        Examples the target never saw.
    y_nonmembers : array-like of 0/1, shape (n_nonmembers,)
        Their labels.
    n_shadow : int ≥ 1, default 2
        Number of shadow models.
    epochs : int ≥ 1, default 10
        Epoch budget of each (Keras) shadow model; match the target's.
    batch_size : int ≥ 1, default 32
        Keras batch size.
    confidence : float in (0, 1), default 0.95
        Level of the AUC interval.
    random_state : int, Generator or None, default None
        Seeds the split of the shadow data and the shadow training.

    Returns
    -------
    MembershipAttackResult
        The attack classifier's membership probability as scores.

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.normal(size=(800, 5)), rng.integers(0, 2, 800)
    >>> target = DecisionTreeClassifier(min_samples_leaf=2, random_state=0).fit(x[:200], y[:200])
    >>> r = shadow_model_attack(lambda: DecisionTreeClassifier(min_samples_leaf=2), x[400:], y[400:],
    ...                         target, x[:200], y[:200], x[200:400], y[200:400], random_state=0)
    >>> bool(r.auc.value > 0.6), r.method
    (True, 'shadow models')
    """
    from sklearn.linear_model import LogisticRegression

    func = "shadow_model_attack"
    xm, ym, xn, yn = _member_data(model, x_members, y_members, x_nonmembers, y_nonmembers, func)
    ys = check_binary_labels(y_shadow, "y_shadow", func=func)
    xs = _as_inputs(model, x_shadow, "x_shadow", func)
    check_same_length((xs, "x_shadow"), (ys, "y_shadow"), func=func)
    if len(xs) < 4 * n_shadow:
        raise ValueError(
            f"The 'x_shadow' parameter of {func} must hold at least 4 examples per shadow model "
            f"({4 * n_shadow} for n_shadow={n_shadow}); got {len(xs)}."
        )
    rng = check_random_state(random_state, func=func)
    parts = np.array_split(rng.permutation(len(xs)), int(n_shadow))
    feats, labels = [], []
    for part in parts:
        half = len(part) // 2
        inside, outside = part[:half], part[half:]
        if np.unique(ys[inside]).size < 2:
            raise ValueError(
                f"A shadow model's training half in {func} has one class: give more or balanced shadow data."
            )
        shadow = fit_model(
            build_model(), xs[inside], ys[inside], epochs=epochs, batch_size=batch_size, random_state=rng
        )
        feats += [_attack_features(shadow, xs[inside], ys[inside]), _attack_features(shadow, xs[outside], ys[outside])]
        labels += [np.ones(len(inside)), np.zeros(len(outside))]
    attack = LogisticRegression(max_iter=1000).fit(np.vstack(feats), np.concatenate(labels))
    scores = attack.predict_proba(np.vstack([_attack_features(model, xm, ym), _attack_features(model, xn, yn)]))[:, 1]
    member = np.r_[np.ones(len(xm), np.int8), np.zeros(len(xn), np.int8)]
    lm, ln = _losses(model, xm, ym), _losses(model, xn, yn)
    return MembershipAttackResult(
        auc=attack_auc(scores, member, confidence),
        advantage=_advantage(scores, member),
        scores=scores,
        is_member=member,
        train_loss=float(lm.mean()),
        test_loss=float(ln.mean()),
        method="shadow models",
    )
