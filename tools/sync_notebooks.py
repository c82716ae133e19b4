"""Pair every notebooks/*.md with its .ipynb, including the book's own ``pmed`` metadata.

    python tools/sync_notebooks.py            # all notebooks
    python tools/sync_notebooks.py notebooks/13_polygenic_risk.md

``jupytext --sync`` updates cells in whichever file is older, but it leaves the
notebook-level ``pmed`` metadata (CI parameters and expected result ranges, read
by the notebook tests) untouched when the .ipynb is the newer file. The
Markdown file is where that metadata is edited and reviewed, so this script
copies it into the .ipynb after syncing. Called by ``make sync``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat

REPO_ROOT = Path(__file__).resolve().parents[1]


def _jupytext_sync(md: Path) -> None:
    subprocess.run([sys.executable, "-m", "jupytext", "--sync", "--quiet", str(md)], check=True)


def sync(md: Path) -> bool:
    """Sync one pair; return True when the ``pmed`` metadata of the .md had to be restored.

    Cells follow jupytext (the newer file wins); the ``pmed`` metadata always comes
    from the .md as it was before syncing.
    """
    wanted = jupytext.read(md).metadata.get("pmed")
    _jupytext_sync(md)
    ipynb = md.with_suffix(".ipynb")
    nb = nbformat.read(ipynb, as_version=4)
    if nb.metadata.get("pmed") == wanted and jupytext.read(md).metadata.get("pmed") == wanted:
        return False
    if wanted is None:
        nb.metadata.pop("pmed", None)
    else:
        nb.metadata["pmed"] = wanted
    nbformat.write(nb, ipynb)
    _jupytext_sync(md)  # the .ipynb is now the newer file: the .md gets the metadata back from it
    return True


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((REPO_ROOT / "notebooks").glob("*.md"))
    missing = [p for p in paths if p.suffix != ".md" or not p.is_file()]
    if missing:
        print(f"sync_notebooks: not a notebook .md file: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    for md in paths:
        if sync(md):
            print(f"{md.with_suffix('.ipynb').name}: 'pmed' metadata copied from {md.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
