"""Datasets: packaged real data, checksummed downloads, and data-folder resolution."""

from pmed_utils.datasets._base import (
    ChecksumError,
    DataNotAvailableError,
    RemoteFile,
    fetch_file,
    get_data_home,
    md5_file,
    packaged_data_path,
    verify_md5,
)
from pmed_utils.datasets.wdbc import WDBC_CITATION, load_wdbc

__all__ = [
    "WDBC_CITATION",
    "load_wdbc",
    "ChecksumError",
    "DataNotAvailableError",
    "RemoteFile",
    "fetch_file",
    "get_data_home",
    "md5_file",
    "packaged_data_path",
    "verify_md5",
]
