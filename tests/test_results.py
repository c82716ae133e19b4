"""Estimate: the one type for an estimate with its interval."""

import math
from dataclasses import FrozenInstanceError

import numpy as np
import pytest

from pmed_utils.results import Estimate


def test_fields_are_floats_and_formatting_shows_the_interval():
    est = Estimate(np.float64(0.8123), 0.7, np.float32(0.9), 0.9, method="DeLong")
    assert all(type(getattr(est, f)) is float for f in ("value", "low", "high", "level"))
    assert float(est) == 0.8123
    assert f"{est:.2f}" == "0.81 (90% CI 0.70–0.90)"
    assert str(est) == "0.812 (90% CI 0.700–0.900)"
    assert est.to_series()["method"] == "DeLong" and est.to_series()["level"] == 0.9


def test_without_an_interval_only_the_value_is_shown():
    assert f"{Estimate(1.5, math.nan, math.nan):.1f}" == "1.5"


def test_contains_and_width():
    est = Estimate(0.5, 0.4, 0.6)
    assert est.contains(0.4) and est.contains(0.6) and not est.contains(0.61)
    assert est.width == 0.2
    assert not Estimate(math.nan, math.nan, math.nan).contains(0.5)


def test_invalid_estimates_are_refused():
    with pytest.raises(ValueError, match="'level' parameter of Estimate must be in \\(0, 1\\)"):
        Estimate(0.5, 0.4, 0.6, level=95)
    with pytest.raises(ValueError, match="low .* must not exceed high"):
        Estimate(0.5, 0.7, 0.6)
    with pytest.raises(FrozenInstanceError):
        Estimate(0.5, 0.4, 0.6).value = 1.0  # type: ignore[misc]


def test_estimates_compare_by_value():
    assert Estimate(0.5, 0.4, 0.6, 0.95, "Wald") == Estimate(0.5, 0.4, 0.6, 0.95, "Wald")
    assert Estimate(0.5, 0.4, 0.6) != Estimate(0.5, 0.4, 0.7)
