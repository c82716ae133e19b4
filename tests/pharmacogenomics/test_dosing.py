"""IWPC equations against hand computation; simulated truth; learned model; metrics by hand."""

import warnings

import numpy as np
import pandas as pd
import pytest

from pmed_utils.pharmacogenomics import (
    LearnedDoseModel,
    compare_dosing,
    dose_metrics,
    iwpc_clinical_dose,
    iwpc_pharmacogenetic_dose,
    published_iwpc_performance,
    simulate_clinical_covariates,
    simulate_pharmacogenes,
    simulate_warfarin_dose,
)
from pmed_utils.validation import DegenerateInputWarning, InvalidParameterError


def _patient(**changes):
    base = {
        "age": 65.0,
        "height_cm": 170.0,
        "weight_kg": 80.0,
        "race": "white",
        "enzyme_inducer": 0,
        "amiodarone": 0,
        "cyp2c9": "*1/*1",
        "vkorc1": "G/G",
    }
    base.update(changes)
    return pd.DataFrame([base])


def test_pharmacogenetic_equation_by_hand():
    # Asian, 72 years (7 decades), 160 cm, 60 kg, VKORC1 A/A, CYP2C9 *1/*3, amiodarone:
    root = 5.6044 - 0.2614 * 7 + 0.0087 * 160 + 0.0128 * 60 - 1.6974 - 0.9357 - 0.1092 - 0.5503
    p = _patient(age=72, height_cm=160, weight_kg=60, race="asian", vkorc1="A/A", cyp2c9="*1/*3", amiodarone=1)
    assert iwpc_pharmacogenetic_dose(p)[0] == pytest.approx(root**2, rel=1e-12)
    # Black, 45 years, 180 cm, 95 kg, A/G, *2/*3, enzyme inducer:
    root = 5.6044 - 0.2614 * 4 + 0.0087 * 180 + 0.0128 * 95 - 0.8677 - 1.9206 - 0.2760 + 1.1816
    p = _patient(age=45, height_cm=180, weight_kg=95, race="black", vkorc1="A/G", cyp2c9="*2/*3", enzyme_inducer=1)
    assert iwpc_pharmacogenetic_dose(p)[0] == pytest.approx(root**2, rel=1e-12)
    # unknown genotypes and mixed race get their own coefficients
    root = 5.6044 - 0.2614 * 6 + 0.0087 * 170 + 0.0128 * 80 - 0.4854 - 0.2188 - 0.1032
    p = _patient(vkorc1="unknown", cyp2c9="unknown", race="mixed")
    assert iwpc_pharmacogenetic_dose(p)[0] == pytest.approx(root**2, rel=1e-12)


def test_pharmacogenetic_equation_reads_star8_as_star1():
    assert iwpc_pharmacogenetic_dose(_patient(cyp2c9="*1/*8"))[0] == iwpc_pharmacogenetic_dose(_patient())[0]
    assert (
        iwpc_pharmacogenetic_dose(_patient(cyp2c9="*2/*8"))[0] == iwpc_pharmacogenetic_dose(_patient(cyp2c9="*1/*2"))[0]
    )


def test_clinical_equation_by_hand():
    root = 4.0376 - 0.2546 * 5 + 0.0118 * 175 + 0.0134 * 90 + 0.4060 + 1.2799 - 0.5695
    p = _patient(age=59.9, height_cm=175, weight_kg=90, race="black", enzyme_inducer=1, amiodarone=1)
    assert iwpc_clinical_dose(p)[0] == pytest.approx(root**2, rel=1e-12)
    root = 4.0376 - 0.2546 * 3 + 0.0118 * 155 + 0.0134 * 50 - 0.6752
    p = _patient(age=30, height_cm=155, weight_kg=50, race="asian")
    assert iwpc_clinical_dose(p.drop(columns=["cyp2c9", "vkorc1"]))[0] == pytest.approx(root**2, rel=1e-12)


def test_simulated_dose_is_the_equation_plus_noise_with_the_star8_effect():
    p = pd.concat([_patient(race="black", cyp2c9=d) for d in ("*1/*1", "*1/*8", "*8/*8", "*3/*8")], ignore_index=True)
    truth = simulate_warfarin_dose(p, residual_sd=0.0)
    np.testing.assert_allclose(truth.star8_effect, [0, -0.5211, -1.0616, -1.9206 + 0.9357])
    np.testing.assert_allclose(np.sqrt(truth.dose), np.sqrt(iwpc_pharmacogenetic_dose(p)) + truth.star8_effect)
    none = simulate_warfarin_dose(p, residual_sd=0.0, star8_like="*1")
    np.testing.assert_allclose(none.dose, iwpc_pharmacogenetic_dose(p))
    noisy = simulate_warfarin_dose(pd.concat([_patient()] * 20_000, ignore_index=True), residual_sd=0.5, random_state=1)
    assert noisy.noise.std() == pytest.approx(0.5, rel=0.03)
    np.testing.assert_allclose(np.sqrt(noisy.dose), noisy.sqrt_dose_expected + noisy.noise)


