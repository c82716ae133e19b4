"""Small Sphinx fixes for the pmed book.

Progress bars: a text progress bar (tqdm) redraws its line with carriage returns,
and every redraw reaches the executed notebook as its own stream output. A
terminal or JupyterLab shows the last state; the static page showed every
state, one per line. We join consecutive outputs of the same stream in a cell
and apply the carriage returns (as ``pmed report`` does with
:func:`pmed_utils.book.reports.streams.merge_stream_outputs`), so a bar shows its
final state once.
(myst-nb's ``nb_merge_streams`` ends every piece with a newline first, which
keeps all the states.)

Scripts: sphinx-thebe 0.3.1 registers its inline configuration script once per time its
``env-before-read-docs`` handler is connected; under Jupyter Book 1.x that happens
twice, and the page then declares ``const THEBE_JS_URL`` twice, a JavaScript
error on every page. We drop exact duplicates from the builder's script list.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from pmed_utils.book.reports.streams import apply_carriage_returns  # one rule for the book and the reports

_STREAM_CLASSES = ("stream", "stderr")  # myst-nb's classes for stdout and stderr outputs


def _stream_of(node) -> str | None:
    if isinstance(node, nodes.literal_block) and "output" in node["classes"]:
        return next((c for c in _STREAM_CLASSES if c in node["classes"]), None)
    return None


def _merge_stream_outputs(app: Sphinx, doctree: nodes.document) -> None:
    for output in doctree.findall(lambda n: isinstance(n, nodes.container) and "cell_output" in n["classes"]):
        kept, previous = [], None
        for child in list(output.children):
            stream = _stream_of(child)
            if stream is not None and previous is not None and _stream_of(previous) == stream:
                _set_text(previous, previous.astext() + child.astext())
                output.remove(child)
                continue
            kept.append(child)
            previous = child if stream is not None else None
        for child in kept:
            if _stream_of(child) is not None and "\r" in child.astext():
                _set_text(child, apply_carriage_returns(child.astext()))


def _set_text(node: nodes.literal_block, text: str) -> None:
    # rawsource must equal the text, or Sphinx skips syntax (ANSI) highlighting of the block
    node.rawsource = text
    node[:] = [nodes.Text(text)]


def _dedupe_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen = set()
    unique = []
    for script in scripts:
        attributes = dict(getattr(script, "attributes", {}))
        attributes.pop("priority", None)
        key = (getattr(script, "filename", None) or "", tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    scripts[:] = unique


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("doctree-read", _merge_stream_outputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
