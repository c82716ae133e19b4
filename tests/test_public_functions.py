"""Every public function refuses bad input with a message that names its own parameter.

In the spirit of scikit-learn's ``sklearn/tests/test_public_functions.py``: each
public function declares its parameters' constraints with
:func:`pmed_utils.validation.validate_params`; this test feeds each parameter
values outside its constraints (other types, numbers just outside each
interval, NaN) while the others stay valid, and checks the error.
"""

from __future__ import annotations

import inspect

import pytest
from test_public_api import PUBLIC

from pmed_utils.validation import InvalidParameterError, invalid_values, valid_value

FUNCTIONS = {name: obj for name, obj in PUBLIC.items() if inspect.isfunction(obj)}


def _parameters(func) -> list[str]:
    return [
        p.name for p in inspect.signature(func).parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


def _cases():
    for name, func in sorted(FUNCTIONS.items()):
        constraints = getattr(func, "__pmed_constraints__", None)
        if constraints is None:
            continue
        for param in _parameters(func):
            for i, bad in enumerate(invalid_values(constraints[param])):
                yield pytest.param(name, param, bad, id=f"{name}-{param}-{i}")


CASES = list(_cases())


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_parameter_is_constrained(name: str):
    func = FUNCTIONS[name]
    constraints = getattr(func, "__pmed_constraints__", None)
    assert constraints is not None, f"{name}: decorate it with pmed_utils.validation.validate_params"
    missing = [p for p in _parameters(func) if p not in constraints]
    assert not missing, f"{name}: no constraints for {missing}"


def test_the_bad_input_cases_cover_the_package():
    # Every function with a parameter that can be given a wrong value gets cases
    # (a parameter that takes any object, or a function with none, cannot).
    checkable = {
        name
        for name, func in FUNCTIONS.items()
        if any(invalid_values(getattr(func, "__pmed_constraints__", {}).get(p, [object])) for p in _parameters(func))
    }
    assert {c.values[0] for c in CASES} == checkable
    assert len(checkable) > 0.8 * len(FUNCTIONS)


@pytest.mark.parametrize(("name", "param", "bad"), CASES)
def test_bad_value_is_refused_naming_the_parameter(name: str, param: str, bad):
    func = FUNCTIONS[name]
    constraints = func.__pmed_constraints__
    signature = inspect.signature(func)
    kwargs = {
        p.name: valid_value(constraints[p.name])
        for p in signature.parameters.values()
        if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    kwargs[param] = bad
    with pytest.raises(InvalidParameterError) as info:
        func(**kwargs)
    assert f"The '{param}' parameter of {func.__name__} must be" in str(info.value)
