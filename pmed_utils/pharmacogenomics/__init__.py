"""Pharmacogenomics: pharmacogene genotypes for the simulated cohort and warfarin dosing."""

from pmed_utils.pharmacogenomics.dosing import *  # noqa: F401,F403
from pmed_utils.pharmacogenomics.dosing import __all__ as _dosing_all
from pmed_utils.pharmacogenomics.variants import *  # noqa: F401,F403
from pmed_utils.pharmacogenomics.variants import __all__ as _variants_all

__all__ = list(_variants_all) + list(_dosing_all)
