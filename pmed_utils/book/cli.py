"""The ``pmed`` command: list the book's notebooks, run one with parameters, or make an HTML report.

    pmed list
    pmed run 01_pipeline_at_a_glance -p seed 7 -o out.ipynb
    pmed report 01_pipeline_at_a_glance -p seed 7 -o report.html
    pmed patient --person-id CEU_00012 --out report.html --pdf report.pdf

Before a notebook is executed, the command checks everything it was given, so
that a typo fails at once rather than after minutes of computation:

- the notebook name (a full name such as ``21_cnn_lesion_detection`` or an
  unambiguous prefix such as ``21``);
- each ``-p NAME VALUE``: the name must be declared in the notebook's
  ``parameters`` cell, and the value must have the type of its default there
  (an int default takes an int, a float default an int or a float, a bool
  default ``True`` or ``False``, a list default a list; a str default takes the
  text as given; a ``None`` default takes any value);
- the output (``-o``): ``pmed run`` writes an executed notebook and needs a
  ``.ipynb`` file, ``pmed report`` writes one HTML page and needs ``.html``;
  the folder it goes in must exist and be writable (it is not created), and an
  existing file of that name is replaced.

``pmed patient`` writes one simulated person's personal risk report
(:mod:`pmed_utils.book.patient_report`): it builds a small linked cohort and
fused model (seconds to a minute), then checks the person id (listing the
valid ones), an optional replacement image (``--image``, a ``.npy`` of the
cohort's image shape) and a missing image (``--no-image`` needs
``--fallback``), and writes the HTML (``--out``) and optionally a PDF
(``--pdf``, printed by headless Chromium).
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from pmed_utils.validation import InvalidParameterError, Options, validate_params

__all__ = ["main", "find_notebooks", "parse_value", "check_parameters", "check_output_path"]

OUTPUT_SUFFIXES = {"run": ".ipynb", "report": ".html", "patient": ".html"}


@validate_params({"root": ["path", None]})
def find_notebooks(root: str | Path | None = None) -> dict[str, Path]:
    """``{stem: path}`` of the notebooks in ``notebooks/`` of a pmed checkout (default: the current one).

    Only the book's numbered notebooks (``NN_name.ipynb``) count, in name order.

    Parameters
    ----------
    root : str, Path or None, default None
        The checkout folder holding ``notebooks/``. None looks in the current
        folder, then in the checkout this package was imported from.

    Returns
    -------
    dict of str to Path
        Notebook name (file stem) → path of its ``.ipynb``; empty when none is found.

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
    candidates = [root] if root is not None else [Path.cwd(), Path(__file__).resolve().parents[2]]
    for base in candidates:
        folder = Path(base) / "notebooks"
        found = {p.stem: p for p in sorted(folder.glob("[0-9][0-9]_*.ipynb"))}
        if found:
            return found
    return {}


@validate_params({"text": ["str"]})
def parse_value(text: str) -> Any:
    """Parse a ``-p`` value like papermill: Python literals (int, float, bool, None, lists), else a string.

    Parameters
    ----------
    text : str
        The value as typed on the command line.

    Returns
    -------
    object
        The Python literal ``text`` spells (``7`` → int, ``0.5`` → float,
        ``True`` → bool, ``[1, 2]`` → list), or ``text`` itself when it is none.

    Examples
    --------
    >>> parse_value("7"), parse_value("0.5"), parse_value("True"), parse_value("breastmnist")
    (7, 0.5, True, 'breastmnist')
    """
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def _kind(default: Any) -> str | None:
    """The type a parameter's default asks for: "int", "float", "bool", "str", "list"...; None for any."""
    if default is None:
        return None
    for kind in (bool, int, float, str, list, tuple, dict):  # bool before int: True is an int
        if isinstance(default, kind):
            return kind.__name__
    return None


_ARTICLE = {
    "int": "an int",
    "float": "a float (or an int)",
    "bool": "a bool (True or False)",
    "str": "a str",
    "list": "a list such as [1, 2]",
    "tuple": "a tuple such as (1, 2)",
    "dict": "a dict such as {'a': 1}",
}


