"""Reproducible reports: an executed notebook as one self-contained HTML file."""

from pmed_utils.reports.html import notebook_to_html, package_versions

__all__ = ["notebook_to_html", "package_versions"]
