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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the notebook tests first.

    They take 15-70 s each against well under a second for most unit tests, so with
    ``pytest -n 2`` starting them first leaves only short tests for the end, where one
    worker would otherwise sit idle while the other finishes a long notebook.
    """
    items.sort(key=lambda item: item.get_closest_marker("notebook") is None)
