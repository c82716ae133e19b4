"""The former import path of :mod:`pmed_utils.book.reports.streams`."""

from pmed_utils.book.reports.streams import apply_carriage_returns, merge_stream_outputs

__all__ = ["apply_carriage_returns", "merge_stream_outputs"]
