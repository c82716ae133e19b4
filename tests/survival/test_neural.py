"""The neural Cox model's loss is the Cox partial likelihood; training is seeded and learns."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pmed_utils._tensorflow import tensorflow_module
from pmed_utils.survival import cox_partial_likelihood, harrell_c_index
from pmed_utils.survival.neural import _cox_loss, _risk_set_ends, fit_neural_cox

R_INPUT = pd.read_csv(Path(__file__).parents[1] / "data" / "r" / "survival" / "survival_input.csv")


def test_loss_equals_the_breslow_partial_likelihood_with_ties():
    tf = tensorflow_module()
    X = R_INPUT[["x1", "x2"]].to_numpy()
    t, e = R_INPUT["time"].to_numpy(float), R_INPUT["event"].to_numpy()
    b = np.array([0.4, -0.2])
    ll, _, _ = cox_partial_likelihood(b, X, t, e)
    order = np.argsort(-t, kind="stable")
    g = tf.constant((X[order] @ b).astype("float64"))
    loss = _cox_loss(tf, g, tf.constant(e[order].astype("float64")), tf.constant(_risk_set_ends(t[order])))
    assert float(loss) == pytest.approx(-ll / e.sum(), rel=1e-10)


def test_risk_set_ends_cover_tied_times():
    ts = np.array([5.0, 3.0, 3.0, 3.0, 1.0])
    np.testing.assert_array_equal(_risk_set_ends(ts), [0, 3, 3, 3, 4])


def test_training_is_seeded_and_learns_a_nonlinear_risk():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 2))
    t = rng.exponential(1 / np.exp(1.5 * X[:, 0] ** 2 - 1))
    c = rng.exponential(2.0, 600)
    e, t = t <= c, np.minimum(t, c)
    a = fit_neural_cox(X[:400], t[:400], e[:400], epochs=150, random_state=3)
    b = fit_neural_cox(X[:400], t[:400], e[:400], epochs=150, random_state=3)
    np.testing.assert_allclose(a.risk_score(X[400:]), b.risk_score(X[400:]), rtol=1e-5)
    assert a.loss[-1] < a.loss[0]
    c_net = harrell_c_index(t[400:], e[400:], a.risk_score(X[400:])).value
    assert c_net > 0.65  # a linear score in X cannot rank a U-shaped risk (C near 0.5)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="'time' parameter of fit_neural_cox must hold times > 0"):
        fit_neural_cox([[0.0], [1.0]], [0.0, 1.0], [1, 1], epochs=1)
    with pytest.raises(ValueError, match="has no events"):
        fit_neural_cox([[0.0], [1.0]], [1.0, 2.0], [0, 0], epochs=1)
    with pytest.raises(ValueError, match="'epochs' parameter of fit_neural_cox"):
        fit_neural_cox([[0.0], [1.0]], [1.0, 2.0], [1, 1], epochs=0)
