"""The pmed command line: list, run, report (on the fast notebook 01 with its CI parameters).

Every wrong input (notebook name, parameter name or type, output path) must stop
the command before a notebook is executed: the ``no_kernel`` fixture makes any
execution or kernel start fail the test, so these tests take a second, not the
minutes a run would.
"""

import os
import re
import time
import warnings

import nbformat
import pytest

from pmed_utils.book import cli
from pmed_utils.book.cli import check_output_path, check_parameters, main
from pmed_utils.book.record import read_records

NOTEBOOKS = cli.find_notebooks()


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail the test if anything executes a notebook or starts a kernel."""
    import jupyter_client
    import papermill

    def refuse(*args, **kwargs):
        raise AssertionError("a notebook was executed although the input was wrong")

    monkeypatch.setattr(papermill, "execute_notebook", refuse)
    monkeypatch.setattr(jupyter_client.KernelManager, "start_kernel", refuse)
    monkeypatch.setattr(cli, "_execute", refuse)


def test_list_shows_notebooks_and_parameters(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "01_pipeline_at_a_glance" in out and "seed = 42" in out and "test_size = 0.25" in out


def test_unknown_notebook_lists_the_valid_ones(tmp_path, no_kernel):
    with pytest.raises(SystemExit, match="unknown notebook 'nope'.*01_pipeline_at_a_glance"):
        main(["run", "nope", "-o", str(tmp_path / "x.ipynb")])


def test_unknown_parameter_lists_the_valid_ones(tmp_path, no_kernel):
    with pytest.raises(
        SystemExit,
        match=r"pmed: Notebook 01_pipeline_at_a_glance has no parameter 'sed'\. "
        r"Its parameters: seed, test_size, n_bootstraps, ci\.",
    ):
        main(["run", "01", "-p", "sed", "3", "-o", str(tmp_path / "x.ipynb")])


def test_a_value_of_the_wrong_type_stops_at_once(tmp_path, no_kernel):
    start = time.perf_counter()
    with pytest.raises(SystemExit) as info:
        main(["run", "21_cnn_lesion_detection", "-p", "seed", "abc", "-o", str(tmp_path / "x.ipynb")])
    default = _default("21_cnn_lesion_detection", "seed")
    assert str(info.value) == (
        "pmed: The parameter 'seed' of notebook 21_cnn_lesion_detection must be an int "
        f"(its default is {default}); got 'abc'."
    )
    assert time.perf_counter() - start < 10  # no kernel, no TensorFlow


def _default(notebook: str, name: str) -> str:
    import papermill as pm

    return pm.inspect_notebook(str(NOTEBOOKS[notebook]))[name]["default"]


@pytest.mark.parametrize(
    ("name", "text", "allowed"),
    [
        ("seed", "7.5", "an int"),  # a float where the default is an int
        ("seed", "True", "an int"),  # True is an int to Python, not a seed
        ("test_size", "a quarter", "a float (or an int)"),
        ("ci", "yes", "a bool (True or False)"),
        ("ci", "1", "a bool (True or False)"),
    ],
)
def test_each_kind_of_default_refuses_other_types(name, text, allowed, no_kernel):
    default = _default("01_pipeline_at_a_glance", name)
    with pytest.raises(ValueError) as info:
        check_parameters(NOTEBOOKS["01_pipeline_at_a_glance"], {name: text})
    assert str(info.value) == (
        f"The parameter '{name}' of notebook 01_pipeline_at_a_glance must be {allowed} "
        f"(its default is {default}); got {text!r}."
    )


def test_values_come_back_with_the_type_of_their_default(no_kernel):
    typed = check_parameters(
        NOTEBOOKS["01_pipeline_at_a_glance"], {"seed": "7", "test_size": "1", "n_bootstraps": "2_000", "ci": "True"}
    )
    assert typed == {"seed": 7, "test_size": 1.0, "n_bootstraps": 2000, "ci": True}
    assert type(typed["test_size"]) is float  # an int given for a float default becomes a float
    # a str default takes the text as typed, even when it reads as a number
    assert check_parameters(NOTEBOOKS["20_medical_images"], {"dataset": "123"}) == {"dataset": "123"}
    assert check_parameters(NOTEBOOKS["20_medical_images"], {"dataset": "pneumoniamnist"}) == {
        "dataset": "pneumoniamnist"
    }


def test_a_default_that_is_an_expression_or_none_takes_any_value(tmp_path):
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": kernel})
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "threshold = None\nlimit = float('inf')\nsizes = [28, 64]", metadata={"tags": ["parameters"]}
        )
    )
    path = tmp_path / "40_demo.ipynb"
    nbformat.write(nb, path)
    assert check_parameters(path, {"threshold": "0.5", "limit": "10"}) == {"threshold": 0.5, "limit": 10}
    assert check_parameters(path, {"sizes": "[32]"}) == {"sizes": [32]}
    with pytest.raises(
        ValueError,
        match=r"'sizes' of notebook 40_demo must be a list such as \[1, 2\] "
        r"\(its default is \[28, 64\]\); got '32'\.",
    ):
        check_parameters(path, {"sizes": "32"})


@pytest.mark.parametrize(
    ("command", "name", "suffix"),
    [("run", "out.html", ".ipynb"), ("run", "out", ".ipynb"), ("report", "out.ipynb", ".html")],
)
def test_the_output_must_have_the_commands_suffix(tmp_path, command, name, suffix, no_kernel):
    with pytest.raises(
        SystemExit,
        match=rf"pmed: The output of pmed {command} must be a \{suffix} file; "
        rf"got '{name}'\.",
    ):
        main([command, "01", "-o", str(tmp_path / name)])


def test_the_output_folder_must_exist(tmp_path, no_kernel):
    missing = tmp_path / "no" / "such"
    with pytest.raises(
        SystemExit,
        match=rf"pmed: The output folder {re.escape(str(missing))} does not exist; "
        "create it first",
    ):
        main(["report", "01", "-o", str(missing / "r.html")])
    assert not missing.exists()  # not created behind the user's back


def test_the_output_must_not_be_a_folder(tmp_path, no_kernel):
    folder = tmp_path / "r.html"
    folder.mkdir()
    with pytest.raises(SystemExit, match="is a folder; give a file name ending in .html"):
        main(["report", "01", "-o", str(folder)])


def test_the_output_folder_must_be_writable(tmp_path, monkeypatch, no_kernel):
    monkeypatch.setattr(cli.os, "access", lambda path, mode: False)
    with pytest.raises(SystemExit, match=r"pmed: The output .*x\.ipynb is not writable; choose another -o\."):
        main(["run", "01", "-o", str(tmp_path / "x.ipynb")])


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write into any folder")
def test_a_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    with pytest.raises(ValueError, match="is not writable"):
        check_output_path(folder / "x.ipynb", "run")


def test_good_input_reaches_papermill_with_typed_parameters(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(cli, "_execute", lambda path, output, params: calls.append((path.stem, output, params)))
    out = tmp_path / "Run.IPYNB"  # the suffix is compared without case
    assert main(["run", "01", "--ci", "-p", "seed", "7", "-p", "test_size", "1", "-o", str(out)]) == 0
    ci = nbformat.read(NOTEBOOKS["01_pipeline_at_a_glance"], as_version=4).metadata["pmed"]["ci_parameters"]
    assert calls == [("01_pipeline_at_a_glance", out.resolve(), {**ci, "seed": 7, "test_size": 1.0})]


def test_check_parameters_refuses_a_mapping_of_non_strings(no_kernel):
    with pytest.raises(TypeError, match="'parameters' parameter of check_parameters must map str names to str"):
        check_parameters(NOTEBOOKS["01_pipeline_at_a_glance"], {"seed": 7})
    with pytest.raises(ValueError, match="No notebook at"):
        check_parameters("nope.ipynb", {})


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


def test_argv_must_be_strings():
    with pytest.raises(TypeError, match=r"The 'argv' parameter of main must be a list of str; got \['run', 1\]\."):
        main(["run", 1])
