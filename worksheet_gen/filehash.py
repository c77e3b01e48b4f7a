"""The sha256 of a file's bytes, remembered in the user cache for as long as the file stays unchanged.

Hashing the five font faces a build reads costs about 2.5 ms, their metrics not much more. A file
is unchanged while its device, inode, size, modification and change times are those it had when it
was hashed: any write moves its change time, which no program can set back. A file written within
the last RECENT seconds is hashed every time and its hash not kept, as the file system's clock may
not yet tell that write from a next one (git's "racily clean" files). Not on Windows, whose st_ctime is
the time the file was made: there the bytes are hashed every time.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import time
from pathlib import Path

from . import cache

KIND = "sha256"
RECENT = 2 * 10**9  # nanoseconds
_HEX = re.compile(r"[0-9a-f]{64}")


def _digest(value: object) -> str:
    if type(value) is not str or not _HEX.fullmatch(value):
        raise ValueError("not a sha256")
    return value


def sha256(path: Path, data: bytes, info: os.stat_result | None) -> str:
    """The sha256 of data, the bytes read from path, whose status was info throughout the read (None if not
    known): taken from the user cache when it was kept for that very status."""
    if info is None or sys.platform == "win32":  # Windows' st_ctime is the creation time: a write does not move it
        return hashlib.sha256(data).hexdigest()
    key = {"path": os.fsdecode(os.path.abspath(path)), "device": info.st_dev, "inode": info.st_ino,
           "size": info.st_size, "modified": info.st_mtime_ns, "changed": info.st_ctime_ns}
    known = cache.load(KIND, key, _digest)
    if known is not None:
        return known
    digest = hashlib.sha256(data).hexdigest()
    if time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) > RECENT:
        cache.store(KIND, key, digest)
    return digest
