"""Count the code lines of each notebook (non-blank, non-comment lines in code cells).

Usage: ``python tools/notebook_code_lines.py [notebooks/*.md]``; prints a Markdown table.
The Colab install cell (tagged ``colab-install``) is the same in every notebook and not counted.
A thin notebook keeps its code to calls, plots and tables (CONTRIBUTING.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import jupytext


def code_lines(path: Path) -> int:
    """Non-blank, non-comment lines in the code cells of one notebook (not the Colab install cell)."""
    notebook = jupytext.read(path)
    return sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "code" and "colab-install" not in cell.metadata.get("tags", [])
        for line in cell.source.splitlines()
        if line.strip() and not line.strip().startswith("#")
    )


def main(paths: list[str]) -> None:
    files = [Path(p) for p in paths] or sorted(Path("notebooks").glob("[0-9]*.md"))
    print("| notebook | code lines |\n|---|---|")
    for path in files:
        print(f"| {path.stem} | {code_lines(path)} |")


if __name__ == "__main__":
    main(sys.argv[1:])
