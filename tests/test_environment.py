"""pyproject.toml and environment.yml list the same packages with the same ranges."""

from __future__ import annotations

import re

import tomllib
import yaml
from notebook_utils import REPO_ROOT
from packaging.requirements import Requirement

import pmed_utils

# PyPI name -> conda-forge name, where they differ.
CONDA_NAME: dict[str, str] = {}
# The book toolchain: never a core dependency (the science installs without it).
BOOK_TOOLCHAIN = {
    "jupyter-book",
    "sphinxcontrib-mermaid",
    "sphinx-exercise",
    "jupytext",
    "papermill",
    "nbconvert",
    "pybtex",
    "ipykernel",
}


def _project() -> dict:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]


def _pyproject_requirements() -> dict[str, str]:
    project = _project()
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


def test_core_dependencies_leave_out_the_book_toolchain_and_tensorflow():
    project = _project()
    core = {Requirement(r).name.lower() for r in project["dependencies"]}
    assert not core & BOOK_TOOLCHAIN, f"book toolchain in the core dependencies: {sorted(core & BOOK_TOOLCHAIN)}"
    # Naming tensorflow (or tensorflow-cpu) would install a second TensorFlow over Colab's.
    assert not core & {"tensorflow", "tensorflow-cpu"}, "TensorFlow must come from the `tensorflow` extra"
    extras = project["optional-dependencies"]
    assert {Requirement(r).name.lower() for r in extras["book"]} == BOOK_TOOLCHAIN
    assert [Requirement(r).name for r in extras["tensorflow"]] == ["tensorflow"]
    assert {"pytest", "ruff", "mypy", "numpydoc", "nbqa", "pre-commit", "pytest-xdist", "playwright"} <= {
        Requirement(r).name.lower() for r in extras["dev"]
    }


def test_makefile_installs_the_cpu_wheel_with_the_extras_range():
    makefile = (REPO_ROOT / "Makefile").read_text()
    tf_range = re.search(r"^TF_RANGE := (.+)$", makefile, flags=re.M).group(1).strip()
    extra = Requirement(_project()["optional-dependencies"]["tensorflow"][0])
    assert sorted(tf_range.split(",")) == sorted(str(s) for s in extra.specifier)
    assert "tensorflow-cpu$(TF_RANGE)" in makefile
    assert "-e '.[$(EXTRAS)]'" in makefile and "EXTRAS := book,dev" in makefile


def test_requires_python_matches_environment_yml():
    from packaging.specifiers import SpecifierSet

    requires = SpecifierSet(_project()["requires-python"])
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    lower = re.search(r">=\s*([\d.]+)", python).group(1)
    assert f">={lower}" in {str(s) for s in requires}, (requires, python)
    assert "3.11" in requires and "3.10" not in requires
