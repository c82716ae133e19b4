"""Helpers for the notebook tests: which notebooks the book lists, and their metadata."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]


def toc_files(root: Path = REPO_ROOT) -> list[str]:
    """Every ``file:`` entry of ``_toc.yml`` (and its root), in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key, []) or []:
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(toc)
    return files


def toc_notebooks(root: Path = REPO_ROOT) -> list[Path]:
    """Paths of the ``.ipynb`` notebooks that the book lists."""
    return [root / f"{entry}.ipynb" for entry in toc_files(root) if entry.startswith("notebooks/")]


def pmed_metadata(notebook_path: Path) -> dict[str, Any]:
    """The ``pmed`` block of a notebook's metadata (CI parameters, expected ranges)."""
    nb = nbformat.read(notebook_path, as_version=4)
    return dict(nb.metadata.get("pmed", {}))


KERNEL = "pmed"


class NotebookFailed(RuntimeError):
    """A notebook raised; the message names the notebook, the cell source and the traceback."""


def execute_notebook(notebook: Path, output: Path, workdir: Path) -> Path:
    """Run ``notebook`` with its CI parameters on the ``pmed`` kernel into ``output``."""
    import papermill as pm
    from jupyter_client.kernelspec import KernelSpecManager

    if KERNEL not in KernelSpecManager().find_kernel_specs():
        raise NotebookFailed(
            f"The Jupyter kernel '{KERNEL}' is not registered. Run `make test` (it registers the "
            f"kernel into .venv) or: python -m ipykernel install --sys-prefix --name {KERNEL}"
        )
    parameters = dict(pmed_metadata(notebook).get("ci_parameters", {}))
    output.parent.mkdir(parents=True, exist_ok=True)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        pm.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters,
            kernel_name=KERNEL,
            cwd=str(workdir),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
        )
    except pm.PapermillExecutionError as exc:
        raise NotebookFailed(
            f"{notebook.name} failed in cell {exc.cell_index} (execution count {exc.exec_count}).\n"
            f"--- cell source ---\n{exc.source}\n--- traceback ---\n" + "\n".join(exc.traceback)
        ) from None
    return output
