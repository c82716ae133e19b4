"""Where data files live, and a checksummed downloader.

Resolution order for the data folder (as scikit-learn and nilearn do): the
function's ``data_home`` argument, then the ``PMED_DATA`` environment variable,
then ``~/pmed_data``. Files that ship inside the package are read from the
package and verified by MD5 on load.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = [
    "RemoteFile",
    "ChecksumError",
    "DataNotAvailableError",
    "get_data_home",
    "md5_file",
    "packaged_data_path",
    "verify_md5",
    "fetch_file",
]


class ChecksumError(OSError):
    """A file's MD5 differs from the published one (corrupt or truncated)."""


class DataNotAvailableError(OSError):
    """A data file is neither cached nor downloadable (offline, or downloads disabled)."""


@dataclass(frozen=True)
class RemoteFile:
    """One remote data file: its name on disk, where to get it, its MD5."""

    filename: str
    url: str
    md5: str


def get_data_home(data_home: str | os.PathLike | None = None) -> Path:
    """Return the folder for downloaded data, creating it.

    Examples
    --------
    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> get_data_home(d) == Path(d)
    True
    """
    if data_home is None:
        data_home = os.environ.get("PMED_DATA") or Path.home() / "pmed_data"
    path = Path(data_home).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def md5_file(path: str | os.PathLike, chunk_size: int = 1 << 20) -> str:
    """MD5 hex digest of a file, read in chunks."""
    digest = hashlib.md5()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_md5(path: str | os.PathLike, expected_md5: str, *, fix: str = "") -> Path:
    """Raise :class:`ChecksumError` naming the file unless its MD5 matches."""
    path = Path(path)
    got = md5_file(path)
    if got != expected_md5:
        raise ChecksumError(
            f"{path} is corrupt or incomplete: its MD5 is {got}, expected {expected_md5}. "
            + (fix or "Delete it and fetch it again.")
        )
    return path


def packaged_data_path(*parts: str) -> Path:
    """Path of a data file shipped inside ``pmed_utils/data``."""
    path = Path(str(resources.files("pmed_utils").joinpath("data", *parts)))
    if not path.exists():
        raise FileNotFoundError(
            f"The packaged data file {'/'.join(parts)} is missing from {path.parent}; "
            "reinstall pmed (pip install -e .) from a complete checkout."
        )
    return path


def fetch_file(
    remote: RemoteFile,
    data_home: str | os.PathLike | None = None,
    *,
    download_if_missing: bool = True,
    subdir: str = "",
    timeout: float = 60.0,
) -> Path:
    """Return the local path of ``remote``, downloading and verifying it if needed.

    A cached file is re-verified. A download goes to a temporary file in the
    same folder and is moved into place only once its MD5 matches, so that an
    interrupted download never leaves a half file under the final name.

    Raises
    ------
    DataNotAvailableError
        The file is not cached and cannot be downloaded; the message gives its
        URL and the folder to place it in by hand.
    ChecksumError
        The cached or downloaded file does not match its MD5.
    """
    folder = get_data_home(data_home) / subdir if subdir else get_data_home(data_home)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / remote.filename
    by_hand = f"Download {remote.url} by hand and place it at {target} (MD5 {remote.md5})."
    if target.exists():
        return verify_md5(target, remote.md5, fix=f"Delete it and run again, or: {by_hand}")
    if not download_if_missing:
        raise DataNotAvailableError(
            f"{remote.filename} is not in {folder} and download_if_missing=False. {by_hand}"
        )
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{remote.filename}.", suffix=".part")
    os.close(fd)
    try:
        try:
            with urllib.request.urlopen(remote.url, timeout=timeout) as response, open(tmp_name, "wb") as out:
                shutil.copyfileobj(response, out)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise DataNotAvailableError(
                f"Could not download {remote.filename} from {remote.url} ({exc}). "
                f"Are you offline? {by_hand}"
            ) from exc
        verify_md5(tmp_name, remote.md5, fix=f"The download from {remote.url} is damaged; try again, or: {by_hand}")
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)
    return target
