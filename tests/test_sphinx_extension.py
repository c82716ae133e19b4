"""The book's Sphinx extension (book/_ext/pmed_sphinx.py) on hand-made doctrees."""

from __future__ import annotations

import importlib.util

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document
from notebook_utils import REPO_ROOT

_spec = importlib.util.spec_from_file_location("pmed_sphinx", REPO_ROOT / "book" / "_ext" / "pmed_sphinx.py")
pmed_sphinx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pmed_sphinx)


def _output(stream: str, text: str) -> nodes.literal_block:
    return nodes.literal_block(text, text, classes=["output", stream])


def _cell(*children) -> nodes.document:
    doc = new_document("test", get_default_settings(Parser))
    container = nodes.container(classes=["cell_output"])
    container.extend(children)
    doc.append(container)
    return doc


def test_carriage_returns_keep_what_a_terminal_shows():
    assert pmed_sphinx.apply_carriage_returns("a\rb\rc\nd\n") == "c\nd\n"
    assert pmed_sphinx.apply_carriage_returns("plain\ntext") == "plain\ntext"
    assert pmed_sphinx.apply_carriage_returns("bar 100%\r\n") == "bar 100%\n"


def test_a_progress_bar_split_over_outputs_becomes_its_final_line():
    figure = nodes.image(uri="x.png")
    doc = _cell(
        _output("stderr", "\rtrain: 0/3"),
        _output("stderr", "\rtrain: 1/3"),
        _output("stderr", "\rtrain: 3/3"),
        _output("stderr", "\n"),
        _output("stream", "printed\n"),
        figure,
        _output("stderr", "\rnext: 1/1\n"),
    )
    pmed_sphinx._merge_stream_outputs(None, doc)
    blocks = list(doc.findall(nodes.literal_block))
    assert [b.astext() for b in blocks] == ["train: 3/3\n", "printed\n", "next: 1/1\n"]
    assert all(b.rawsource == b.astext() for b in blocks)  # else Sphinx skips highlighting
    assert figure in doc[0].children  # other outputs stay, in order


def test_outputs_outside_cells_and_other_blocks_are_left_alone():
    doc = _cell(nodes.literal_block("a\rb", "a\rb", classes=["cell_input"]))
    pmed_sphinx._merge_stream_outputs(None, doc)
    assert next(doc.findall(nodes.literal_block)).astext() == "a\rb"
