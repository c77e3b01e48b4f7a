"""A file's sha256 remembered in the user cache: taken from it only while the file is unchanged, never for a file
just written."""

from __future__ import annotations

import hashlib
import os
import time

import pytest

from worksheet_gen import cache, filehash, files


@pytest.fixture
def user_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, str(tmp_path / "cache"))
    cache.reset()
    yield tmp_path / "cache"
    cache.reset()


def _sha256(path):
    data, info = files.read_unchanged(path, 2**20)
    return filehash.sha256(path, data, info)


def _kept(folder) -> list:
    return sorted(folder.glob(f"{filehash.KIND}-*")) if folder.exists() else []


def test_hash_kept_while_the_file_is_unchanged(tmp_path, user_cache, monkeypatch):
    path = tmp_path / "font.ttf"
    path.write_bytes(b"one" * 1000)
    assert _sha256(path) == hashlib.sha256(b"one" * 1000).hexdigest()
    assert _kept(user_cache) == []  # just written: its times may not yet tell this write from the next
    monkeypatch.setattr(filehash, "RECENT", -10**12)  # as if it had been written long ago
    assert _sha256(path) == hashlib.sha256(b"one" * 1000).hexdigest()
    [kept] = _kept(user_cache)
    monkeypatch.setattr(filehash, "hashlib", None)  # hashing now would fail: the kept hash is read
    assert _sha256(path) == hashlib.sha256(b"one" * 1000).hexdigest()
    monkeypatch.setattr(filehash, "hashlib", hashlib)
    kept.write_bytes(kept.read_bytes().replace(b'"value":"', b'"value":"0'))  # spoilt: hashed anew
    assert _sha256(path) == hashlib.sha256(b"one" * 1000).hexdigest()


@pytest.mark.parametrize("how", ["same-size-same-mtime", "replaced", "appended"])
def test_changed_file_is_hashed_again(tmp_path, user_cache, monkeypatch, how):
    """Rewritten in place with its modification time set back, replaced by another file, grown: hashed anew."""
    monkeypatch.setattr(filehash, "RECENT", -10**12)
    path = tmp_path / "font.ttf"
    path.write_bytes(b"one" * 1000)
    before = os.stat(path)
    assert _sha256(path) == hashlib.sha256(b"one" * 1000).hexdigest()
    assert len(_kept(user_cache)) == 1
    new = b"two" * 1000 if how != "appended" else b"one" * 1000 + b"!"
    time.sleep(0.05)  # past the clock tick of kernels that keep change times to it (before Linux 6.13: 1-10 ms)
    if how == "replaced":
        (tmp_path / "other").write_bytes(new)
        os.replace(tmp_path / "other", path)
    else:
        path.write_bytes(new)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the change time moves all the same
    assert _sha256(path) == hashlib.sha256(new).hexdigest()


def test_without_status_or_cache_the_bytes_are_hashed(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, "off")
    cache.reset()
    try:
        path = tmp_path / "f"
        path.write_bytes(b"x")
        data, info = files.read_unchanged(path, 10)
        assert filehash.sha256(path, data, None) == filehash.sha256(path, data, info) == hashlib.sha256(b"x").hexdigest()
    finally:
        cache.reset()


def test_read_unchanged_gives_the_status_of_what_it_read(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    data, info = files.read_unchanged(path, 10)
    assert data == b"abc" and info.st_size == 3 and info.st_ino == os.stat(path).st_ino
    with pytest.raises(files.TooLarge):
        files.read_unchanged(path, 2)
    with pytest.raises(files.NotAFile):
        files.read_unchanged(tmp_path, 10)


def test_not_kept_on_windows(tmp_path, user_cache, monkeypatch):
    """Windows' st_ctime is the creation time, which a write in place does not move: nothing is kept there."""
    monkeypatch.setattr(filehash, "RECENT", -10**12)
    monkeypatch.setattr(filehash.sys, "platform", "win32")
    path = tmp_path / "font.ttf"
    path.write_bytes(b"one" * 1000)
    assert _sha256(path) == hashlib.sha256(b"one" * 1000).hexdigest()
    assert _kept(user_cache) == []