def _typed(kind: str | None, text: str) -> tuple[bool, Any]:
    """``(ok, value)``: ``text`` parsed for a parameter whose default is of type ``kind``."""
    value = parse_value(text)
    if kind is None:
        return True, value
    if kind == "str":
        return True, value if isinstance(value, str) else text
    if kind == "float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return ok, float(value) if ok else value
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool), value
    return type(value).__name__ == kind, value


@validate_params({"notebook": ["path"], "parameters": ["mapping"]})
def check_parameters(notebook: str | Path, parameters: dict[str, str]) -> dict[str, Any]:
    """Check ``-p`` values against a notebook's ``parameters`` cell and return them typed, without running it.

    Each name must be declared in the cell, and each value must have the type
    of the default there (see the module's description); the cell is read with
    ``papermill.inspect_notebook``, which starts no kernel.

    Parameters
    ----------
    notebook : str or Path
        The ``.ipynb`` file (its stem names it in the messages).
    parameters : dict of str to str
        Parameter name → value as typed on the command line.

    Returns
    -------
    dict of str to object
        Parameter name → value to inject (an int for an int default, a float
        for a float default, the text itself for a str default...).

    Raises
    ------
    ValueError
        For a name the cell does not declare (the declared ones are listed) or
        a value of the wrong type: "The parameter 'seed' of notebook
        21_cnn_lesion_detection must be an int (its default is 42); got 'abc'."

    Examples
    --------
    >>> import tempfile
    >>> import nbformat
    >>> tmp = tempfile.TemporaryDirectory()
    >>> kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    >>> nb = nbformat.v4.new_notebook(metadata={"kernelspec": kernel})
    >>> nb.cells.append(nbformat.v4.new_code_cell("seed = 42\\nh2 = 0.5\\ndataset = 'breastmnist'",
    ...                                           metadata={"tags": ["parameters"]}))
    >>> path = Path(tmp.name) / "21_demo.ipynb"
    >>> nbformat.write(nb, path)
    >>> check_parameters(path, {"seed": "7", "h2": "1", "dataset": "pneumoniamnist"})
    {'seed': 7, 'h2': 1.0, 'dataset': 'pneumoniamnist'}
    >>> check_parameters(path, {"seed": "abc"})
    Traceback (most recent call last):
        ...
    ValueError: The parameter 'seed' of notebook 21_demo must be an int (its default is 42); got 'abc'.
    >>> tmp.cleanup()
    """
    import papermill as pm

    path = Path(notebook)
    if not path.is_file():
        raise ValueError(f"No notebook at {path}.")
    for name, text in parameters.items():
        if not isinstance(name, str) or not isinstance(text, str):
            raise InvalidParameterError(
                "The 'parameters' parameter of check_parameters must map str names to str values; "
                f"got {name!r}: {text!r}."
            )
    declared = pm.inspect_notebook(str(path))
    typed = {}
    for name, text in parameters.items():
        if name not in declared:
            listed = ", ".join(declared) or "none (it has no cell tagged 'parameters')"
            raise ValueError(f"Notebook {path.stem} has no parameter {name!r}. Its parameters: {listed}.")
        default_text = declared[name]["default"]
        default = parse_value(default_text)
        kind = _kind(default) if default is not default_text else None  # an expression: any value
        ok, value = _typed(kind, text)
        if not ok and kind is not None:
            raise ValueError(
                f"The parameter {name!r} of notebook {path.stem} must be {_ARTICLE[kind]} "
                f"(its default is {default_text}); got {text!r}."
            )
        typed[name] = value
    return typed


