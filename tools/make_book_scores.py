"""Score the book's two risk models once, for chapter 30 to evaluate side by side.

* **genomic risk model** (chapter 13): the simulated cohort at the chapter's full
  parameters, elastic-net PRS on the biomarker GWAS (variants with p < 0.1), then
  a logistic regression on PRS, BMI, smoking, age and sex fitted on the validation
  people. Validation scores are cross-fitted (5 folds within the validation people),
  test scores come from the model fitted on all of them.
* **image ensemble** (chapter 21): five small CNNs on BreastMNIST, one per fold of
  the development images (training + validation), trained with balanced class
  weights and mirrored images. Validation scores are the out-of-fold scores of the
  development images, test scores the ensemble's mean.

Writes ``pmed_utils/data/book_scores/book_scores.csv`` (one row per person or image:
model, split, group, label, score) and ``book_scores.json`` beside it: the command,
seed, parameters, the MedMNIST file's MD5, the CSV's MD5, package versions and each
model's AUC per split (re-computed by ``tests/datasets/test_book_scores.py``).
About 4 minutes on 2 cores.

    python tools/make_book_scores.py
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

OUT = ROOT / "pmed_utils" / "data" / "book_scores"
GENOMIC = {
    "n_samples": 6000,
    "n_chromosomes": 7,
    "segment_length": 2_000_000,
    "h2": 0.5,
    "prevalence": 0.1,
    "n_causal": 1000,
    "p_max": 0.1,
}
IMAGING = {
    "dataset": "breastmnist",
    "n_folds": 5,
    "epochs": 12,
    "patience": 5,
    "batch_size": 32,
    "filters": [16, 32, 64],
}


def genomic_scores(seed: int):
    """Validation (cross-fitted) and test risks of chapter 13's PRS + environment model."""
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from pmed_utils.genomics.gwas import gwas_linear
    from pmed_utils.genomics.prs import polygenic_score, prefiltered_penalized_score
    from pmed_utils.genomics.workflow import prepare_cohort

    params = {k: v for k, v in GENOMIC.items() if k != "p_max"}
    data = prepare_cohort(params.pop("n_samples"), **params, random_state=seed)
    g, samples, covariates = data.genotypes, data.samples, data.covariates
    train, val, test = (data.split[s] for s in ("train", "validation", "test"))
    y_bio, y_disease = samples["biomarker"].to_numpy(), samples["disease"].to_numpy()
    gwas = gwas_linear(g[train], y_bio[train], covariates[train], data.variants["id"])
    pen = prefiltered_penalized_score(
        g[train], y_bio[train], g[val], y_bio[val], gwas["p"], p_max=GENOMIC["p_max"], random_state=seed
    )
    x = np.column_stack([polygenic_score(g, pen.weights), samples[["bmi", "smoking", "age", "sex"]].to_numpy(float)])
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    val_scores = cross_val_predict(model, x[val], y_disease[val], cv=folds, method="predict_proba")[:, 1]
    test_scores = model.fit(x[val], y_disease[val]).predict_proba(x[test])[:, 1]
    return pd.concat(
        [
            pd.DataFrame(
                {"split": split, "group": samples["population"].to_numpy()[idx], "label": y_disease[idx], "score": s}
            )
            for split, idx, s in (("validation", val, val_scores), ("test", test, test_scores))
        ]
    ).assign(model="genomic risk")


def image_scores(seed: int):
    """Out-of-fold development scores and test scores of chapter 21's CV ensemble."""
    import numpy as np
    import pandas as pd

    from pmed_utils.datasets import load_medmnist
    from pmed_utils.imaging.augmentation import mirror_augmentation
    from pmed_utils.imaging.preprocessing import model_inputs_by_split
    from pmed_utils.models import small_cnn, train_cv_ensemble

    data = load_medmnist(IMAGING["dataset"])
    x = model_inputs_by_split(data.images)
    y = data.labels
    x_dev, y_dev = np.concatenate([x["train"], x["val"]]), np.concatenate([y["train"], y["val"]])
    ensemble = train_cv_ensemble(
        lambda: small_cnn((28, 28, 1), filters=tuple(IMAGING["filters"])),
        x_dev,
        y_dev,
        n_folds=IMAGING["n_folds"],
        epochs=IMAGING["epochs"],
        patience=IMAGING["patience"],
        batch_size=IMAGING["batch_size"],
        augment=mirror_augmentation(random_state=seed),
        random_state=seed,
    )
    return pd.concat(
        [
            pd.DataFrame({"split": "validation", "label": y_dev, "score": ensemble.oof_scores}),
            pd.DataFrame({"split": "test", "label": np.asarray(y["test"]), "score": ensemble.predict(x["test"])}),
        ]
    ).assign(model="image ensemble", group="")


def versions() -> dict:
    out = {"python": platform.python_version()}
    for pkg in ("numpy", "scikit-learn", "keras", "tensorflow-cpu", "tensorflow", "msprime", "stdpopsim"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            pass
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=42, help="seed of both models (default 42, as the chapters)")
    args = parser.parse_args(argv)

    import pandas as pd
    from sklearn.metrics import roc_auc_score

    from pmed_utils.datasets import md5_file, packaged_data_path
    from pmed_utils.reproducibility import seed_everything

    seed_everything(args.seed)
    start = time.perf_counter()
    scores = pd.concat([genomic_scores(args.seed), image_scores(args.seed)], ignore_index=True)
    scores = scores[["model", "split", "group", "label", "score"]]
    scores["score"] = scores["score"].round(6)
    OUT.mkdir(parents=True, exist_ok=True)
    csv = OUT / "book_scores.csv"
    scores.to_csv(csv, index=False)
    auc = {
        f"{model} / {split}": round(float(roc_auc_score(part["label"], part["score"])), 6)
        for (model, split), part in scores.groupby(["model", "split"])
    }
    record = {
        "command": shlex.join(["python", "tools/make_book_scores.py", *(argv if argv is not None else sys.argv[1:])]),
        "seed": args.seed,
        "genomic": GENOMIC,
        "imaging": IMAGING,
        "medmnist_md5": md5_file(packaged_data_path("medmnist", f"{IMAGING['dataset']}.npz")),
        "csv_md5": md5_file(csv),
        "auc": auc,
        "seconds": round(time.perf_counter() - start, 1),
        "versions": versions(),
    }
    (OUT / "book_scores.json").write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(auc, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
