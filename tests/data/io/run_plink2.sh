#!/usr/bin/env bash
# How the reference outputs in this folder were made (PLINK v2.00a3.5 AVX2, 9 Aug 2022, Debian package plink2).
# toy.vcf was written by make_toy_vcf.py (run from the repository root).
# The 1000 Genomes and HapMap3 sets are the LD-thinned FlashPCA2 files (see
# pmed_utils/data/genotypes/hapmap3/SOURCES.md); only every 500th variant's line is kept
# (plus the header) so that the fixtures stay small.
set -euo pipefail
cd "$(dirname "$0")"
KG=${KG:-/work/shared/data/genotypes/flashpca_hapmap3_1kg/1kg.ref.phase1_release_v3.20101123_thinned_autosomal_overlap}
HM3=../../../pmed_utils/data/genotypes/hapmap3/HM3_thinned_autosomal_overlap
tmp=$(mktemp -d)
plink2 --bfile "$KG" --freq --out "$tmp/kg" --silent
awk 'NR == 1 || (NR - 2) % 500 == 0' "$tmp/kg.afreq" > 1kg_subset.afreq
plink2 --bfile "$HM3" --freq --out "$tmp/hm3" --silent
awk 'NR == 1 || (NR - 2) % 500 == 0' "$tmp/hm3.afreq" > hapmap3_subset.afreq
# PLINK 2's own reading of the toy VCF: its .bed/.bim/.fam and allele frequencies.
plink2 --vcf toy.vcf --make-bed --out toy_plink2 --silent
plink2 --vcf toy.vcf --freq --out toy_plink2 --silent
rm -rf "$tmp" toy_plink2.log
