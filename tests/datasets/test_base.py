import hashlib
from pathlib import Path

import pytest

from pmed_utils.datasets import (
    ChecksumError,
    DataNotAvailableError,
    RemoteFile,
    fetch_file,
    get_data_home,
    md5_file,
)


def _remote(tmp_path: Path, payload: bytes = b"hello pmed\n", md5: str | None = None) -> RemoteFile:
    source = tmp_path / "server" / "data.bin"
    source.parent.mkdir()
    source.write_bytes(payload)
    return RemoteFile("data.bin", source.as_uri(), md5 or hashlib.md5(payload).hexdigest())


def test_data_home_order(tmp_path, monkeypatch):
    monkeypatch.setenv("PMED_DATA", str(tmp_path / "env"))
    assert get_data_home(tmp_path / "arg") == tmp_path / "arg"
    assert get_data_home() == tmp_path / "env"
    monkeypatch.delenv("PMED_DATA")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert get_data_home() == tmp_path / "home" / "pmed_data"


def test_fetch_downloads_verifies_and_caches(tmp_path):
    remote = _remote(tmp_path)
    path = fetch_file(remote, tmp_path / "cache")
    assert path.read_bytes() == b"hello pmed\n" and md5_file(path) == remote.md5
    (tmp_path / "server" / "data.bin").unlink()  # the cached copy is used from now on
    assert fetch_file(remote, tmp_path / "cache") == path
    assert not list((tmp_path / "cache").glob("*.part"))


def test_bad_download_checksum_leaves_no_file(tmp_path):
    remote = _remote(tmp_path, md5="0" * 32)
    with pytest.raises(ChecksumError, match="data.bin"):
        fetch_file(remote, tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []


def test_corrupt_cached_file_is_named(tmp_path):
    remote = _remote(tmp_path)
    path = fetch_file(remote, tmp_path / "cache")
    path.write_bytes(b"truncated")
    with pytest.raises(ChecksumError, match=r"data\.bin is corrupt"):
        fetch_file(remote, tmp_path / "cache")


def test_offline_error_names_file_url_and_folder(tmp_path):
    remote = RemoteFile("x.npz", (tmp_path / "missing" / "x.npz").as_uri(), "0" * 32)
    with pytest.raises(DataNotAvailableError) as info:
        fetch_file(remote, tmp_path / "cache")
    message = str(info.value)
    assert "x.npz" in message and remote.url in message and str(tmp_path / "cache") in message


def test_download_if_missing_false(tmp_path):
    remote = _remote(tmp_path)
    with pytest.raises(DataNotAvailableError, match="download_if_missing=False"):
        fetch_file(remote, tmp_path / "cache", download_if_missing=False)


def test_fetcher_paths_and_checksums_are_checked(tmp_path, monkeypatch):
    from pmed_utils.datasets import packaged_data_path, verify_md5

    a_file = tmp_path / "not_a_folder"
    a_file.write_text("x")
    with pytest.raises(NotADirectoryError, match="not_a_folder .*is a file"):
        get_data_home(a_file)
    monkeypatch.setenv("PMED_DATA", str(a_file))
    with pytest.raises(NotADirectoryError, match=r"\$PMED_DATA"):
        fetch_file(_remote(tmp_path))
    with pytest.raises(FileNotFoundError, match="'path' parameter of md5_file must be an existing file"):
        md5_file(tmp_path / "missing.bin")
    with pytest.raises(ValueError, match="'expected_md5' parameter of verify_md5 must be 32 hex digits; got 'abc'"):
        verify_md5(a_file, "abc")
    with pytest.raises(TypeError, match="packaged_data_path takes one or more non-empty"):
        packaged_data_path()
    with pytest.raises(ValueError, match=r"'timeout' parameter of fetch_file must be a float in \(0, inf\)"):
        fetch_file(RemoteFile("a.bin", "file:///nowhere/a.bin", "0" * 32), tmp_path, timeout=0)
