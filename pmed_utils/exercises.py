"""The notebooks' import path for :mod:`pmed_utils.book.exercises` (``from pmed_utils.exercises import check``)."""

from pmed_utils.book.exercises import CheckResult, check, list_exercises

__all__ = ["CheckResult", "check", "list_exercises"]
