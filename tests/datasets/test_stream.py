"""The simulated stream against its known truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmed_utils.datasets import DEFAULT_DRIFTS, apply_scanner_shift, simulate_stream


@pytest.fixture
def pool():
    rng = np.random.default_rng(0)
    people = pd.DataFrame({"bmi": rng.normal(27, 4, 3000)})
    people["disease"] = rng.binomial(1, 0.2, 3000)
    images = rng.integers(0, 256, size=(3000, 6, 6), dtype=np.uint8)
    return people, images


def test_default_schedule_is_the_truth(pool):
    s = simulate_stream(*pool, n_months=36, patients_per_month=50, random_state=0)
    assert s.drifts["month"].tolist() == [d["month"] for d in DEFAULT_DRIFTS]
    assert s.drifts["kind"].tolist() == ["prevalence", "scanner", "environment"]
    assert len(s.patients) == 36 * 50 and s.images.shape == (1800, 6, 6)
    assert (s.patients["scanner"] == (s.patients["month"] >= 18)).all()
    assert s.n_repeats == s.patients["pool_index"].duplicated().sum()


def test_prevalence_shift_multiplies_the_odds(pool):
    drifts = [{"kind": "prevalence", "month": 10, "odds_ratio": 3.0}]
    s = simulate_stream(*pool, n_months=20, patients_per_month=2000, drifts=drifts, random_state=1)
    rate = s.patients.groupby(s.patients["month"] >= 10)["disease"].mean()
    odds = rate / (1 - rate)
    assert odds[True] / odds[False] == pytest.approx(3.0, rel=0.1)


def test_environment_shift_moves_the_mean_by_shift_sd_and_keeps_each_persons_disease(pool):
    people, images = pool
    drifts = [{"kind": "environment", "month": 5, "column": "bmi", "shift_sd": 1.0, "ramp": 4}]
    s = simulate_stream(people, images, n_months=12, patients_per_month=3000, drifts=drifts, random_state=2)
    by_month = s.patients.groupby("month")["bmi"].mean()
    sd = people["bmi"].std()
    assert (by_month[9:] - by_month[:5].mean()).mean() / sd == pytest.approx(1.0, abs=0.15)
    assert by_month[5] < by_month[7] < by_month[9]  # the ramp
    assert (s.patients["disease"].to_numpy() == people["disease"].to_numpy()[s.patients["pool_index"]]).all()


def test_scanner_change_is_applied_to_the_images_from_its_month(pool):
    people, images = pool
    drifts = [{"kind": "scanner", "month": 2, "contrast": 0.5, "brightness": 0.1}]
    s = simulate_stream(people, images, n_months=4, patients_per_month=10, drifts=drifts, random_state=3)
    idx = s.patients["pool_index"].to_numpy()
    before, after = s.patients["month"] < 2, s.patients["month"] >= 2
    assert np.array_equal(s.images[before.to_numpy()], images[idx[before]])
    expected = apply_scanner_shift(images[idx[after]], contrast=0.5, brightness=0.1)
    assert np.array_equal(s.images[after.to_numpy()], expected)


def test_apply_scanner_shift_float_images():
    out = apply_scanner_shift(np.array([0.0, 0.5, 1.0]), contrast=0.5, brightness=0.1)
    assert np.allclose(out, [0.35, 0.6, 0.85])


def test_seeded_streams_are_reproducible(pool):
    a = simulate_stream(*pool, n_months=3, patients_per_month=20, drifts=[], random_state=7)
    b = simulate_stream(*pool, n_months=3, patients_per_month=20, drifts=[], random_state=7)
    pd.testing.assert_frame_equal(a.patients, b.patients)


@pytest.mark.parametrize(
    ("drifts", "match"),
    [
        ([{"kind": "tsunami", "month": 1}], "kind"),
        ([{"kind": "prevalence", "month": 99, "odds_ratio": 2}], "month"),
        ([{"kind": "prevalence", "month": 1}], "missing"),
        ([{"kind": "prevalence", "month": 1, "odds_ratio": 2, "size": 1}], "unknown"),
        ([{"kind": "environment", "month": 1, "column": "height", "shift_sd": 1}], "height"),
        ([{"kind": "prevalence", "month": 1, "odds_ratio": -1}], "odds_ratio"),
        ([3], "mappings"),
    ],
)
def test_malformed_drifts_are_refused(pool, drifts, match):
    with pytest.raises((ValueError, TypeError), match=match):
        simulate_stream(*pool, n_months=12, drifts=drifts)


def test_bad_people_and_images_are_refused(pool):
    people, images = pool
    with pytest.raises(ValueError, match="one image per person"):
        simulate_stream(people, images[:10])
    with pytest.raises(ValueError, match="disease"):
        simulate_stream(people.drop(columns="disease"))
    with pytest.raises(ValueError, match="no images"):
        simulate_stream(people, n_months=36)
