"""Generative models for medical data: synthetic images, tables and genotypes.

Images: a class-conditional VAE (:mod:`~pmed_utils.generative.vae`) and a diffusion
model (:mod:`~pmed_utils.generative.diffusion`), with shipped trained generators
(:mod:`~pmed_utils.generative.pretrained`). Tables: a Gaussian copula
(:mod:`~pmed_utils.generative.copula`). Genotypes: a restricted Boltzmann machine and
the independent-sampling baseline (:mod:`~pmed_utils.generative.genotypes`). Judge
what they produce with :mod:`pmed_utils.evaluation` (Fréchet distance,
precision/recall, TSTR, distance to the closest record, adversarial accuracy,
membership attack).
"""

from pmed_utils.generative import copula, diffusion, genotypes, pretrained, vae
from pmed_utils.generative.copula import *  # noqa: F401,F403
from pmed_utils.generative.diffusion import *  # noqa: F401,F403
from pmed_utils.generative.genotypes import *  # noqa: F401,F403
from pmed_utils.generative.pretrained import *  # noqa: F401,F403
from pmed_utils.generative.vae import *  # noqa: F401,F403

__all__ = [*copula.__all__, *diffusion.__all__, *genotypes.__all__, *pretrained.__all__, *vae.__all__]
