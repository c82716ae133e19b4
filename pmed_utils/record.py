"""The notebooks' import path for :mod:`pmed_utils.book.record` (``from pmed_utils.record import record``)."""

from pmed_utils.book.record import is_hidden_record, read_records, record

__all__ = ["record", "read_records", "is_hidden_record"]
