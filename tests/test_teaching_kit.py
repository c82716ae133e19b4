"""The teacher's kit and the reader's copies: licences, citation, version, student edition, offline zip, PDF.

The builds run on a two-page book made here (a Markdown page and a notebook, neither
executed), so they take seconds, not the book's hours.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml
from notebook_utils import REPO_ROOT

import pmed_utils


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_student = _tool("build_student")
make_dist = _tool("make_dist")
make_pdf = _tool("make_pdf")
make_assignments = _tool("make_assignments")

JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")


# --- licence, citation, version ------------------------------------------------------------


def test_citation_cff_names_the_package_version():
    citation = yaml.safe_load((REPO_ROOT / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0"
    assert str(citation["version"]) == pmed_utils.__version__, "bump CITATION.cff with pmed_utils.__version__"
    assert citation["license"] == "MIT" and citation["title"] and citation["authors"]


def test_footer_shows_the_version_and_both_licences():
    footer = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())["html"]["extra_footer"]
    assert f"pmed {pmed_utils.__version__}<" in footer, "bump the version in _config.yml's html.extra_footer"
    assert "creativecommons.org/licenses/by/4.0" in footer and "CC BY 4.0" in footer
    assert "LICENSE" in footer and "MIT" in footer


def test_licence_files():
    assert (REPO_ROOT / "LICENSE").read_text().startswith("MIT License")
    content = " ".join((REPO_ROOT / "LICENSE-CONTENT").read_text().split())
    assert "Creative Commons Attribution 4.0" in content and "MedMNIST" in content and "HapMap" in content
    import tomllib

    licence = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["license"]
    assert (licence.get("text") if isinstance(licence, dict) else licence) == "MIT"


# --- student edition ------------------------------------------------------------------------


def test_strip_solutions_removes_every_solution_block_and_keeps_the_rest():
    text = textwrap.dedent("""\
        Intro.

        ```{exercise} One
        :label: ex-1
        Do it.
        ```

        ```{solution} ex-1
        :class: dropdown
        The secret answer, with a ``literal``.
        ```

        ::::{solution} ex-2
        Another secret.
        ::::

        Outro.
        """)
    out = build_student.strip_solutions(text)
    assert "secret" not in out and "solution" not in out
    assert "Do it." in out and "Intro." in out and "Outro." in out and "```{exercise} One" in out


TINY_PAGE = """# Tiny page

Some text (no math: the tiny book does not vendor MathJax as the book does).

```{exercise} Square
:label: ex-tiny
What is 3 squared?
```

