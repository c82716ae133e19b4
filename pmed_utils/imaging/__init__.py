"""Image preprocessing and augmentation for the imaging chapters."""

from pmed_utils.imaging.augmentation import augmentation_layers
from pmed_utils.imaging.preprocessing import balanced_class_weights, check_images, make_dataset, to_model_input

__all__ = ["augmentation_layers", "balanced_class_weights", "check_images", "make_dataset", "to_model_input"]