def test_covariates_are_plausible_per_population():
    people = pd.DataFrame({"population": np.repeat(["YRI", "CEU", "CHB"], 3000)})
    pat = simulate_clinical_covariates(people, random_state=0)
    means = pat.groupby("population")[["height_cm", "weight_kg"]].mean()
    assert 155 < means.loc["CHB", "height_cm"] < means.loc["CEU", "height_cm"] < 175
    assert means.loc["CHB", "weight_kg"] < 70 < means.loc["CEU", "weight_kg"]
    assert pat.age.between(20, 90).all() and 0.03 < pat.amiodarone.mean() < 0.09
    assert set(pat.race) == {"black", "white", "asian"}


def _cohort(n=1500, seed=0):
    people = pd.DataFrame({"population": np.repeat(["YRI", "CEU", "CHB"], n // 3)})
    pat = simulate_clinical_covariates(simulate_pharmacogenes(people, random_state=seed), random_state=seed)
    return pat, simulate_warfarin_dose(pat, random_state=seed)


def test_learned_model_recovers_the_star8_effect():
    pat, truth = _cohort(6000)
    model = LearnedDoseModel().fit(pat, truth.dose)
    carrier = _patient(race="black", cyp2c9="*1/*8")
    gap = np.sqrt(model.predict(carrier)) - np.sqrt(model.predict(_patient(race="black")))
    assert gap[0] == pytest.approx(-0.5211, abs=0.2)
    blind = LearnedDoseModel(include_star8=False).fit(pat, truth.dose)
    assert blind.predict(carrier)[0] == blind.predict(_patient(race="black"))[0]
    boosted = LearnedDoseModel("gradient_boosting", random_state=0).fit(pat, truth.dose)
    assert dose_metrics(truth.dose, boosted.predict(pat))["mae"] < dose_metrics(truth.dose, np.full(6000, 35.0))["mae"]


def test_learned_model_refuses_bad_input():
    with pytest.raises(InvalidParameterError, match="'method' parameter of LearnedDoseModel"):
        LearnedDoseModel(method="forest")
    with pytest.raises(RuntimeError, match="fit before predict"):
        LearnedDoseModel().predict(_patient())
    with pytest.raises(ValueError, match="doses >= 0"):
        LearnedDoseModel().fit(_patient(), [-3.0])
    with pytest.raises(ValueError, match="same length|agree|length"):
        LearnedDoseModel().fit(_patient(), [30.0, 40.0])


def test_dose_metrics_by_hand():
    m = dose_metrics([10, 20, 40, 50], [12, 30, 40, 61])
    # errors 2, 10, 0, 11 -> MAE 5.75; within 20%: 2 <= 2 yes, 10 <= 4 no, 0 yes, 11 <= 10 no
    assert m == {"n": 4, "mae": 5.75, "within_20": 0.5}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        empty = dose_metrics([], [])
    assert np.isnan(empty["mae"]) and caught[0].category is DegenerateInputWarning


def test_compare_dosing_groups_by_hand():
    y = np.array([14.0, 21.0, 35.0, 49.0, 70.0])
    t = compare_dosing(y, {"fixed": np.full(5, 35.0), "exact": y}, groups=["a", "a", "b", "b", "b"])
    fixed = t[t.algorithm == "fixed"].set_index("group")
    assert fixed.loc["overall", "mae"] == pytest.approx((21 + 14 + 0 + 14 + 35) / 5)
    assert fixed.loc["a", "mae"] == pytest.approx(17.5) and fixed.loc["b", "n"] == 3
    assert fixed.loc["low (≤21)", "n"] == 2 and fixed.loc["high (≥49)", "n"] == 2
    assert fixed.loc["overall", "within_20"] == pytest.approx(0.2)
    assert (t[t.algorithm == "exact"].within_20 == 1).all()


def test_published_table_weights_table3_groups():
    t = published_iwpc_performance().set_index(["source", "algorithm", "group"])
    assert t.loc[("IWPC 2009", "IWPC pharmacogenetic", "overall"), "within_20"] == pytest.approx(
        (324 * 0.330 + 560 * 0.546 + 125 * 0.368) / 1009
    )


@pytest.mark.parametrize(
    "change, message",
    [
        ({"age": -5.0}, "finite age > 0"),
        ({"weight_kg": 0.0}, "finite weight_kg > 0"),
        ({"height_cm": np.nan}, "finite height_cm > 0"),
        ({"cyp2c9": "*1/*4"}, "cyp2c9 in"),
        ({"vkorc1": "C/T"}, "vkorc1 in"),
        ({"race": "martian"}, "race in"),
        ({"amiodarone": 2}, "amiodarone coded 0/1"),
    ],
)
def test_bad_patient_values_are_refused(change, message):
    for func in (iwpc_pharmacogenetic_dose, simulate_warfarin_dose):
        with pytest.raises(ValueError, match=message):
            func(_patient(**change))


def test_missing_columns_and_bad_doses_are_refused():
    with pytest.raises(ValueError, match="vkorc1"):
        iwpc_pharmacogenetic_dose(_patient().drop(columns=["vkorc1"]))
    with pytest.raises(ValueError, match="doses >= 0"):
        dose_metrics([10, 20], [10, -1])
    with pytest.raises(ValueError, match="doses > 0"):
        dose_metrics([0, 20], [10, 20])
    with pytest.raises(ValueError, match="finite"):
        compare_dosing([10, np.nan], {"a": [1, 2]})
    with pytest.raises(ValueError, match="'a' has 1 doses"):
        compare_dosing([10, 20], {"a": [1]})
    with pytest.raises(ValueError, match="population in"):
        simulate_clinical_covariates(pd.DataFrame({"population": ["MXL"]}))
