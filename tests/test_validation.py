import numpy as np
import pytest

from pmed_utils.validation import (
    check_binary_labels,
    check_choice,
    check_finite,
    check_in_range,
    check_same_length,
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
