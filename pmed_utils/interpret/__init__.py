"""Can we trust it? Saliency maps for the CNNs, their sanity checks and faithfulness, SHAP for the risk models.

One module per job: ``saliency`` (Grad-CAM, integrated gradients, SmoothGrad,
occlusion), ``sanity`` (Adebayo et al.'s randomisation tests), ``faithfulness``
(deletion and insertion curves) and ``tabular`` (SHAP values, permutation
importance, one person's explanation).
"""

from pmed_utils.interpret.faithfulness import FaithfulnessCurve, deletion_curve, faithfulness_table, insertion_curve
from pmed_utils.interpret.saliency import (
    METHODS,
    conv_layer_names,
    grad_cam,
    integrated_gradients,
    occlusion_map,
    saliency_maps,
    smoothgrad,
)
from pmed_utils.interpret.sanity import (
    cascading_randomization,
    compare_maps,
    randomize_layers,
    rank_correlation,
    shuffled_label_model,
    structural_similarity,
)
from pmed_utils.interpret.tabular import ShapValues, explain_person, permutation_importances, shap_values

__all__ = [
    "METHODS",
    "FaithfulnessCurve",
    "ShapValues",
    "cascading_randomization",
    "compare_maps",
    "conv_layer_names",
    "deletion_curve",
    "explain_person",
    "faithfulness_table",
    "grad_cam",
    "insertion_curve",
    "integrated_gradients",
    "occlusion_map",
    "permutation_importances",
    "randomize_layers",
    "rank_correlation",
    "saliency_maps",
    "shap_values",
    "shuffled_label_model",
    "smoothgrad",
    "structural_similarity",
]
