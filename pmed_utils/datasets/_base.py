"""Where data files live, and a checksummed downloader.

Resolution order for the data folder (as scikit-learn and nilearn do): the
function's ``data_home`` argument, then the ``PMED_DATA`` environment variable,
then ``~/pmed_data``. Files that ship inside the package are read from the
package and verified by MD5 on load.
"""

from __future__ import annotations

import hashlib
import numbers
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pmed_utils._cache import data_folder
from pmed_utils.validation import Interval, validate_params

__all__ = [
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


class ChecksumError(OSError):
    """A file's MD5 differs from the published one (corrupt or truncated).

    An ``OSError``, so ``except OSError`` also catches it; the message names the
    file, both checksums and the fix.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "labels.csv"
    >>> _ = path.write_text("id,label\\n1,0\\n")
    >>> try:
    ...     verify_md5(path, "0" * 32, fix="Download it again.")
    ... except OSError as err:
    ...     print(type(err).__name__, "-", err)  # doctest: +ELLIPSIS
    ChecksumError - .../labels.csv is corrupt or incomplete: its MD5 is ..., expected 000...000. Download it again.
    >>> tmp.cleanup()
    """


class DataNotAvailableError(OSError):
    """A data file is neither cached nor downloadable (offline, or downloads disabled).

    Examples
    --------
    A file that is not cached, with downloads disabled: the message says where to
    get it and where to put it by hand.

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> remote = RemoteFile("scan.npz", "https://example.org/scan.npz", "0" * 32)
    >>> fetch_file(remote, tmp.name, download_if_missing=False)  # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
        ...
    pmed_utils.datasets._base.DataNotAvailableError: scan.npz is not in ... and download_if_missing=False.
    Download https://example.org/scan.npz by hand and place it at .../scan.npz (MD5 000...000).
    >>> tmp.cleanup()
    """


@dataclass(frozen=True)
class RemoteFile:
    """One remote data file: its name on disk, where to get it, its MD5.

    Examples
    --------
    The MedMNIST table holds one per file; :func:`fetch_file` takes one.

    >>> from pmed_utils.datasets import medmnist_files
    >>> remote = medmnist_files()[("dermamnist", 28)]
    >>> remote.filename, remote.md5
    ('dermamnist.npz', '0744692d530f8e62ec473284d019b0c7')
    >>> remote.url
    'https://zenodo.org/records/10519652/files/dermamnist.npz?download=1'
    """

    filename: str
    url: str
    md5: str


@validate_params({"data_home": ["path", None]})
def get_data_home(data_home: str | os.PathLike | None = None) -> Path:
    """Return the folder for downloaded data, creating it.

    Parameters
    ----------
    data_home : str or os.PathLike, optional
        The folder; None means ``$PMED_DATA``, else ``~/pmed_data``.

    Returns
    -------
    pathlib.Path
        The folder (``~`` expanded), which exists on return.

    Raises
    ------
    NotADirectoryError
        The path exists and is a file.

    Examples
    --------
    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> get_data_home(d) == Path(d)
    True
    """
    return data_folder(data_home)


@validate_params({"data_home": ["path", None]})
def clear_cache(data_home: str | os.PathLike | None = None) -> int:
    """Delete the cached simulations in ``<data folder>/cache`` (what ``cache=True`` stored).

    Parameters
    ----------
    data_home : str or os.PathLike, optional
        The data folder; None means ``$PMED_DATA``, else ``~/pmed_data``.

    Returns
    -------
    int
        Bytes freed (0 when there was no cache).

    Examples
    --------
    >>> import tempfile
    >>> clear_cache(tempfile.mkdtemp())
    0
    """
    folder = data_folder(data_home) / "cache"
    if not folder.is_dir():
        return 0
    freed = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    shutil.rmtree(folder)
    return freed


@validate_params({"path": ["path"], "chunk_size": [Interval(numbers.Integral, 1, None)]})
def md5_file(path: str | os.PathLike, chunk_size: int = 1 << 20) -> str:
    """MD5 hex digest of a file, read in chunks.

    Parameters
    ----------
    path : str or os.PathLike
        An existing file.
    chunk_size : int, default 1 MiB
        Bytes read at a time.

    Returns
    -------
    str
        32 lower-case hex digits.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "hello.txt"
    >>> _ = path.write_bytes(b"hello\\n")
    >>> md5_file(path)  # the same as `md5sum hello.txt`
    'b1946ac92492d2347c6235b4d2611184'
    >>> tmp.cleanup()
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"The 'path' parameter of md5_file must be an existing file; got {os.fspath(path)!r}.")
    digest = hashlib.md5()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


@validate_params({"path": ["path"], "expected_md5": ["str"], "fix": ["str"]})
def verify_md5(path: str | os.PathLike, expected_md5: str, *, fix: str = "") -> Path:
    """Raise :class:`ChecksumError` naming the file unless its MD5 matches.

    Parameters
    ----------
    path : str or os.PathLike
        An existing file.
    expected_md5 : str
        The published checksum (32 hex digits).
    fix : str, optional
        Replaces the default advice at the end of the error message.

    Returns
    -------
    pathlib.Path
        ``path``, when its MD5 matches.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = Path(tmp.name) / "hello.txt"
    >>> _ = path.write_bytes(b"hello\\n")
    >>> verify_md5(path, "b1946ac92492d2347c6235b4d2611184").name
    'hello.txt'
    >>> _ = path.write_bytes(b"hel")  # a truncated copy
    >>> verify_md5(path, "b1946ac92492d2347c6235b4d2611184")  # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
        ...
    pmed_utils.datasets._base.ChecksumError: .../hello.txt is corrupt or incomplete: its MD5 is ..., expected
    b1946ac92492d2347c6235b4d2611184. Delete it and fetch it again.
    >>> tmp.cleanup()
    """
    if len(expected_md5) != 32 or any(c not in "0123456789abcdefABCDEF" for c in expected_md5):
        raise ValueError(f"The 'expected_md5' parameter of verify_md5 must be 32 hex digits; got {expected_md5!r}.")
    path = Path(path)
    got = md5_file(path)
    if got != expected_md5.lower():
        raise ChecksumError(
            f"{path} is corrupt or incomplete: its MD5 is {got}, expected {expected_md5}. "
            + (fix or "Delete it and fetch it again.")
        )
    return path


@validate_params({})
def packaged_data_path(*parts: str) -> Path:
    """Path of a data file shipped inside ``pmed_utils/data``.

    Parameters
    ----------
    *parts : str
        Folder and file names below ``pmed_utils/data``.

    Returns
    -------
    pathlib.Path
        The file's path.

    Raises
    ------
    FileNotFoundError
        The file is missing; the message gives the fix.

    Examples
    --------
    >>> path = packaged_data_path("medmnist", "medmnist_files.csv")
    >>> path.is_file(), path.parent.name
    (True, 'medmnist')
    >>> path.read_text().splitlines()[0]
    'dataset,size,filename,url,md5'
    >>> packaged_data_path("medmnist", "no_such_file.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    FileNotFoundError: The packaged data file medmnist/no_such_file.csv is missing from ...
    """
    bad = [p for p in parts if not isinstance(p, str) or not p]
    if bad or not parts:
        raise TypeError(f"packaged_data_path takes one or more non-empty folder/file names (str); got {parts!r}.")
    path = Path(str(resources.files("pmed_utils").joinpath("data", *parts)))
    if not path.exists():
        raise FileNotFoundError(
            f"The packaged data file {'/'.join(parts)} is missing from {path.parent}; "
            "reinstall pmed (pip install -e .) from a complete checkout."
        )
    return path


@validate_params(
    {
        "remote": [RemoteFile],
        "data_home": ["path", None],
        "download_if_missing": ["boolean"],
        "subdir": ["str"],
        "timeout": [Interval(numbers.Real, 0, None, closed="neither")],
    }
)
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

    Parameters
    ----------
    remote : RemoteFile
        File name, URL and MD5.
    data_home : str or os.PathLike, optional
        The data folder (see :func:`get_data_home`).
    download_if_missing : bool, default True
        With False, a file that is not cached raises instead of downloading.
    subdir : str, optional
        A folder below the data folder, e.g. ``"medmnist"``.
    timeout : float, default 60
        Seconds to wait for the server.

    Returns
    -------
    pathlib.Path
        The verified local file.

    Raises
    ------
    DataNotAvailableError
        The file is not cached and cannot be downloaded; the message gives its
        URL and the folder to place it in by hand.
    ChecksumError
        The cached or downloaded file does not match its MD5.

    Examples
    --------
    A ``file://`` URL stands in for a web address (no network needed):

    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> source = Path(tmp.name) / "hello.txt"
    >>> _ = source.write_bytes(b"hello\\n")
    >>> remote = RemoteFile("hello.txt", source.as_uri(), "b1946ac92492d2347c6235b4d2611184")
    >>> cache = Path(tmp.name) / "cache"
    >>> path = fetch_file(remote, cache, subdir="demo")
    >>> path.relative_to(cache).as_posix(), path.read_bytes()
    ('demo/hello.txt', b'hello\\n')

    A second call finds the cached copy, re-verifies it and downloads nothing:

    >>> source.unlink()
    >>> fetch_file(remote, cache, subdir="demo") == path
    True

    A download whose MD5 does not match is not kept, not even as a partial file:

    >>> other = Path(tmp.name) / "other.txt"
    >>> _ = other.write_bytes(b"tampered\\n")
    >>> fetch_file(RemoteFile("other.txt", other.as_uri(), remote.md5), cache, subdir="demo")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    pmed_utils.datasets._base.ChecksumError: ...other.txt...part is corrupt ... The download from file://... is damaged...
    >>> sorted(p.name for p in (cache / "demo").iterdir())
    ['hello.txt']
    >>> tmp.cleanup()
    """
    folder = get_data_home(data_home) / subdir if subdir else get_data_home(data_home)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / remote.filename
    by_hand = f"Download {remote.url} by hand and place it at {target} (MD5 {remote.md5})."
    if target.exists():
        return verify_md5(target, remote.md5, fix=f"Delete it and run again, or: {by_hand}")
    if not download_if_missing:
        raise DataNotAvailableError(f"{remote.filename} is not in {folder} and download_if_missing=False. {by_hand}")
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{remote.filename}.", suffix=".part")
    os.close(fd)
    try:
        try:
            with urllib.request.urlopen(remote.url, timeout=timeout) as response, open(tmp_name, "wb") as out:
                shutil.copyfileobj(response, out)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise DataNotAvailableError(
                f"Could not download {remote.filename} from {remote.url} ({exc}). Are you offline? {by_hand}"
            ) from exc
        verify_md5(tmp_name, remote.md5, fix=f"The download from {remote.url} is damaged; try again, or: {by_hand}")
        os.replace(tmp_name, target)
    finally:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)
    return target
