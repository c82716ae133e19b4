"""Benchmark: fidelity, utility and privacy of the image generators, one table per dataset.

    nice -n 10 python benchmarks/generative.py            # the shipped diffusion models
    nice -n 10 python benchmarks/generative.py --vae      # plus a conditional VAE trained here

Writes ``benchmarks/results/generative.md``. For each dataset and generator:
FD in pmed-CNN features (and the real-vs-real floor), precision and recall
(Kynkäänniemi et al. 2019), TSTR AUC and TSTR/TRTR, augmentation gain (real +
synthetic rare-class images), the DCR ratio (5th percentile of
synthetic→train over held-out→train pixel distances; >= 1 = no sign of
copying), the distance membership attack's AUC, and sampling time. If
``benchmarks/_generative_cohorts.py`` exists its ``cohort_section()`` (the
synthetic-cohort tables) is appended.

Goals (issue 19): PneumoniaMNIST diffusion TSTR/TRTR >= 0.90, BreastMNIST >= 0.85;
DCR ratio >= 1; attack AUC <= 0.60.
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "results" / "generative.md"
GOALS = {"pneumoniamnist": 0.90, "breastmnist": 0.85}


def _row(name: str, s: dict) -> str:
    return (
        f"| {name} | {s['fd']:.2f} ({s['fd_real']:.2f}) | {s['precision']:.2f} | {s['recall']:.2f} | "
        f"{s['tstr_auc']:.3f} ({s['tstr_auc_low']:.3f}–{s['tstr_auc_high']:.3f}) | {s['trtr_auc']:.3f} | "
        f"{s['tstr_over_trtr']:.3f} | {s['augmentation_gain']:+.3f} ({s['augmentation_gain_low']:+.3f}–"
        f"{s['augmentation_gain_high']:+.3f}) | {s['dcr_ratio']:.2f} | {s['attack_auc']:.3f} | "
        f"{s['sampling_seconds']:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["pneumoniamnist", "breastmnist"])
    parser.add_argument("--n-per-class", type=int, default=300)
    parser.add_argument("--epochs", type=int, default=8, help="epoch budget of each classifier")
    parser.add_argument("--max-train", type=int, default=None, help="real images for the real-image classifiers")
    parser.add_argument("--vae", action="store_true", help="also train and judge a conditional VAE")
    parser.add_argument("--vae-epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--from-records",
        action="store_true",
        help="take the diffusion rows from the quality stored beside the shipped weights "
        "(written by tools/train_generators.py --evaluate with the same settings) instead of recomputing",
    )
    args = parser.parse_args()

    from pmed_utils.datasets import load_medmnist
    from pmed_utils.evaluation import generator_report
    from pmed_utils.generative import load_pretrained_generator, pretrained_generator_info, train_vae

    start = time.time()
    lines = [
        "# Generative models: synthetic images",
        "",
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Machine: {platform.machine()} "
        f"{platform.system()}, 2 cores shared with other jobs (`nice -n 10`); sampling times depend on the load.",
        f"Command: `python benchmarks/generative.py {' '.join(sys.argv[1:])}` (seed {args.seed}, "
        f"{args.n_per_class} synthetic images per class, classifiers small_cnn filters (8, 16, 32), "
        f"{args.epochs} epochs, early stopping on the real validation split, AUCs on the real test split; "
        f"real-image classifiers on {'all' if args.max_train is None else args.max_train} training images).",
        "",
        "FD = Fréchet distance in pmed-CNN features (the real-image classifier's pooled features; in brackets the "
        "real test vs real train floor), not FID. TSTR = train on synthetic, test on real; TRTR = train on real. "
        "Augmentation gain = AUC(real + synthetic rare class) − AUC(real), DeLong paired 95% CI. DCR ratio = 5th "
        "percentile of synthetic→train over held-out→train pixel distances (≥ 1: no sign of copying). "
        "Attack = distance membership attack AUC (0.5 = nothing learnt).",
        "",
    ]
    verdicts = []
    for dataset in args.datasets:
        data = load_medmnist(dataset)
        info = pretrained_generator_info(dataset)
        rows = []
        if args.from_records:
            s = info["quality"]
            if (s["n_per_class"], s["classifier_epochs"], s["seed"], s.get("max_train")) != (
                args.n_per_class,
                args.epochs,
                args.seed,
                args.max_train,
            ):
                raise SystemExit(f"{dataset}: the stored quality used other settings; rerun without --from-records")
        else:
            model = load_pretrained_generator(dataset)
            rep = generator_report(
                model,
                data,
                n_per_class=args.n_per_class,
                epochs=args.epochs,
                max_train=args.max_train,
                random_state=args.seed,
            )
            s = rep.summary()
        rows.append(_row(f"diffusion ({info['steps']} steps, {info['parameters']:,} parameters)", s))
        verdicts.append(
            f"- {dataset} diffusion: TSTR/TRTR {s['tstr_over_trtr']:.3f} (goal ≥ {GOALS[dataset]:.2f}: "
            f"{'met' if s['tstr_over_trtr'] >= GOALS[dataset] else 'NOT met'}); DCR ratio {s['dcr_ratio']:.2f} "
            f"(goal ≥ 1: {'met' if s['dcr_ratio'] >= 1 else 'NOT met'}); attack AUC {s['attack_auc']:.3f} "
            f"(goal ≤ 0.60: {'met' if s['attack_auc'] <= 0.60 else 'NOT met'})."
        )
        if args.vae:
            vae = train_vae(
                data.images["train"],
                data.labels["train"],
                epochs=args.vae_epochs,
                dataset=dataset,
                random_state=args.seed,
                progress=False,
            )
            rep_v = generator_report(
                vae,
                data,
                n_per_class=args.n_per_class,
                epochs=args.epochs,
                max_train=args.max_train,
                random_state=args.seed,
            )
            rows.append(_row(f"VAE ({args.vae_epochs} epochs)", rep_v.summary()))
        lines += [
            f"## {dataset} ({len(data.images['train'])} training images)",
            "",
            "| generator | FD (floor) | precision | recall | TSTR AUC (95% CI) | TRTR AUC | TSTR/TRTR | "
            "augmentation gain (95% CI) | DCR ratio | attack AUC | sampling s |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
        ]
        print("\n".join(lines[-len(rows) - 4 :]), flush=True)
    lines += ["## Goals", "", *verdicts, "", f"Total wall time {time.time() - start:.0f} s.", ""]
    cohorts = ROOT / "benchmarks" / "_generative_cohorts.py"
    if cohorts.exists():
        spec = importlib.util.spec_from_file_location("_generative_cohorts", cohorts)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        lines += [module.cohort_section(), ""]
    OUT.write_text("\n".join(lines))
    print("\n".join(verdicts))


if __name__ == "__main__":
    main()
