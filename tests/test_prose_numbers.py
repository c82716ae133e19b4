"""No hand-typed results in the book's prose: computed numbers must come from glue.

A number next to a metric word (AUC, accuracy, sensitivity, r², p-value, odds ratio, …)
in Markdown prose is a result that will go stale when the code changes. Such numbers
must be written with ``{glue:text}`name``. Exempt: code, math, glue roles, citations,
and blocks preceded by ``<!-- published-values -->`` (values quoted from a paper).
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest
from notebook_utils import REPO_ROOT

METRIC = (
    r"((?i:AUC|accuracy|sensitivity|specificity|PPV|NPV|r²|r\^2|λ_GC|lambda|p-value|odds ratio|Brier|"
    r"heritability|prevalence)|ACC|OR|p =)"
)
NUMBER = r"(?<![\w.{`])(0\.\d+|\d+(\.\d+)?\s?%)"
PATTERN = re.compile(rf"{METRIC}[^.\n]{{0,40}}?{NUMBER}|{NUMBER}[^.\n]{{0,25}}?{METRIC}")


def _prose(text: str) -> str:
    """Markdown with code, math, roles, directives' options and published-value blocks removed."""
    text = re.sub(r"<!-- published-values -->.*?(\n\s*\n|$)", "\n", text, flags=re.S)
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)
    text = re.sub(r"\$[^$\n]+\$", "", text)
    text = re.sub(r"\{[\w:-]+\}`[^`]*`", "", text)  # {glue:text}`x`, {cite:p}`y`, {term}`z`
    text = re.sub(r"`[^`]*`", "", text)
    # not results: the confidence level of an interval, and the conventional 0.5 cut-off
    text = re.sub(r"\b9[059]% (CI|confidence|bootstrap|interval)", r"\1", text)
    text = re.sub(r"\b0\.5\s+(threshold|cut-off)", r"\1", text)
    return text


def hand_typed_numbers(text: str) -> list[str]:
    return [m.group(0) for m in PATTERN.finditer(_prose(text))]


def _documents():
    for md in sorted((REPO_ROOT / "book").glob("*.md")):
        yield md.relative_to(REPO_ROOT), md.read_text(encoding="utf-8")
    for md in sorted((REPO_ROOT / "notebooks").glob("*.md")):
        nb = jupytext.read(md)
        yield md.relative_to(REPO_ROOT), "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_detector_finds_hand_typed_metrics_and_spares_glue():
    assert hand_typed_numbers("The model reaches an AUC of 0.91 on the test set.")
    assert hand_typed_numbers("Sensitivity was 87% at the chosen threshold.")
    assert not hand_typed_numbers("The model reaches an AUC of {glue:text}`test_auc:.3f`.")
    assert not hand_typed_numbers("Set `threshold = 0.5` and compute $r^2 = 0.5$ in math.")
    assert not hand_typed_numbers("an AUC of {glue:text}`auc:.3f` (95% CI from ...), at a 0.5 threshold")
    assert not hand_typed_numbers("<!-- published-values -->\nResNet-18 reaches AUC 0.901.\n\nNext paragraph.")


@pytest.mark.parametrize("path, text", list(_documents()), ids=lambda x: str(x) if isinstance(x, Path) else "")
def test_no_hand_typed_results(path, text):
    found = hand_typed_numbers(text)
    assert not found, f"{path}: hand-typed result(s) in prose, use record() + {{glue:text}}: {found}"
