"""pyproject.toml and environment.yml list the same packages with the same ranges."""

from __future__ import annotations

import re

import tomllib
import yaml
from notebook_utils import REPO_ROOT
from packaging.requirements import Requirement

import pmed_utils

# PyPI name -> conda-forge name, where they differ.
CONDA_NAME = {"tensorflow-cpu": "tensorflow"}


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"]) + [r for extra in project["optional-dependencies"].values() for r in extra]
    out: dict[str, str] = {}
    for line in reqs:
        req = Requirement(line)
        name = CONDA_NAME.get(req.name.lower(), req.name.lower())
        spec = ",".join(sorted(str(s) for s in req.specifier))
        if name in out and out[name] != spec:
            raise AssertionError(f"pyproject lists {name} twice with different ranges: {out[name]} and {spec}")
        out[name] = spec
    return out


def _environment_requirements() -> dict[str, str]:
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    out: dict[str, str] = {}
    for dep in env["dependencies"]:
        if not isinstance(dep, str):
            continue
        match = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", dep.strip())
        name, spec = match.group(1).lower(), match.group(2).replace(" ", "")
        if name in {"python", "pip"}:
            continue
        out[name] = ",".join(sorted(s for s in spec.split(",") if s))
    return out


def test_pyproject_and_environment_yml_agree():
    py, conda = _pyproject_requirements(), _environment_requirements()
    assert set(py) == set(conda), (
        f"only in pyproject.toml: {sorted(set(py) - set(conda))}; "
        f"only in environment.yml: {sorted(set(conda) - set(py))}"
    )
    differ = {name: (py[name], conda[name]) for name in py if py[name] != conda[name]}
    assert not differ, f"version ranges differ (pyproject, environment.yml): {differ}"


def test_version_is_exposed():
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", pmed_utils.__version__)
