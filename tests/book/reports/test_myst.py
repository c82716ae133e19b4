import pytest

from pmed_utils.book.reports.myst import chapter_titles, myst_to_markdown, read_bibliography


def test_roles_become_text_and_glued_values_are_formatted():
    text = (
        "AUC {glue:text}`auc:.3f` ({glue:text}`share:.0%`, n = {glue:text}`n:,`), "
        "{term}`SNP`, {term}`ROC curves <ROC curve>`, {doc}`the GWAS chapter <12_gwas>`, "
        "{cite:p}`a1,b2` and {cite:t}`b2`; model {glue:text}`name`."
    )
    out = myst_to_markdown(
        text,
        records={"auc": 0.91249, "share": 0.256, "n": 12345, "name": "CV ensemble"},
        bibliography={"a1": "Yang et al. 2023", "b2": "Wray 2010"},
    )
    assert out == (
        "AUC 0.912 (26%, n = 12,345), SNP, ROC curves, the GWAS chapter, "
        "(Yang et al. 2023; Wray 2010) and Wray 2010; model CV ensemble."
    )


def test_missing_glue_and_unknown_citation_stay_visible_not_silently_empty():
    out = myst_to_markdown("AUC {glue:text}`auc:.3f` {cite:p}`nokey`", records={}, bibliography={})
    assert out == "AUC `auc` (nokey)"


def test_directives_become_quotes_headings_and_details():
    text = "\n".join(
        [
            "(sec-intro)=",
            "# Title",
            "```{admonition} Learning objectives",
            ":class: tip",
            "1. one {term}`SNP`",
            "```",
            "```{important}",
            "Read this.",
            "```",
            "```{exercise} A question",
            ":label: ex-1",
            "Why?",
            "```",
            "```{solution} ex-1",
            ":class: dropdown",
            "Because {glue:text}`x:.1f`.",
            "```",
        ]
    )
    out = myst_to_markdown(text, records={"x": 2.25})
    assert out.split("\n") == [
        "# Title",
        "> **Learning objectives**",
        ">",
        "> 1. one SNP",
        "> **Important**",
        ">",
        "> Read this.",
        "**Exercise: A question**",
        "",
        "Why?",
        "<details><summary>Solution</summary>",
        "",
        "Because 2.2.",
        "",
        "</details>",
    ]


def test_code_fences_without_a_directive_are_kept():
    text = "```python\nx = {1: 2}\n```"
    assert myst_to_markdown(text) == text


def test_bibliography_and_titles_of_this_book():
    from notebook_utils import REPO_ROOT

    bib = read_bibliography(REPO_ROOT / "book" / "references.bib")
    assert bib["yang2023medmnist"] == "Yang et al. 2023"
    assert bib["vickers2006decision"] == "Vickers and Elkin 2006"
    assert bib["hapmap2010integrating"] == "The International HapMap 3 Consortium 2010"
    title_of = chapter_titles(REPO_ROOT)
    first_heading = next(
        line[2:] for line in (REPO_ROOT / "notebooks" / "12_gwas.md").read_text().splitlines() if line.startswith("# ")
    )
    assert title_of("../notebooks/12_gwas") == first_heading
    with pytest.raises(FileNotFoundError):
        read_bibliography(REPO_ROOT / "book" / "missing.bib")
