"""Update strategies: what each does with new labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmed_utils.evaluation import Recalibrator
from pmed_utils.models import (
    FrozenModel,
    FullRefit,
    OnlineUpdating,
    PeriodicRecalibration,
    make_update_scenario,
)


def _data(seed, n=600, shift=0.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] + rng.normal(size=n) > 1 - shift).astype(int)
    return X, y


def test_frozen_ignores_updates():
    X, y = _data(0)
    m = FrozenModel().fit(X, y)
    p = m.predict_proba(X)
    m.update(*_data(1, shift=2))
    assert np.array_equal(m.predict_proba(X), p) and m.n_updates_ == 0


def test_recalibration_restores_calibration_in_the_large_and_keeps_the_ranking():
    X, y = _data(0)
    m = PeriodicRecalibration(Recalibrator("platt"), every=2, window=2).fit(X, y)
    X1, y1 = _data(1, shift=1.5)
    p0 = m.predict_proba(X1)
    m.update(X1, y1)
    assert m.n_updates_ == 0  # not yet: every 2 months
    m.update(X1, y1)
    p1 = m.predict_proba(X1)
    assert m.n_updates_ == 1
    assert abs(p1.mean() - y1.mean()) < 0.02 < abs(p0.mean() - y1.mean())
    assert np.array_equal(np.argsort(p0), np.argsort(p1))


def test_online_updating_starts_at_the_development_fit_and_moves_towards_new_data():
    X, y = _data(0)
    online, frozen = OnlineUpdating(learning_rate=0.02).fit(X, y), FrozenModel().fit(X, y)
    assert np.allclose(online.predict_proba(X), frozen.predict_proba(X))
    X1, y1 = _data(1, shift=1.5)
    gaps = []
    for _ in range(5):
        gaps.append(abs(online.predict_proba(X1).mean() - y1.mean()))
        online.update(X1, y1)
    assert gaps[-1] < gaps[0] / 2


def test_full_refit_uses_the_window():
    X, y = _data(0)
    m = FullRefit(every=1, window=1).fit(X, y)
    X1, y1 = _data(1, shift=1.5)
    m.update(X1, y1)
    assert abs(m.predict_proba(X1).mean() - y1.mean()) < 0.01
    grow = FullRefit(every=1).fit(X, y).update(X1, y1)
    assert len(grow.months_) == 1 and grow.n_updates_ == 1


def test_bad_input():
    X, y = _data(0)
    m = FrozenModel().fit(X, y)
    with pytest.raises(ValueError, match="2 columns"):
        m.predict_proba(np.ones((3, 3)))
    with pytest.raises(RuntimeError, match="not fitted"):
        FrozenModel().predict_proba(X)
    with pytest.raises(ValueError, match="both classes"):
        FrozenModel().fit(X, np.zeros(len(X), int))
    with pytest.raises(TypeError, match="recalibrator"):
        PeriodicRecalibration(object())
    with pytest.raises(ValueError, match="y"):
        m.update(X, y[:-1])


def test_make_update_scenario_keeps_development_people_out_of_the_stream():
    rng = np.random.default_rng(0)
    n = 400
    people = pd.DataFrame({"prs": rng.normal(size=n), "bmi": rng.normal(27, 4, n)})
    people["disease"] = (people["prs"] + rng.normal(size=n) > 0.5).astype(int)
    people["split"] = ["train", "test"] * (n // 2)
    people["person_id"] = np.arange(n)
    images = (rng.random((n, 6, 6)) * 255).astype(np.uint8)
    sc = make_update_scenario(
        people,
        images,
        features=("prs", "bmi"),
        n_months=3,
        patients_per_month=40,
        drifts=[],
        n_components=3,
        random_state=0,
    )
    assert set(sc.stream.patients["split"]) == {"test"}
    dev_ids = set(sc.development["person_id"])
    assert not dev_ids & set(sc.stream.patients["person_id"])
    assert set(sc.development["split"]) == {"test"}
    assert sc.X.shape == (120, 3) and sc.X_development.shape == (100, 3)
    assert sc.month.tolist() == np.repeat([0, 1, 2], 40).tolist()
    with pytest.raises(ValueError, match="one image per person"):
        make_update_scenario(people, images[:5], features=("prs",), drifts=[])
    with pytest.raises(ValueError, match="split"):
        make_update_scenario(people.assign(split="train"), images, features=("prs",), drifts=[])
    with pytest.raises(ValueError, match="bmi"):
        make_update_scenario(people.drop(columns="bmi"), images, features=("prs", "bmi"), drifts=[])
