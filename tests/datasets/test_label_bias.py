"""Tests for pmed_utils.datasets.label_bias (a simulated proxy diagnosis)."""

from __future__ import annotations

import numpy as np
import pytest

from pmed_utils.datasets import simulate_proxy_diagnosis


def _cohort(n=40_000, seed=0):
    rng = np.random.default_rng(seed)
    groups = rng.choice(["CEU", "CHB", "YRI"], n)
    disease = (rng.random(n) < 0.15).astype(int)
    return disease, groups


def test_the_proxy_gap_equals_the_access_gap_within_sampling_error():
    disease, groups = _cohort()
    access = {"CEU": 0.9, "CHB": 0.85, "YRI": 0.5}
    proxy = simulate_proxy_diagnosis(disease, groups, access, random_state=1)
    share = {}
    for g, a in access.items():
        cases = (groups == g) & (disease == 1)
        share[g] = proxy[cases].mean()
        assert abs(share[g] - a) < 4 * np.sqrt(a * (1 - a) / cases.sum())
    n_ceu = ((groups == "CEU") & (disease == 1)).sum()
    n_yri = ((groups == "YRI") & (disease == 1)).sum()
    se = np.sqrt(0.9 * 0.1 / n_ceu + 0.5 * 0.5 / n_yri)
    assert abs((share["CEU"] - share["YRI"]) - (0.9 - 0.5)) < 4 * se
    # the proxy prevalence is base rate × access (no false positives)
    for g, a in access.items():
        base = disease[groups == g].mean()
        m = (groups == g).sum()
        assert abs(proxy[groups == g].mean() - base * a) < 4 * np.sqrt(base * a * (1 - base * a) / m)


def test_no_one_without_the_disease_is_diagnosed_unless_asked():
    disease, groups = _cohort(5000)
    proxy = simulate_proxy_diagnosis(disease, groups, {"CEU": 1.0, "CHB": 1.0, "YRI": 0.0}, random_state=0)
    assert proxy.dtype == np.int8
    assert proxy[disease == 0].sum() == 0
    assert (proxy[(disease == 1) & (groups != "YRI")] == 1).all() and proxy[groups == "YRI"].sum() == 0
    noisy = simulate_proxy_diagnosis(
        disease, groups, {"CEU": 1.0, "CHB": 1.0, "YRI": 1.0}, false_positive_rate=0.2, random_state=0
    )
    assert abs(noisy[disease == 0].mean() - 0.2) < 0.03


def test_same_seed_same_proxy():
    disease, groups = _cohort(1000)
    access = {"CEU": 0.9, "CHB": 0.9, "YRI": 0.5}
    a = simulate_proxy_diagnosis(disease, groups, access, random_state=3)
    b = simulate_proxy_diagnosis(disease, groups, access, random_state=3)
    np.testing.assert_array_equal(a, b)


def test_bad_groups_and_access_are_errors():
    disease, groups = _cohort(100)
    access = {"CEU": 0.9, "CHB": 0.9, "YRI": 0.5}
    g = groups.astype(object)
    g[3] = np.nan
    with pytest.raises(ValueError, match="'groups' parameter of simulate_proxy_diagnosis has 1 missing"):
        simulate_proxy_diagnosis(disease, g, access)
    with pytest.raises(ValueError, match="no value for groups"):
        simulate_proxy_diagnosis(disease, groups, {"CEU": 0.9})
    with pytest.raises(ValueError, match="probability in \\[0, 1\\]"):
        simulate_proxy_diagnosis(disease, groups, {**access, "YRI": 1.5})
    with pytest.raises(ValueError, match="disease"):
        simulate_proxy_diagnosis(disease[:-1], groups, access)
    with pytest.raises(ValueError):
        simulate_proxy_diagnosis(disease * 2, groups, access)
