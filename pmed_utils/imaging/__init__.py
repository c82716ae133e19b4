"""Image preprocessing and augmentation for the imaging chapters."""

from pmed_utils.imaging.augmentation import augmentation_layers, mirror_augmentation
from pmed_utils.imaging.preprocessing import (
    balanced_class_weights,
    check_images,
    make_dataset,
    model_inputs_by_split,
    to_model_input,
)

__all__ = [
    "augmentation_layers",
    "balanced_class_weights",
    "check_images",
    "make_dataset",
    "mirror_augmentation",
    "model_inputs_by_split",
    "to_model_input",
]
