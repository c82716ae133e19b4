"""The ``pmed`` command: list the book's notebooks, run one with parameters, or make an HTML report.

    pmed list
    pmed run 01_pipeline_at_a_glance -p seed 7 -o out.ipynb
    pmed report 01_pipeline_at_a_glance -p seed 7 -o report.html
"""

from __future__ import annotations

import argparse
import ast
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["main", "find_notebooks", "parse_value"]


def find_notebooks(root: Path | None = None) -> dict[str, Path]:
    """``{stem: path}`` of the notebooks in ``notebooks/`` of a pmed checkout (default: the current one).

    Only the book's numbered notebooks (``NN_name.ipynb``) count, in name order.

    Examples
    --------
    >>> import tempfile
    >>> import nbformat
    >>> tmp = tempfile.TemporaryDirectory()
    >>> (Path(tmp.name) / "notebooks").mkdir()
    >>> for name in ("10_qc", "01_intro", "scratch"):
    ...     nbformat.write(nbformat.v4.new_notebook(), Path(tmp.name) / "notebooks" / f"{name}.ipynb")
    >>> {stem: path.name for stem, path in find_notebooks(Path(tmp.name)).items()}
    {'01_intro': '01_intro.ipynb', '10_qc': '10_qc.ipynb'}
    >>> tmp.cleanup()
    """
    candidates = [root] if root else [Path.cwd(), Path(__file__).resolve().parents[1]]
    for base in candidates:
        folder = Path(base) / "notebooks"
        found = {p.stem: p for p in sorted(folder.glob("[0-9][0-9]_*.ipynb"))}
        if found:
            return found
    return {}


def parse_value(text: str) -> Any:
    """Parse a ``-p`` value like papermill: Python literals (int, float, bool, None, lists), else a string.

    Examples
    --------
    >>> parse_value("7"), parse_value("0.5"), parse_value("True"), parse_value("breastmnist")
    (7, 0.5, True, 'breastmnist')
    """
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _resolve(name: str, notebooks: dict[str, Path]) -> Path:
    stem = Path(name).stem
    if stem in notebooks:
        return notebooks[stem]
    matches = [s for s in notebooks if s.startswith(stem) or s.split("_", 1)[0] == stem]
    if len(matches) == 1:
        return notebooks[matches[0]]
    listed = ", ".join(notebooks) or "none found (run pmed from the repository folder)"
    raise SystemExit(f"pmed: unknown notebook {name!r}. Available notebooks: {listed}.")


def _parameters(path: Path, pairs: list[list[str]], use_ci: bool) -> dict:
    import nbformat
    import papermill as pm

    declared = pm.inspect_notebook(str(path))
    params = {}
    if use_ci:
        params.update(nbformat.read(path, as_version=4).metadata.get("pmed", {}).get("ci_parameters", {}))
    for name, value in pairs or []:
        if name not in declared:
            raise SystemExit(f"pmed: {path.stem} has no parameter {name!r}. Its parameters: {', '.join(declared)}.")
        params[name] = parse_value(value)
    return params


def _execute(path: Path, output: Path, params: dict) -> Path:
    import papermill as pm

    pm.execute_notebook(str(path), str(output), parameters=params, kernel_name="pmed", cwd=str(path.parent),
                        progress_bar=True)
    return output


def main(argv: list[str] | None = None) -> int:
    """Run the ``pmed`` command with the arguments ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    ``pmed list`` prints each notebook with its parameters (defaults and
    comments from its ``parameters`` cell); ``pmed run`` and ``pmed report``
    execute one with papermill. Notebooks are looked up in ``notebooks/`` of
    the current folder, else of the pmed checkout.

    Examples
    --------
    A checkout with one notebook whose ``parameters`` cell sets two values:

    >>> import os
    >>> import tempfile
    >>> import nbformat
    >>> tmp = tempfile.TemporaryDirectory()
    >>> kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    >>> nb = nbformat.v4.new_notebook(metadata={"kernelspec": kernel})
    >>> nb.cells.append(nbformat.v4.new_code_cell("seed = 42  # drives every random step\\nn_samples = 100",
    ...                                           metadata={"tags": ["parameters"]}))
    >>> (Path(tmp.name) / "notebooks").mkdir()
    >>> nbformat.write(nb, Path(tmp.name) / "notebooks" / "01_demo.ipynb")
    >>> here = os.getcwd()
    >>> os.chdir(tmp.name)
    >>> try:
    ...     main(["list"])
    ... finally:
    ...     os.chdir(here)
    01_demo
        seed = 42  # drives every random step
        n_samples = 100
    0

    A name that matches no notebook stops with the list of valid ones:

    >>> os.chdir(tmp.name)
    >>> try:
    ...     main(["run", "02", "-o", "out.ipynb"])
    ... finally:
    ...     os.chdir(here)
    Traceback (most recent call last):
        ...
    SystemExit: pmed: unknown notebook '02'. Available notebooks: 01_demo.
    >>> tmp.cleanup()
    """
    parser = argparse.ArgumentParser(prog="pmed", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="show the notebooks and their parameters")
    for cmd, helptext in (("run", "execute a notebook with papermill"), ("report", "execute and write one HTML file")):
        p = sub.add_parser(cmd, help=helptext)
        p.add_argument("notebook", help="name such as 01_pipeline_at_a_glance (or its number, 01)")
        p.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"))
        p.add_argument("-o", "--output", required=True)
        p.add_argument("--ci", action="store_true", help="use the notebook's small CI parameters")
        if cmd == "report":
            p.add_argument("--show-code", action="store_true", help="include the code cells")
    args = parser.parse_args(argv)
    notebooks = find_notebooks()
    if args.command == "list":
        import papermill as pm

        for stem, path in notebooks.items():
            print(stem)
            for name, info in pm.inspect_notebook(str(path)).items():
                print(f"    {name} = {info['default']}" + (f"  # {info['help']}" if info.get("help") else ""))
        return 0
    path = _resolve(args.notebook, notebooks)
    params = _parameters(path, args.parameter, args.ci)
    output = Path(args.output).resolve()
    if args.command == "run":
        _execute(path, output, params)
        print(f"Executed {path.name} → {output}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        executed = _execute(path, Path(tmp) / path.name, params)
        from pmed_utils.reports import notebook_to_html

        notebook_to_html(executed, output, parameters=params, notebook_name=path.stem, show_code=args.show_code,
                         source_root=path.parent.parent)
    print(f"Report written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
