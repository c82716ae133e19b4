"""Benchmark section: synthetic cohorts (issue 19, tables and genotypes; chapter 41).

``cohort_section(seeds)`` returns a markdown section with two tables, over several
seeds of the simulated region (:func:`pmed_utils.generative.simulate_region`:
1,000 training, 1,000 test and 1,000 msprime reference people, one 200 kb region
with 20 causal variants, h² = 0.6, prevalence 0.2):

1. **Genotype generators** — independent sampling from genotype frequencies (per
   disease class), the restricted Boltzmann machine trained jointly on genotypes
   and disease, and msprime reference people (the true model): allele-frequency
   correlation, LD-decay error, AATS (with its two halves), privacy loss, PCA
   two-sample AUC, and the PRS TSTR/TRTR ratio (GWAS p < 1e-3 weights on
   synthetic vs real training people, AUC on the real test people).
2. **Clinical table** — the Gaussian copula on the training people's age, sex, BMI,
   smoking, population, biomarker and disease: the largest marginal distance
   (KS or TV), the mean pairwise Spearman-correlation difference, TSTR/TRTR of a
   logistic risk model and the DCR ratio (5th percentile, synthetic vs held-out).

Goals (issue 19): the best learned genome generator's AATS within 0.5 ± 0.1 and its
PRS TSTR/TRTR ≥ 0.8. Budgets count epochs and Gibbs steps, never seconds.

``benchmarks/generative.py`` appends this section to ``benchmarks/results/generative.md``;
run alone it prints the section::

    .venv/bin/python benchmarks/_generative_cohorts.py            # 3 seeds, ~5-10 min on 2 cores
    .venv/bin/python benchmarks/_generative_cohorts.py --seeds 0  # quick look
    .venv/bin/python benchmarks/_generative_cohorts.py --seeds 1 --save s1.pkl  # keep per-seed results
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

#: The RBM of chapter 41 with its full parameters.
RBM_PARAMS: dict[str, Any] = {"n_hidden": 100, "epochs": 60, "learning_rate": 0.01, "trait_weight": 5.0}
N_GIBBS = 200
CLINICAL = ["age", "sex", "bmi", "smoking", "population", "biomarker", "disease"]


def genotype_run(seed: int) -> pd.DataFrame:
    """One simulated region: each generator's fidelity, privacy and utility metrics."""
    from pmed_utils.evaluation import (
        allele_frequency_agreement,
        ld_decay_error,
        nearest_neighbour_adversarial_accuracy,
        pca_overlap,
        prs_utility,
    )
    from pmed_utils.generative.genotypes import GenotypeRBM, IndependentGenotypes, simulate_region

    region = simulate_region(1000, 1000, 1000, random_state=seed)
    g, y = region.train.genotypes, region.train.samples["disease"].to_numpy()
    gt, yt = region.test.genotypes, region.test.samples["disease"].to_numpy()
    pos = region.train.variants["pos"].to_numpy()
    n = len(y)
    start = time.perf_counter()
    rbm = GenotypeRBM(**RBM_PARAMS, random_state=seed).fit(g, y)
    rbm_time = time.perf_counter() - start
    rbm_people = rbm.sample(n, n_gibbs=N_GIBBS)
    generators = {
        "independent (per disease class)": IndependentGenotypes(random_state=seed).fit(g, y).sample(n),
        "RBM (genotypes + disease)": rbm_people,
    }
    sets: dict[str, tuple[np.ndarray, Any]] = {name: (s.genotypes, s.trait) for name, s in generators.items()}
    sets["msprime reference (true model)"] = (
        region.reference.genotypes,
        region.reference.samples["disease"].to_numpy(),
    )
    rows = []
    for name, (sg, st) in sets.items():
        aa = nearest_neighbour_adversarial_accuracy(g, sg, holdout=gt)
        util = prs_utility(sg, st, g, y, gt, yt)
        rows.append(
            {
                "seed": seed,
                "generator": name,
                "AF correlation": allele_frequency_agreement(g, sg),
                "LD-decay error": ld_decay_error(g, sg, pos),
                "AATS": aa.aats,
                "AA real": aa.aa_real,
                "AA synthetic": aa.aa_synthetic,
                "privacy loss": aa.privacy_loss,
                "PCA 2-sample AUC": pca_overlap(g, sg, random_state=seed).classifier_auc.value,
                "PRS AUC TSTR": util.auc_tstr.value,
                "PRS AUC TRTR": util.auc_trtr.value,
                "PRS TSTR/TRTR": util.ratio,
                "fit (s)": rbm_time if name.startswith("RBM") else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def table_run(seed: int) -> dict[str, float]:
    """The Gaussian copula on the clinical table of one simulated region."""
    from pmed_utils.evaluation import marginal_agreement, pairwise_correlation_difference, table_dcr, table_tstr
    from pmed_utils.generative.copula import GaussianCopula
    from pmed_utils.generative.genotypes import simulate_region

    region = simulate_region(1000, 1000, 1000, random_state=seed)
    train, test = region.train.samples[CLINICAL], region.test.samples[CLINICAL]
    synth = GaussianCopula(random_state=seed).fit(train).sample(len(train))
    util = table_tstr(synth, train, test, "disease")
    return {
        "seed": seed,
        "largest marginal distance": float(marginal_agreement(train, synth)["distance"].max()),
        "mean abs. Δ Spearman": pairwise_correlation_difference(train, synth).mean_abs_difference,
        "risk-model AUC TSTR": util.auc_tstr.value,
        "risk-model AUC TRTR": util.auc_trtr.value,
        "TSTR/TRTR": util.ratio,
        "DCR ratio (5th pct)": table_dcr(synth, train, test).ratio,
    }


def _mean_sd(frame: pd.DataFrame, by: str | None) -> pd.DataFrame:
    num = frame.drop(columns=["seed"])
    if by is None:
        mean, sd = num.mean(), num.std(ddof=1)
        return pd.DataFrame({c: [_fmt(mean[c], sd[c])] for c in num.columns})
    mean = num.groupby(by, sort=False).mean()
    sd = num.groupby(by, sort=False).std(ddof=1)
    return pd.DataFrame(
        {c: [_fmt(m, s) for m, s in zip(mean[c], sd[c], strict=True)] for c in mean.columns}, index=mean.index
    )


def _fmt(m: float, s: float) -> str:
    if not np.isfinite(m):
        return "–"
    return f"{m:.3f}" if not np.isfinite(s) else f"{m:.3f} ± {s:.3f}"


def _markdown(frame: pd.DataFrame, index: bool = True) -> str:
    cols = ([frame.index.name or ""] if index else []) + list(frame.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for idx, row in frame.iterrows():
        cells = ([str(idx)] if index else []) + [str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def cohort_section(seeds: Sequence[int] = (0, 1, 2)) -> str:
    """The markdown section: genotype generators and the clinical-table copula over ``seeds``."""
    start = time.perf_counter()
    geno = pd.concat([genotype_run(s) for s in seeds], ignore_index=True)
    tables = pd.DataFrame([table_run(s) for s in seeds])
    return render_section(geno, tables, list(seeds), time.perf_counter() - start)


def render_section(geno: pd.DataFrame, tables: pd.DataFrame, seeds: list[int], wall: float) -> str:
    """Format the per-seed results of :func:`genotype_run` and :func:`table_run` as markdown."""
    summary = _mean_sd(geno, "generator")
    summary.index.name = "generator"
    rbm = geno[geno.generator.str.startswith("RBM")]
    aats, ratio = rbm["AATS"].mean(), rbm["PRS TSTR/TRTR"].mean()
    goals = [
        f"- RBM AATS within 0.5 ± 0.1: {aats:.3f} → {'met' if abs(aats - 0.5) <= 0.1 else 'NOT met'}"
        f" (but AA real {rbm['AA real'].mean():.3f}, AA synthetic {rbm['AA synthetic'].mean():.3f}: "
        "the halves, not their mean, show how far the RBM is from real people)",
        f"- RBM PRS TSTR/TRTR ≥ 0.8: {ratio:.3f} → {'met' if ratio >= 0.8 else 'NOT met'}",
    ]
    return "\n".join(
        [
            "## Synthetic cohorts (chapter 41): genotypes and the clinical table",
            "",
            f"Simulated region (msprime, Out-of-Africa model): 1,000 training, 1,000 test and 1,000 reference "
            f"people; seeds {list(seeds)} (mean ± SD). RBM: {RBM_PARAMS}, {N_GIBBS} Gibbs steps per "
            f"synthetic person. {time.strftime('%Y-%m-%d')}, {platform.machine()}, {platform.python_version()}, "
            f"wall time {wall / 60:.1f} min.",
            "",
            "### Genotype generators",
            "",
            _markdown(summary),
            "",
            "AATS 0.5 is ideal, near 0 copies, near 1 unlike the real people; read it with its halves "
            "(AA real, AA synthetic), which can be far from 0.5 while their mean is 0.5. Privacy loss = "
            "AATS against held-out people − AATS against training people (near 0 is good).",
            "",
            "Goals:",
            "",
            *goals,
            "",
            "### Clinical table: Gaussian copula",
            "",
            _markdown(_mean_sd(tables, None), index=False),
            "",
        ]
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--save", help="also pickle the per-seed results to this file (for render_section)")
    args = parser.parse_args()
    if args.save:
        t0 = time.perf_counter()
        geno = pd.concat([genotype_run(s) for s in args.seeds], ignore_index=True)
        tables = pd.DataFrame([table_run(s) for s in args.seeds])
        pd.to_pickle({"geno": geno, "tables": tables, "wall": time.perf_counter() - t0}, args.save)
        print(render_section(geno, tables, list(args.seeds), time.perf_counter() - t0))
    else:
        print(cohort_section(tuple(args.seeds)))
