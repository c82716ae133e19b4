"""The limits of genetic prediction: Daetwyler (2008), Wray (2010), Lee (2012)."""

from __future__ import annotations

import numbers

import numpy as np
from scipy import integrate, stats

from pmed_utils.validation import Interval, validate_params

__all__ = [
    "daetwyler_expected_r2",
    "liability_auc_exact",
    "liability_to_observed_h2",
    "observed_to_liability_h2",
    "wray_max_auc",
]

_H2 = Interval(numbers.Real, 0, 1, closed="both")
_PREVALENCE = Interval(numbers.Real, 0, 1, closed="neither")
_POSITIVE = Interval(numbers.Real, 0, None, closed="neither")


@validate_params({"h2": [Interval(numbers.Real, 0, 1, closed="right")], "n": [_POSITIVE], "m_e": [_POSITIVE]})
def daetwyler_expected_r2(h2: float, n: float, m_e: float) -> float:
    """Expected squared correlation between a PRS and the trait (liability): h²/(1 + M_e/(N·h²)).

    Daetwyler, Villanueva & Woolliams (2008) PLoS ONE 3:e3395: accuracy of a
    score from N training people for a trait of heritability h² determined by
    M_e independent chromosome segments.

    Parameters
    ----------
    h2 : float in (0, 1]
        Heritability of the trait (on the scale the score predicts).
    n : float > 0
        Number of training people.
    m_e : float > 0
        Number of independent effects (chromosome segments).

    Returns
    -------
    float
        The expected r², in (0, h2).

    Examples
    --------
    >>> round(daetwyler_expected_r2(0.5, 4000, 1000), 4)
    0.3333
    """
    return float(h2 / (1 + m_e / (n * h2)))


@validate_params({"h2_observed": [_H2], "prevalence": [_PREVALENCE], "case_fraction": [_PREVALENCE, None]})
def observed_to_liability_h2(h2_observed: float, prevalence: float, case_fraction: float | None = None) -> float:
    """Lee et al. (2012) Genet Epidemiol 36:214: observed-scale → liability-scale variance explained.

    h²_L = h²_O · K(1−K)/z² · K(1−K)/(P(1−P)), z = φ(Φ⁻¹(1−K)), P = case fraction (default K).

    Parameters
    ----------
    h2_observed : float in [0, 1]
        Variance of the 0/1 disease explained on the observed scale.
    prevalence : float in (0, 1)
        Population prevalence K.
    case_fraction : float in (0, 1), optional
        Fraction of cases P in the sample (ascertained studies); default K.

    Returns
    -------
    float
        The liability-scale variance explained (may exceed 1 for an
        impossible observed value).

    Examples
    --------
    >>> round(liability_to_observed_h2(observed_to_liability_h2(0.1, 0.1), 0.1), 6)
    0.1
    """
    k = float(prevalence)
    p = k if case_fraction is None else float(case_fraction)
    z = stats.norm.pdf(stats.norm.ppf(1 - k))
    return float(h2_observed * (k * (1 - k)) ** 2 / (z**2 * p * (1 - p)))


@validate_params({"h2_liability": [_H2], "prevalence": [_PREVALENCE], "case_fraction": [_PREVALENCE, None]})
def liability_to_observed_h2(h2_liability: float, prevalence: float, case_fraction: float | None = None) -> float:
    """Inverse of :func:`observed_to_liability_h2`: liability-scale → observed-scale variance explained.

    Parameters
    ----------
    h2_liability : float in [0, 1]
        Variance of liability explained.
    prevalence : float in (0, 1)
        Population prevalence K.
    case_fraction : float in (0, 1), optional
        Fraction of cases P in the sample; default K.

    Returns
    -------
    float
        The observed (0/1) scale variance explained.

    Examples
    --------
    With prevalence K = 0.5, z = φ(0) and h²_O = h²_L · z²/(K(1−K)) = h²_L · 2/π:

    >>> round(liability_to_observed_h2(0.5, 0.5), 4), round(0.5 * 2 / np.pi, 4)
    (0.3183, 0.3183)

    A rare disease explains little 0/1 variance in the population, more in a half-case sample:

    >>> round(liability_to_observed_h2(0.5, 0.01), 4), round(liability_to_observed_h2(0.5, 0.01, 0.5), 4)
    (0.0359, 0.9059)
    """
    return float(h2_liability / observed_to_liability_h2(1.0, prevalence, case_fraction))