@validate_params({"output": ["path"], "command": [Options(OUTPUT_SUFFIXES)]})
def check_output_path(output: str | Path, command: str) -> Path:
    """Check where ``pmed run`` or ``pmed report`` is to write, before it executes anything.

    Parameters
    ----------
    output : str or Path
        The ``-o`` argument.
    command : {"run", "report", "patient"}
        ``run`` writes an executed notebook (``.ipynb``), ``report`` and
        ``patient`` one HTML page (``.html``).

    Returns
    -------
    Path
        ``output`` made absolute. An existing file there will be replaced.

    Raises
    ------
    ValueError
        When the suffix is not the command's, the folder does not exist or is
        not writable, or ``output`` is an existing folder.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> check_output_path(Path(tmp.name) / "report.html", "report").name
    'report.html'
    >>> check_output_path(Path(tmp.name) / "report.ipynb", "report")
    Traceback (most recent call last):
        ...
    ValueError: The output of pmed report must be a .html file; got 'report.ipynb'.
    >>> check_output_path(Path(tmp.name) / "missing" / "run.ipynb", "run")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: The output folder .../missing does not exist; create it first or choose another -o.
    >>> tmp.cleanup()
    """
    path = Path(output).expanduser().resolve()
    suffix = OUTPUT_SUFFIXES[command]
    if path.suffix.lower() != suffix:
        raise ValueError(f"The output of pmed {command} must be a {suffix} file; got {Path(output).name!r}.")
    if path.is_dir():
        raise ValueError(f"The output {path} is a folder; give a file name ending in {suffix}.")
    folder = path.parent
    if not folder.is_dir():
        raise ValueError(f"The output folder {folder} does not exist; create it first or choose another -o.")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ValueError(f"The output {path} is not writable; choose another -o.")
    return path


def _resolve(name: str, notebooks: dict[str, Path]) -> Path:
    stem = Path(name).stem
    if stem in notebooks:
        return notebooks[stem]
    matches = [s for s in notebooks if s.startswith(stem) or s.split("_", 1)[0] == stem]
    if len(matches) == 1:
        return notebooks[matches[0]]
    listed = ", ".join(notebooks) or "none found (run pmed from the repository folder)"
    raise SystemExit(f"pmed: unknown notebook {name!r}. Available notebooks: {listed}.")


def _ci_parameters(path: Path) -> dict:
    import nbformat

    return dict(nbformat.read(path, as_version=4).metadata.get("pmed", {}).get("ci_parameters", {}))


def _execute(path: Path, output: Path, params: dict) -> Path:
    import papermill as pm

    pm.execute_notebook(
        str(path), str(output), parameters=params, kernel_name="pmed", cwd=str(path.parent), progress_bar=True
    )
    return output


