"""A Colab-like check: a fresh environment with TensorFlow preinstalled runs notebook 01 after the install cell.

What it does, in a new virtual environment (default ``_build/colab_check/venv``):

1. installs what Colab has before a notebook runs: TensorFlow (``tensorflow-cpu`` on Linux
   x86-64, else ``tensorflow``), ``ipykernel`` and ``papermill`` (Colab's Jupyter) — and
   nothing of pmed's own dependencies;
2. runs the notebook's Colab install cell (the tagged first code cell; added to a copy of
   the notebook if the checkout's notebooks do not have it yet) with ``COLAB_RELEASE_TAG``
   set, as Colab sets it. This check cannot reach GitHub, so ``PMED_PIP_SPEC`` points the
   cell at the local checkout instead of ``pmed @ git+https://...@vX.Y``: it installs the
   package (not editable) from this working tree, with the data it ships;
3. executes the notebook (CI parameters) from a folder outside the checkout, so that
   ``pmed_utils`` is imported from the installed package;
4. checks that the install neither replaced nor added a TensorFlow.

Usage::

    python tools/colab_check.py [--notebook 01_pipeline_at_a_glance] [--venv DIR] [--keep]

Prints PASS or FAIL and exits 0 or 1.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def _add_colab_cell():
    spec = importlib.util.spec_from_file_location("add_colab_cell", REPO_ROOT / "tools" / "add_colab_cell.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, **kw)


def _tensorflow_dists(python: Path) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json; print(json.dumps({d.metadata['Name'].lower(): d.version "
        "for d in m.distributions() if d.metadata['Name'].lower().startswith('tensorflow')}))"
    )
    return json.loads(subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True).stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default="01_pipeline_at_a_glance")
    parser.add_argument("--venv", type=Path, default=REPO_ROOT / "_build" / "colab_check" / "venv")
    parser.add_argument("--python", default=sys.executable, help="the Python that creates the environment")
    parser.add_argument("--keep", action="store_true", help="reuse an existing environment (skip step 1)")
    args = parser.parse_args(argv)

    import nbformat

    add_colab_cell = _add_colab_cell()
    version = add_colab_cell.current_version()
    work = args.venv.parent
    work.mkdir(parents=True, exist_ok=True)
    python = args.venv / "bin" / "python"
    started = time.time()

    if not (args.keep and python.exists()):
        shutil.rmtree(args.venv, ignore_errors=True)
        _run([args.python, "-m", "venv", str(args.venv)])
        _run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        tf = "tensorflow-cpu" if (platform.system(), platform.machine()) == ("Linux", "x86_64") else "tensorflow"
        _run([str(python), "-m", "pip", "install", "--quiet", f"{tf}>=2.16,<3", "ipykernel", "papermill"])
    before = _tensorflow_dists(python)
    print(f"TensorFlow before: {before}")

    nb = nbformat.read(REPO_ROOT / "notebooks" / f"{args.notebook}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not code or add_colab_cell.TAG not in code[0].get("metadata", {}).get("tags", []):
        print("(the checkout's notebook has no install cell yet: adding it to a copy)")
        cell = nbformat.v4.new_code_cell(
            add_colab_cell.cell_source(version), metadata={"tags": ["remove-cell", add_colab_cell.TAG]}
        )
        nb.cells.insert(nb.cells.index(code[0]), cell)
        code.insert(0, cell)
    install_cell = code[0].source

    # A copy of the working tree, so that pip's in-tree build leaves nothing in the checkout.
    source = work / "source"
    shutil.rmtree(source, ignore_errors=True)
    shutil.copytree(
        REPO_ROOT,
        source,
        ignore=shutil.ignore_patterns(".git", ".venv", "_build", "build", "*.egg-info", "__pycache__", ".pytest_cache"),
    )
    env = {**os.environ, "COLAB_RELEASE_TAG": "colab-check", "PMED_PIP_SPEC": str(source)}
    env.pop("PYTHONPATH", None)
    run_dir = work / "run"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir()
    (run_dir / "install_cell.py").write_text(install_cell)
    _run([str(python), "install_cell.py"], cwd=run_dir, env=env)
    where = subprocess.run(
        [str(python), "-c", "import pmed_utils; print(pmed_utils.__file__, pmed_utils.__version__)"],
        cwd=run_dir,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(f"pmed_utils installed: {where}")

    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, run_dir / f"{args.notebook}.ipynb")
    ci = nb.metadata.get("pmed", {}).get("ci_parameters", {})
    params = ["-y", json.dumps(ci)] if ci else []  # JSON is YAML
    _run(
        [
            str(args.venv / "bin" / "papermill"),
            f"{args.notebook}.ipynb",
            "executed.ipynb",
            "-k",
            "python3",
            "--cwd",
            str(run_dir),
            *params,
        ],
        cwd=run_dir,
        env=env,
    )
    after = _tensorflow_dists(python)
    print(f"TensorFlow after:  {after}")

    problems = []
    if after != before:
        problems.append(f"installing pmed changed TensorFlow: {before} -> {after}")
    if str(REPO_ROOT) in where.split()[0] or str(source) in where.split()[0]:
        problems.append(f"pmed_utils was imported from the checkout, not the installed package: {where}")
    if not where.endswith(version):
        problems.append(f"installed pmed_utils is not version {version}: {where}")
    minutes = (time.time() - started) / 60
    if problems:
        print("FAIL\n  " + "\n  ".join(problems))
        return 1
    print(f"PASS: {args.notebook} ran after only the install cell ({minutes:.1f} min); TensorFlow untouched: {after}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
