"""The Gaussian copula recovers known marginals and rank correlations, and keeps categories and dtypes."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pmed_utils.generative.copula import GaussianCopula
from pmed_utils.validation import InvalidParameterError


def _known_table(n: int, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """A Gaussian copula with known correlation and known, non-normal marginals."""
    corr = np.array([[1.0, 0.6, -0.4, 0.3], [0.6, 1.0, -0.2, 0.5], [-0.4, -0.2, 1.0, 0.0], [0.3, 0.5, 0.0, 1.0]])
    z = np.random.default_rng(seed).multivariate_normal(np.zeros(4), corr, n)
    u = stats.norm.cdf(z)
    table = pd.DataFrame(
        {
            "age": stats.uniform(30, 50).ppf(u[:, 0]),  # uniform 30–80
            "biomarker": stats.expon(scale=2.0).ppf(u[:, 1]),  # skewed
            "smoking": (u[:, 2] > 0.78).astype(np.int8),  # 22% smokers
            "population": np.array(["CEU", "CHB", "YRI"])[np.searchsorted([0.3, 0.6], u[:, 3])],
        }
    )
    return table, corr


def test_marginals_are_recovered():
    table, _ = _known_table(4000)
    synth = GaussianCopula(random_state=1).fit(table).sample(4000)
    assert stats.kstest(synth["age"], stats.uniform(30, 50).cdf).statistic < 0.04
    assert stats.kstest(synth["biomarker"], stats.expon(scale=2.0).cdf).statistic < 0.04
    assert synth["smoking"].mean() == pytest.approx(0.22, abs=0.02)
    shares = synth["population"].value_counts(normalize=True)
    np.testing.assert_allclose(shares[["CEU", "CHB", "YRI"]], [0.3, 0.3, 0.4], atol=0.03)


def test_spearman_correlations_are_recovered():
    table, corr = _known_table(5000)
    synth = GaussianCopula(random_state=2).fit(table).sample(5000)
    # For a Gaussian copula, Spearman's rho = 6/pi * arcsin(r / 2) between continuous columns.
    rho_true = 6 / np.pi * np.arcsin(corr[0, 1] / 2)
    rho = stats.spearmanr(synth["age"], synth["biomarker"]).statistic
    assert rho == pytest.approx(rho_true, abs=0.04)
    # Mixed pairs: the synthetic rank correlation matches the real table's.
    for a, b in [("age", "smoking"), ("biomarker", "smoking")]:
        real = stats.spearmanr(table[a], table[b]).statistic
        assert stats.spearmanr(synth[a], synth[b]).statistic == pytest.approx(real, abs=0.05)


def test_the_copula_is_the_normal_scores_correlation():
    table, corr = _known_table(6000)
    fitted = GaussianCopula(categorical=["smoking", "population"], random_state=0).fit(table)
    assert fitted.categorical_ == ["smoking", "population"]
    np.testing.assert_allclose(fitted.correlation_[0, 1], corr[0, 1], atol=0.03)
    assert np.allclose(np.diag(fitted.correlation_), 1)


def test_sample_keeps_dtypes_categories_and_ranges():
    table, _ = _known_table(500)
    table["sex"] = np.random.default_rng(0).integers(0, 2, 500)
    synth = GaussianCopula(random_state=0).fit(table).sample(300)
    assert list(synth.columns) == list(table.columns) and len(synth) == 300
    assert (synth.dtypes == table.dtypes).all()
    assert set(synth["population"]) <= {"CEU", "CHB", "YRI"} and set(synth["sex"]) <= {0, 1}
    assert synth["age"].between(table["age"].min(), table["age"].max()).all()


def test_seeded():
    table, _ = _known_table(300)
    a = GaussianCopula(random_state=5).fit(table).sample(50)
    b = GaussianCopula(random_state=5).fit(table).sample(50)
    pd.testing.assert_frame_equal(a, b)


def test_bad_input_is_refused():
    table, _ = _known_table(50)
    with pytest.raises(ValueError, match="missing values"):
        GaussianCopula().fit(table.assign(age=np.where(np.arange(50) == 3, np.nan, table["age"])))
    with pytest.raises(ValueError, match="'table' parameter of GaussianCopula.fit"):
        GaussianCopula(categorical=["nope"]).fit(table)
    with pytest.raises(ValueError, match="call fit first"):
        GaussianCopula().sample(3)
    with pytest.raises(InvalidParameterError, match="'n' parameter"):
        GaussianCopula().fit(table).sample(0)
    with pytest.raises(InvalidParameterError, match="'table' parameter"):
        GaussianCopula().fit(table.to_numpy())
