"""Datasets: packaged real data, checksummed downloads, and data-folder resolution."""

from pmed_utils.datasets._base import (
    ChecksumError,
    DataNotAvailableError,
    RemoteFile,
    clear_cache,
    fetch_file,
    get_data_home,
    md5_file,
    packaged_data_path,
    verify_md5,
)
from pmed_utils.datasets.book_scores import book_scores_record, load_book_scores
from pmed_utils.datasets.genotypes import HAPMAP3_CITATION, load_hapmap3
from pmed_utils.datasets.label_bias import simulate_proxy_diagnosis
from pmed_utils.datasets.linked import IMAGE_DATASETS, LinkedCohort, make_linked_cohort
from pmed_utils.datasets.medmnist import (
    MEDMNIST_CITATION,
    DatasetCard,
    MedMNISTData,
    binary_target,
    load_medmnist,
    medmnist_benchmark,
    medmnist_files,
)
from pmed_utils.datasets.stream import DEFAULT_DRIFTS, PatientStream, apply_scanner_shift, simulate_stream
from pmed_utils.datasets.wdbc import WDBC_CITATION, load_wdbc

__all__ = [
    "book_scores_record",
    "load_book_scores",
    "DEFAULT_DRIFTS",
    "PatientStream",
    "apply_scanner_shift",
    "simulate_stream",
    "HAPMAP3_CITATION",
    "load_hapmap3",
    "IMAGE_DATASETS",
    "LinkedCohort",
    "make_linked_cohort",
    "simulate_proxy_diagnosis",
    "MEDMNIST_CITATION",
    "DatasetCard",
    "MedMNISTData",
    "binary_target",
    "load_medmnist",
    "medmnist_benchmark",
    "medmnist_files",
    "WDBC_CITATION",
    "load_wdbc",
    "ChecksumError",
    "DataNotAvailableError",
    "RemoteFile",
    "clear_cache",
    "fetch_file",
    "get_data_home",
    "md5_file",
    "packaged_data_path",
    "verify_md5",
]
