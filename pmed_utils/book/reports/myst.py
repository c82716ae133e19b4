"""The book's MyST Markdown as plain Markdown, for a report that nbconvert renders alone.

The notebooks' Markdown uses MyST roles and directives (``{term}``, ``{doc}``,
``{cite:p}``, ``{glue:text}``, ``{admonition}``, ``{exercise}``...). Sphinx
resolves them in the book; nbconvert does not, and a report would show
``{glue:text}`test_auc:.3f``` where the book shows the number. Here each role
becomes its text (glued values from the notebook's recorded results, citations
as "(Author Year)", links to other chapters as their titles) and each directive
a quotation, a bold heading or a ``<details>`` block.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pmed_utils.validation import validate_params

__all__ = ["myst_to_markdown", "read_bibliography", "chapter_titles", "SUPPORTED_ROLES", "SUPPORTED_DIRECTIVES"]

SUPPORTED_ROLES = frozenset({"term", "doc", "ref", "numref", "cite:p", "cite:t", "glue:text", "glue"})
_ROLE = re.compile(r"\{(" + "|".join(sorted(map(re.escape, SUPPORTED_ROLES), key=len, reverse=True)) + r")\}`([^`]*)`")
_FENCE = re.compile(r"^(`{3,}|:{3,})\{([\w-]+)\}[ \t]*(.*)$")
_LABEL_LINE = re.compile(r"^\([\w.-]+\)=\s*$")
_OPTION = re.compile(r"^:[\w-]+:")
_CALLOUTS = {
    "admonition",
    "note",
    "tip",
    "important",
    "warning",
    "caution",
    "attention",
    "hint",
    "seealso",
    "danger",
    "error",
}
SUPPORTED_DIRECTIVES = frozenset(_CALLOUTS | {"exercise", "solution"})


@validate_params(
    {"text": ["str"], "records": ["mapping", None], "bibliography": ["mapping", None], "title_of": ["callable", None]}
)
def myst_to_markdown(
    text: str,
    *,
    records: Mapping[str, Any] | None = None,
    bibliography: Mapping[str, str] | None = None,
    title_of: Callable[[str], str] | None = None,
) -> str:
    """Replace MyST roles and directives in ``text`` by plain Markdown.

    Parameters
    ----------
    text : str
        A Markdown cell of a pmed notebook.
    records : dict, optional
        Recorded results (:func:`pmed_utils.book.record.read_records`) for ``{glue:text}``.
    bibliography : dict, optional
        Citation key → short reference such as "Yang et al. 2023" (:func:`read_bibliography`).
    title_of : callable, optional
        Document name (e.g. ``../notebooks/22_cnn_features``) → its title (:func:`chapter_titles`).

    Returns
    -------
    str
        ``text`` with each supported role replaced by its text and each directive
        by a quotation, a bold heading or a ``<details>`` block.

    Examples
    --------
    >>> print(myst_to_markdown("AUC {glue:text}`auc:.3f` on {term}`ROC curves <ROC curve>` "
    ...                        "{cite:p}`yang2023`.", records={"auc": 0.91234},
    ...                        bibliography={"yang2023": "Yang et al. 2023"}))
    AUC 0.912 on ROC curves (Yang et al. 2023).
    >>> print(myst_to_markdown("```{admonition} Learning objectives\\n:class: tip\\n1. read a ROC curve\\n```"))
    > **Learning objectives**
    >
    > 1. read a ROC curve
    """
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match is None:
            if not _LABEL_LINE.match(lines[i]):
                out.append(lines[i])
            i += 1
            continue
        fence, name, argument = match.groups()
        body, i = [], i + 1
        while i < len(lines) and lines[i].strip() != fence:
            body.append(lines[i])
            i += 1
        i += 1  # the closing fence
        while body and (_OPTION.match(body[0]) or not body[0].strip()):
            body.pop(0)
        content = myst_to_markdown("\n".join(body), records=records, bibliography=bibliography, title_of=title_of)
        out.extend(_directive(name, argument.strip(), content).split("\n"))
    return _ROLE.sub(
        lambda m: _role(m.group(1), m.group(2), records or {}, bibliography or {}, title_of), "\n".join(out)
    )


def _directive(name: str, argument: str, content: str) -> str:
    if name in _CALLOUTS:
        heading = argument if name == "admonition" and argument else name.capitalize()
        quoted = "\n".join(f"> {line}" if line else ">" for line in content.split("\n"))
        return f"> **{heading}**\n>\n{quoted}"
    if name == "exercise":
        return f"**Exercise: {argument}**\n\n{content}" if argument else f"**Exercise**\n\n{content}"
    if name == "solution":
        return f"<details><summary>Solution</summary>\n\n{content}\n\n</details>"
    return f"**{argument}**\n\n{content}" if argument else content


def _role(
    name: str,
    value: str,
    records: Mapping[str, Any],
    bibliography: Mapping[str, str],
    title_of: Callable[[str], str] | None,
) -> str:
    explicit = re.fullmatch(r"(.*?)\s*<([^>]*)>", value, flags=re.S)
    if name in ("term", "ref", "numref"):
        return explicit.group(1) if explicit else value
    if name == "doc":
        if explicit:
            return explicit.group(1)
        return title_of(value) if title_of else Path(value).name
    if name.startswith("cite"):
        refs = [bibliography.get(key.strip(), key.strip()) for key in value.split(",")]
        if name == "cite:t":
            return "; ".join(refs)
        return "(" + "; ".join(refs) + ")"
    key, _, spec = value.partition(":")
    if key not in records:
        return f"`{key}`"
    try:
        return format(records[key], spec)
    except (TypeError, ValueError):
        return str(records[key])


@validate_params({"path": ["path"]})
def read_bibliography(path: str | Path) -> dict[str, str]:
    """Citation key → "Surname Year", "Surname and Surname Year" or "Surname et al. Year" from a BibTeX file.

    Parameters
    ----------
    path : str or Path
        A BibTeX file (UTF-8), such as ``book/references.bib``.

    Returns
    -------
    dict of str to str
        Citation key → short reference; an entry without authors maps to its key.

    Examples
    --------
    >>> import tempfile
    >>> bib = Path(tempfile.mkdtemp()) / "refs.bib"
    >>> _ = bib.write_text("@article{a1,\\n  author = {Yang, Jiancheng and Shi, Rui and Wei, Donglai},\\n"
    ...                    "  year = {2023}\\n}\\n@book{b2, author = {Wray, N. R.}, year = {2010}}\\n"
    ...                    "@article{c3, author = {{The HapMap Consortium}}, year = {2010}}\\n")
    >>> read_bibliography(bib)
    {'a1': 'Yang et al. 2023', 'b2': 'Wray 2010', 'c3': 'The HapMap Consortium 2010'}
    """
    # pybtex (the parser behind the book's sphinxcontrib-bibtex) handles BibTeX's braces and name forms.
    from pybtex.database import parse_string

    entries = {}
    for key, entry in parse_string(Path(path).read_text(encoding="utf-8"), "bibtex").entries.items():
        surnames = [
            " ".join(person.last_names).replace("{", "").replace("}", "") for person in entry.persons.get("author", [])
        ]
        year = entry.fields.get("year")
        if not surnames:
            entries[key] = key
            continue
        who = (
            surnames[0]
            if len(surnames) == 1
            else f"{surnames[0]} and {surnames[1]}"
            if len(surnames) == 2
            else f"{surnames[0]} et al."
        )
        entries[key] = f"{who} {year}" if year else who
    return entries


@validate_params({"root": ["path"]})
def chapter_titles(root: str | Path) -> Callable[[str], str]:
    """A function from a document name (``../notebooks/12_gwas``, ``glossary``) to its first heading.

    Parameters
    ----------
    root : str or Path
        The pmed checkout, holding ``notebooks/`` and ``book/``.

    Returns
    -------
    callable
        ``title_of(name) -> str``: the first ``# `` heading of ``NAME.md`` in
        ``root/notebooks`` or ``root/book``, else the name's last part.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "notebooks").mkdir()
    >>> _ = (root / "notebooks" / "12_gwas.md").write_text("---\\nfront: matter\\n---\\n\\n# Genome-wide association\\n")
    >>> title_of = chapter_titles(root)
    >>> title_of("../notebooks/12_gwas"), title_of("glossary")
    ('Genome-wide association', 'glossary')
    """
    root = Path(root)

    def title_of(name: str) -> str:
        stem = Path(name).name
        for folder in ("notebooks", "book"):
            path = root / folder / f"{stem}.md"
            if path.is_file():
                for line in path.read_text(encoding="utf-8").splitlines():
                    if line.startswith("# "):
                        return line[2:].strip()
        return stem

    return title_of
