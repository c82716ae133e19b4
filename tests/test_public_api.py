"""Every public function and class of pmed_utils: a numpydoc docstring with an Examples section, and type hints."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import pmed_utils


def _public_objects():
    for info in pkgutil.walk_packages(pmed_utils.__path__, "pmed_utils."):
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name, None)
            # Re-exports are checked where they are defined.
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__:
                yield f"{module.__name__}.{name}", obj


PUBLIC = dict(_public_objects())


def test_the_package_has_public_objects():
    assert len(PUBLIC) > 50


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_docstring_has_a_runnable_example(name: str):
    doc = inspect.getdoc(PUBLIC[name]) or ""
    assert doc.strip(), f"{name} has no docstring"
    assert "Examples\n--------" in doc and ">>> " in doc.split("Examples\n--------", 1)[1], (
        f"{name}: add an 'Examples' section with a doctest (see ../shared/STYLE.md)"
    )


@pytest.mark.parametrize("name", sorted(n for n, obj in PUBLIC.items() if inspect.isfunction(obj)))
def test_public_function_has_type_hints(name: str):
    signature = inspect.signature(PUBLIC[name])
    bare = [
        p.name
        for p in signature.parameters.values()
        if p.annotation is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    assert not bare, f"{name}: parameters without a type hint: {bare}"
    assert signature.return_annotation is not inspect.Signature.empty, f"{name}: no return type hint"
