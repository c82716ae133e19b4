"""tools/sync_notebooks.py keeps the .md's pmed metadata in both files, whichever file is newer."""

import importlib.util
import os
import time
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("sync_notebooks", ROOT / "tools" / "sync_notebooks.py")
sync_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sync_notebooks)

MD = """---
jupytext:
  formats: ipynb,md:myst
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
pmed:
  ci_parameters:
    n: 10
  expected:
    auc: [0.5, 1.0]
---

# A notebook

```{code-cell} ipython3
:tags: [parameters]

n = 100
```
"""


def test_md_metadata_reaches_a_newer_ipynb_and_survives_in_the_md(tmp_path: Path):
    (tmp_path / "jupytext.toml").write_text((ROOT / "jupytext.toml").read_text())  # the repo's pairing settings
    md = tmp_path / "99_demo.md"
    md.write_text(MD)
    sync_notebooks.sync(md)  # creates the .ipynb
    ipynb = md.with_suffix(".ipynb")
    assert nbformat.read(ipynb, as_version=4).metadata["pmed"]["ci_parameters"] == {"n": 10}
    # a reviewer widens a range in the .md, then the .ipynb is saved again in Jupyter (newer file)
    md.write_text(MD.replace("auc: [0.5, 1.0]", "auc: [0.4, 1.0]"))
    later = time.time() + 5
    os.utime(ipynb, (later, later))
    assert sync_notebooks.sync(md) is True
    assert nbformat.read(ipynb, as_version=4).metadata["pmed"]["expected"]["auc"] == [0.4, 1.0]
    assert jupytext.read(md).metadata["pmed"]["expected"]["auc"] == [0.4, 1.0]
    assert sync_notebooks.sync(md) is False  # nothing left to copy


def test_main_rejects_paths_that_are_not_notebook_markdown(tmp_path: Path, capsys: pytest.CaptureFixture):
    assert sync_notebooks.main([str(tmp_path / "missing.md")]) == 2
    assert "not a notebook .md file" in capsys.readouterr().err
