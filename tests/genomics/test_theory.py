"""pmed_utils.genomics.theory against closed forms and simulation."""

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import roc_auc_score

from pmed_utils.genomics.theory import (
    daetwyler_expected_r2,
    liability_auc_exact,
    liability_to_observed_h2,
    observed_to_liability_h2,
    wray_max_auc,
)


def test_theory_closed_forms():
    assert daetwyler_expected_r2(0.5, 1e12, 1000) == pytest.approx(0.5)
    assert daetwyler_expected_r2(0.5, 4000, 1000) == pytest.approx(1 / 3)
    # Lee et al. (2012): for K = P = 0.5 the conversion factor is K²(1−K)²/(z² P(1−P)) = 0.25/φ(0)² = π/2
    assert observed_to_liability_h2(0.2, 0.5) == pytest.approx(0.2 * np.pi / 2)
    assert liability_to_observed_h2(observed_to_liability_h2(0.07, 0.01, 0.5), 0.01, 0.5) == pytest.approx(0.07)


@pytest.mark.parametrize("h2, k", [(0.1, 0.05), (0.5, 0.1), (0.8, 0.3)])
def test_liability_auc_matches_simulation_and_wray_for_small_h2(h2, k):
    rng = np.random.default_rng(0)
    g = rng.normal(0, np.sqrt(h2), 400_000)
    y = g + rng.normal(0, np.sqrt(1 - h2), g.size) > stats.norm.ppf(1 - k)
    assert liability_auc_exact(h2, k) == pytest.approx(roc_auc_score(y, g), abs=0.004)
    if h2 <= 0.5:
        assert wray_max_auc(h2, k) == pytest.approx(liability_auc_exact(h2, k), abs=0.003)


def test_no_heritability_gives_chance_auc():
    assert wray_max_auc(0.0, 0.2) == 0.5 and liability_auc_exact(0, 0.2) == 0.5


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: daetwyler_expected_r2(0, 100, 10),
            r"'h2' parameter of daetwyler_expected_r2 must be a float in \(0, 1\]",
        ),
        (
            lambda: daetwyler_expected_r2(0.5, 0, 10),
            r"'n' parameter of daetwyler_expected_r2 must be a float in \(0, inf\)",
        ),
        (lambda: daetwyler_expected_r2(0.5, 10, -1), r"'m_e' parameter"),
        (
            lambda: observed_to_liability_h2(0.1, 1.0),
            r"'prevalence' parameter of observed_to_liability_h2 must be a float in \(0, 1\)",
        ),
        (lambda: observed_to_liability_h2(0.1, 0.1, 0), r"'case_fraction' parameter"),
        (lambda: liability_to_observed_h2(1.5, 0.1), r"'h2_liability' parameter of liability_to_observed_h2"),
        (lambda: wray_max_auc(0.5, 0), r"'prevalence' parameter of wray_max_auc"),
        (
            lambda: liability_auc_exact(0.5, 0.1, n_grid=10),
            r"'n_grid' parameter of liability_auc_exact must be an int in \[101, inf\)",
        ),
    ],
)
def test_out_of_range_parameters_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()
