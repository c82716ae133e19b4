"""Record a notebook's key results for the book text and for the tests.

A notebook calls :func:`record` once per headline number. The value is *glued*
(myst-nb) so that the prose can show it with ``{glue:text}`name`:.3f``, and it
stays readable in the executed notebook, where :func:`read_records` finds it
again. The notebook tests use :func:`read_records` to check that each number is
in its plausible range, so a notebook that runs but computes nonsense fails.
"""

from __future__ import annotations

import ast
import math
import numbers
from pathlib import Path
from typing import Any

import nbformat
import numpy as np

from pmed_utils.validation import validate_params

__all__ = ["record", "read_records", "is_hidden_record"]

_SCRAPBOOK_KEY = "scrapbook"
# myst-nb glues a value that is not displayed under this mime prefix, which no viewer shows.
_HIDDEN_MIME_PREFIX = "application/papermill.record/"


def _to_builtin(value: Any) -> Any:
    """Turn numpy scalars into Python ones so that their repr is plain (``0.91``)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


@validate_params({"name": ["str"], "value": [object], "display": ["boolean"]})
def record(name: str, value: Any, display: bool = False) -> Any:
    """Glue one result under ``name`` for the book and the notebook tests.

    Parameters
    ----------
    name : str
        Key used in the book text (``{glue:text}`name```) and by the tests.
        Letters, digits and underscores only.
    value : object
        A number, string, bool, or a displayable object (figure, DataFrame).
        numpy scalars are stored as Python scalars. A non-finite number is
        refused: a NaN in the book text is always a bug upstream.
    display : bool, default False
        Also show the value in the notebook where it is recorded.

    Returns
    -------
    object
        ``value`` (converted to a Python scalar where it was a numpy one), so
        that ``auc = record("test_auc", auc)`` reads naturally.

    Examples
    --------
    >>> record("n_people", np.int64(569))
    569
    """
    if not name.replace("_", "").isalnum() or not name.isascii():
        raise ValueError(
            f"The 'name' parameter of record must contain only letters, digits and underscores; got {name!r}."
        )
    value = _to_builtin(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ValueError(
                f"record({name!r}, ...) received {value!r}; recorded results must be "
                "finite numbers. Check the computation that produced it."
            )
    try:
        from myst_nb import glue
    except ImportError:  # outside the book toolchain: keep the value, skip the glue
        return value
    try:
        from IPython import get_ipython

        in_kernel = get_ipython() is not None
    except ImportError:
        in_kernel = False
    if in_kernel:
        glue(name, value, display=display)
    return value


@validate_params({"notebook": ["path", nbformat.NotebookNode]})
def read_records(notebook: str | Path | nbformat.NotebookNode) -> dict[str, Any]:
    """Read back every value a notebook recorded with :func:`record`.

    Parameters
    ----------
    notebook : str, Path or NotebookNode
        An executed notebook (path or already-read node).

    Returns
    -------
    dict of str to object
        ``{name: value}``; numbers, strings and bools come back as Python
        objects, anything else as its text representation.

    Raises
    ------
    FileNotFoundError
        When no file exists at the path.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells.append(nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
    ...     "display_data",
    ...     data={"application/papermill.record/text/plain": "0.93"},
    ...     metadata={"scrapbook": {"name": "test_auc",
    ...                             "mime_prefix": "application/papermill.record/"}})]))
    >>> read_records(nb)
    {'test_auc': 0.93}
    """
    if isinstance(notebook, nbformat.NotebookNode):
        nb = notebook
    else:
        path = Path(notebook)
        if not path.is_file():
            raise FileNotFoundError(f"No executed notebook at {path}.")
        nb = nbformat.read(path, as_version=4)
    records: dict[str, Any] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get(_SCRAPBOOK_KEY)
            if not meta:
                continue
            prefix = meta.get("mime_prefix", "")
            text = output.get("data", {}).get(prefix + "text/plain")
            if text is None:
                continue
            try:
                records[meta["name"]] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                records[meta["name"]] = text
    return records


@validate_params({"output": ["mapping"]})
def is_hidden_record(output: dict) -> bool:
    """Whether a cell output is a value :func:`record` kept without displaying it (data only, nothing to show).

    Parameters
    ----------
    output : dict
        One output of a code cell (nbformat v4).

    Returns
    -------
    bool
        True when every entry of the output's ``data`` is under the mime prefix
        myst-nb uses for a glued value that is not displayed.

    Examples
    --------
    >>> is_hidden_record(nbformat.v4.new_output("display_data",
    ...                                         data={"application/papermill.record/text/plain": "0.93"}))
    True
    >>> is_hidden_record(nbformat.v4.new_output("display_data", data={"text/plain": "0.93"}))
    False
    """
    data = output.get("data", {})
    return bool(data) and all(key.startswith(_HIDDEN_MIME_PREFIX) for key in data)
