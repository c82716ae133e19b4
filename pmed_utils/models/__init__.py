"""Models for lesion detection: CNNs, training, and CNN features with classical models."""

from pmed_utils.models.cnn import load_model, save_model, seed_cnn, small_cnn
from pmed_utils.models.ensemble import CVEnsemble, train_cv_ensemble
from pmed_utils.models.features import (
    classical_models,
    compare_feature_models,
    extract_features,
    feature_extractor,
    fit_classical_models,
)
from pmed_utils.models.fusion import (
    EarlyFusion,
    FusedRiskModel,
    IntermediateFusion,
    MissingModalityError,
    MissingModalityWarning,
    fit_early_fusion,
    fit_fused_risk_model,
    fit_intermediate_fusion,
    fusion_scores,
    optimal_log_odds_combination,
    truth_ceiling,
)
from pmed_utils.models.training import (
    ReusedModel,
    TrainingHistory,
    TrainingTimeoutError,
    predict_scores,
    train_classifier,
)
from pmed_utils.models.updating import (
    FrozenModel,
    FullRefit,
    OnlineUpdating,
    PeriodicRecalibration,
    UpdateScenario,
    UpdateStrategy,
    make_update_scenario,
)
from pmed_utils.models.weight_store import StoredTraining, WeightStore, book_weight_store, training_key

__all__ = [
    "StoredTraining",
    "WeightStore",
    "book_weight_store",
    "training_key",
    "UpdateScenario",
    "make_update_scenario",
    "FrozenModel",
    "FullRefit",
    "OnlineUpdating",
    "PeriodicRecalibration",
    "UpdateStrategy",
    "EarlyFusion",
    "FusedRiskModel",
    "IntermediateFusion",
    "MissingModalityError",
    "MissingModalityWarning",
    "fit_early_fusion",
    "fit_fused_risk_model",
    "fit_intermediate_fusion",
    "fusion_scores",
    "optimal_log_odds_combination",
    "truth_ceiling",
    "CVEnsemble",
    "ReusedModel",
    "TrainingHistory",
    "TrainingTimeoutError",
    "classical_models",
    "compare_feature_models",
    "extract_features",
    "feature_extractor",
    "fit_classical_models",
    "load_model",
    "predict_scores",
    "save_model",
    "seed_cnn",
    "small_cnn",
    "train_classifier",
    "train_cv_ensemble",
]
