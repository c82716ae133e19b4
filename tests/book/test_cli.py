"""The pmed command line: list, run, report (on the fast notebook 01 with its CI parameters)."""

import re
import warnings

import nbformat
import pytest

from pmed_utils.book.cli import main
from pmed_utils.book.record import read_records


def test_list_shows_notebooks_and_parameters(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "01_pipeline_at_a_glance" in out and "seed = 42" in out and "test_size = 0.25" in out


def test_unknown_notebook_lists_the_valid_ones(tmp_path):
    with pytest.raises(SystemExit, match="unknown notebook 'nope'.*01_pipeline_at_a_glance"):
        main(["run", "nope", "-o", str(tmp_path / "x.ipynb")])


def test_unknown_parameter_lists_the_valid_ones(tmp_path):
    with pytest.raises(SystemExit, match="no parameter 'sed'.*seed"):
        main(["run", "01", "-p", "sed", "3", "-o", str(tmp_path / "x.ipynb")])


@pytest.mark.notebook
def test_run_and_report(tmp_path):
    out = tmp_path / "run.ipynb"
    assert main(["run", "01_pipeline_at_a_glance", "--ci", "-p", "seed", "7", "-o", str(out)]) == 0
    nb = nbformat.read(out, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "seed = 7" in injected[0].source
    assert 0.95 <= read_records(out)["test_auc"] <= 1

    report = tmp_path / "report.html"
    with warnings.catch_warnings():
        # nbconvert warns about each output it cannot show; recorded results must not reach it
        warnings.simplefilter("error", UserWarning)
        assert main(["report", "01", "--ci", "-p", "seed", "7", "-o", str(report)]) == 0
    text = report.read_text()
    assert "pmed report: 01_pipeline_at_a_glance" in text and "Seed: <code>7</code>" in text
    assert "scikit-learn" in text and "numpy" in text
    assert len(re.findall(r"<img[^>]*src=\"\s*data:image/png;base64", text)) >= 3  # figures embedded
    assert not re.search(r'<(script|img|link)[^>]+(src|href)="https?://', text)  # nothing fetched
    assert "from sklearn" not in text  # code hidden by default
    # MyST is resolved for nbconvert: glued numbers filled in, citations named, no raw roles
    assert f"{read_records(out)['test_auc']:.3f}" in text and "Street et al. 1993" in text
    assert not re.search(r"\{(glue:text|term|doc|cite:p)\}", text)
