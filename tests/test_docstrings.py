"""numpydoc sections on every public function, checked by ``numpydoc.validate``.

As scikit-learn's ``sklearn/tests/test_docstrings.py``: the checks below must
pass for every public function (Parameters that match the signature, a
Returns section, a summary line, an Examples section). Classes are checked for
a summary and examples; their fields are documented under Attributes.
"""

from __future__ import annotations

import inspect

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")

from test_public_api import PUBLIC  # noqa: E402

# GL08 no docstring, SS01/SS02/SS03 summary, PR01 parameter not documented,
# PR02 documented parameter not in the signature, PR03 wrong order,
# RT01 no Returns section, EX01 no Examples section.
FUNCTION_CHECKS = {"GL08", "SS01", "PR01", "PR02", "PR03", "RT01", "EX01"}
CLASS_CHECKS = {"GL08", "SS01", "EX01"}


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_numpydoc_sections(name: str):
    obj = PUBLIC[name]
    checks = CLASS_CHECKS if inspect.isclass(obj) else FUNCTION_CHECKS
    result = numpydoc_validate.validate(name)
    errors = [f"{code}: {message}" for code, message in result["errors"] if code in checks]
    assert not errors, f"{name}:\n" + "\n".join(errors)