@validate_params({"h2_liability": [_H2], "prevalence": [_PREVALENCE]})
def wray_max_auc(h2_liability: float, prevalence: float) -> float:
    """AUC of a predictor explaining ``h2_liability`` of liability variance (Wray et al. 2010, PLoS Genet 6:e1000864).

    AUC = Φ( (i − v)·h² / sqrt(h²·((1 − h²·i(i − T)) + (1 − h²·v(v − T)))) ), with T the
    threshold, i = z/K the mean liability of cases and v = −i·K/(1 − K) that of controls.
    With the full heritability this is the maximum AUC a genetic score can reach.

    Parameters
    ----------
    h2_liability : float in [0, 1]
        Variance of liability the predictor explains (the heritability for a perfect score).
    prevalence : float in (0, 1)
        Population prevalence K.

    Returns
    -------
    float
        The AUC, 0.5 when ``h2_liability`` is 0.

    Examples
    --------
    >>> wray_max_auc(0.0, 0.1)
    0.5
    >>> round(wray_max_auc(0.5, 0.1), 3)
    0.875
    """
    h2, k = float(h2_liability), float(prevalence)
    if h2 == 0:
        return 0.5
    t = stats.norm.ppf(1 - k)
    z = stats.norm.pdf(t)
    i = z / k
    v = -i * k / (1 - k)
    num = (i - v) * h2
    den = np.sqrt(h2 * ((1 - h2 * i * (i - t)) + (1 - h2 * v * (v - t))))
    return float(stats.norm.cdf(num / den))


@validate_params(
    {"h2_liability": [_H2], "prevalence": [_PREVALENCE], "n_grid": [Interval(numbers.Integral, 101, None)]}
)
def liability_auc_exact(h2_liability: float, prevalence: float, n_grid: int = 4001) -> float:
    """Exact AUC of a normal predictor explaining ``h2_liability`` under the liability-threshold model.

    Numerical integration of P(g_case > g_control), where g ~ N(0, h²) and
    disease = g + e > Φ⁻¹(1 − K), e ~ N(0, 1 − h²). Wray et al.'s closed form
    (:func:`wray_max_auc`) approximates this; they agree closely for small h²
    and K and drift apart (by about 0.01) for h² ≈ 0.8, K ≈ 0.3.

    Parameters
    ----------
    h2_liability : float in [0, 1]
        Variance of liability the predictor explains.
    prevalence : float in (0, 1)
        Population prevalence K.
    n_grid : int ≥ 101, default 4001
        Grid points for the integration over ±8 SD of the predictor.

    Returns
    -------
    float
        The AUC, 0.5 when ``h2_liability`` is 0.

    Examples
    --------
    >>> round(liability_auc_exact(0.5, 0.1), 3)
    0.876
    """
    h2, k = float(h2_liability), float(prevalence)
    if h2 == 0:
        return 0.5
    t = stats.norm.ppf(1 - k)
    sd_g, sd_e = np.sqrt(h2), np.sqrt(max(1 - h2, 1e-12))
    g = np.linspace(-8 * sd_g, 8 * sd_g, n_grid)
    dens = stats.norm.pdf(g, scale=sd_g)
    p_case = stats.norm.sf((t - g) / sd_e) if h2 < 1 else (g > t).astype(float)
    f_case = dens * p_case
    f_ctrl = dens * (1 - p_case)
    f_case /= integrate.trapezoid(f_case, g)
    f_ctrl /= integrate.trapezoid(f_ctrl, g)
    cdf_ctrl = integrate.cumulative_trapezoid(f_ctrl, g, initial=0)
    return float(integrate.trapezoid(f_case * cdf_ctrl, g))
