"""The former import path of :mod:`pmed_utils.book.reports` (HTML reports of executed notebooks)."""

from pmed_utils.book.reports import (
    apply_carriage_returns,
    merge_stream_outputs,
    myst_to_markdown,
    notebook_to_html,
    package_versions,
)

__all__ = ["notebook_to_html", "package_versions", "myst_to_markdown", "apply_carriage_returns", "merge_stream_outputs"]
