"""Train the networks of the book's notebooks and write them to pmed's shipped weight store.

Every notebook with a ``trained_weights`` parameter is executed twice, at its
full parameters (what ``make book`` runs) and at its CI parameters (what
``make test`` runs), with ``trained_weights="record"``: each training run of
:func:`pmed_utils.models.train_classifier` then trains and writes its entry
into ``pmed_utils/data/trained_weights``. Entries that no run wrote are
removed, and ``MANIFEST.md`` there lists every entry with the notebook, the
parameters and the seed that made it and the checksums of its data.

Usage::

    python tools/train_book_models.py            # all notebooks (about 6 minutes on 2 cores)
    python tools/train_book_models.py 21 50      # only these chapters (keeps the others' entries)

Rerun it when a change to pmed, to a notebook or to Keras/TensorFlow makes
the book train again (``make test`` fails on ``trained_weights_reused``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np
import papermill as pm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from execute_book import book_notebooks  # noqa: E402

from pmed_utils.models import book_weight_store  # noqa: E402

STORE = book_weight_store("record")
FOLDER = Path(STORE.folder)


def _uses_store(notebook: Path) -> bool:
    """The notebook has a ``trained_weights`` parameter."""
    cells = nbformat.read(notebook, as_version=4).cells
    return any("parameters" in c.metadata.get("tags", []) and "trained_weights" in c.source for c in cells)


def _entries() -> dict[str, float]:
    return {p.name: p.stat().st_mtime for p in FOLDER.glob("*.npz")}


def _record(path: Path) -> dict:
    with np.load(path, allow_pickle=False) as data:
        return json.loads(str(data["record"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="chapter numbers (default: every notebook that trains)")
    args = parser.parse_args(argv)
    notebooks = [nb for nb in book_notebooks() if _uses_store(nb)]
    if args.chapters:
        notebooks = [nb for nb in notebooks if nb.name.split("_")[0] in args.chapters]
    FOLDER.mkdir(parents=True, exist_ok=True)
    manifest_path = FOLDER / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    if not args.chapters:
        manifest = {}
    written: dict[str, dict] = {}
    for notebook in notebooks:
        meta = nbformat.read(notebook, as_version=4).metadata.get("pmed", {})
        for label, parameters in (("full", {}), ("CI", dict(meta.get("ci_parameters", {})))):
            before = _entries()
            start = time.perf_counter()
            with tempfile.TemporaryDirectory() as work:
                pm.execute_notebook(
                    str(notebook),
                    str(Path(work) / notebook.name),
                    parameters={**parameters, "trained_weights": "record"},
                    kernel_name="pmed",
                    cwd=work,
                    progress_bar=False,
                )
            new = sorted(name for name, mtime in _entries().items() if before.get(name) != mtime)
            print(f"{notebook.stem} ({label} parameters): {len(new)} networks in {time.perf_counter() - start:.0f} s")
            for name in new:
                written[name] = {"notebook": notebook.stem, "parameters": label, **parameters}
    kept = {name: entry for name, entry in manifest.items() if entry["notebook"] not in {nb.stem for nb in notebooks}}
    manifest = {**kept, **written}
    for path in FOLDER.glob("*.npz"):
        if path.name not in manifest:
            path.unlink()
            print(f"removed {path.name}: no notebook trains it any more")
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    _write_readme(manifest)
    return 0


def _write_readme(manifest: dict) -> None:
    lines = [
        "# Trained weights of the book's networks",
        "",
        "Written by `python tools/train_book_models.py` (see its docstring); loaded by",
        "`pmed_utils.models.train_classifier(..., store=book_weight_store())` only for the",
        "identical training run (`pmed_utils.models.training_key`). Each `.npz` holds the",
        "weights and a JSON record: training history, seed, settings, MD5 of the training",
        "and validation arrays, versions. The images are MedMNIST v2 (CC BY 4.0, Yang et",
        "al. 2023, Scientific Data 10:41); the linked cohorts are simulated.",
        "",
        "| file | notebook | parameters | seed | epochs run | best epoch | train s | x_train MD5 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in sorted(manifest, key=lambda n: (manifest[n]["notebook"], manifest[n]["parameters"], n)):
        record = _record(FOLDER / name)
        history = record["history"]
        lines.append(
            f"| {name} | {manifest[name]['notebook']} | {manifest[name]['parameters']} | {history['seed']} "
            f"| {len(history['table']['loss'])} | {history['best_epoch']} | {history['train_seconds']:.1f} "
            f"| {record['array_md5']['x_train']} |"
        )
    (FOLDER / "README.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
