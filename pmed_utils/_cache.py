"""Results of slow, deterministic simulations kept on disk, so the next call reads them back.

The genomics chapters simulate the same cohort with the same seed; with ``cache=True``
the first chapter stores it in ``<data folder>/cache`` and the others load it in a
second instead of simulating again. An entry is keyed by the function and its
arguments, and is only used when it was written by the same pmed code and the same
versions of the libraries the result depends on: after any change it is computed
afresh and overwritten, so the cache never returns a result the code would not give.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import warnings
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# Libraries whose versions can change a simulated result.
_LIBRARIES = ("numpy", "pandas", "scipy", "msprime", "stdpopsim", "tskit")


@functools.cache
def code_fingerprint() -> str:
    """SHA-256 of pmed's Python sources and the versions of the libraries in ``_LIBRARIES``."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    for name in _LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{name}=={version}".encode())
    return digest.hexdigest()


def data_folder(data_home: str | os.PathLike | None = None) -> Path:
    """The data folder: ``data_home``, else ``$PMED_DATA``, else ``~/pmed_data``; created if missing.

    :func:`pmed_utils.datasets.get_data_home` is the public, validated form.
    """
    if data_home is None:
        data_home = os.environ.get("PMED_DATA") or Path.home() / "pmed_data"
    path = Path(data_home).expanduser()
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(
            f"The data folder {path} (from the 'data_home' parameter or $PMED_DATA) is a file; pass a folder."
        )
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_folder(data_home: str | os.PathLike | None = None) -> Path:
    """``<data folder>/cache`` (see :func:`data_folder`), created if missing."""
    folder = data_folder(data_home) / "cache"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cached_call(function: str, arguments: dict, compute: Callable[[], T]) -> T:
    """``compute()``, read from the cache when the same call was stored by the same code.

    Parameters
    ----------
    function : str
        Name of the function, the first part of the entry's file name.
    arguments : dict
        Every argument that changes the result, as JSON-serialisable values.
    compute : callable
        Computes the result (picklable) when there is no valid entry.

    Returns
    -------
    object
        The result, equal to ``compute()``.
    """
    key = hashlib.sha256(json.dumps(arguments, sort_keys=True).encode()).hexdigest()[:20]
    path = cache_folder() / f"{function}-{key}.pkl"
    fingerprint = code_fingerprint()
    if path.is_file():
        try:
            with path.open("rb") as handle:
                # The fingerprint is pickled first, so a stale entry is found without loading its result.
                if pickle.load(handle) == fingerprint:
                    return pickle.load(handle)
        except Exception as exc:  # noqa: BLE001  # an unreadable entry is recomputed, never trusted
            warnings.warn(
                f"The cached result {path} could not be read ({type(exc).__name__}: {exc}); computing it again.",
                RuntimeWarning,
                stacklevel=3,
            )
    result = compute()
    # Written under a temporary name and renamed, so a reader never sees half a file
    # (two notebooks running at once may both compute; the last rename wins, with equal content).
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        with partial.open("wb") as handle:
            pickle.dump(fingerprint, handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
    except OSError as exc:  # a full or read-only disk costs only the reuse
        partial.unlink(missing_ok=True)
        warnings.warn(f"Could not store the result in {path} ({exc}); it was not cached.", RuntimeWarning, stacklevel=3)
    return result
