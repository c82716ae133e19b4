"""Privacy: membership inference, DP-SGD with dp-accounting, federated learning, genomic summary-statistic leaks."""

from pmed_utils.privacy.dp_sgd import (
    DPTrainingResult,
    dp_cnn,
    dp_epsilon,
    dp_noise_multiplier,
    per_example_gradients,
    train_dp_sgd,
)
from pmed_utils.privacy.federated import (
    FedAvgResult,
    compare_federated,
    fed_avg,
    federated_gwas,
    inverse_variance_meta,
    site_split,
)
from pmed_utils.privacy.genomic import allele_frequencies_of, homer_power, homer_statistic
from pmed_utils.privacy.membership import (
    MembershipAttackResult,
    attack_auc,
    example_losses,
    fit_model,
    loss_threshold_attack,
    predict_positive,
    shadow_model_attack,
)

__all__ = [
    "DPTrainingResult",
    "FedAvgResult",
    "MembershipAttackResult",
    "allele_frequencies_of",
    "attack_auc",
    "compare_federated",
    "dp_cnn",
    "dp_epsilon",
    "dp_noise_multiplier",
    "example_losses",
    "fed_avg",
    "federated_gwas",
    "fit_model",
    "homer_power",
    "homer_statistic",
    "inverse_variance_meta",
    "loss_threshold_attack",
    "per_example_gradients",
    "predict_positive",
    "shadow_model_attack",
    "site_split",
    "train_dp_sgd",
]
