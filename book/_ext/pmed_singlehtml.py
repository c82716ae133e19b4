"""Let the single-page builder (``make pdf``) draw Mermaid diagrams as the HTML builder does.

Sphinx looks up a node's visitors by builder name first and falls back to the format
("html") only when no extension registered any visitor under that name. Some of the book's
extensions register nodes for ``singlehtml`` explicitly, so the Mermaid node, registered
for ``html`` only, had no visitor there and ``jupyter-book build --builder singlehtml``
stopped with "departing unknown node type: mermaid".
"""

from __future__ import annotations

from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict:
    from sphinxcontrib.mermaid import html_visit_mermaid, mermaid

    app.add_node(mermaid, override=True, singlehtml=(html_visit_mermaid, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
