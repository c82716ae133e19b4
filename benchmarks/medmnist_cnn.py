"""Benchmark: the seed CNN and the small CNN on BreastMNIST and PneumoniaMNIST, 3 seeds each.

    python benchmarks/medmnist_cnn.py [--seeds 0 1 2] [--epochs 30] [--datasets breastmnist pneumoniamnist]

Prints test AUC and ACC (mean ± sd over seeds) beside the published MedMNIST v2 rows, and the
training wall time. ACC is computed as MedMNIST does: a 0.5 threshold on the positive-class score.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from pmed_utils.datasets import load_medmnist, medmnist_benchmark
from pmed_utils.imaging import augmentation_layers, balanced_class_weights, to_model_input
from pmed_utils.models import predict_scores, seed_cnn, small_cnn, train_classifier
from pmed_utils.reproducibility import seed_everything

MODELS = {
    "seed CNN (64x64x3)": dict(size=64, channels=3, build=lambda: seed_cnn(), augment=False),
    "small CNN (28x28)": dict(size=28, channels=1, build=lambda: small_cnn((28, 28, 1)), augment=True),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--patience", type=int, default=8)
    parser.add_argument("--datasets", nargs="+", default=["breastmnist", "pneumoniamnist"])
    args = parser.parse_args()
    rows = []
    for name in args.datasets:
        data = load_medmnist(name)
        y = data.labels
        for model_name, spec in MODELS.items():
            x = {s: to_model_input(data.images[s], size=spec["size"], channels=spec["channels"]) for s in data.images}
            for seed in args.seeds:
                seed_everything(seed)
                model = spec["build"]()
                t = time.perf_counter()
                train_classifier(model, x["train"], y["train"], x["val"], y["val"], epochs=args.epochs,
                                 patience=args.patience, class_weight=balanced_class_weights(y["train"]),
                                 augment=augmentation_layers(random_state=seed) if spec["augment"] else None,
                                 random_state=seed, progress=False)
                seconds = time.perf_counter() - t
                score = predict_scores(model, x["test"])
                rows.append({"dataset": name, "model": model_name, "seed": seed, "test_auc": roc_auc_score(y["test"], score),
                             "test_acc": float(np.mean((score >= 0.5) == y["test"])), "train_s": seconds})
                print(rows[-1], flush=True)
    results = pd.DataFrame(rows)
    for name in args.datasets:
        ours = results[results.dataset == name].groupby("model").agg(
            test_auc=("test_auc", "mean"), auc_sd=("test_auc", "std"), test_acc=("test_acc", "mean"),
            acc_sd=("test_acc", "std"), train_s=("train_s", "mean"))
        ours["source"] = f"pmed, {len(args.seeds)} seeds"
        print(f"\n{name}")
        print(pd.concat([medmnist_benchmark(name), ours]).round(3).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
