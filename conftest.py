"""Root pytest configuration: options must be registered here to be known at start-up."""

import os

import pytest

# Doctests in pmed_utils draw figures too: never open a window.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--executed-dir",
        default=None,
        help="Folder for notebooks executed by the notebook tests (default: a temporary folder). "
        "The browser test builds the book from the notebooks found there.",
    )
