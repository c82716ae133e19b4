"""Shared test set-up: isolation from the real home folder, Agg backend, options."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def executed_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where executed notebooks go (``--executed-dir``, else a temporary folder)."""
    option = request.config.getoption("--executed-dir")
    folder = Path(option).resolve() if option else tmp_path_factory.mktemp("executed")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test reads or writes the real home folder or the real data cache."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PMED_DATA", str(home / "pmed_data"))
    monkeypatch.setenv("MPLCONFIGDIR", str(home / ".matplotlib"))
    yield
