"""Genomics: a simulated cohort, file formats, QC, population structure, GWAS, polygenic scores."""
