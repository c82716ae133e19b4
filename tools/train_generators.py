"""Train the shipped image generators: a class-conditional diffusion model per MedMNIST dataset.

Writes ``pmed_utils/data/generators/<dataset>_diffusion.keras`` and, beside it,
``<dataset>_diffusion.json`` with the exact command, seed, the data file's MD5,
steps, wall time, package versions, the code version and (after ``--evaluate``)
the quality the samples reached (FD in pmed-CNN features, precision/recall,
TSTR and TRTR AUC). Only the training split is used for training.

    nice -n 10 python tools/train_generators.py --dataset pneumoniamnist --steps 1500
    nice -n 10 python tools/train_generators.py --dataset pneumoniamnist --evaluate
"""

from __future__ import annotations

import argparse
import json
import platform
import shlex
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The latent (principal-component) denoiser: the pixel U-Net ran at 7-10 s per step on the
# shared 2-core machine (hours for a usable model); the latent MLP runs ~10 steps per second.
COMMON = {"denoiser": "mlp", "latent_dim": 64, "hidden": 256, "emb_dim": 64, "batch_size": 128, "learning_rate": 2e-3}
SETTINGS = {
    # flips: fine for ultrasound, not for chest X-rays (the heart is on the left)
    "breastmnist": {**COMMON, "flip": True},
    "pneumoniamnist": {**COMMON, "flip": False},
}
OUT = ROOT / "pmed_utils" / "data" / "generators"


def versions() -> dict:
    out = {"python": platform.python_version()}
    for pkg in ("numpy", "keras", "tensorflow", "tensorflow-cpu", "scikit-learn", "scipy"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def train(dataset: str, steps: int, seed: int) -> None:
    from pmed_utils.datasets import load_medmnist, medmnist_files
    from pmed_utils.datasets._base import md5_file, packaged_data_path
    from pmed_utils.generative.diffusion import DIFFUSION_CODE_VERSION, build_diffusion, save_diffusion, train_diffusion

    data = load_medmnist(dataset)
    cfg = SETTINGS[dataset]
    names = ["no lesion", "lesion"]
    model = build_diffusion(
        denoiser=cfg["denoiser"],
        latent_dim=cfg["latent_dim"],
        hidden=cfg["hidden"],
        emb_dim=cfg["emb_dim"],
        dataset=dataset,
        class_names=names,
    )
    start = time.time()
    model = train_diffusion(
        data.images["train"],
        data.labels["train"],
        steps=steps,
        model=model,
        batch_size=cfg["batch_size"],
        learning_rate=cfg["learning_rate"],
        flip=cfg["flip"],
        random_state=seed,
    )
    wall = time.time() - start
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{dataset}_diffusion.keras"
    save_diffusion(model, path)
    npz = packaged_data_path("medmnist", f"{dataset}.npz")
    record = {
        "dataset": dataset,
        "kind": "diffusion",
        "file": path.name,
        "command": "python " + " ".join(shlex.quote(a) for a in ["tools/train_generators.py", *sys.argv[1:]]),
        "seed": seed,
        "data_file": npz.name,
        "data_md5": md5_file(npz),
        "data_md5_expected": medmnist_files()[(dataset, 28)].md5,
        "split": "train",
        "n_train": int(len(data.images["train"])),
        "steps": steps,
        "settings": {k: list(v) if isinstance(v, tuple) else v for k, v in cfg.items()},
        "parameters": int(model.network.count_params()),
        "wall_time_s": round(wall, 1),
        "training_record": model.training_record,
        "code_version": DIFFUSION_CODE_VERSION,
        "versions": versions(),
        "machine": f"{platform.machine()}, {platform.system()}, nice -n 10 on a shared 2-core machine",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "size_bytes": path.stat().st_size,
        "quality": None,
    }
    (OUT / f"{dataset}_diffusion.json").write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))


def evaluate(dataset: str, seed: int, n_per_class: int, epochs: int, max_train: int | None) -> None:
    from pmed_utils.datasets import load_medmnist
    from pmed_utils.evaluation import generator_report
    from pmed_utils.generative import load_pretrained_generator
    from pmed_utils.generative.pretrained import _check_statistics

    model = load_pretrained_generator(dataset)
    data = load_medmnist(dataset)
    path = OUT / f"{dataset}_diffusion.json"
    record = json.loads(path.read_text())
    record["check"] = _check_statistics(model, data.images["train"])
    path.write_text(json.dumps(record, indent=2) + "\n")
    start = time.time()
    report = generator_report(
        model, data, n_per_class=n_per_class, epochs=epochs, max_train=max_train, random_state=seed
    )
    record["quality"] = {
        "command": "python " + " ".join(shlex.quote(a) for a in ["tools/train_generators.py", *sys.argv[1:]]),
        "seed": seed,
        "n_per_class": n_per_class,
        "classifier_epochs": epochs,
        "max_train": max_train,
        "sample_steps": 25,
        "wall_time_s": round(time.time() - start, 1),
        **report.summary(),
    }
    path.write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record["quality"], indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=sorted(SETTINGS), required=True)
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--evaluate", action="store_true", help="fill in the quality of the shipped weights")
    parser.add_argument("--n-per-class", type=int, default=300)
    parser.add_argument("--epochs", type=int, default=8, help="epoch budget of the evaluation classifiers")
    parser.add_argument("--max-train", type=int, default=None, help="real images for the evaluation classifiers")
    args = parser.parse_args()
    if args.evaluate:
        evaluate(args.dataset, args.seed, args.n_per_class, args.epochs, args.max_train)
    else:
        train(args.dataset, args.steps, args.seed)


if __name__ == "__main__":
    main()
