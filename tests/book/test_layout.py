"""The book machinery lives in pmed_utils.book; the science package never loads the book's toolchain.

The science subpackages must work where only numpy, pandas, scikit-learn,
TensorFlow and friends are installed (the ``book`` extra holds the rest), and
the notebooks' import paths (``pmed_utils.record``, ``pmed_utils.exercises``...)
must keep giving the same objects as the new home.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import pytest
from notebook_utils import REPO_ROOT

SCIENCE = (
    "genomics",
    "imaging",
    "models",
    "evaluation",
    "plotting",
    "datasets",
    "validation",
    "results",
    "reproducibility",
    "_progress",
    "_tensorflow",
)
TOOLCHAIN = (
    "nbconvert",
    "papermill",
    "jupytext",
    "pybtex",
    "sphinx",
    "docutils",
    "myst_nb",
    "myst_parser",
    "jupyter_book",
    "nbformat",
    "nbclient",
)

_PROBE = """
import importlib, json, pkgutil, sys
import pmed_utils
loaded = []
for sub in {science!r}:
    module = importlib.import_module("pmed_utils." + sub)
    loaded.append(module.__name__)
    for info in pkgutil.walk_packages(getattr(module, "__path__", []), module.__name__ + "."):
        importlib.import_module(info.name)
        loaded.append(info.name)
toolchain = sorted({{name.split(".")[0] for name in sys.modules}} & set({toolchain!r}))
book = sorted(name for name in sys.modules if name.startswith("pmed_utils.book"))
print(json.dumps({{"modules": loaded, "toolchain": toolchain, "book": book}}))
"""


def test_the_science_package_imports_none_of_the_book_toolchain():
    code = _PROBE.format(science=SCIENCE, toolchain=TOOLCHAIN)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(result["modules"]) > 20  # every science module was imported
    assert {"pmed_utils.genomics.gwas", "pmed_utils.models.cnn", "pmed_utils.plotting.evaluation"} <= set(
        result["modules"]
    )
    assert result["toolchain"] == [], f"science modules load the book toolchain: {result['toolchain']}"
    assert result["book"] == [], f"science modules import the book machinery: {result['book']}"


def test_the_probe_sees_the_toolchain_when_it_is_imported():
    code = _PROBE.format(science=("book.reports",), toolchain=TOOLCHAIN)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=True
    )
    assert "nbformat" in json.loads(done.stdout.strip().splitlines()[-1])["toolchain"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("pmed_utils.record", "pmed_utils.book.record"),
        ("pmed_utils.exercises", "pmed_utils.book.exercises"),
    ],
)
def test_the_old_import_paths_give_the_same_objects(old, new):
    old_module, new_module = importlib.import_module(old), importlib.import_module(new)
    assert old_module.__all__ and set(old_module.__all__) == set(new_module.__all__)
    for name in old_module.__all__:
        assert getattr(old_module, name) is getattr(new_module, name), f"{old}.{name}"


def test_the_notebooks_import_lines_still_work():
    from pmed_utils.exercises import check
    from pmed_utils.record import record

    assert record("x", 1) == 1 and check("ex-11-het", 0.42)


def test_the_pmed_command_points_at_the_book_cli():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    scripts = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, attr = scripts["pmed"].partition(":")
    assert module == "pmed_utils.book.cli"
    assert callable(getattr(importlib.import_module(module), attr))


def test_the_book_subpackage_holds_the_machinery():
    import pmed_utils.book

    found = {info.name for info in pkgutil.walk_packages(pmed_utils.book.__path__, "pmed_utils.book.")}
    assert {
        "pmed_utils.book.record",
        "pmed_utils.book.cli",
        "pmed_utils.book.exercises",
        "pmed_utils.book.reports",
        "pmed_utils.book.reports.html",
    } <= found
