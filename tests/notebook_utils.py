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
