"""Reading files the tool does not trust: regular files only, measured before they are read.

A pipe would block forever, a device (``/dev/zero``) never ends and a folder cannot be read:
each is refused at once, before it is opened, whatever its name and whatever link leads to it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from contextlib import contextmanager
from pathlib import Path

from .i18n import _

MAX_HASHED = 256 * 2**20  # larger than any file a build reads or writes; a bigger one is never up to date
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)  # opening a pipe never blocks


class NotAFile(OSError):
    """Raised when a path names a folder, a pipe, a device… rather than a regular file."""

    def __init__(self, path: Path | str):
        super().__init__(errno.EINVAL, _("not a regular file (a folder, a pipe or a device)"), str(path))


class TooLarge(OSError):
    """Raised when a file is larger than what its reader accepts; ``size`` is its size in bytes."""

    def __init__(self, path: Path | str, size: int):
        super().__init__(errno.EFBIG, _("the file is too large"), str(path))
        self.size = size


@contextmanager
def _opened(path: Path | str, limit: int, follow: bool = True):
    if not stat.S_ISREG((os.stat if follow else os.lstat)(path).st_mode):  # a device is not even opened
        raise NotAFile(path)
    fd = os.open(path, _FLAGS | (0 if follow else getattr(os, "O_NOFOLLOW", 0)))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotAFile(path)
        if info.st_size > limit:
            raise TooLarge(path, info.st_size)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            yield fh
    finally:
        os.close(fd)


def read(path: Path | str, limit: int, *, follow: bool = True) -> bytes:
    """The bytes of a regular file of at most limit bytes; OSError (NotAFile, TooLarge…) otherwise.
    ``follow=False``: a symbolic link is NotAFile, whatever it leads to."""
    with _opened(path, limit, follow) as fh:
        return _whole(fh, path, limit, os.fstat(fh.fileno()).st_size)


def read_unchanged(path: Path | str, limit: int) -> tuple[bytes, os.stat_result | None]:
    """The bytes of a regular file as read() reads them, and its status if the file had that status (size,
    modification and change times) both before and after the read, else None."""
    with _opened(path, limit) as fh:
        before = os.fstat(fh.fileno())
        data = _whole(fh, path, limit, before.st_size)
        after = os.fstat(fh.fileno())
    same = (len(data), before.st_mtime_ns, before.st_ctime_ns) == (after.st_size, after.st_mtime_ns,
                                                                   after.st_ctime_ns)
    return data, after if same else None


def _whole(fh, path: Path | str, limit: int, size: int) -> bytes:
    """The rest of an open file of the given size, up to limit; TooLarge beyond it."""
    data = fh.read(size + 1)  # as much as measured: a buffer of limit bytes costs more than reading
    if len(data) > size:  # it grew since it was measured: the rest, up to the limit
        data += fh.read(limit + 1 - len(data))
    if len(data) > limit:
        raise TooLarge(path, len(data))
    return data


def sha256_file(path: Path | str, *, limit: int = MAX_HASHED, follow: bool = True) -> str | None:
    """The sha256 of a regular file's bytes, or None when it cannot be read, is not a regular file, is
    larger than limit, or (``follow=False``) is a symbolic link."""
    digest = hashlib.sha256()
    try:
        with _opened(path, limit, follow) as fh:
            for block in iter(lambda: fh.read(2**20), b""):
                digest.update(block)
    except (OSError, ValueError):  # ValueError: a NUL in the name
        return None
    return digest.hexdigest()
