"""Export the book's exercise checker for autograding: one assignment notebook per chapter, graded by pytest.

For every chapter with checkable exercises (``pmed_utils.exercises.list_exercises()``) it
writes, under ``_build/assignments/<chapter>/``:

- ``assignment.ipynb``: each question, and an answer cell ``answer_ex_11_het = None`` for
  the student to fill in (with code or a number);
- ``reference.ipynb``: the same notebook with the reference answers (the instructor's key;
  do not hand it out);
- ``test_<chapter>.py``: the grader. It runs the notebook's code cells (the file named
  by ``PMED_ASSIGNMENT``, default ``assignment.ipynb`` next to it) and asserts
  ``pmed_utils.exercises.check(label, answer).correct`` for each question, so a wrong answer
  fails with the checker's explanation of the usual mistake. A relative ``PMED_ASSIGNMENT``
  is taken next to the grader: ``PMED_ASSIGNMENT=reference.ipynb pytest _build/assignments``
  checks every key at once.

Grade one submission::

    python tools/make_assignments.py
    PMED_ASSIGNMENT=submissions/alice.ipynb pytest _build/assignments/11_genotype_qc
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

GRADER = '''"""Grader for {chapter}: run the submission's code cells, then check each answer."""

import os
from pathlib import Path

import nbformat
import pytest

from pmed_utils.exercises import check

HERE = Path(__file__).parent
LABELS = {labels!r}


@pytest.fixture(scope="module")
def answers():
    path = HERE / os.environ.get("PMED_ASSIGNMENT", "assignment.ipynb")  # a relative name: next to this file
    nb = nbformat.read(path, as_version=4)
    namespace = {{}}
    for cell in nb.cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, str(path), "exec"), namespace)
    return namespace


@pytest.mark.parametrize("label", LABELS)
def test_answer(answers, label):
    name = "answer_" + label.replace("-", "_")
    answer = answers.get(name)
    assert answer is not None, f"{{label}}: no answer given (set {{name}})"
    result = check(label, answer)
    assert result.correct, str(result)
'''


def answer_name(label: str) -> str:
    return "answer_" + label.replace("-", "_")


def build(out: Path) -> list[Path]:
    """Write every chapter's assignment, reference and grader under ``out``; return the chapter folders."""
    import nbformat

    from pmed_utils.book.exercises import _EXERCISES
    from pmed_utils.exercises import list_exercises

    table = list_exercises()
    folders = []
    for chapter, rows in table.groupby("chapter", sort=True):
        folder = out / chapter
        folder.mkdir(parents=True, exist_ok=True)
        labels = list(rows.index)
        for kind in ("assignment", "reference"):
            nb = nbformat.v4.new_notebook()
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
            nb.cells.append(
                nbformat.v4.new_markdown_cell(
                    f"# Assignment: {chapter}\n\nAnswer each question in the cell below it. You may use code; "
                    "the grader runs every code cell, then checks the `answer_...` variables."
                )
            )
            for label in labels:
                nb.cells.append(nbformat.v4.new_markdown_cell(f"**{label}.** {rows.loc[label, 'question']}"))
                value = repr(_EXERCISES[label].solve()) if kind == "reference" else "None  # your answer"
                nb.cells.append(nbformat.v4.new_code_cell(f"{answer_name(label)} = {value}"))
            nbformat.write(nb, folder / f"{kind}.ipynb")
        (folder / f"test_{chapter}.py").write_text(GRADER.format(chapter=chapter, labels=labels))
        folders.append(folder)
    return folders


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "_build" / "assignments")
    args = parser.parse_args(argv)
    folders = build(args.out)
    print(f"{len(folders)} assignments written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
