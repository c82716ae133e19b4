"""Age at disease onset in the simulated cohort, from the liability model, with censoring.

The cohort of :func:`pmed_utils.genomics.simulate_cohort` gives each person a
liability: a genetic value plus an environmental part (BMI, smoking) plus noise.
Here the genetic and environmental parts set each person's hazard of disease
through a proportional-hazards link with a Weibull baseline in age,

    h(a) = (k / s) (a / s)^(k - 1) exp(eta),
    eta = log(HR_prs) * prs + log(HR_env) * environment,

where ``prs`` and ``environment`` are the standardised genetic value and
environmental part. People with higher liability develop the disease earlier;
the randomness of the onset age plays the part of the liability's noise term.
A proportional-hazards link makes a Cox model on the observed covariates
correctly specified, so its hazard ratio per SD of PRS has a known true value.
Follow-up runs from birth to the person's age at the end of the study (the
cohort's ``age``), or to an earlier random drop-out.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmed_utils.genomics.simulate import Cohort
from pmed_utils.reproducibility import check_random_state
from pmed_utils.validation import Interval, validate_params

__all__ = ["SurvivalTruth", "SurvivalData", "simulate_onset"]


@dataclass(frozen=True)
class SurvivalTruth:
    """What the simulation knows: true hazards, onset and censoring ages.

    Attributes
    ----------
    log_hazard_ratio : ndarray of float, shape (n_samples,)
        Each person's ``eta`` (log hazard relative to an average person).
    onset_age : ndarray of float, shape (n_samples,)
        Age at onset if followed for ever.
    censoring_age : ndarray of float, shape (n_samples,)
        Age at the end of follow-up (end of study or drop-out, whichever is first).
    hazard_ratio_prs, hazard_ratio_environment : float
        True hazard ratios per standard deviation of PRS and of the environment.
    weibull_shape, weibull_scale : float
        The baseline: cumulative hazard ``(age / scale) ** shape``.

    Examples
    --------
    >>> truth = SurvivalTruth(np.zeros(2), np.array([50.0, 70.0]), np.array([60.0, 60.0]),
    ...                       2.0, 1.5, 2.0, 100.0)
    >>> truth.event_probability(100.0).round(3).tolist()
    [0.632, 0.632]
    """

    log_hazard_ratio: np.ndarray
    onset_age: np.ndarray
    censoring_age: np.ndarray
    hazard_ratio_prs: float
    hazard_ratio_environment: float
    weibull_shape: float
    weibull_scale: float

    def event_probability(self, age: float) -> np.ndarray:
        """Each person's true probability of onset by ``age``: ``1 - exp(-(age/s)^k exp(eta))``."""
        if not np.isfinite(age) or age <= 0:
            raise ValueError(f"SurvivalTruth.event_probability: 'age' must be a finite number > 0; got {age!r}.")
        cumulative = (float(age) / self.weibull_scale) ** self.weibull_shape
        return 1.0 - np.exp(-cumulative * np.exp(self.log_hazard_ratio))


@dataclass(frozen=True)
class SurvivalData:
    """Observed ages at onset or censoring, covariates, and the truth.

    Attributes
    ----------
    covariates : DataFrame, shape (n_samples, 6)
        ``prs`` (standardised genetic value), ``environment`` (standardised),
        ``bmi``, ``smoking`` (0/1), ``sex`` (0/1), ``population``.
    time : ndarray of float, shape (n_samples,)
        Age at onset (``event`` 1) or at censoring (``event`` 0), in years, > 0.
    event : ndarray of bool, shape (n_samples,)
        True if the disease started during follow-up.
    truth : SurvivalTruth

    Examples
    --------
    >>> from pmed_utils.genomics.simulate import simulate_cohort
    >>> cohort = simulate_cohort(100, n_chromosomes=1, segment_length=2e5,
    ...                          n_causal=20, add_messiness=False, random_state=1)
    >>> data = simulate_onset(cohort, random_state=2)
    >>> data.covariates.columns.tolist()
    ['prs', 'environment', 'bmi', 'smoking', 'sex', 'population']
    >>> bool((data.time <= data.truth.censoring_age).all())
    True
    """

    covariates: pd.DataFrame
    time: np.ndarray
    event: np.ndarray
    truth: SurvivalTruth


def _standardise(x: np.ndarray) -> np.ndarray:
    sd = x.std()
    return (x - x.mean()) / sd if sd > 0 else x - x.mean()