```{solution} ex-tiny
:class: dropdown
SECRET-ANSWER-NINE
```
"""


@pytest.fixture(scope="module")
def tiny_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not JUPYTER_BOOK.exists():
        pytest.skip("jupyter-book is not installed (the `book` extra)")
    root = tmp_path_factory.mktemp("tiny")
    (root / "book").mkdir()
    (root / "book" / "intro.md").write_text(TINY_PAGE)
    (root / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Tiny notebook\n\n```{exercise} Cube\n:label: ex-cube\n2 cubed?\n```"),
        nbformat.v4.new_markdown_cell("```{solution} ex-cube\nSECRET-ANSWER-EIGHT\n```"),
        nbformat.v4.new_code_cell("print(1 + 1)"),
    ]
    nbformat.write(nb, root / "notebooks" / "01_tiny.ipynb")
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nchapters:\n  - file: notebooks/01_tiny\n")
    (root / "_config.yml").write_text(
        yaml.safe_dump(
            {
                "title": "Tiny",
                "only_build_toc_files": True,
                "exclude_patterns": ["_build"],
                "execute": {"execute_notebooks": "off"},
                "sphinx": {"extra_extensions": ["sphinx_exercise"]},
            }
        )
    )
    return root


def test_student_edition_has_no_solution_anywhere(tiny_book: Path):
    code = build_student.main(["--root", str(tiny_book), "--execute", "off", "--jupyter-book", str(JUPYTER_BOOK)])
    assert code == 0
    site = tiny_book / "_build" / "student" / "html"
    files = [p for p in site.rglob("*") if p.is_file() and p.suffix in {".html", ".ipynb", ".md", ".txt", ".js"}]
    text = "\n".join(p.read_text(encoding="utf-8", errors="ignore") for p in files)
    assert "Tiny notebook" in text and "What is 3 squared?" in text and "2 cubed?" in text  # exercises stay
    assert "SECRET-ANSWER" not in text, "a solution survived in the student edition"
    assert build_student.solutions_left(site) == []
    assert "(student edition)" in (site / "book" / "intro.html").read_text()


def test_solutions_left_finds_a_solution_block(tmp_path: Path):
    (tmp_path / "page.html").write_text('<div class="solution dropdown admonition">x</div>')
    (tmp_path / "ok.html").write_text("<p>Solutions are in the instructor edition.</p>")
    assert build_student.solutions_left(tmp_path) == ["page.html"]


# --- offline zip ------------------------------------------------------------------------------


def test_dist_zips_a_site_that_fetches_nothing(tmp_path: Path):
    site = tmp_path / "html"
    (site / "_static").mkdir(parents=True)
    (site / "index.html").write_text(
        '<a href="https://example.org">a link is fine</a><script src="_static/x.js"></script>'
    )
    (site / "_static" / "x.js").write_text("1;")
    assert make_dist.network_fetches(site) == []
    target = make_dist.make_zip(site, tmp_path / "dist", "9.9.9")
    assert target.name == "pmed-book-9.9.9-html.zip"
    with zipfile.ZipFile(target) as zf:
        assert sorted(zf.namelist()) == ["pmed-book-9.9.9/_static/x.js", "pmed-book-9.9.9/index.html"]


def test_dist_refuses_a_site_that_needs_the_network(tmp_path: Path, capsys):
    site = tmp_path / "html"
    site.mkdir()
    (site / "index.html").write_text(
        '<script src="https://cdn.example.org/mathjax.js"></script>'
        '<link rel="stylesheet" href="//fonts.example.org/a.css">'
    )
    (site / "style.css").write_text("body { background: url('https://example.org/bg.png'); }")
    assert len(make_dist.network_fetches(site)) == 3
    assert make_dist.main(["--site", str(site), "--out", str(tmp_path / "dist")]) == 1
    assert "would not open offline" in capsys.readouterr().err
    assert not (tmp_path / "dist").exists()


# --- PDF ----------------------------------------------------------------------------------------


def test_pdf_of_the_single_page_build(tiny_book: Path, tmp_path: Path):
    if make_pdf.chromium_path() is None:
        pytest.skip("Chromium is not installed")
    result = subprocess.run(
        [str(JUPYTER_BOOK), "build", str(tiny_book), "--builder", "singlehtml"],
        capture_output=True,
        text=True,
        cwd=tiny_book,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    index = tiny_book / "_build" / "singlehtml" / "index.html"
    page = make_pdf.follow_redirect(index)
    html = page.read_text(encoding="utf-8")
    assert "Tiny page" in html and "Tiny notebook" in html, "the single page must hold every chapter"
    pdf = tmp_path / "book.pdf"
    assert make_pdf.main(["--html", str(index), "--out", str(pdf)]) == 0
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page") + data.count(b"/Type/Page") >= 1


# --- autograding --------------------------------------------------------------------------------


def _grade(folder: Path, submission: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PMED_ASSIGNMENT": submission, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(folder), str(folder)],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
    )


def test_assignments_reference_passes_and_empty_or_wrong_answers_fail(tmp_path: Path):
    from pmed_utils.exercises import list_exercises

    folders = make_assignments.build(tmp_path)
    assert sorted(f.name for f in folders) == sorted(set(list_exercises()["chapter"]))
    result = _grade(tmp_path, "reference.ipynb")
    n = len(list_exercises())
    assert result.returncode == 0 and f"{n} passed" in result.stdout, result.stdout[-3000:]
    empty = _grade(tmp_path, "assignment.ipynb")
    assert empty.returncode == 1 and f"{n} failed" in empty.stdout and "no answer given" in empty.stdout
    qc = tmp_path / "11_genotype_qc"
    nb = nbformat.read(qc / "assignment.ipynb", as_version=4)
    nb.cells[-1].source = "p = 0.3\nanswer_ex_11_het = p * (1 - p)"  # the usual mistake: p·q, not 2pq
    nbformat.write(nb, qc / "wrong.ipynb")
    wrong = _grade(qc, "wrong.ipynb")
    assert wrong.returncode == 1 and "two ways to be heterozygous" in wrong.stdout, wrong.stdout[-2000:]
