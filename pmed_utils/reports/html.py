"""The former import path of :mod:`pmed_utils.book.reports.html`."""

from pmed_utils.book.reports.html import notebook_to_html, package_versions

__all__ = ["package_versions", "notebook_to_html"]
