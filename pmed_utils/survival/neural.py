"""A small neural Cox model: a Keras network trained by the Cox partial likelihood.

The network maps covariates to a log-risk ``g(x)``, in place of the Cox model's
linear ``x b`` (Faraggi and Simon 1995; DeepSurv, Katzman et al. 2018). The loss
is the negative Breslow log partial likelihood over the whole training set (one
full batch per epoch), so the number of epochs fixes the budget and training is
deterministic for a given ``random_state``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np

from pmed_utils._tensorflow import keras_module, tensorflow_module
from pmed_utils.reproducibility import derive_seed
from pmed_utils.survival._checks import covariate_matrix, survival_arrays
from pmed_utils.validation import Interval, check_same_length, validate_params

__all__ = ["NeuralCoxFit", "fit_neural_cox"]


@dataclass(frozen=True)
class NeuralCoxFit:
    """A trained neural Cox model.

    Attributes
    ----------
    model : keras.Model
        Maps standardised covariates, shape (n, n_features), to the log-risk, shape (n, 1).
    mean, scale : ndarray of float, shape (n_features,)
        The training covariates' mean and standard deviation (applied before the network).
    loss : ndarray of float, shape (epochs,)
        Negative log partial likelihood per event at each epoch (before its update).
    names : list of str
        Covariate names.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 2))
    >>> t = rng.exponential(1 / np.exp(x[:, 0]))
    >>> fit = fit_neural_cox(x, t, np.ones(200), epochs=30, random_state=1)
    >>> fit.risk_score(x).shape, fit.loss.shape
    ((200,), (30,))
    """

    model: Any
    mean: np.ndarray
    scale: np.ndarray
    loss: np.ndarray
    names: list

    def risk_score(self, X: Any) -> np.ndarray:
        """The network's log-risk for each row of ``X`` (higher = earlier event), shape (n_samples,)."""
        Xm, _ = covariate_matrix(X, "NeuralCoxFit.risk_score")
        if Xm.shape[1] != self.mean.size:
            raise ValueError(f"NeuralCoxFit.risk_score: X must have {self.mean.size} columns; got {Xm.shape[1]}.")
        z = ((Xm - self.mean) / self.scale).astype("float32")
        return np.asarray(self.model(z, training=False), dtype=float)[:, 0]


def _risk_set_ends(ts: np.ndarray) -> np.ndarray:
    """For times sorted decreasingly, the index of the last person at risk at each person's time."""
    return (ts.size - 1 - np.searchsorted(ts[::-1], ts, side="left")).astype("int32")


def _cox_loss(tf: Any, g: Any, d: Any, tie_end: Any) -> Any:
    """Negative Breslow log partial likelihood per event, for people sorted by decreasing time."""
    log_risk_set = tf.gather(tf.math.cumulative_logsumexp(g), tie_end)
    return -tf.reduce_sum(d * (g - log_risk_set)) / tf.reduce_sum(d)


@validate_params(
    {
        "X": ["array-like", "dataframe"],
        "time": ["array-like"],
        "event": ["array-like"],
        "hidden_units": [Interval(numbers.Integral, 1, None)],
        "epochs": [Interval(numbers.Integral, 1, None)],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "l2": [Interval(numbers.Real, 0, None)],
        "random_state": ["random_state"],
    }
)
def fit_neural_cox(
    X: Any,
    time: Any,
    event: Any,
    *,
    hidden_units: int = 16,
    epochs: int = 200,
    learning_rate: float = 0.01,
    l2: float = 1e-3,
    random_state: int | np.random.Generator | None = 0,
) -> NeuralCoxFit:
    """Train a one-hidden-layer network by the Cox partial likelihood (Breslow ties).

    Covariates are standardised; the network is Dense(``hidden_units``, tanh)
    then Dense(1, linear, no bias: the partial likelihood ignores a constant),
    both with an L2 penalty ``l2`` on the weights, trained with Adam on the
    full training set for exactly ``epochs`` steps. The loss for log-risks
    ``g`` is ``-(1/d) sum over events i of [g_i - log sum_{j: t_j >= t_i} exp(g_j)]``
    with ``d`` the number of events: people sorted by decreasing time, a cumulative
    log-sum-exp gives each risk set, and tied times share the risk set of the tie.

    Parameters
    ----------
    X : array-like or DataFrame of float, shape (n_samples, n_features)
        Covariates.
    time : array-like of float, shape (n_samples,)
        Time of the event or of censoring, > 0.
    event : array-like of 0/1 or bool, shape (n_samples,)
        1 if the event was observed (at least one is needed).
    hidden_units : int >= 1, default 16
        Width of the hidden layer.
    epochs : int >= 1, default 200
        Full-batch training steps (the whole budget, fixed in advance).
    learning_rate : float > 0, default 0.01
        Adam's step size.
    l2 : float >= 0, default 1e-3
        L2 penalty on the weights.
    random_state : int, Generator or None, default 0
        Seed of the initial weights (through
        :func:`~pmed_utils.reproducibility.derive_seed`; no global seed is set).

    Returns
    -------
    NeuralCoxFit
        The network, the standardisation and the loss per epoch.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(300, 1))
    >>> t = rng.exponential(1 / np.exp(x[:, 0] ** 2))
    >>> fit = fit_neural_cox(x, t, np.ones(300), epochs=100, random_state=0)
    >>> bool(fit.loss[-1] < fit.loss[0])
    True
    """
    func = "fit_neural_cox"
    Xm, names = covariate_matrix(X, func)
    t, e = survival_arrays(time, event, func)
    check_same_length((Xm, "X"), (t, "time"), func=func)
    if not e.any():
        raise ValueError(f"The 'event' parameter of {func} has no events; the partial likelihood is then constant.")
    tf = tensorflow_module()
    keras = keras_module()
    mean = Xm.mean(axis=0)
    scale = Xm.std(axis=0)
    scale[scale == 0] = 1.0
    order = np.argsort(-t, kind="stable")  # decreasing time: person i's risk set is 0..last of its tie
    ts = t[order]
    last = _risk_set_ends(ts)
    z = tf.constant(((Xm[order] - mean) / scale).astype("float32"))
    d = tf.constant(e[order].astype("float32"))
    tie_end = tf.constant(last.astype("int32"))
    seed = derive_seed(random_state, func=func)
    reg = keras.regularizers.L2(l2) if l2 > 0 else None
    model = keras.Sequential(
        [
            keras.Input(shape=(Xm.shape[1],)),
            keras.layers.Dense(
                hidden_units,
                activation="tanh",
                kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
                kernel_regularizer=reg,
            ),
            keras.layers.Dense(
                1,
                use_bias=False,
                kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 1),
                kernel_regularizer=reg,
            ),
        ]
    )
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)

    @tf.function
    def step() -> Any:
        with tf.GradientTape() as tape:
            nll = _cox_loss(tf, model(z, training=True)[:, 0], d, tie_end)
            total = nll + tf.add_n(model.losses) if model.losses else nll
        grads = tape.gradient(total, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return nll

    losses = np.array([float(step()) for _ in range(epochs)])
    return NeuralCoxFit(model, mean, scale, losses, names)
