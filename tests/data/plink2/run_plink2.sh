#!/usr/bin/env bash
# How the reference outputs in this folder were made (PLINK v2.00a3.5 AVX2, 9 Aug 2022, Debian package plink2).
# fixture.bed/.bim/.fam were written by pmed_utils.genomics.io.write_plink from
# simulate_cohort(300, n_chromosomes=2, segment_length=3e5, n_causal=50, random_state=7), first 1,500 variants.
set -euo pipefail
cd "$(dirname "$0")"
plink2 --bfile fixture --freq --missing --hardy --out ref --silent
plink2 --bfile fixture --pheno fixture.pheno --pheno-name biomarker --covar fixture.covar \
  --glm hide-covar omit-ref --out ref_linear --silent
plink2 --bfile fixture --pheno fixture.pheno --pheno-name disease --covar fixture.covar \
  --glm hide-covar omit-ref no-firth --out ref_logistic --silent
plink2 --bfile fixture --score fixture.weights 1 2 3 cols=+scoresums no-mean-imputation --out ref_score --silent
# Firth fallback: firth.bed/.bim/.fam (written by make_firth_fixture.py: 300 variants of fixture.* plus 7
# planted variants that separate cases from controls, on chromosome 3), PLINK 2's default logistic mode.
plink2 --bfile firth --pheno fixture.pheno --pheno-name disease --covar fixture.covar \
  --glm hide-covar omit-ref firth-fallback --out ref_firth --silent
# The same on the whole fixture (missing calls: PLINK 2 leaves the person out of that variant).
plink2 --bfile fixture --pheno fixture.pheno --pheno-name disease --covar fixture.covar \
  --glm hide-covar omit-ref firth-fallback --out ref_logistic_firth --silent
# LD pruning (tests/genomics/test_structure.py); one thread, so the windows are not split for threads.
plink2 --bfile fixture --indep-pairwise 50 5 0.2 --threads 1 --out ref_prune --silent
plink2 --bfile fixture --indep-pairwise 20 3 0.5 --threads 1 --out ref_prune_20_3_0.5 --silent
# Heterozygosity F (tests/genomics/test_stats.py)
plink2 --bfile fixture --het --threads 1 --out ref_het --silent
# Degenerate input (tests/genomics/test_stats.py, test_structure.py): degenerate.bed/.bim/.fam were written by
# make_degenerate.py (60 samples: PLINK needs 50 to estimate frequencies and LD): monomorphic, all-heterozygous
# and never-called variants, a sample without calls and one called only at monomorphic variants.
plink2 --bfile degenerate --freq --missing --hardy --het --threads 1 --out ref_degenerate --silent
plink2 --bfile degenerate --indep-pairwise 8 1 0.2 --threads 1 --out ref_degenerate_prune --silent
