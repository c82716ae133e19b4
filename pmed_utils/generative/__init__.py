"""Generative models for medical data: synthetic images, tables and genotypes."""

# tables and genotypes
from pmed_utils.generative.genotypes import (
    GenotypeRBM,
    IndependentGenotypes,
    RegionCohort,
    SyntheticGenotypes,
    simulate_region,
)

__all__ = [
    "GenotypeRBM",
    "IndependentGenotypes",
    "RegionCohort",
    "SyntheticGenotypes",
    "simulate_region",
]
