"""The user cache: plain data that is slow to compute (font metrics, QR matrices, hyphenation), kept between runs.

Files live in the user cache folder (``platformdirs``: ``~/.cache/worksheet-gen`` on Linux); the
environment variable ``WORKSHEET_GEN_CACHE`` names another folder, or ``off`` turns the cache off.
Each file is JSON (``.json``), or a line of JSON followed by bytes (``.bin``), named by a hash of
everything its content depends on, and holds that key in full.
Its first line is an HMAC-SHA256 of the rest under a secret of this user's, ``cache.key`` in the user
data folder (``~/.local/share/worksheet-gen`` on Linux), never in the cache folder: a file this user's
tool did not write (restored, shared, forged) is ignored and written again, like one that is missing,
unreadable, too large, not a regular file, written for another key or not of the expected shape.
Nothing read is executed: callers pass a validator that turns the JSON into their values or refuses it.
The cache never grows without end: when a run writes to a folder holding more than MAX_FILES of its files, the
oldest written are removed, down to KEPT_FILES (only regular files named as this module names them).
A key file that cannot be trusted (a link, not a regular file, not 32 bytes, unreadable, another
user's or readable by others) or that lies inside the cache folder turns the cache off for the run. A cache never changes the output bytes; a failure to read
or write one never fails a build.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path

from . import files

VERSION = 2  # 2: signed files
ENV = "WORKSHEET_GEN_CACHE"
KEY_FILE = "cache.key"
KEY_BYTES = 32
MAX_BYTES = 16 * 2**20  # the largest file the cache writes is a few hundred KiB
MAX_FILES = 4000  # a cache holding more (a QR code per web address ever built…) loses its oldest files
KEPT_FILES = 3000  # what pruning leaves
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (2.9 ms)
if TYPE_CHECKING:
    from typing import TypeVar

    T = TypeVar("T")
_state: list[tuple[Path, bytes] | None] = []  # (folder, secret), computed once per process
_cleaned: set[Path] = set()  # the folders this process removed killed builds' temporary files from


def _app_dir(kind: str) -> Path:
    from . import later

    later.tempfile()  # platformdirs imports it
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")("worksheet-gen", appauthor=False))


def _chosen_folder() -> Path | None:
    value = os.environ.get(ENV)
    if value is not None and value.strip().lower() in ("off", "0", "no", "false", ""):
        return None
    try:
        return Path(value).expanduser() if value else _app_dir("cache")
    except Exception:  # no home folder…: no cache
        return None


def key_path() -> Path | None:
    """Where this user's cache secret is kept (the user data folder), or None when there is none."""
    try:
        return _app_dir("data") / KEY_FILE
    except Exception:
        return None


def _inside(path: Path, base: Path) -> bool:
    try:
        path, base = Path(os.path.realpath(path)), Path(os.path.realpath(base))
    except (OSError, ValueError, RuntimeError):
        return True
    return path == base or base in path.parents


def _secret(path: Path) -> bytes | None:
    """The secret kept in path, made there (mode 0600) when nothing is; None when what is there cannot be trusted."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        _make_secret(path)
    except (OSError, ValueError):
        return None
    try:
        data = files.read(path, KEY_BYTES, follow=False)  # a link, a pipe, a folder…: NotAFile, never opened
        info = os.lstat(path)
    except (OSError, ValueError):
        return None
    if len(data) != KEY_BYTES or not stat.S_ISREG(info.st_mode):
        return None
    if hasattr(os, "geteuid") and (info.st_uid != os.geteuid() or info.st_mode & 0o077):
        return None  # another user's, or one others may read or replace: not a secret
    return data


def _make_secret(path: Path) -> None:
    """Write a new random secret at path unless something is there already (another process won the race)."""
    import secrets
    import tempfile

    secret = secrets.token_bytes(KEY_BYTES)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{KEY_FILE}.", suffix=".tmp", dir=path.parent)  # mode 0600
    except (OSError, ValueError):
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secret)
            fh.flush()
            os.fsync(fh.fileno())  # a secret torn by a crash would turn the cache off until deleted
        try:
            os.link(tmp, path)  # whole or absent: never replaces what is there
        except FileExistsError:
            pass
        except OSError:  # no hard links here (FAT, some shares): made in place, a reader may find it short once
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                                   0o600), "wb") as fh:
                fh.write(secret)
    except OSError:
        pass
    finally:
        Path(tmp).unlink(missing_ok=True)


def _active() -> tuple[Path, bytes] | None:
    if not _state:
        base = _chosen_folder()
        key = key_path() if base is not None else None
        # a secret inside the cache folder would come along with a copy of it: none then
        secret = _secret(key) if key is not None and not _inside(key, base) else None
        _state.append((base, secret) if secret is not None else None)
    return _state[0]


def folder() -> Path | None:
    """The cache folder, or None when the cache is off (asked for, or no trustworthy secret)."""
    state = _active()
    return state[0] if state else None


def reset() -> None:
    """Forget the folder and secret computed from the environment (tests change it)."""
    _state.clear()
    _cleaned.clear()


def _path(kind: str, key: object, suffix: str) -> tuple[tuple[Path, bytes] | None, str]:
    full = json.dumps({"kind": kind, "key": key, "cache": VERSION, "python": list(sys.version_info[:2])},
                      sort_keys=True)
    state = _active()
    if state is None:
        return None, full
    base, secret = state
    return (base / f"{kind}-{hashlib.sha256(full.encode()).hexdigest()[:40]}{suffix}", secret), full


def _mac(secret: bytes, body: bytes) -> bytes:
    return hmac.new(secret, body, hashlib.sha256).hexdigest().encode("ascii")


def load(kind: str, key: object, validate: Callable[[object], T]) -> T | None:
    """The value stored for key, as validate makes it (it raises ValueError, TypeError, KeyError… to refuse it);
    None when there is none, or none that this user's tool wrote and that validates."""
    return _load(kind, key, ".json", lambda value, blob: validate(value) if not blob else None)


