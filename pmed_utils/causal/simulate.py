"""Simulated treatment studies in the simulated cohort, with the true individual effects kept.

A drug is given to people of the cohort of :func:`pmed_utils.genomics.simulate_cohort`.
The outcome is continuous: a health score one year later (higher is better, in
standard-deviation units). Untreated, it falls with a person's risk (genetic score,
BMI, smoking, age); the drug's effect on it depends on the genotype at one variant
(carriers of the alternative allele benefit more) and a little on the genetic score.
In a randomised trial the treatment is a coin flip; in observational data doctors
treat people at higher risk more often (confounding by indication).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pmed_utils.genomics.simulate import Cohort
from pmed_utils.reproducibility import check_random_state
from pmed_utils.validation import Interval, validate_params

__all__ = ["TrialTruth", "TrialData", "simulate_trial", "simulate_observational"]

# Untreated outcome: mu0 = -(0.6 g + 0.4 bmi + 0.4 smoking + 0.2 age) - 0.3 g^2
# (g = standardised genetic score, bmi and age standardised).
_RISK_WEIGHTS = {"genetic_score": 0.6, "bmi_z": 0.4, "smoking": 0.4, "age_z": 0.2}
_CURVATURE = 0.3


@dataclass(frozen=True)
class TrialTruth:
    """What the simulation knows and an analyst does not.

    Attributes
    ----------
    mu0 : ndarray of float, shape (n_samples,)
        Expected outcome of each person without the drug.
    cate : ndarray of float, shape (n_samples,)
        Each person's true treatment effect (expected outcome with minus without).
    propensity : ndarray of float, shape (n_samples,)
        Each person's probability of being treated.
    variant_id : str
        The variant whose carriers benefit more.
    baseline_features : DataFrame, shape (n_samples, 6)
        The features the untreated outcome is linear in (genetic score, standardised
        BMI and age, smoking, sex, squared genetic score).
    effect_features : DataFrame, shape (n_samples, 2)
        The features the effect is linear in (``carrier``, ``genetic_score``).
    coefficients : dict of str to float
        ``base_effect``, ``carrier_effect``, ``score_effect``: the effect is
        ``base_effect + carrier_effect * carrier + score_effect * genetic_score``.

    Examples
    --------
    >>> truth = TrialTruth(np.zeros(2), np.array([1.0, -1.0]), np.full(2, 0.5), "rs1",
    ...                    pd.DataFrame(), pd.DataFrame(), {})
    >>> truth.ate, truth.policy_value([1, 0])
    (0.0, 0.5)
    """

    mu0: np.ndarray
    cate: np.ndarray
    propensity: np.ndarray
    variant_id: str
    baseline_features: pd.DataFrame
    effect_features: pd.DataFrame
    coefficients: dict

    @property
    def mu1(self) -> np.ndarray:
        """Expected outcome of each person with the drug."""
        return self.mu0 + self.cate

    @property
    def ate(self) -> float:
        """The average treatment effect in these people (mean of ``cate``)."""
        return float(np.mean(self.cate))

    def policy_value(self, treat: np.ndarray) -> float:
        """Mean expected outcome if exactly the people flagged in ``treat`` (0/1) got the drug."""
        flags = np.asarray(treat, dtype=float)
        if flags.shape != self.cate.shape:
            raise ValueError(f"TrialTruth.policy_value: 'treat' has shape {flags.shape}; expected {self.cate.shape}.")
        return float(np.mean(self.mu0 + flags * self.cate))


@dataclass(frozen=True)
class TrialData:
    """A treatment study: what is observed, plus the truth.

    Attributes
    ----------
    covariates : DataFrame, shape (n_samples, 6)
        Observed before treatment: ``genotype`` (alternative alleles 0/1/2 at the
        variant), ``genetic_score`` (standardised), ``age``, ``sex``, ``bmi``, ``smoking``.
    treatment : ndarray of int8, shape (n_samples,)
        1 = took the drug, 0 = did not.
    outcome : ndarray of float, shape (n_samples,)
        Health score at one year (higher is better).
    truth : TrialTruth
        Expected outcomes, true individual effects and propensities.
    randomised : bool
        Whether treatment was assigned at random.

    Examples
    --------
    >>> from pmed_utils.genomics.simulate import simulate_cohort
    >>> cohort = simulate_cohort(150, n_chromosomes=1, segment_length=2e5,
    ...                          n_causal=20, add_messiness=False, random_state=1)
    >>> trial = simulate_trial(cohort, random_state=2)
    >>> trial.covariates.columns.tolist()
    ['genotype', 'genetic_score', 'age', 'sex', 'bmi', 'smoking']
    >>> trial.randomised, len(trial.outcome) == len(trial.truth.cate)
    (True, True)
    """

    covariates: pd.DataFrame
    treatment: np.ndarray
    outcome: np.ndarray
    truth: TrialTruth
    randomised: bool


def _standardise(x: np.ndarray) -> np.ndarray:
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else x - x.mean()


def _pick_variant(cohort: Cohort, variant_id: str | None, n: int, rng: np.random.Generator, func: str) -> int:
    ids = cohort.variants["id"].to_numpy()
    g = cohort.genotypes[:n]
    if variant_id is not None:
        where = np.flatnonzero(ids == variant_id)
        if where.size == 0:
            raise ValueError(
                f"The 'variant_id' parameter of {func} must name a variant of the cohort; got {variant_id!r}."
            )
        j = int(where[0])
        if (g[:, j] < 0).any():
            raise ValueError(
                f"The 'variant_id' parameter of {func} names a variant with missing calls "
                f"({variant_id!r}); choose a variant without missing calls."
            )
        return j
    complete = (g >= 0).all(axis=0)
    freq = g.mean(axis=0) / 2
    candidates = np.flatnonzero(complete & (freq >= 0.15) & (freq <= 0.35))
    if candidates.size == 0:
        candidates = np.flatnonzero(complete & (freq >= 0.05) & (freq <= 0.95))
    if candidates.size == 0:
        raise ValueError(
            f"{func}: the cohort has no variant without missing calls and with an allele "
            "frequency in [0.05, 0.95]; simulate it with add_messiness=False."
        )
    return int(rng.choice(candidates))


def _simulate(
    cohort: Cohort,
    variant_id: str | None,
    base_effect: float,
    carrier_effect: float,
    score_effect: float,
    noise_sd: float,
    treated_fraction: float,
    confounding: float,
    random_state,
    func: str,
) -> TrialData:
    rng = check_random_state(random_state, func=func)
    n = len(cohort.truth.genetic_value)  # a messy cohort's duplicated sample (the last row) is dropped
    if len(cohort.samples) < n or cohort.genotypes.shape[0] < n:
        raise ValueError(
            f"The 'cohort' parameter of {func} must have one genotype row and one sample row per simulated person."
        )
    j = _pick_variant(cohort, variant_id, n, rng, func)
    samples = cohort.samples.iloc[:n]
    genotype = cohort.genotypes[:n, j].astype(np.int8)
    score = _standardise(np.asarray(cohort.truth.genetic_value, dtype=float))
    bmi = samples["bmi"].to_numpy(float)
    age = samples["age"].to_numpy(float)
    smoking = samples["smoking"].to_numpy(float)
    sex = samples["sex"].to_numpy(float)
    baseline = pd.DataFrame(
        {
            "genetic_score": score,
            "bmi_z": _standardise(bmi),
            "age_z": _standardise(age),
            "smoking": smoking,
            "sex": sex,
            "genetic_score_sq": score**2,
        }
    )
    risk = sum(w * baseline[c].to_numpy() for c, w in _RISK_WEIGHTS.items())
    mu0 = -risk - _CURVATURE * score**2
    carrier = (genotype >= 1).astype(float)
    effect = pd.DataFrame({"carrier": carrier, "genetic_score": score})
    cate = base_effect + carrier_effect * carrier + score_effect * score
    logit = np.log(treated_fraction / (1 - treated_fraction)) + confounding * _standardise(risk)
    propensity = 1 / (1 + np.exp(-logit))
    treatment = (rng.random(n) < propensity).astype(np.int8)
    outcome = mu0 + treatment * cate + rng.normal(0, noise_sd, n)
    covariates = pd.DataFrame(
        {"genotype": genotype, "genetic_score": score, "age": age, "sex": sex, "bmi": bmi, "smoking": smoking}
    )
    truth = TrialTruth(
        mu0,
        cate,
        propensity,
        str(cohort.variants["id"].iloc[j]),
        baseline,
        effect,
        {
            "base_effect": float(base_effect),
            "carrier_effect": float(carrier_effect),
            "score_effect": float(score_effect),
        },
    )
    return TrialData(covariates, treatment, outcome, truth, randomised=confounding == 0)


_COMMON: dict[str, list[Any]] = {
    "cohort": [Cohort],
    "variant_id": ["str", None],
    "base_effect": [Interval(numbers.Real, None, None)],
    "carrier_effect": [Interval(numbers.Real, None, None)],
    "score_effect": [Interval(numbers.Real, None, None)],
    "noise_sd": [Interval(numbers.Real, 0, None, closed="neither")],
    "treated_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
    "random_state": ["random_state"],
}


@validate_params(_COMMON)
def simulate_trial(
    cohort: Cohort,
    *,
    variant_id: str | None = None,
    base_effect: float = -0.25,
    carrier_effect: float = 1.0,
    score_effect: float = 0.2,
    noise_sd: float = 1.0,
    treated_fraction: float = 0.5,
    random_state: int | np.random.Generator | None = 0,
) -> TrialData:
    """Simulate a randomised trial of a drug whose effect depends on genotype.

    Each person is treated with probability ``treated_fraction``, independently of
    everything else. The true effect of the drug on the outcome (a health score at
    one year, higher is better, in standard-deviation units) is
    ``base_effect + carrier_effect * carrier + score_effect * genetic_score``, where
    ``carrier`` is 1 for people with at least one alternative allele at the chosen
    variant. With the defaults the drug harms non-carriers slightly (side effects)
    and helps carriers.

    Parameters
    ----------
    cohort : Cohort
        From :func:`pmed_utils.genomics.simulate_cohort`; its true genetic value
        serves as the genetic score. A messy cohort's duplicated sample is dropped.
    variant_id : str or None, default None
        The variant whose carriers benefit; None picks at random a variant without
        missing calls and with an alternative-allele frequency in [0.15, 0.35].
    base_effect : float, default -0.25
        Effect in non-carriers with an average genetic score.
    carrier_effect : float, default 1.0
        Extra effect in carriers.
    score_effect : float, default 0.2
        Extra effect per standard deviation of the genetic score.
    noise_sd : float > 0, default 1.0
        Standard deviation of the outcome around its expectation.
    treated_fraction : float in (0, 1), default 0.5
        Probability of being randomised to the drug.
    random_state : int, Generator or None, default 0
        Seed for the choice of variant, the randomisation and the noise.

    Returns
    -------
    TrialData
        Covariates, treatment, outcome and the truth (expected outcomes, true
        individual effects, propensities).

    Examples
    --------
    >>> from pmed_utils.genomics.simulate import simulate_cohort
    >>> cohort = simulate_cohort(150, n_chromosomes=1, segment_length=2e5,
    ...                          n_causal=20, add_messiness=False, random_state=1)
    >>> trial = simulate_trial(cohort, random_state=2)
    >>> sorted(np.unique(trial.truth.propensity).tolist())
    [0.5]
    >>> carriers = trial.truth.effect_features["carrier"] == 1
    >>> bool(trial.truth.cate[carriers].mean() > trial.truth.cate[~carriers].mean())
    True
    """
    return _simulate(
        cohort,
        variant_id,
        base_effect,
        carrier_effect,
        score_effect,
        noise_sd,
        treated_fraction,
        0.0,
        random_state,
        "simulate_trial",
    )


@validate_params({**_COMMON, "confounding": [Interval(numbers.Real, 0, None)]})
def simulate_observational(
    cohort: Cohort,
    *,
    confounding: float = 1.0,
    variant_id: str | None = None,
    base_effect: float = -0.25,
    carrier_effect: float = 1.0,
    score_effect: float = 0.2,
    noise_sd: float = 1.0,
    treated_fraction: float = 0.5,
    random_state: int | np.random.Generator | None = 0,
) -> TrialData:
    """Simulate observational data in which people at higher risk are treated more often.

    The outcome and the true effects are as in :func:`simulate_trial`; only the
    treatment differs: the log-odds of treatment are
    ``logit(treated_fraction) + confounding * risk``, where ``risk`` is the
    standardised linear risk (genetic score, BMI, smoking, age) that also lowers
    the untreated outcome. Every confounder is among the covariates, so
    adjusting for them removes the bias (no unmeasured confounding).

    Parameters
    ----------
    cohort : Cohort
        From :func:`pmed_utils.genomics.simulate_cohort`.
    confounding : float >= 0, default 1.0
        Change in the log-odds of treatment per standard deviation of risk
        (0 gives a randomised trial).
    variant_id : str or None, default None
        As for :func:`simulate_trial`.
    base_effect : float, default -0.25
        Effect in non-carriers with an average genetic score.
    carrier_effect : float, default 1.0
        Extra effect in carriers.
    score_effect : float, default 0.2
        Extra effect per standard deviation of the genetic score.
    noise_sd : float > 0, default 1.0
        Standard deviation of the outcome around its expectation.
    treated_fraction : float in (0, 1), default 0.5
        Probability of treatment at average risk.
    random_state : int, Generator or None, default 0
        Seed for the choice of variant, the treatment and the noise.

    Returns
    -------
    TrialData
        With ``randomised`` False (unless ``confounding`` is 0) and the true
        propensities in ``truth.propensity``.

    Examples
    --------
    >>> from pmed_utils.genomics.simulate import simulate_cohort
    >>> cohort = simulate_cohort(150, n_chromosomes=1, segment_length=2e5,
    ...                          n_causal=20, add_messiness=False, random_state=1)
    >>> obs = simulate_observational(cohort, confounding=1.5, random_state=2)
    >>> treated = obs.treatment == 1
    >>> bool(obs.truth.mu0[treated].mean() < obs.truth.mu0[~treated].mean())
    True
    """
    return _simulate(
        cohort,
        variant_id,
        base_effect,
        carrier_effect,
        score_effect,
        noise_sd,
        treated_fraction,
        float(confounding),
        random_state,
        "simulate_observational",
    )
