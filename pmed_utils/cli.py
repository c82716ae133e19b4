"""The former import path of :mod:`pmed_utils.book.cli`, the ``pmed`` command (``python -m pmed_utils.cli``)."""

import sys

from pmed_utils.book.cli import check_output_path, check_parameters, find_notebooks, main, parse_value

__all__ = ["main", "find_notebooks", "parse_value", "check_parameters", "check_output_path"]

if __name__ == "__main__":
    sys.exit(main())
