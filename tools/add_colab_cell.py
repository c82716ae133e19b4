"""Insert or refresh the Colab install cell at the top of every notebook.

The cell is the first code cell of each ``notebooks/NN_*.md`` (before the imports;
the ``parameters`` cell stays where it is, so papermill injects after it as before).
In Colab it installs pmed, pinned to this book's release tag, when ``pmed_utils`` is
missing; anywhere else it does nothing. It carries the tag ``remove-cell`` (so the
book does not show it) and ``colab-install`` (so this script and
``tests/test_colab.py`` find it). Run after a version bump::

    python tools/add_colab_cell.py          # rewrites the .md files, then re-syncs the .ipynb
    python tools/add_colab_cell.py --check  # exit 1 if a notebook lacks the current cell

``PMED_PIP_SPEC`` in the environment replaces the pinned requirement (``tools/colab_check.py``
uses it to install from a local checkout, since the check cannot reach GitHub).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO_ROOT / "notebooks"
TAG = "colab-install"
REPOSITORY = "https://github.com/pmed-book/pmed"


def current_version(repo_root: Path = REPO_ROOT) -> str:
    """pmed_utils.__version__, read from the source without importing the package."""
    text = (repo_root / "pmed_utils" / "__init__.py").read_text()
    return re.search(r'^__version__ = "([^"]+)"', text, flags=re.M).group(1)


def pip_spec(version: str) -> str:
    """The requirement the cell installs: the book's own release tag."""
    return f"pmed @ git+{REPOSITORY}@v{version}"


def cell_source(version: str) -> str:
    """The install cell's code (every line fits the book's 79-character code column)."""
    return f'''# Colab only: install this book's package (pmed {version}) if it is missing.
# Anywhere else this cell does nothing.
import importlib
import importlib.util
import os
import subprocess
import sys

PMED_RELEASE = "{pip_spec(version)}"
in_colab = "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ
if in_colab and importlib.util.find_spec("pmed_utils") is None:
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    spec = os.environ.get("PMED_PIP_SPEC", PMED_RELEASE)
    subprocess.run([*pip, spec], check=True)
    importlib.invalidate_caches()'''


def myst_cell(version: str) -> str:
    return f"```{{code-cell}} ipython3\n:tags: [remove-cell, {TAG}]\n\n{cell_source(version)}\n```\n"


# An existing install cell: a code cell whose options line carries the tag.
_EXISTING = re.compile(
    r"```\{code-cell\}[^\n]*\n:tags: \[[^\]\n]*\b" + re.escape(TAG) + r"\b[^\]\n]*\]\n.*?\n```\n\n?", flags=re.S
)
_FIRST_CODE = re.compile(r"^```\{code-cell\}", flags=re.M)


def refresh(text: str, version: str) -> str:
    """The notebook text with exactly one up-to-date install cell before its first code cell."""
    text = _EXISTING.sub("", text)
    first = _FIRST_CODE.search(text)
    if first is None:
        raise ValueError("the notebook has no code cell")
    return text[: first.start()] + myst_cell(version) + "\n" + text[first.start() :]


def notebook_files(notebooks: Path = NOTEBOOKS) -> list[Path]:
    return sorted(p for p in notebooks.glob("[0-9][0-9]_*.md"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks that need the cell")
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="repository root (default: this checkout)")
    parser.add_argument("--no-sync", action="store_true", help="do not re-sync the .ipynb twins")
    args = parser.parse_args(argv)
    version = current_version(args.root)
    stale = []
    for md in notebook_files(args.root / "notebooks"):
        text = md.read_text(encoding="utf-8")
        new = refresh(text, version)
        if new != text:
            stale.append(md)
            if not args.check:
                md.write_text(new, encoding="utf-8")
    if args.check:
        for md in stale:
            print(f"{md.name}: the Colab install cell is missing or not for pmed {version}")
        return 1 if stale else 0
    print(f"Colab install cell (pmed {version}) written to {len(stale)} notebook(s).")
    if stale and not args.no_sync:
        subprocess.run([sys.executable, str(args.root / "tools" / "sync_notebooks.py")], check=True, cwd=args.root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
