"""The former import path of :mod:`pmed_utils.book.reports.myst`."""

from pmed_utils.book.reports.myst import (
    SUPPORTED_DIRECTIVES,
    SUPPORTED_ROLES,
    chapter_titles,
    myst_to_markdown,
    read_bibliography,
)

__all__ = ["myst_to_markdown", "read_bibliography", "chapter_titles", "SUPPORTED_ROLES", "SUPPORTED_DIRECTIVES"]
