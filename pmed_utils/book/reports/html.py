"""One self-contained HTML report from an executed notebook (images embedded, code hidden)."""

from __future__ import annotations

import datetime as _dt
import html
import importlib.metadata
import re
from pathlib import Path

import nbformat

from pmed_utils.book.record import is_hidden_record, read_records
from pmed_utils.book.reports.myst import chapter_titles, myst_to_markdown, read_bibliography
from pmed_utils.book.reports.streams import merge_stream_outputs
from pmed_utils.validation import validate_params

__all__ = ["package_versions", "notebook_to_html"]

_PACKAGES = (
    "pmed",
    "numpy",
    "pandas",
    "scikit-learn",
    "tensorflow-cpu",
    "tensorflow",
    "keras",
    "matplotlib",
    "msprime",
    "stdpopsim",
    "papermill",
)


@validate_params({})
def package_versions() -> dict[str, str]:
    """Installed versions of the packages a result depends on (missing ones are skipped).

    Returns
    -------
    dict of str to str
        Distribution name (``"numpy"``, ``"scikit-learn"``...) → installed version,
        for pmed and the packages that shape its numbers.

    Examples
    --------
    >>> import numpy
    >>> versions = package_versions()
    >>> versions["numpy"] == numpy.__version__
    True
    >>> "scikit-learn" in versions, "not-a-package" in versions
    (True, False)
    """
    out = {}
    for name in _PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return out


def _parameter_defaults(nb: nbformat.NotebookNode) -> dict:
    """Literal values assigned in the notebook's cell tagged ``parameters`` (expressions are skipped)."""
    import ast

    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            defaults = {}
            for node in ast.parse(cell.source).body:
                target = (
                    node.targets[0]
                    if isinstance(node, ast.Assign) and len(node.targets) == 1
                    else (node.target if isinstance(node, ast.AnnAssign) and node.value is not None else None)
                )
                if isinstance(target, ast.Name):
                    try:
                        defaults[target.id] = ast.literal_eval(node.value)
                    except ValueError:
                        pass
            return defaults
    return {}


@validate_params(
    {
        "executed": ["path"],
        "output": ["path"],
        "parameters": ["mapping"],
        "notebook_name": ["str"],
        "show_code": ["boolean"],
        "source_root": ["path", None],
    }
)
def notebook_to_html(
    executed: str | Path,
    output: str | Path,
    *,
    parameters: dict,
    notebook_name: str,
    show_code: bool = False,
    source_root: str | Path | None = None,
) -> Path:
    """Write ``output`` (HTML): a header with parameters, seed, versions and time, then the notebook.

    Figures are embedded as data URIs, so the file opens offline and can be e-mailed.
    The Markdown's MyST roles and directives become plain Markdown
    (:func:`pmed_utils.book.reports.myst.myst_to_markdown`): glued numbers are filled in from the
    notebook's recorded results; with ``source_root`` (the pmed checkout, holding ``notebooks/``
    and ``book/references.bib``) citations and links to other chapters get their names.

    Parameters
    ----------
    executed : str or Path
        The executed notebook (``.ipynb``).
    output : str or Path
        The HTML file to write (replaced if it exists).
    parameters : dict
        The parameters the notebook was run with, shown in the header
        (``seed`` also on its own line).
    notebook_name : str
        The notebook's name for the title, e.g. ``01_pipeline_at_a_glance``.
    show_code : bool, default False
        Include the code cells (by default only their outputs are shown).
    source_root : str, Path or None, default None
        The pmed checkout, for citation names and chapter titles; None leaves
        citation keys and document names as they are.

    Returns
    -------
    Path
        ``output``.

    Examples
    --------
    An executed notebook with one markdown cell and one code cell that printed 42:

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells.append(nbformat.v4.new_markdown_cell("The answer follows."))
    >>> nb.cells.append(nbformat.v4.new_code_cell("print(6 * 7)", outputs=[
    ...     nbformat.v4.new_output("stream", name="stdout", text="42\\n")]))
    >>> nbformat.write(nb, Path(tmp.name) / "toy.ipynb")
    >>> out = notebook_to_html(Path(tmp.name) / "toy.ipynb", Path(tmp.name) / "toy.html",
    ...                        parameters={"seed": 7}, notebook_name="00_toy")
    >>> page = out.read_text(encoding="utf-8")
    >>> "pmed report: 00_toy" in page, "Seed: <code>7</code>" in page
    (True, True)
    >>> "The answer follows." in page, "<pre>42" in page, "print(6 * 7)" in page  # code hidden by default
    (True, True, False)
    >>> 'src="http' in page  # nothing fetched when it opens
    False
    >>> tmp.cleanup()
    """
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td><code>{html.escape(repr(v))}</code></td></tr>"
        for k, v in parameters.items()
    )
    versions = ", ".join(f"{k} {v}" for k, v in package_versions().items())
    # The seed the notebook ran with: the one passed, else its parameters cell's default.
    defaults = _parameter_defaults(nb)
    if "seed" in parameters:
        seed_text = f"<code>{html.escape(repr(parameters['seed']))}</code>"
    elif "seed" in defaults:
        seed_text = f"<code>{html.escape(repr(defaults['seed']))}</code> (the notebook's default)"
    else:
        seed_text = "not set (the notebook has no seed parameter)"
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = (
        f"<h1>pmed report: {html.escape(notebook_name)}</h1>"
        f"<p>Generated {stamp}. Seed: {seed_text}.</p>"
        f"<h3>Parameters</h3><table>{rows or '<tr><td>notebook defaults</td></tr>'}</table>"
        f"<h3>Software</h3><p>{html.escape(versions)}</p><hr/>"
    )
    records = read_records(nb)
    bibliography, title_of = {}, None
    if source_root is not None:
        bib = Path(source_root) / "book" / "references.bib"
        bibliography = read_bibliography(bib) if bib.is_file() else {}
        title_of = chapter_titles(source_root)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = myst_to_markdown(cell.source, records=records, bibliography=bibliography, title_of=title_of)
        if cell.cell_type == "code":
            # Recorded results are data for the book and the tests, not output for a reader;
            # a progress bar shows its final state once, as in a terminal.
            kept = [out for out in cell.outputs if not is_hidden_record(out)]
            cell.outputs = [nbformat.from_dict(out) for out in merge_stream_outputs(kept)]
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(header))
    exporter = HTMLExporter(
        template_name="classic",
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(nb)
    # The template links jQuery, RequireJS and MathJax from CDNs; a report must open offline
    # with nothing fetched, so drop every external script (figures are already embedded).
    body = re.sub(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>', "", body)
    output = Path(output)
    output.write_text(body, encoding="utf-8")
    return output
