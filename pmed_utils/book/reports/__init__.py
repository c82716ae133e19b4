"""Reproducible reports: an executed notebook as one self-contained HTML file."""

from pmed_utils.book.reports.html import notebook_to_html, package_versions
from pmed_utils.book.reports.myst import myst_to_markdown
from pmed_utils.book.reports.streams import apply_carriage_returns, merge_stream_outputs

__all__ = ["notebook_to_html", "package_versions", "myst_to_markdown", "apply_carriage_returns", "merge_stream_outputs"]
