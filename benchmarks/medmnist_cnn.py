"""Benchmark: the seed CNN and the small CNN on BreastMNIST and PneumoniaMNIST.

Each model is trained with several seeds (at most --epochs epochs, early stopping on
validation AUC with --patience, best weights restored) and scored on the official test
split. The budget is counted in epochs, so a run's numbers do not depend on the machine's
load; --max-seconds is only a safety stop that fails loudly.
The table prints test AUC and ACC (mean ± sd over seeds) next to the published
MedMNIST v2 rows (Yang et al. 2023, Table 3), plus the training wall time.

ACC is computed as MedMNIST does: a 0.5 threshold on the predicted probability of
the positive class. pmed's positive class is the lesion (1 = malignant for
BreastMNIST, 1 = pneumonia for PneumoniaMNIST); AUC and ACC do not depend on which
class is called positive, so the numbers compare directly.

The CV ensemble trains one small CNN per fold of train + val (five folds), each
early-stopped on its held-out fold, and averages them, each with the same epoch
budget. It is the only model here that learns from the validation images as well
(each model from four fifths of them).

Run (2 datasets x 4 models x 3 seeds; PneumoniaMNIST's 4,708 training images make it
the long part)::

    nice -n 10 .venv/bin/python benchmarks/medmnist_cnn.py
    .venv/bin/python benchmarks/medmnist_cnn.py --datasets breastmnist --seeds 0 --epochs 5  # quick look
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

MODELS = {
    "seed CNN (64x64x3)": "the seed's CNN on 64 × 64 × 3 inputs, no augmentation",
    "small CNN, mirror (28x28x1)": "small_cnn() (filters 32/64/128), left–right mirroring only",
    "small CNN 16/32/64, full aug (28x28x1)": "small_cnn(filters=(16, 32, 64)), mirroring + rotation, zoom, contrast",
    "5 x small CNN 16/32/64, CV ensemble (28x28x1)": "train_cv_ensemble: one small_cnn(filters=(16, 32, 64)) per fold "
    "of train + val, mirroring, the budget shared by the 5 models",
}


def _run_one(name: str, model_name: str, seed: int, data, args) -> dict:
    from pmed_utils.imaging import (
        augmentation_layers,
        balanced_class_weights,
        mirror_augmentation,
        model_inputs_by_split,
    )
    from pmed_utils.models import (
        predict_scores,
        seed_cnn,
        small_cnn,
        train_classifier,
        train_cv_ensemble,
    )
    from pmed_utils.reproducibility import seed_everything

    y = data.labels
    seed_everything(seed, deterministic_tensorflow=False)
    if model_name not in MODELS:
        raise ValueError(f"unknown model {model_name!r}; choose from {list(MODELS)}")
    if model_name == "seed CNN (64x64x3)":
        x = model_inputs_by_split(data.images, size=64, channels=3)
        model, augment = seed_cnn(), None
    elif model_name == "small CNN, mirror (28x28x1)":
        x = model_inputs_by_split(data.images)
        model, augment = small_cnn((28, 28, 1)), mirror_augmentation(random_state=seed)
    elif model_name == "small CNN 16/32/64, full aug (28x28x1)":
        x = model_inputs_by_split(data.images)
        model, augment = small_cnn((28, 28, 1), filters=(16, 32, 64)), augmentation_layers(random_state=seed)
    else:  # the test split stays untouched; train + val are the development images
        x = model_inputs_by_split(data.images)
        ensemble = train_cv_ensemble(
            lambda: small_cnn((28, 28, 1), filters=(16, 32, 64)),
            np.concatenate([x["train"], x["val"]]),
            np.concatenate([y["train"], y["val"]]),
            n_folds=5,
            epochs=args.epochs,
            patience=args.patience,
            batch_size=args.batch_size,
            augment=mirror_augmentation(random_state=seed),
            random_state=seed,
            max_seconds=args.max_seconds,
            progress=False,
        )
        folds = ensemble.fold_summary()
        return _result(
            name,
            model_name,
            seed,
            y["test"],
            ensemble.predict(x["test"]),
            epochs=int(folds["epochs"].sum()),
            best_epoch=float(folds["best_epoch"].mean()),
            train_seconds=ensemble.train_seconds,
        )
    history = train_classifier(
        model,
        x["train"],
        y["train"],
        x["val"],
        y["val"],
        epochs=args.epochs,
        patience=args.patience,
        batch_size=args.batch_size,
        augment=augment,
        class_weight=balanced_class_weights(y["train"]),
        random_state=seed,
        max_seconds=args.max_seconds,
        progress=False,
    )
    return _result(
        name,
        model_name,
        seed,
        y["test"],
        predict_scores(model, x["test"]),
        epochs=history.n_epochs,
        best_epoch=history.best_epoch,
        train_seconds=history.train_seconds,
    )


def _result(name: str, model_name: str, seed: int, y_test, scores, **timing) -> dict:
    from pmed_utils.evaluation import auc_delong, metrics_at_threshold

    return {
        "dataset": name,
        "model": model_name,
        "seed": seed,
        "test_auc": auc_delong(y_test, scores).auc.value,
        "test_acc": float(metrics_at_threshold(y_test, scores, 0.5).loc["accuracy", "value"]),
        **timing,
    }


def print_tables(runs: pd.DataFrame, n_seeds: int) -> None:
    """Print, per dataset, the published MedMNIST v2 rows above this run's mean ± sd per model."""
    from pmed_utils.datasets import medmnist_benchmark

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"\nMedMNIST v2 test AUC / ACC: published rows vs this run ({n_seeds} seeds, mean ± sd; "
        f"{cpus} CPU cores; ACC at a 0.5 threshold on the lesion probability)\n"
    )
    for name in runs.dataset.unique():
        ours = (
            runs[runs.dataset == name]
            .groupby("model", sort=False)
            .agg(
                auc_mean=("test_auc", "mean"),
                auc_sd=("test_auc", "std"),
                acc_mean=("test_acc", "mean"),
                acc_sd=("test_acc", "std"),
                train_s=("train_seconds", "mean"),
                train_s_max=("train_seconds", "max"),
            )
        )
        published = medmnist_benchmark(name)
        labels = [f"{m} [published]" for m in published.index] + [f"{m} [pmed]" for m in ours.index]
        width = max(len(label) for label in labels + ["model"])  # long model names must not shift the columns
        lines = [f"{'model':{width}s} {'test AUC':>15s} {'test ACC':>15s} {'train time (s)':>16s}"]
        for model, row in published.iterrows():
            lines.append(f"{model + ' [published]':{width}s} {row.test_auc:>15.3f} {row.test_acc:>15.3f}")
        for model, row in ours.iterrows():
            lines.append(
                f"{model + ' [pmed]':{width}s} {row.auc_mean:>7.3f} ± {np.nan_to_num(row.auc_sd):.3f} "
                f"{row.acc_mean:>7.3f} ± {np.nan_to_num(row.acc_sd):.3f} "
                f"{row.train_s:>6.0f} (max {row.train_s_max:.0f})"
            )
        print(f"## {name}\n" + "\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["breastmnist", "pneumoniamnist"])
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=12, help="epoch budget of every network (as chapter 21)")
    parser.add_argument("--patience", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=None,
        help="safety stop per run: fail (never shorten training) past this many seconds",
    )
    parser.add_argument("--csv", default=None, help="also write the per-run results here")
    args = parser.parse_args(argv)

    from pmed_utils.datasets import load_medmnist

    runs = []
    for name in args.datasets:
        data = load_medmnist(name)
        for model_name in args.models:
            for seed in args.seeds:
                start = time.perf_counter()
                row = _run_one(name, model_name, seed, data, args)
                runs.append(row)
                print(
                    f"{name:15s} {model_name:{max(map(len, MODELS))}s} seed {seed}: AUC {row['test_auc']:.3f} ACC {row['test_acc']:.3f} "
                    f"({row['epochs']} epochs, best {row['best_epoch']:.0f}, train {row['train_seconds']:.0f} s, "
                    f"total {time.perf_counter() - start:.0f} s)",
                    flush=True,
                )
    runs = pd.DataFrame(runs)
    if args.csv:
        runs.to_csv(args.csv, index=False)

    print_tables(runs, n_seeds=len(args.seeds))
    return runs


if __name__ == "__main__":
    main()
