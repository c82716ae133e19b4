"""Small Sphinx fixes for the pmed book.

sphinx-thebe 0.3.1 registers its inline configuration script once per time its
``env-before-read-docs`` handler is connected; under Jupyter Book 1.x that happens
twice, and the page then declares ``const THEBE_JS_URL`` twice, a JavaScript
error on every page. We drop exact duplicates from the builder's script list.
"""

from __future__ import annotations

from sphinx.application import Sphinx


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
    return {"parallel_read_safe": True, "parallel_write_safe": True}