@validate_params({"argv": [list, None]})
def main(argv: list[str] | None = None) -> int:
    """Run the ``pmed`` command with the arguments ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    ``pmed list`` prints each notebook with its parameters (defaults and
    comments from its ``parameters`` cell); ``pmed run`` and ``pmed report``
    execute one with papermill, after checking the notebook name, the
    parameters and the output path (see the module's description). Notebooks
    are looked up in ``notebooks/`` of the current folder, else of the pmed
    checkout.

    Parameters
    ----------
    argv : list of str or None, default None
        The command-line arguments after ``pmed``; None reads ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status, 0 on success. A wrong notebook name, parameter or
        output path ends the command with ``SystemExit`` and a message saying
        what is allowed, before any notebook is executed.

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

    A name that matches no notebook, or a value of the wrong type, stops
    before anything runs:

    >>> os.chdir(tmp.name)
    >>> try:
    ...     main(["run", "02", "-o", "out.ipynb"])
    ... finally:
    ...     os.chdir(here)
    Traceback (most recent call last):
        ...
    SystemExit: pmed: unknown notebook '02'. Available notebooks: 01_demo.
    >>> os.chdir(tmp.name)
    >>> try:
    ...     main(["run", "01", "-p", "n_samples", "many", "-o", "out.ipynb"])
    ... finally:
    ...     os.chdir(here)
    Traceback (most recent call last):
        ...
    SystemExit: pmed: The parameter 'n_samples' of notebook 01_demo must be an int (its default is 100); got 'many'.
    >>> tmp.cleanup()
    """
    if argv is not None and not all(isinstance(arg, str) for arg in argv):
        raise InvalidParameterError(f"The 'argv' parameter of main must be a list of str; got {argv!r}.")
    parser = argparse.ArgumentParser(prog="pmed", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="show the notebooks and their parameters")
    for cmd, helptext in (("run", "execute a notebook with papermill"), ("report", "execute and write one HTML file")):
        p = sub.add_parser(cmd, help=helptext)
        p.add_argument("notebook", help="name such as 01_pipeline_at_a_glance (or its number, 01)")
        p.add_argument(
            "-p",
            "--parameter",
            nargs=2,
            action="append",
            metavar=("NAME", "VALUE"),
            help="a parameter of the notebook's parameters cell, with a value of its default's type",
        )
        p.add_argument(
            "-o",
            "--output",
            required=True,
            help=f"the {OUTPUT_SUFFIXES[cmd]} file to write, in an existing writable folder",
        )
        p.add_argument("--ci", action="store_true", help="use the notebook's small CI parameters")
        if cmd == "report":
            p.add_argument("--show-code", action="store_true", help="include the code cells")
    _add_patient_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "patient":
        return _patient(args)
    notebooks = find_notebooks()
    if args.command == "list":
        import papermill as pm

        for stem, path in notebooks.items():
            print(stem)
            for name, info in pm.inspect_notebook(str(path)).items():
                print(f"    {name} = {info['default']}" + (f"  # {info['help']}" if info.get("help") else ""))
        return 0
    path = _resolve(args.notebook, notebooks)
    try:
        given = check_parameters(path, {name: value for name, value in args.parameter or []})
        output = check_output_path(args.output, args.command)
    except ValueError as exc:
        raise SystemExit(f"pmed: {exc}") from None
    params = {**(_ci_parameters(path) if args.ci else {}), **given}
    if args.command == "run":
        _execute(path, output, params)
        print(f"Executed {path.name} → {output}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        executed = _execute(path, Path(tmp) / path.name, params)
        from pmed_utils.book.reports import notebook_to_html

        notebook_to_html(
            executed,
            output,
            parameters=params,
            notebook_name=path.stem,
            show_code=args.show_code,
            source_root=path.parent.parent,
        )
    print(f"Report written to {output}")
    return 0


def _add_patient_parser(sub: Any) -> None:
    IMAGE_DATASETS = ("pneumoniamnist", "breastmnist")  # those shipped with pmed (datasets.linked)
    p = sub.add_parser("patient", help="write one simulated person's personal risk report (HTML, optional PDF)")
    p.add_argument("--person-id", required=True, help="the person's id in the simulated cohort, e.g. CEU_00012")
    p.add_argument("--out", "-o", required=True, help="the .html file to write, in an existing writable folder")
    p.add_argument("--pdf", help="also print the report to this .pdf with headless Chromium")
    p.add_argument("--seed", type=int, default=0, help="seed of the simulated cohort and model (default 0)")
    p.add_argument("--image-dataset", default="pneumoniamnist", choices=IMAGE_DATASETS, help="MedMNIST images")
    p.add_argument("--n-people", type=int, default=1500, help="people in the simulated cohort (default 1500)")
    p.add_argument("--epochs", type=int, default=4, help="epoch budget of the image CNN (default 4)")
    p.add_argument("--threshold", type=float, default=0.2, help="the clinic's decision threshold on the risk")
    p.add_argument("--image", help="a .npy image to use instead of the person's own (the cohort's image shape)")
    p.add_argument("--saliency", help="a .npy saliency map of the image (same shape; default: the CNN's Grad-CAM)")
    p.add_argument("--no-image", action="store_true", help="treat the person's image as missing")
    p.add_argument("--fallback", action="store_true", help="allow a missing modality (the model falls back)")


def _load_npy(path: str, what: str) -> Any:
    import numpy as np

    file = Path(path).expanduser()
    if not file.is_file() or file.suffix.lower() != ".npy":
        raise ValueError(f"The {what} must be an existing .npy file; got {path!r}.")
    try:
        return np.load(file, allow_pickle=False)
    except ValueError as exc:
        raise ValueError(f"The {what} {path!r} is not a readable .npy array: {exc}") from None


def _patient(args: argparse.Namespace) -> int:
    """``pmed patient``: every input checked before the (slow) cohort and model are built, then the report."""
    from pmed_utils.book import patient_report
    from pmed_utils.evaluation import personal_risk

    try:
        output = check_output_path(args.out, "patient")
        pdf = None
        if args.pdf is not None:
            if Path(args.pdf).suffix.lower() != ".pdf":
                raise ValueError(f"The --pdf output must be a .pdf file; got {Path(args.pdf).name!r}.")
            pdf = check_output_path(Path(args.pdf).with_suffix(".html"), "patient").with_suffix(".pdf")
            if patient_report.find_chromium() is None:
                raise ValueError("--pdf needs Chromium, and none is on PATH (apt-get install chromium).")
        if not 0 < args.threshold < 1:
            raise ValueError(f"--threshold must be in (0, 1); got {args.threshold}.")
        if args.n_people < 300:
            raise ValueError(f"--n-people must be at least 300; got {args.n_people}.")
        if args.epochs < 1:
            raise ValueError(f"--epochs must be at least 1; got {args.epochs}.")
        if args.seed < 0:
            raise ValueError(f"--seed must be a non-negative int; got {args.seed}.")
        if args.no_image and not args.fallback:
            raise ValueError("--no-image leaves the person without an image; add --fallback to let the model "
                             "use the genotype and recorded factors only.")  # fmt: skip
        if args.no_image and (args.image or args.saliency):
            raise ValueError("--no-image cannot be combined with --image or --saliency.")
        image = _load_npy(args.image, "--image") if args.image else None
        saliency = _load_npy(args.saliency, "--saliency") if args.saliency else None
        print(f"Building the simulated cohort and fused model (seed {args.seed}, {args.n_people} people)...")
        people, images, model = patient_report._build_patient_model(
            n_people=args.n_people, image_dataset=args.image_dataset, random_state=args.seed, epochs=args.epochs
        )
        ids = people["person_id"].astype(str)
        if args.person_id not in set(ids):
            pops = ", ".join(f"{g.iloc[0]} … {g.iloc[-1]}" for _, g in ids.groupby(people["population"]))
            raise ValueError(f"No person {args.person_id!r} in the simulated cohort (seed {args.seed}); its "
                             f"{len(ids)} ids are {pops}.")  # fmt: skip
        row = ids.to_numpy().tolist().index(args.person_id)
        if image is not None:
            expected = images.shape[1:]
            squeezed = image.reshape(image.shape[:-1]) if image.ndim == 3 and image.shape[-1] == 1 else image
            if squeezed.shape != expected[:2]:
                raise ValueError(f"--image must have the cohort's image shape {expected[:2]} (or {expected}); "
                                 f"got {image.shape}.")  # fmt: skip
            images = images.copy()
            images[row] = squeezed.reshape(expected)
        if saliency is None and not args.no_image:  # Grad-CAM of the image model, unless one is given
            saliency = patient_report._image_saliency(model, images[row])
        risk = personal_risk(
            model, people, args.person_id, images=images, drop_image=args.no_image,
            missing="fallback" if args.fallback else "error", threshold=args.threshold, saliency=saliency,
            random_state=args.seed,
        )  # fmt: skip
        written = patient_report.write_patient_report(risk, output, pdf=pdf)
    except ValueError as exc:
        message = str(exc).replace("pass missing='fallback'", "add --fallback")
        raise SystemExit(f"pmed: {message}") from None
    except RuntimeError as exc:
        raise SystemExit(f"pmed: {exc}") from None
    print(f"Report written to {written}" + (f" and {pdf}" if pdf else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