@validate_params(
    {
        "cohort": [Cohort],
        "hazard_ratio_prs": [Interval(numbers.Real, 0, None, closed="neither")],
        "hazard_ratio_environment": [Interval(numbers.Real, 0, None, closed="neither")],
        "weibull_shape": [Interval(numbers.Real, 0, None, closed="neither")],
        "weibull_scale": [Interval(numbers.Real, 0, None, closed="neither")],
        "dropout_rate": [Interval(numbers.Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    }
)
def simulate_onset(
    cohort: Cohort,
    *,
    hazard_ratio_prs: float = 2.0,
    hazard_ratio_environment: float = 1.5,
    weibull_shape: float = 4.0,
    weibull_scale: float = 100.0,
    dropout_rate: float = 0.005,
    random_state: int | np.random.Generator | None = 0,
) -> SurvivalData:
    """Simulate each person's age at disease onset, censored at the end of follow-up.

    The hazard at age ``a`` is a Weibull baseline times ``exp(eta)``, with
    ``eta = log(hazard_ratio_prs) * prs + log(hazard_ratio_environment) * environment``
    (both standardised to mean 0 and SD 1), so the onset age is
    ``scale * (E / exp(eta)) ** (1 / shape)`` with ``E`` standard exponential.
    Follow-up ends at the person's ``age`` in the cohort (the end of the study)
    or at an exponential drop-out age with rate ``dropout_rate`` per year,
    whichever comes first; the observed time is the onset age if it comes
    before, else the censoring age.

    Parameters
    ----------
    cohort : Cohort
        From :func:`pmed_utils.genomics.simulate_cohort`; its true genetic value
        is the PRS and its environmental liability the environment. A messy
        cohort's duplicated sample is dropped.
    hazard_ratio_prs : float > 0, default 2.0
        True hazard ratio per standard deviation of PRS.
    hazard_ratio_environment : float > 0, default 1.5
        True hazard ratio per standard deviation of the environment.
    weibull_shape : float > 0, default 4.0
        Shape ``k`` of the baseline (k > 1: the hazard rises with age).
    weibull_scale : float > 0, default 100.0
        Scale ``s`` of the baseline, in years: an average person's cumulative
        hazard reaches 1 at age ``s``.
    dropout_rate : float >= 0, default 0.005
        Rate of random drop-out per year of age (0: censoring only at the end).
    random_state : int, Generator or None, default 0
        Seed for the onset and drop-out ages.

    Returns
    -------
    SurvivalData
        Covariates, observed time and event, and the truth.

    Examples
    --------
    >>> from pmed_utils.genomics.simulate import simulate_cohort
    >>> cohort = simulate_cohort(200, n_chromosomes=1, segment_length=2e5,
    ...                          n_causal=20, add_messiness=False, random_state=1)
    >>> data = simulate_onset(cohort, hazard_ratio_prs=3.0, random_state=2)
    >>> high = data.covariates["prs"] > 0
    >>> bool(np.median(data.truth.onset_age[high]) < np.median(data.truth.onset_age[~high]))
    True
    """
    rng = check_random_state(random_state, func="simulate_onset")
    n = len(cohort.truth.genetic_value)
    if len(cohort.samples) < n:
        raise ValueError("The 'cohort' parameter of simulate_onset must have one sample row per simulated person.")
    samples = cohort.samples.iloc[:n]
    prs = _standardise(np.asarray(cohort.truth.genetic_value, dtype=float))
    env = _standardise(np.asarray(cohort.truth.environment, dtype=float))
    eta = np.log(hazard_ratio_prs) * prs + np.log(hazard_ratio_environment) * env
    onset = weibull_scale * (rng.standard_exponential(n) / np.exp(eta)) ** (1.0 / weibull_shape)
    end_of_study = samples["age"].to_numpy(float)
    dropout = rng.exponential(1.0 / dropout_rate, n) if dropout_rate > 0 else np.full(n, np.inf)
    censoring = np.minimum(end_of_study, dropout)
    censoring = np.maximum(censoring, 0.1)  # a drop-out in the first weeks of life counts as 0.1 years
    event = onset <= censoring
    time = np.where(event, onset, censoring)
    covariates = pd.DataFrame(
        {
            "prs": prs,
            "environment": env,
            "bmi": samples["bmi"].to_numpy(float),
            "smoking": samples["smoking"].to_numpy(int),
            "sex": samples["sex"].to_numpy(int),
            "population": samples["population"].to_numpy(),
        }
    )
    truth = SurvivalTruth(
        eta,
        onset,
        censoring,
        float(hazard_ratio_prs),
        float(hazard_ratio_environment),
        float(weibull_shape),
        float(weibull_scale),
    )
    return SurvivalData(covariates, time, event, truth)
