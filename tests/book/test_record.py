import math

import nbformat
import numpy as np
import pytest

from pmed_utils.book.record import read_records, record


def test_record_returns_python_scalars():
    assert type(record("x", np.float64(0.25))) is float
    assert type(record("n", np.int32(3))) is int


@pytest.mark.parametrize("bad", [float("nan"), np.inf, -math.inf])
def test_record_refuses_non_finite_numbers(bad):
    with pytest.raises(ValueError, match="finite"):
        record("auc", bad)


@pytest.mark.parametrize("name", ["with space", "dash-ed", "", 3])
def test_record_refuses_bad_names(name):
    with pytest.raises(ValueError, match="'name' parameter of record"):
        record(name, 1)


def test_read_records_round_trips_the_glue_outputs_of_a_real_kernel(tmp_path):
    """Execute a tiny notebook in a real kernel and read the glued values back."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import numpy as np\nfrom pmed_utils.book.record import record\n"
            "record('auc', np.float64(0.875))\nrecord('n', 12)\nrecord('ci', True)\n"
            "record('label', 'CEU')"
        )
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    path = tmp_path / "out.ipynb"
    nbformat.write(nb, path)
    assert read_records(path) == {"auc": 0.875, "n": 12, "ci": True, "label": "CEU"}


def test_read_records_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="No executed notebook"):
        read_records(tmp_path / "nope.ipynb")
