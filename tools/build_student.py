"""Build the student edition: the book with every exercise solution removed, not collapsed.

The book's sources are copied to ``_build/student_src``; there every ``{solution}``
block is deleted from the notebooks' Markdown cells and from the Markdown pages (so
neither the HTML nor the downloadable ``.ipynb``/``.md`` sources hold a solution), and
sphinx-exercise's ``hide_solutions`` is set as a second guard. The notebooks are not run
again: the build shares the main book's execution cache (``_build/.jupyter_cache``), whose
entries are keyed by the code cells, which are unchanged. The site is written to
``_build/student/html``::

    python tools/build_student.py                    # what `make book-student` runs
    python tools/build_student.py --execute off      # no execution (tests; outputs as committed)
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]

# A MyST solution block: ```{solution} (or :::{solution}) up to its closing fence of the same kind.
_SOLUTION = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution(?:-start)?\}.*?^(?P=fence)[ \t]*\n?", flags=re.M | re.S)


def strip_solutions(text: str) -> str:
    """Markdown with every ``{solution}`` block removed.

    >>> strip_solutions("a\\n```{solution} ex-1\\n:class: dropdown\\nsecret\\n```\\nb\\n")
    'a\\nb\\n'
    """
    return _SOLUTION.sub("", text)


def student_sources(root: Path, dest: Path, execute: str | None = None, executed_dir: Path | None = None) -> Path:
    """Copy the book's sources from ``root`` to ``dest`` without solutions; return ``dest``.

    With ``executed_dir``, a notebook found there (already executed, e.g. ``_build/ci_notebooks``)
    is taken instead of the one in ``notebooks/``.
    """
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    shutil.copytree(root / "book", dest / "book", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(root / "_toc.yml", dest / "_toc.yml")
    for page in (dest / "book").rglob("*.md"):
        page.write_text(strip_solutions(page.read_text(encoding="utf-8")), encoding="utf-8")
    (dest / "notebooks").mkdir()
    for ipynb in sorted((root / "notebooks").glob("*.ipynb")):
        executed = executed_dir / ipynb.name if executed_dir is not None else None
        nb = nbformat.read(executed if executed is not None and executed.is_file() else ipynb, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = strip_solutions(cell.source)
        nbformat.write(nb, dest / "notebooks" / ipynb.name)
    config = yaml.safe_load((root / "_config.yml").read_text())
    config["title"] = f"{config.get('title', 'Book')} (student edition)"
    config.setdefault("execute", {})["cache"] = str((root / "_build" / ".jupyter_cache").resolve())
    if execute is not None:
        config["execute"]["execute_notebooks"] = execute
    config.setdefault("sphinx", {}).setdefault("config", {})["hide_solutions"] = True
    (dest / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return dest


def solutions_left(site: Path) -> list[str]:
    """Files of a built site that still hold a solution (its HTML block or its MyST source)."""
    return [
        str(p.relative_to(site))
        for p in sorted(site.rglob("*"))
        if p.is_file()
        and p.suffix in {".html", ".ipynb", ".md", ".txt"}
        and re.search(r'class="[^"]*\bsolution\b|\{solution', p.read_text(encoding="utf-8", errors="ignore"))
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="the book's repository (default: this one)")
    parser.add_argument(
        "--execute",
        choices=["cache", "off", "force", "auto"],
        default=None,
        help="override execute.execute_notebooks of _config.yml",
    )
    parser.add_argument(
        "--executed-dir",
        type=Path,
        default=None,
        help="take already executed notebooks from here (use with --execute off)",
    )
    parser.add_argument("--jupyter-book", default=str(Path(sys.executable).with_name("jupyter-book")))
    args = parser.parse_args(argv)
    root = args.root.resolve()
    src = student_sources(root, root / "_build" / "student_src", execute=args.execute, executed_dir=args.executed_dir)
    subprocess.run([args.jupyter_book, "build", str(src), "--warningiserror", "--keep-going"], check=True, cwd=src)
    out = root / "_build" / "student"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    shutil.copytree(src / "_build" / "html", out / "html")
    left = solutions_left(out / "html")
    if left:
        print("solutions left in: " + ", ".join(left), file=sys.stderr)
        return 1
    print(f"Student edition written to {out / 'html' / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
