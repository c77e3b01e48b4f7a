"""The user cache: plain data that is slow to compute (font metrics, QR matrices, hyphenation), kept between runs.

Files live in the user cache folder (``platformdirs``: ``~/.cache/worksheet-gen`` on Linux); the
environment variable ``WORKSHEET_GEN_CACHE`` names another folder, or ``off`` turns the cache off.
Each file is JSON named by a hash of everything its content depends on, and holds that key in full:
a file that is missing, unreadable, too large, not a regular file, written for another key or not
of the expected shape is ignored and written again. Nothing read is executed: callers pass a
validator that turns the JSON into their values or refuses it. A cache never changes the output bytes;
a failure to read or write one never fails a build.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Callable, TypeVar

from . import files

VERSION = 1
ENV = "WORKSHEET_GEN_CACHE"
MAX_BYTES = 16 * 2**20  # the largest file the cache writes is a few hundred KiB
T = TypeVar("T")
_folder: list[Path | None] = []  # computed once per process


def folder() -> Path | None:
    """The cache folder, or None when the cache is off."""
    if not _folder:
        value = os.environ.get(ENV)
        if value is not None and value.strip().lower() in ("off", "0", "no", "false", ""):
            _folder.append(None)
        elif value:
            _folder.append(Path(value).expanduser())
        else:
            try:
                import platformdirs

                _folder.append(Path(platformdirs.user_cache_dir("worksheet-gen", appauthor=False)))
            except Exception:  # no home folder…: no cache
                _folder.append(None)
    return _folder[0]


def reset() -> None:
    """Forget the folder computed from the environment (tests change it)."""
    _folder.clear()


def _path(kind: str, key: object) -> tuple[Path | None, str]:
    full = json.dumps({"kind": kind, "key": key, "cache": VERSION, "python": list(sys.version_info[:2])},
                      sort_keys=True)
    base = folder()
    if base is None:
        return None, full
    return base / f"{kind}-{hashlib.sha256(full.encode()).hexdigest()[:40]}.json", full


def load(kind: str, key: object, validate: Callable[[object], T]) -> T | None:
    """The value stored for key, as validate makes it (it raises ValueError, TypeError, KeyError… to refuse it);
    None when there is none, or none that validates."""
    path, full = _path(kind, key)
    if path is None:
        return None
    try:
        data = json.loads(files.read(path, MAX_BYTES))
        if not isinstance(data, dict) or data.get("key") != full:
            return None
        return validate(data["value"])
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError, OverflowError):
        return None


def store(kind: str, key: object, value: object) -> None:
    """Keep value (plain JSON data) for key, atomically; a failure (no room, no permission…) is ignored."""
    path, full = _path(kind, key)
    if path is None:
        return
    data = json.dumps({"key": full, "value": value}, separators=(",", ":"), ensure_ascii=False).encode()
    if len(data) > MAX_BYTES:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, data)
    except (OSError, ValueError):
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
