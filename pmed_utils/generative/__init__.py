"""Generative models for medical data: synthetic images (a conditional VAE and a diffusion model).

Judge what they produce with :mod:`pmed_utils.evaluation` (Fréchet distance,
precision/recall, TSTR, distance to the closest record, membership attack).
"""

from pmed_utils.generative.diffusion import (
    DIFFUSION_CODE_VERSION,
    DiffusionModel,
    build_diffusion,
    load_diffusion,
    noise_schedule,
    sample_diffusion,
    save_diffusion,
    train_diffusion,
)
from pmed_utils.generative.pretrained import (
    SHIPPED_GENERATORS,
    load_pretrained_generator,
    pretrained_generator_info,
)
from pmed_utils.generative.vae import (
    VAE_CODE_VERSION,
    ConditionalVAE,
    build_vae,
    load_vae,
    sample_vae,
    save_vae,
    train_vae,
)

# tables and genotypes: copula.py, genotypes.py

__all__ = [
    "DIFFUSION_CODE_VERSION",
    "SHIPPED_GENERATORS",
    "VAE_CODE_VERSION",
    "ConditionalVAE",
    "DiffusionModel",
    "build_diffusion",
    "build_vae",
    "load_diffusion",
    "load_pretrained_generator",
    "load_vae",
    "noise_schedule",
    "pretrained_generator_info",
    "sample_diffusion",
    "sample_vae",
    "save_diffusion",
    "save_vae",
    "train_diffusion",
    "train_vae",
]
