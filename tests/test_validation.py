import numbers
import warnings

import numpy as np
import pandas as pd
import pytest

from pmed_utils.validation import (
    DegenerateInputWarning,
    Interval,
    InvalidParameterError,
    Options,
    PmedWarning,
    _accepts,
    check_binary_labels,
    check_choice,
    check_columns,
    check_finite,
    check_in_range,
    check_same_length,
    invalid_values,
    valid_value,
    validate_params,
    warn_degenerate,
)


def test_check_in_range_bounds():
    assert check_in_range(0, "maf_min", 0, 0.5) == 0.0
    with pytest.raises(ValueError, match=r"must be in \[0, 0.5\]; got 0.7"):
        check_in_range(0.7, "maf_min", 0, 0.5, func="filter_variants")
    with pytest.raises(ValueError, match=r"\(0, 1\)"):
        check_in_range(0, "h2", 0, 1, closed="neither")
    with pytest.raises(ValueError):
        check_in_range(float("nan"), "h2", 0, 1)
    with pytest.raises(TypeError, match="must be a number"):
        check_in_range("a", "h2", 0, 1)


def test_check_choice_lists_valid_values():
    with pytest.raises(ValueError, match="'a', 'b'; got 'c'"):
        check_choice("c", "name", ["a", "b"])


def test_check_finite_reports_count_and_position():
    with pytest.raises(ValueError, match=r"2 NaN or infinite value\(s\) \(first at index \(0, 1\)\)"):
        check_finite(np.array([[1, np.nan], [np.inf, 2]]), "images")


@pytest.mark.parametrize("good", [[0, 1], [True, False], np.array([[1], [0]]), [0.0, 1.0]])
def test_check_binary_labels_accepts_0_1(good):
    out = check_binary_labels(good)
    assert out.dtype == np.int8 and set(out.tolist()) <= {0, 1}


@pytest.mark.parametrize("bad", [[0, 2], [-1, 1], [0.5, 1], ["a", "b"], [np.nan, 1]])
def test_check_binary_labels_refuses_other_values(bad):
    with pytest.raises(ValueError, match="only 0 and 1"):
        check_binary_labels(bad)


def test_check_binary_labels_refuses_2d():
    with pytest.raises(ValueError, match="must be 1-D"):
        check_binary_labels(np.zeros((3, 2)))


def test_check_same_length():
    assert check_same_length(([1, 2], "a"), ([3, 4], "b")) == 2
    with pytest.raises(ValueError, match="a has 2 rows, b has 3"):
        check_same_length(([1, 2], "a"), ([1, 2, 3], "b"))


# --- validate_params and its constraints -------------------------------------------------


@validate_params(
    {
        "n": [Interval(numbers.Integral, 1, None)],
        "p": [Interval(numbers.Real, 0, 1, closed="neither")],
        "how": [Options({"mean", "drop"})],
        "x": ["array-like", None],
    }
)
def _toy(n, p=0.5, how="mean", x=None):
    return n, p, how, x


def test_validate_params_passes_valid_values_through():
    assert _toy(3, p=0.2, how="drop", x=[1, 2]) == (3, 0.2, "drop", [1, 2])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "The 'n' parameter of _toy must be an int in [1, inf); got 0."),
        ({"n": True}, "The 'n' parameter of _toy must be an int in [1, inf); got True."),
        ({"n": 2.0}, "The 'n' parameter of _toy must be an int in [1, inf); got 2.0."),
        ({"n": 1, "p": 1.0}, "The 'p' parameter of _toy must be a float in (0, 1); got 1.0."),
        ({"n": 1, "p": float("nan")}, "The 'p' parameter of _toy must be a float in (0, 1); got nan."),
        ({"n": 1, "how": "median"}, "The 'how' parameter of _toy must be one of 'drop', 'mean'; got 'median'."),
        (
            {"n": 1, "x": "abc"},
            "The 'x' parameter of _toy must be an array-like (list, tuple, numpy array or pandas "
            "object) or None; got 'abc'.",
        ),
    ],
)
def test_validate_params_message_names_function_parameter_allowed_and_received(kwargs, message):
    with pytest.raises(InvalidParameterError) as info:
        _toy(**kwargs)
    assert str(info.value) == message
    assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)


def test_validate_params_refuses_constraints_for_unknown_parameters():
    with pytest.raises(TypeError, match=r"no parameter named \['m'\]"):
        validate_params({"m": [None]})(lambda n: n)


def test_validate_params_keeps_name_doc_signature_and_constraints():
    import inspect

    assert _toy.__name__ == "_toy" and list(inspect.signature(_toy).parameters) == ["n", "p", "how", "x"]
    assert set(_toy.__pmed_constraints__) == {"n", "p", "how", "x"}


def test_random_state_constraint():
    @validate_params({"random_state": ["random_state"]})
    def draw(random_state=None):
        return random_state

    for ok in (None, 0, 5, np.int64(3), np.random.default_rng(0)):
        draw(ok)
    for bad in (-1, 1.5, True, "0", np.random.RandomState(0)):
        with pytest.raises(InvalidParameterError, match="'random_state' parameter of draw"):
            draw(bad)


@pytest.mark.parametrize(
    "constraints",
    [
        [Interval(numbers.Real, 0, 1)],
        [Interval(numbers.Integral, 1, 10, closed="left")],
        [Options({"a", "b"})],
        ["array-like", None],
        ["boolean"],
        ["random_state"],
        ["path"],
        [Interval(numbers.Real, 0, None), None],
    ],
)
def test_generated_values_are_invalid_and_valid_as_claimed(constraints):
    bad = invalid_values(constraints)
    assert bad, "at least one invalid value"
    assert not any(_accepts(c, v) for v in bad for c in constraints)
    assert any(_accepts(c, valid_value(constraints)) for c in constraints)


def test_interval_edges_follow_closed():
    closed_left = Interval(numbers.Integral, 1, 10, closed="left")
    assert closed_left.accepts(1) and not closed_left.accepts(10) and 10 in invalid_values([closed_left])


def test_check_columns_lists_missing():
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['pos', 'id'\]"):
        check_columns(pd.DataFrame({"chrom": [1]}), "variants", ["chrom", "pos", "id"], func="ld_prune")


def test_warn_degenerate_points_at_the_callers_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_degenerate("f", "no cases")  # this file is outside pmed_utils: the warning points here
    assert caught[0].category is DegenerateInputWarning and issubclass(DegenerateInputWarning, PmedWarning)
    assert caught[0].filename == __file__


def test_check_covariates_names_shapes_and_refusals():
    from pmed_utils.validation import check_covariates

    values, names = check_covariates(np.array([1.0, 2.0]))
    assert values.shape == (2, 1) and names == ["x0"]
    with pytest.raises(
        ValueError, match=r"'Z' parameter of f must be 2-D with at least one column; got shape \(2, 0\)"
    ):
        check_covariates(np.zeros((2, 0)), "Z", func="f")
    with pytest.raises(ValueError, match="NaN or infinite"):
        check_covariates(pd.DataFrame({"a": [1.0, np.nan]}), func="f")
