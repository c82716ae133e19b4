"""Execute every notebook the book lists, with its CI parameters, and check its results.

Each notebook's front matter holds ``pmed.ci_parameters`` (injected by papermill)
and ``pmed.expected`` (``name: [low, high]``): every expected result must be
recorded with :func:`pmed_utils.record.record` and fall in its range, so that a
notebook that runs but computes nonsense fails.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from pmed_utils.record import read_records
from notebook_utils import pmed_metadata, toc_notebooks

pytestmark = pytest.mark.notebook

NOTEBOOKS = toc_notebooks()
KERNEL = "pmed"


@pytest.fixture(scope="session")
def executed_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    option = request.config.getoption("--executed-dir")
    folder = Path(option).resolve() if option else tmp_path_factory.mktemp("executed")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _require_kernel() -> None:
    from jupyter_client.kernelspec import KernelSpecManager

    if KERNEL not in KernelSpecManager().find_kernel_specs():
        pytest.fail(
            f"The Jupyter kernel '{KERNEL}' is not registered. Run `make test` (it registers the "
            f"kernel into .venv) or: python -m ipykernel install --sys-prefix --name {KERNEL}"
        )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_runs_and_records_plausible_results(notebook: Path, executed_dir: Path, tmp_path: Path):
    import papermill as pm

    _require_kernel()
    meta = pmed_metadata(notebook)
    parameters = dict(meta.get("ci_parameters", {}))
    expected = dict(meta.get("expected", {}))
    output = executed_dir / notebook.name
    # Notebooks write scratch files into their working folder: give them an empty one.
    workdir = tmp_path / "work"
    workdir.mkdir()
    try:
        pm.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters,
            kernel_name=KERNEL,
            cwd=str(workdir),
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
        )
    except pm.PapermillExecutionError as exc:
        pytest.fail(
            f"{notebook.name} failed in cell {exc.cell_index} (execution count {exc.exec_count}).\n"
            f"--- cell source ---\n{exc.source}\n--- traceback ---\n"
            + "\n".join(exc.traceback),
            pytrace=False,
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
