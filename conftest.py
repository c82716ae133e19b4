"""Root pytest configuration: options must be registered here to be known at start-up."""

import os

# Never open a window. Set the backend for this process only: an MPLBACKEND environment
# variable would also reach the notebook kernels and stop them from showing figures inline.
import matplotlib  # noqa: E402
import pytest

matplotlib.use("Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--executed-dir",
        default=None,
        help="Folder for notebooks executed by the notebook tests (default: a temporary folder). "
        "The browser test builds the book from the notebooks found there.",
    )


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure after each test and doctest (the plotting examples open figures)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
