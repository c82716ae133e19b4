"""Every notebook is a synced jupytext pair, has no outputs, and has one parameters cell."""

from __future__ import annotations

import ast
from pathlib import Path

import jupytext
import nbformat
import pytest
from notebook_utils import REPO_ROOT, toc_files

NOTEBOOK_DIR = REPO_ROOT / "notebooks"
MD_FILES = sorted(NOTEBOOK_DIR.glob("*.md"))
IPYNB_FILES = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def _cells_signature(nb: nbformat.NotebookNode) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(cell.cell_type, cell.source.strip(), tuple(cell.get("metadata", {}).get("tags", []))) for cell in nb.cells]


def _parameter_names(cell_source: str) -> set[str]:
    names = set()
    for node in ast.parse(cell_source).body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            if isinstance(target, ast.Name):
                names.add(target.id)
    return names


def test_there_are_notebooks():
    assert MD_FILES, "notebooks/ holds no paired notebooks"


@pytest.mark.parametrize("md", MD_FILES, ids=[p.stem for p in MD_FILES])
def test_pair_exists_and_is_in_sync(md: Path):
    ipynb = md.with_suffix(".ipynb")
    assert ipynb.exists(), f"{md.name} has no paired {ipynb.name}: run `jupytext --sync {md}`"
    from_md = jupytext.read(md)
    from_ipynb = nbformat.read(ipynb, as_version=4)
    assert _cells_signature(from_md) == _cells_signature(from_ipynb), (
        f"{md.name} and {ipynb.name} differ: edit one, then run `jupytext --sync notebooks/{md.name}`"
    )
    assert from_md.metadata.get("pmed") == from_ipynb.metadata.get("pmed"), (
        f"the 'pmed' metadata of {md.name} and {ipynb.name} differ: run `make sync`"
    )


@pytest.mark.parametrize("ipynb", IPYNB_FILES, ids=[p.stem for p in IPYNB_FILES])
def test_no_outputs_committed(ipynb: Path):
    nb = nbformat.read(ipynb, as_version=4)
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, f"{ipynb.name} has outputs in cells {dirty}: clear them (the book build makes them)"


@pytest.mark.parametrize("md", MD_FILES, ids=[p.stem for p in MD_FILES])
def test_markdown_uses_only_myst_that_reports_can_render(md: Path):
    """`pmed report` turns MyST into plain Markdown for nbconvert; anything else would show raw."""
    import re

    from pmed_utils.book.reports import myst

    text = "\n".join(cell.source for cell in jupytext.read(md).cells if cell.cell_type == "markdown")
    roles = set(re.findall(r"\{([\w:-]+)\}`", text))
    directives = set(re.findall(r"^(?:`{3,}|:{3,})\{([\w-]+)\}", text, flags=re.M))
    assert roles <= myst.SUPPORTED_ROLES, (
        f"{md.name}: roles a report cannot render: {sorted(roles - myst.SUPPORTED_ROLES)}"
    )
    assert directives <= myst.SUPPORTED_DIRECTIVES, (
        f"{md.name}: directives a report cannot render: {sorted(directives - myst.SUPPORTED_DIRECTIVES)}"
    )


# The book's code column shows about 80 characters; longer lines hide behind a scrollbar.
MAX_CODE_LINE = 79


@pytest.mark.parametrize("md", MD_FILES, ids=[p.stem for p in MD_FILES])
def test_code_lines_fit_the_page(md: Path):
    nb = jupytext.read(md)
    long = [
        f"cell {i}: {line}"
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if len(line) > MAX_CODE_LINE
    ]
    assert not long, f"{md.name}: code lines over {MAX_CODE_LINE} characters (wrap inside the brackets):\n" + "\n".join(
        long
    )


@pytest.mark.parametrize("ipynb", IPYNB_FILES, ids=[p.stem for p in IPYNB_FILES])
def test_one_parameters_cell_and_ci_parameters_match_it(ipynb: Path):
    nb = nbformat.read(ipynb, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{ipynb.name} must have exactly one cell tagged 'parameters'; found {len(tagged)}"
    assert tagged[0].cell_type == "code"
    names = _parameter_names(tagged[0].source)
    for required in ("seed", "ci"):
        assert required in names, f"{ipynb.name}: the parameters cell must define '{required}'"
    meta = nb.metadata.get("pmed", {})
    ci_parameters = meta.get("ci_parameters", {})
    assert ci_parameters.get("ci") is True, f"{ipynb.name}: pmed.ci_parameters must set ci: true"
    unknown = set(ci_parameters) - names
    assert not unknown, f"{ipynb.name}: pmed.ci_parameters names {sorted(unknown)}, not in the parameters cell"
    assert nb.metadata.get("kernelspec", {}).get("name") == "pmed", f"{ipynb.name}: kernelspec name must be 'pmed'"
    for name, bounds in meta.get("expected", {}).items():
        assert isinstance(bounds, list) and len(bounds) == 2 and bounds[0] <= bounds[1], (
            f"{ipynb.name}: pmed.expected.{name} must be [low, high]; got {bounds!r}"
        )


def test_every_notebook_is_in_the_book_and_every_entry_exists():
    listed = {f for f in toc_files() if f.startswith("notebooks/")}
    present = {f"notebooks/{p.stem}" for p in IPYNB_FILES}
    assert listed - present == set(), f"_toc.yml lists missing notebooks: {sorted(listed - present)}"
    assert present - listed == set(), f"notebooks not in _toc.yml: {sorted(present - listed)}"
    for entry in toc_files():
        if not entry.startswith("notebooks/"):
            assert (REPO_ROOT / f"{entry}.md").exists(), f"_toc.yml lists {entry}, which does not exist"
