"""Every notebook starts with the Colab install cell for the current version, and it is inert elsewhere.

The cell is written by ``tools/add_colab_cell.py``; after a version bump run it again.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from notebook_utils import REPO_ROOT

import pmed_utils

_spec = importlib.util.spec_from_file_location("add_colab_cell", REPO_ROOT / "tools" / "add_colab_cell.py")
add_colab_cell = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(add_colab_cell)

NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


@pytest.mark.parametrize("ipynb", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_first_code_cell_installs_this_version_in_colab(ipynb: Path):
    nb = nbformat.read(ipynb, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    install = [i for i, c in enumerate(code) if add_colab_cell.TAG in _tags(c)]
    assert install == [0], (
        f"{ipynb.name}: the first code cell (and only it) must be the Colab install cell; "
        f"run `python tools/add_colab_cell.py`"
    )
    cell = code[0]
    assert "remove-cell" in _tags(cell), f"{ipynb.name}: the install cell must be hidden from the book"
    assert f'@v{pmed_utils.__version__}"' in cell.source, (
        f"{ipynb.name}: the install cell does not pin pmed {pmed_utils.__version__}; "
        f"run `python tools/add_colab_cell.py`"
    )
    assert cell.source.strip() == add_colab_cell.cell_source(pmed_utils.__version__)
    params = [i for i, c in enumerate(code) if "parameters" in _tags(c)]
    assert params and params[0] > 0, f"{ipynb.name}: the parameters cell must come after the install cell"


def test_script_reads_the_package_version():
    assert add_colab_cell.current_version() == pmed_utils.__version__


def _run_cell(monkeypatch, *, colab: bool, installed: bool, env_spec: str | None = None) -> list[list[str]]:
    calls: list[list[str]] = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    monkeypatch.delenv("PMED_PIP_SPEC", raising=False)
    if colab:
        monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab-test")
    if env_spec:
        monkeypatch.setenv("PMED_PIP_SPEC", env_spec)
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: (
            (real_find_spec(name) if installed else None) if name == "pmed_utils" else real_find_spec(name, *a)
        ),
    )
    exec(add_colab_cell.cell_source("9.8.7"), {})
    return calls


def test_cell_does_nothing_outside_colab(monkeypatch):
    assert _run_cell(monkeypatch, colab=False, installed=False) == []


def test_cell_does_nothing_in_colab_when_pmed_is_installed(monkeypatch):
    assert _run_cell(monkeypatch, colab=True, installed=True) == []


def test_cell_installs_the_pinned_release_in_colab(monkeypatch):
    calls = _run_cell(monkeypatch, colab=True, installed=False)
    assert calls == [
        [sys.executable, "-m", "pip", "install", "--quiet", "pmed @ git+https://github.com/pmed-book/pmed@v9.8.7"]
    ]
    calls = _run_cell(monkeypatch, colab=True, installed=False, env_spec="/local/checkout")
    assert calls[0][-1] == "/local/checkout"


MD = """---
jupytext: {}
---

# Title

## Imports

```{code-cell} ipython3
import numpy as np
```

```{code-cell} ipython3
:tags: [parameters]

seed = 0
```
"""


def test_refresh_inserts_once_and_replaces_an_old_version():
    once = add_colab_cell.refresh(MD, "1.0.0")
    assert add_colab_cell.refresh(once, "1.0.0") == once
    bumped = add_colab_cell.refresh(once, "1.1.0")
    assert bumped.count(add_colab_cell.TAG) == 1 and "@v1.1.0" in bumped and "@v1.0.0" not in bumped
    nb = jupytext.reads(bumped, fmt="md:myst")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert _tags(code[0]) == ["remove-cell", "colab-install"]
    assert code[1].source == "import numpy as np"
    assert _tags(code[2]) == ["parameters"]
    assert max(len(line) for line in add_colab_cell.cell_source("10.10.10").splitlines()) <= 79


def test_refresh_refuses_a_notebook_without_code():
    with pytest.raises(ValueError, match="no code cell"):
        add_colab_cell.refresh("# Only prose\n", "1.0.0")
