import warnings

import nbformat

from pmed_utils.book.reports import notebook_to_html


def test_report_shows_a_progress_bar_once_and_no_recorded_values(tmp_path):
    cell = nbformat.v4.new_code_cell("train()")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text=f"\rfit: {p:3d}%|bar| epochs") for p in (0, 50, 100)
    ] + [
        nbformat.v4.new_output("stream", name="stderr", text="\n"),
        nbformat.v4.new_output(
            "display_data",
            data={"application/papermill.record/text/plain": "0.93"},
            metadata={"scrapbook": {"name": "test_auc"}},
        ),
        nbformat.v4.new_output("stream", name="stdout", text="AUC 0.93\n"),
    ]
    executed = tmp_path / "run.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), executed)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # nbconvert warns on outputs it cannot show
        page = notebook_to_html(
            executed, tmp_path / "report.html", parameters={"seed": 1}, notebook_name="demo"
        ).read_text()
    assert page.count("fit: ") == 1 and "fit: 100%|bar| epochs" in page
    assert "AUC 0.93" in page and "papermill.record" not in page
    assert (
        nbformat.read(executed, as_version=4).cells[0].outputs[0]["text"].startswith("\rfit:   0%")
    )  # input untouched


def _notebook_with_parameters(tmp_path, source):
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]}))
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path


def test_report_shows_the_seed_the_notebook_ran_with(tmp_path):
    path = _notebook_with_parameters(tmp_path, "seed = 42  # random seed\nci = False\nn = 2 * 3")
    default = notebook_to_html(path, tmp_path / "a.html", parameters={}, notebook_name="00_nb").read_text()
    assert "Seed: <code>42</code> (the notebook's default)" in default
    assert "notebook default." not in default
    given = notebook_to_html(path, tmp_path / "b.html", parameters={"seed": 7}, notebook_name="00_nb").read_text()
    assert "Seed: <code>7</code>." in given and "notebook's default" not in given
    no_seed = _notebook_with_parameters(tmp_path, "ci = False")
    text = notebook_to_html(no_seed, tmp_path / "c.html", parameters={}, notebook_name="00_nb").read_text()
    assert "Seed: not set" in text
