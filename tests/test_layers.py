"""The package's layers read off its folder tree, and imports only point down.

base (validation, reproducibility, results, splits, progress, TensorFlow loading)
→ analysis (genomics, imaging, pharmacogenomics) → datasets (loaders built on
the readers) → models, causal and survival → evaluation → plotting → book machinery.
A module may import its own layer or a lower one, never a higher one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import pmed_utils

PACKAGE = Path(pmed_utils.__file__).parent

LAYERS = [
    {"validation", "reproducibility", "results", "splits", "_progress", "_tensorflow", "_cache", "__init__"},
    {"genomics", "imaging", "pharmacogenomics"},
    {"datasets"},
    {"models", "causal", "survival", "generative", "interpret", "privacy"},
    {"evaluation"},
    {"plotting"},
    {"book", "record", "exercises"},
]
LEVEL = {name: i for i, names in enumerate(LAYERS) for name in names}


def _top(module_path: Path) -> str:
    return module_path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imported_tops(path: Path) -> set[str]:
    tops = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "pmed_utils" and len(parts) > 1:
                tops.add(parts[1])
    return tops


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "data" not in p.relative_to(PACKAGE).parts[:1])


def test_every_folder_has_a_layer():
    assert {_top(p) for p in MODULES} <= set(LEVEL)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path):
    here = LEVEL[_top(path)]
    upward = sorted(t for t in _imported_tops(path) if LEVEL.get(t, -1) > here)
    assert not upward, f"{path.relative_to(PACKAGE)} (layer {here}) imports higher layers: {upward}"


def _test_module_for(path: Path) -> Path:
    rel = path.relative_to(PACKAGE)
    return Path(__file__).parent.joinpath(*rel.parts[:-1], f"test_{rel.stem}.py")


def _is_reexport(path: Path) -> bool:
    """A module kept at an old import path: everything in its ``__all__`` is defined elsewhere."""
    import importlib

    module = importlib.import_module("pmed_utils." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
    names = getattr(module, "__all__", [])
    return bool(names) and all(
        getattr(getattr(module, n), "__module__", module.__name__) != module.__name__
        for n in names
        if callable(getattr(module, n))
    )


PUBLIC_MODULES = [p for p in MODULES if not p.stem.startswith("_") and not _is_reexport(p)]


@pytest.mark.parametrize("path", PUBLIC_MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_has_its_test_module(path: Path):
    """Tests mirror the package: tests/genomics/test_qc.py tests pmed_utils/genomics/qc.py."""
    expected = _test_module_for(path)
    assert expected.is_file(), f"{path.relative_to(PACKAGE)} has no {expected.relative_to(Path(__file__).parent)}"
