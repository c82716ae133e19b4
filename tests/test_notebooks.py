"""Execute every notebook the book lists, with its CI parameters, and check its results.

Each notebook's front matter holds ``pmed.ci_parameters`` (injected by papermill)
and ``pmed.expected`` (``name: [low, high]``): every expected result must be
recorded with :func:`pmed_utils.record.record` and fall in its range, so that a
notebook that runs but computes nonsense fails.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from notebook_utils import NotebookFailed, execute_notebook, pmed_metadata, toc_notebooks

from pmed_utils.record import read_records

pytestmark = pytest.mark.notebook

NOTEBOOKS = toc_notebooks()
# TensorFlow C++ start-up lines, tqdm's missing-ipywidgets warning (pmed_utils._tensorflow, _progress) and
# tf.function retracing warnings when several models predict (pmed_utils.models.training.predict_in_batches)
LIBRARY_NOISE = (
    "absl::InitializeLog",
    "oneDNN custom operations",
    "cpu_feature_guard",
    "IProgress not found",
    "triggered tf.function retracing",
)
# Any C++ log line (absl/glog format: E0000 00:00:...) and any warning raised inside a third-party package.
LIBRARY_NOISE_LINE = re.compile(r"^[EWF]\d{4} \d\d:\d\d:|site-packages/.*: \w*Warning: ")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_runs_and_records_plausible_results(notebook: Path, executed_dir: Path, tmp_path: Path):
    meta = pmed_metadata(notebook)
    expected = dict(meta.get("expected", {}))
    # Notebooks write scratch files into their working folder: give them an empty one.
    try:
        output = execute_notebook(notebook, executed_dir / notebook.name, tmp_path / "work")
    except NotebookFailed as exc:
        pytest.fail(str(exc), pytrace=False)

    import nbformat

    executed = nbformat.read(output, as_version=4)
    figures = sum("image/png" in out.get("data", {}) for cell in executed.cells for out in cell.get("outputs", []))
    assert figures > 0, f"{notebook.name} ran but showed no figure (is MPLBACKEND set to a non-inline backend?)"
    noise = [
        line
        for cell in executed.cells
        for out in cell.get("outputs", [])
        if out.get("name") == "stderr"
        for line in out.get("text", "").splitlines()
        if any(m in line for m in LIBRARY_NOISE) or LIBRARY_NOISE_LINE.search(line)
    ]
    assert not noise, f"{notebook.name} shows library log lines or warnings a reader cannot act on:\n" + "\n".join(
        noise
    )
    records = read_records(output)
    assert records.get("ci") is True, (
        f"{notebook.name} must record('ci', ci) so the book can say when its numbers come from a CI run"
    )
    problems = []
    for name, (low, high) in expected.items():
        if name not in records:
            problems.append(f"{name}: not recorded")
            continue
        value = records[name]
        if not isinstance(value, (int, float)) or isinstance(value, bool) or math.isnan(value):
            problems.append(f"{name}: recorded {value!r}, expected a number")
        elif not low <= value <= high:
            problems.append(f"{name} = {value!r}, expected in [{low}, {high}]")
    assert not problems, f"{notebook.name} recorded implausible results:\n  " + "\n  ".join(problems)