def load_blob(kind: str, key: object, validate: Callable[[object, memoryview], T]) -> T | None:
    """What store_blob kept for key, as validate makes it from the value and the blob; None as load() says."""
    return _load(kind, key, ".bin", validate)


def _load(kind: str, key: object, suffix: str, validate: Callable[[object, memoryview], T]) -> T | None:
    where, full = _path(kind, key, suffix)
    if where is None:
        return None
    path, secret = where
    try:
        mac, newline, body = files.read(path, MAX_BYTES).partition(b"\n")
        if not newline or not hmac.compare_digest(mac, _mac(secret, body)):
            return None
        head, _, blob = body.partition(b"\n")  # JSON escapes its line breaks: the first one ends it
        data = json.loads(head)
        if not isinstance(data, dict) or data.get("key") != full:
            return None
        return validate(data["value"], memoryview(blob))
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError, OverflowError):
        return None


def store(kind: str, key: object, value: object) -> None:
    """Keep value (plain JSON data) for key, signed, atomically; a failure (no room, no permission…) is ignored."""
    _store(kind, key, ".json", value, b"")


def store_blob(kind: str, key: object, value: object, blob: bytes) -> None:
    """Keep value (plain JSON data) and blob (bytes) for key, signed, atomically, as store() does."""
    _store(kind, key, ".bin", value, blob)


def _store(kind: str, key: object, suffix: str, value: object, blob: bytes) -> None:
    where, full = _path(kind, key, suffix)
    if where is None:
        return
    path, secret = where
    body = json.dumps({"key": full, "value": value}, separators=(",", ":"), ensure_ascii=False).encode()
    if blob:
        body += b"\n" + blob
    data = _mac(secret, body) + b"\n" + body
    if len(data) > MAX_BYTES:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, data)
    except (OSError, ValueError):
        return
    if path.parent not in _cleaned:  # once per process: a cold build writes a dozen files
        from .output import clean_temp

        _cleaned.add(path.parent)
        clean_temp(path.parent)  # what builds killed while they wrote here left
        prune(path.parent)


def prune(base: Path, most: int = MAX_FILES, kept: int = KEPT_FILES) -> None:
    """When base holds more than ``most`` cache files, remove the oldest written down to ``kept``: only regular
    files named as _path() names them (never a link, a folder or another program's file); failures are ignored."""
    import re

    named = re.compile(r"[a-z0-9]+-[0-9a-f]{40}\.(?:json|bin)")
    try:
        with os.scandir(base) as entries:
            found = [e for e in entries if named.fullmatch(e.name) and e.is_file(follow_symlinks=False)]
    except OSError:
        return
    if len(found) <= most:
        return
    aged = []
    for entry in found:
        try:
            aged.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.name))
        except OSError:  # gone meanwhile
            pass
    for _, name in sorted(aged)[: max(0, len(aged) - kept)]:
        try:
            os.unlink(base / name)
        except OSError:
            pass


def _write(path: Path, data: bytes) -> None:
    """Write through a temporary file and a rename (no fsync: a torn file is refused when read)."""
    import tempfile

    from .output import TEMP_TAG

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{TEMP_TAG}-{os.getpid()}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)  # replaces a link in its place, never the file it points to
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
