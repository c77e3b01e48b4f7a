"""Writing into the output folder: atomic files, the folder's lock, what killed builds left behind.

Every file is written to a temporary file beside it, named ``.NAME.worksheet-gen-PID-XXXXXXXX.tmp``
(a name no person would choose, carrying the process that writes it), then renamed over NAME.
Only files of that form whose process is gone are ever cleaned up, and only by the process holding
the folder's lock (a lock on the folder itself, no file): two builds into one folder take turns.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

TEMP_TAG = "worksheet-gen"
_TEMP = re.compile(rf"^\..+\.{TEMP_TAG}-(\d+)-[^.]*\.tmp$")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to path through a temporary file and a rename, so readers never see half a file."""
    try:
        write_together({path: data})
    except Failed as exc:
        raise exc.error from None


class Failed(Exception):
    """Raised by write_together: the file that could not be written, and the system's error."""

    def __init__(self, path: Path, error: OSError):
        super().__init__(str(error))
        self.path, self.error = path, error


def _temporary(path: Path, data: bytes) -> str:
    """A temporary file beside path holding data (fsynced, with path's mode), for a rename onto path."""
    from . import later

    tempfile = later.tempfile()  # here: an up-to-date build writes nothing and need not pay for it

    try:
        mode = path.stat().st_mode & 0o777
    except (FileNotFoundError, NotADirectoryError):
        mode = 0o666 & ~_umask()
    prefix = f".{path.name[:120]}.{TEMP_TAG}-{os.getpid()}-"  # shortened: a long name must still fit in 255 bytes
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)  # mkstemp creates 0600 files
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_together(files: dict[Path, bytes]) -> None:
    """Replace every file with its data, or none of them (raises Failed): all are written to temporary
    files first (a full disk fails there), then renamed; a rename that fails puts back the files renamed
    before it (each kept until then through a hard link)."""
    temps: dict[Path, str] = {}
    kept: dict[Path, str | None] = {}  # the earlier file of each path replaced so far (None: there was none)
    try:
        for path, data in files.items():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                temps[path] = _temporary(path, data)
            except OSError as exc:
                raise Failed(path, exc) from exc
        for path, tmp in temps.items():
            try:
                old = None
                if len(files) > 1 and os.path.lexists(path):
                    old = tmp[:-4] + "-old.tmp"  # a name clean_temp knows: removed if a kill leaves it
                    try:
                        os.link(path, old, follow_symlinks=False)
                    except OSError:  # a system without hard links: this one cannot be put back
                        old = None
                os.replace(tmp, path)
                kept[path] = old
            except OSError as exc:
                if old is not None:
                    Path(old).unlink(missing_ok=True)
                for done, earlier in reversed(kept.items()):
                    try:
                        os.replace(earlier, done) if earlier else done.unlink()
                    except OSError:
                        pass  # the rest is still put back
                kept.clear()
                raise Failed(path, exc) from exc
    finally:
        for tmp in temps.values():
            Path(tmp).unlink(missing_ok=True)
        for old in kept.values():
            if old:
                Path(old).unlink(missing_ok=True)


def _running(pid: int) -> bool:
    """Whether a process of this number is running here (always True where that cannot be told)."""
    if os.name != "posix":
        return True  # os.kill would end it: left for a later build
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # OverflowError: a number no process can have
        return False
    except OSError:  # PermissionError: another user's process
        return True
    return True


def is_dir(path: Path) -> bool:
    """Whether path is a folder (False when it cannot be told: a name too long, no permission…)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def not_a_folder(out_dir: Path) -> Path | None:
    """The path that stands as a file (a device, a pipe…) where out_dir or a folder above it should be, if one
    does: nothing can be written there, so nothing is rendered for it."""
    path = Path(os.path.abspath(out_dir))
    for place in (path, *path.parents):
        try:
            if os.path.lexists(place):
                return None if is_dir(place) else place
        except (OSError, ValueError):
            return None
    return None


def clean_temp(out_dir: Path) -> None:
    """Remove the temporary files killed builds left behind: only the tool's own (regular files of that name),
    of a process that is gone; one that cannot be removed is left."""
    if not is_dir(out_dir):
        return
    for tmp in out_dir.iterdir():
        match = _TEMP.match(tmp.name)
        if match and not _running(int(match.group(1))):
            try:
                if stat.S_ISREG(tmp.lstat().st_mode):  # a folder or a link of that name is not the tool's
                    tmp.unlink()
            except OSError:  # gone meanwhile, or cannot be removed: harmless, left where it is
                pass


class Lock:
    """The lock of an output folder, taken on the folder itself: held while a build writes there;
    a second build waits for it. Where the system has no such lock (Windows), there is none.

    ``shared`` is for `build --check`, which only reads: it waits for a writing build to finish,
    and creates nothing when the folder does not exist.
    """

    def __init__(self, out_dir: Path, *, shared: bool = False, waiting: Callable[[], None] = lambda: None):
        self.folder, self.shared, self.waiting, self.fd = out_dir, shared, waiting, None

    def acquire(self) -> None:
        if self.fd is not None or fcntl is None:
            return
        if not self.shared:
            self.folder.mkdir(parents=True, exist_ok=True)
        try:
            self.fd = os.open(self.folder, os.O_RDONLY)
        except OSError:
            return  # check, and no build ever wrote here; or a folder this user cannot list: no lock
        mode = fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX
        try:
            fcntl.flock(self.fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            self.waiting()
            fcntl.flock(self.fd, mode)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing releases the lock
            self.fd = None

    def __enter__(self) -> Lock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
