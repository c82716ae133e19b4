"""Benchmark: treatment and prognosis (issue 14) — dosing error, individual-effect error, and their goals.

Writes ``benchmarks/results/treatment.md`` with two tables:

1. **Warfarin dosing** (chapter 70): mean absolute error (mg/week) and the share of
   patients within 20% of their true stable dose, for fixed dosing, the IWPC clinical
   and pharmacogenetic equations and the learned model, overall, per ancestry and in
   the low (≤ 21) and high (≥ 49 mg/week) dose groups, over several seeds, next to
   IWPC (NEJM 2009) and Ramirez et al. (2012). The simulated doses come from the IWPC
   pharmacogenetic equation plus CYP2C9*8, which the equation ignores.
2. **Individual treatment effects** (chapter 71): PEHE of the S-, T-, X- and DR-learners
   and of the oracle that knows the true effect's form, over several seeds.
3. **Prognosis on real data** (chapter 72): the cross-validated C-index of a Cox model on
   GBSG2 (German Breast Cancer Study Group 2, shipped by scikit-survival) over several
   fold assignments, next to the linear Cox model's C-index in Katzman et al. (2018).

Each row checks one of the issue's goals (pharmacogenetic < clinical < fixed; learned no
worse overall and better in the African-like group; DR within 20% of the oracle; the
real-data C-index within 0.02 of the published one) and says
whether it holds. Everything is simulated and seeded; no time budget shapes a result.

Run (about 2–4 minutes on 2 cores)::

    .venv/bin/python benchmarks/treatment.py
    .venv/bin/python benchmarks/treatment.py --seeds 0 --n-patients 2000  # quick look
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

RESULTS = Path(__file__).resolve().parent / "results" / "treatment.md"
ALGORITHMS = ["fixed 35 mg/week", "IWPC clinical", "IWPC pharmacogenetic", "learned (ridge)"]


def dosing_run(n_patients: int, seed: int) -> pd.DataFrame:
    """One simulated dosing study (chapter 70's parameters): the comparison table of the test half."""
    from pmed_utils.genomics.simulate import simulate_cohort
    from pmed_utils.pharmacogenomics import (
        FIXED_WEEKLY_DOSE,
        LearnedDoseModel,
        compare_dosing,
        iwpc_clinical_dose,
        iwpc_pharmacogenetic_dose,
        simulate_clinical_covariates,
        simulate_pharmacogenes,
        simulate_warfarin_dose,
    )

    cohort = simulate_cohort(
        n_patients, n_chromosomes=1, segment_length=5e4, n_causal=5, add_messiness=False, random_state=seed
    )
    patients = simulate_clinical_covariates(simulate_pharmacogenes(cohort, random_state=seed), random_state=seed)
    patients["dose"] = simulate_warfarin_dose(patients, residual_sd=0.95, star8_like="*2", random_state=seed)["dose"]
    train, test = train_test_split(patients, test_size=0.5, stratify=patients["population"], random_state=seed)
    learned = LearnedDoseModel(random_state=seed).fit(train, train["dose"])
    predictions = dict(
        zip(
            ALGORITHMS,
            [
                np.full(len(test), FIXED_WEEKLY_DOSE),
                iwpc_clinical_dose(test),
                iwpc_pharmacogenetic_dose(test),
                learned.predict(test),
            ],
            strict=True,
        )
    )
    return compare_dosing(test["dose"], predictions, groups=test["population"]).assign(seed=seed)


def cate_run(n_samples: int, seed: int) -> pd.Series:
    """One simulated trial (chapter 71's parameters): PEHE per learner on the test half."""
    from pmed_utils.causal import compare_cate_learners, simulate_trial
    from pmed_utils.genomics.simulate import simulate_cohort

    cohort = simulate_cohort(
        n_samples, n_chromosomes=1, segment_length=5e5, n_causal=100, add_messiness=False, random_state=seed
    )
    trial = simulate_trial(cohort, random_state=seed)
    train, test = train_test_split(
        np.arange(len(trial.outcome)), test_size=0.5, random_state=seed, stratify=trial.treatment
    )
    return compare_cate_learners(trial, train, test, n_estimators=150, random_state=seed).pehe


GBSG2_PUBLISHED_C = 0.658  # linear Cox model, Katzman et al. 2018 (DeepSurv), Rotterdam -> GBSG


def gbsg2_c_index(seed: int) -> float:
    """Five-fold cross-validated Cox C-index on GBSG2 (chapter 72's model), one fold assignment."""
    from sksurv.datasets import load_gbsg2
    from sksurv.preprocessing import OneHotEncoder

    from pmed_utils.survival import cross_validated_c_index

    x, y = load_gbsg2()
    x = OneHotEncoder().fit_transform(x).astype(float)
    return cross_validated_c_index(x, y["time"], y["cens"], n_splits=5, random_state=seed).value


def dosing_table(runs: pd.DataFrame) -> tuple[str, dict[str, bool]]:
    from pmed_utils.pharmacogenomics import published_iwpc_performance

    mae = runs.groupby(["group", "algorithm"])["mae"].agg(["mean", "std"])
    within = runs.groupby(["group", "algorithm"])["within_20"].mean()
    groups = ["overall", "YRI", "CEU", "CHB", "low (≤21)", "high (≥49)"]
    lines = ["| group | " + " | ".join(ALGORITHMS) + " |", "|---" * (len(ALGORITHMS) + 1) + "|"]
    for g in groups:
        cells = [
            f"{mae.loc[(g, a), 'mean']:.2f} ± {mae.loc[(g, a), 'std']:.2f} ({within.loc[(g, a)]:.0%})"
            for a in ALGORITHMS
        ]
        lines.append(f"| {g} (pmed) | " + " | ".join(cells) + " |")
    published = published_iwpc_performance()
    for (source, g), part in published.groupby(["source", "group"], sort=False):
        row = part.set_index("algorithm")
        cells = []
        for a in ALGORITHMS:
            if a not in row.index:
                cells.append("–")
                continue
            m, w = row.loc[a, "mae"], row.loc[a, "within_20"]
            cells.append(("–" if pd.isna(m) else f"{m:.1f}") + ("" if pd.isna(w) else f" ({w:.0%})"))
        lines.append(f"| {g} ({source}) | " + " | ".join(cells) + " |")
    m = mae["mean"]
    goals = {
        "pharmacogenetic < clinical < fixed (overall MAE)": bool(
            m[("overall", "IWPC pharmacogenetic")]
            < m[("overall", "IWPC clinical")]
            < m[("overall", "fixed 35 mg/week")]
        ),
        "learned no worse than pharmacogenetic overall": bool(
            m[("overall", "learned (ridge)")] <= m[("overall", "IWPC pharmacogenetic")]
        ),
        "learned better than pharmacogenetic in YRI (the *8 group)": bool(
            m[("YRI", "learned (ridge)")] < m[("YRI", "IWPC pharmacogenetic")]
        ),
    }
    return "\n".join(lines), goals


def cate_table(runs: pd.DataFrame) -> tuple[str, dict[str, bool]]:
    mean, sd = runs.mean(), runs.std()
    lines = ["| learner | PEHE (mean ± sd) | ÷ oracle |", "|---|---|---|"]
    for name in runs.columns:
        lines.append(f"| {name} | {mean[name]:.3f} ± {sd[name]:.3f} | {mean[name] / mean['oracle']:.2f} |")
    goals = {
        "DR-learner's PEHE within 20% of the oracle's (DR told the effect's form, as the oracle is)": bool(
            mean["DR (form known)"] <= 1.2 * mean["oracle"]
        ),
        "DR-learner's PEHE within 20% of the oracle's (DR on all covariates)": bool(mean["DR"] <= 1.2 * mean["oracle"]),
    }
    return "\n".join(lines), goals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--n-patients", type=int, default=6000, help="dosing study size (chapter 70: 6000)")
    parser.add_argument("--n-trial", type=int, default=4000, help="trial size (chapter 71: 4000)")
    args = parser.parse_args()
    start = time.perf_counter()
    dosing = pd.concat([dosing_run(args.n_patients, s) for s in args.seeds], ignore_index=True)
    cate = pd.DataFrame([cate_run(args.n_trial, s) for s in args.seeds], index=args.seeds)
    dose_md, dose_goals = dosing_table(dosing)
    cate_md, cate_goals = cate_table(cate)
    c_gbsg = np.array([gbsg2_c_index(s) for s in args.seeds])
    gbsg_md = (
        "| model | C-index |\n|---|---|\n"
        f"| Cox, 5-fold cross-validated (pmed, mean ± sd over fold assignments) | {c_gbsg.mean():.3f} ± {c_gbsg.std(ddof=1) if len(c_gbsg) > 1 else 0:.3f} |\n"
        f"| Cox, Rotterdam → GBSG (Katzman et al. 2018) | {GBSG2_PUBLISHED_C:.3f} |"
    )
    goals = {
        **dose_goals,
        **cate_goals,
        "real-data Cox C-index within 0.02 of the published value": bool(
            abs(c_gbsg.mean() - GBSG2_PUBLISHED_C) <= 0.02
        ),
    }
    seeds = ", ".join(map(str, args.seeds))
    text = (
        f"""# Treatment and prognosis benchmark

Made by `benchmarks/treatment.py` (seeds {seeds}; {time.perf_counter() - start:.0f} s on this machine).
Simulated data only: the numbers describe the simulation, next to published figures from real cohorts.

## Warfarin dosing: MAE in mg/week ± sd over seeds (share within 20% of the true dose)

{args.n_patients} simulated patients per seed (one third per population), half for training the learned
model, scored on the other half. YRI, CEU and CHB are the African-, European- and East-Asian-like
populations of the simulation; the published rows are IWPC 2009's validation cohort (Table 3 for the
low/high groups) and Ramirez et al. 2012 (European and African Americans).

{dose_md}

## Individual treatment effects: PEHE on the test half ({args.n_trial} people per seed)

{cate_md}

"DR" regresses its pseudo-outcome linearly on all six covariates, the genotype coded 0/1/2; the
true effect depends on carrier status (one allele is enough) and the genetic score only. "DR (form
known)" is the same learner with its final model on those two features, the other covariates
adjusting only (`dr_learner_cate(..., W=...)`): it knows what the oracle knows about the effect
but must still estimate the outcome models, which the oracle is given. Its gap to the oracle is the
doubly robust estimator's own cost; the rest of the plain DR's gap is the cost of not knowing the
effect's form.

## Prognosis on real data: GBSG2 (686 women, recurrence-free survival)

{gbsg_md}

## Goals (issue 14)

| goal | holds? |
|---|---|
"""
        + "\n".join(f"| {g} | {'yes' if ok else 'no'} |" for g, ok in goals.items())
        + "\n"
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
