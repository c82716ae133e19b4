"""tools/execute_book.py: notebooks executed in parallel into the cache that the book build then uses."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import nbformat
from notebook_utils import REPO_ROOT

TOOL = REPO_ROOT / "tools" / "execute_book.py"
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")


def _tiny_book(root: Path) -> None:
    (root / "notebooks").mkdir(parents=True)
    (root / "_config.yml").write_text(
        "title: tiny\nonly_build_toc_files: true\nexecute:\n  execute_notebooks: cache\n  cache: ''\n"
        "  run_in_temp: true\n  allow_errors: false\n"
    )
    (root / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: notebooks/a\n  - file: notebooks/b\n"
    )
    (root / "intro.md").write_text("# Tiny\n")
    for name in ("a", "b"):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}"), nbformat.v4.new_code_cell(f"print('{name}' * 3)")]
        nbformat.write(nb, root / "notebooks" / f"{name}.ipynb")


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=600, env=env)


def _tool():
    spec = importlib.util.spec_from_file_location("execute_book", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_kernel_gets_its_share_of_the_cores():
    share_cores = _tool().share_cores
    environ = {"MKL_NUM_THREADS": "3"}
    assert share_cores(2, environ, cores=2) == {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    assert environ == {"MKL_NUM_THREADS": "3", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}  # the user's kept
    assert set(share_cores(1, {}, cores=8).values()) == {"8"}
    assert set(share_cores(2, {}, cores=8).values()) == {"4"}
    assert set(share_cores(3, {}, cores=2).values()) == {"1"}  # never fewer than one


def test_the_kernels_inherit_their_share(tmp_path):
    _tiny_book(tmp_path)
    nb = nbformat.read(tmp_path / "notebooks" / "a.ipynb", as_version=4)
    seen = tmp_path / "threads.txt"  # the kernel runs in a temporary folder
    nb.cells[1].source = f"import os\nopen({str(seen)!r}, 'w').write(os.environ['OPENBLAS_NUM_THREADS'])"
    nbformat.write(nb, tmp_path / "notebooks" / "a.ipynb")
    env = {k: v for k, v in os.environ.items() if k not in _tool().THREAD_VARIABLES}
    result = _run("--root", str(tmp_path), "--jobs", "2", env=env)
    assert result.returncode == 0, result.stderr
    expected = max(1, (os.cpu_count() or 1) // 2)
    assert f"Each kernel gets {expected} BLAS thread(s)" in result.stdout
    assert seen.read_text() == str(expected)


def test_notebooks_run_in_parallel_into_the_cache_the_build_uses(tmp_path):
    _tiny_book(tmp_path)
    first = _run("--root", str(tmp_path), "--jobs", "2")
    assert first.returncode == 0, first.stderr
    assert "2 notebooks, 0 cached, 2 to execute, 2 at a time" in first.stdout
    again = _run("--root", str(tmp_path))
    assert "2 notebooks, 2 cached, 0 to execute" in again.stdout  # unchanged code is not run again
    report = _run("--root", str(tmp_path), "--report")
    times = [line.split() for line in report.stdout.splitlines() if line.strip().endswith((" a", " b"))]
    assert sorted(t[-1] for t in times) == ["a", "b"] and all(float(t[0]) > 0 for t in times)
    build = subprocess.run([str(JUPYTER_BOOK), "build", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout[-2000:]
    assert build.stdout.count("Using cached notebook") == 2, build.stdout[-2000:]
    html = (tmp_path / "_build" / "html" / "notebooks" / "b.html").read_text()
    assert "bbb" in html  # the cached output is in the page


def test_the_longest_notebooks_start_first(tmp_path):
    _tiny_book(tmp_path)
    nb = nbformat.read(tmp_path / "notebooks" / "b.ipynb", as_version=4)
    nb.metadata["pmed"] = {"book_seconds": 30}
    nbformat.write(nb, tmp_path / "notebooks" / "b.ipynb")
    result = _run("--root", str(tmp_path), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert "Longest first: b, a" in result.stdout  # b is listed second in the book
    done = [line.split(":")[1].split()[0] for line in result.stdout.splitlines() if line.strip().startswith("done:")]
    assert done == ["b", "a"]  # one worker: executed in that order


def test_a_failing_notebook_fails_the_run_with_its_traceback(tmp_path):
    _tiny_book(tmp_path)
    nb = nbformat.read(tmp_path / "notebooks" / "b.ipynb", as_version=4)
    nb.cells[1].source = "raise ValueError('broken on purpose')"
    nbformat.write(nb, tmp_path / "notebooks" / "b.ipynb")
    result = _run("--root", str(tmp_path))
    assert result.returncode == 1
    assert "FAILED: b" in result.stdout and "broken on purpose" in result.stderr
