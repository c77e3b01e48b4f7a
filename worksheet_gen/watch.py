"""`worksheet-gen watch`: build, then build again what each save changes, until Ctrl-C.

The files are watched with watchfiles (inotify, FSEvents or ReadDirectoryChangesW, with a polling
fallback): the sources' folders, where pictures, rosters and pack files live too. Each batch of
changes runs the same incremental build as `worksheet-gen build`, whose manifest finds what the
saves changed (a fiche, a picture it draws, a roster or a fiche a pack takes). So a broken source
keeps its last good PDFs and prints its errors as a build does, every PDF is written atomically
(a viewer that reloads never sees half a file), and a PDF that cannot be replaced (held open on
Windows) is reported, then written at the next save. The process stays warm: reportlab, the fonts
and the hyphenation are loaded once, and a fiche's two PDFs render side by side on two cores.
"""

from __future__ import annotations

import itertools
import os
import stat
import threading
import time
from pathlib import Path
from typing import Callable

from .i18n import _, render

from .output import TEMP_TAG
from .quickdc import dataclass


@dataclass(frozen=True)
class Target:
    """What a watch builds: the command line's sources, the output folder and the build's options."""

    paths: tuple[str, ...]
    sources_dir: Path
    out_dir: Path
    profile: str | None = None


def roots(target: Target) -> list[Path]:
    """The folders to watch: each named folder, the folder of each named file, else the sources folder."""
    found = []
    for raw in target.paths or (str(target.sources_dir),):
        path = Path(raw)
        found.append((path if path.is_dir() or not path.exists() else path.parent).resolve())
    return sorted(set(found))


def relevant(out_dir: Path) -> Callable[[object, str], bool]:
    """A watchfiles filter: the files a build reads, that is sources and pack files (*.yaml, *.yml), pictures
    (*.png, *.jpg, *.jpeg), class lists (*.csv) and any other file the last build read (a roster of another
    name, as its manifest records it), and folders (one moved in may hold some); not what a build writes
    (the output folder, temporary files), nor editors' own files (swap files, backups, lock links, `sed -i`'s
    sedXXXXXX), nor any other file (notes.txt)."""
    from .media import IMAGE_SUFFIXES
    from .sources import SUFFIXES, hidden

    out = os.path.normcase(str(out_dir.resolve()))
    suffixes = SUFFIXES + IMAGE_SUFFIXES + (".csv",)
    read = _read_by_build(out_dir)

    def keep(change, path: str) -> bool:
        name = os.path.basename(path)
        if os.path.normcase(path) == out or os.path.normcase(path).startswith(out + os.sep):
            return False
        if f".{TEMP_TAG}-" in name or hidden(name) or name.endswith(("~", ".swp", ".swx", ".tmp")):
            return False
        if "__pycache__" in path or f"{os.sep}.git{os.sep}" in path:
            return False
        return name.lower().endswith(suffixes) or os.path.normcase(path) in read() or os.path.isdir(path)

    return keep


def _read_by_build(out_dir: Path) -> Callable[[], set[str]]:
    """The files the last build read, from its manifest in out_dir (read again when it changes): a function."""
    from .manifest import NAME, Manifest

    seen: list = [None, set()]  # the manifest's (inode, size, mtime) when read, what it names

    def read() -> set[str]:
        try:
            info = os.stat(out_dir / NAME)
            stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
        except OSError:
            stamp = None
        if stamp != seen[0]:
            manifest = Manifest.load(out_dir)
            seen[:] = [stamp, {os.path.normcase(os.path.normpath(manifest.abs(rel)))
                               for entry in manifest.entries.values() for rel in entry["deps"]}]
        return seen[1]

    return read


def warm(profile: str | None) -> None:
    """Load what a render needs once, before the first save: reportlab, the fonts and the hyphenation."""
    from . import profiles, render  # noqa: F401
    from .layout.styles import Styles

    for name in profiles.NAMES if profile is None else (profile,):
        Styles("fr", profiles.choose(name, None))


def run(target: Target, build_once: Callable[[], int], *, debounce_ms: int = 50, echo: Callable[[str], None] = print,
        stop: threading.Event | None = None) -> int:
    """Build, then build again after each batch of changes until Ctrl-C (or stop is set); 0 when stopped.

    The first build runs once the watcher is up (its first, empty, answer), so that no save is lost
    between the two; "watching" is printed when it is done. A watched folder deleted (or replaced by
    another of its name: a `git checkout`, a copy from a USB key) is said once; the watch waits for it,
    then watches the one that is there and builds."""
    folders, first = roots(target), True
    try:
        while True:
            gone = _watch(target, folders, build_once, debounce_ms, echo, stop, first)
            if gone is None:
                break
            first = False
            if not _back(folders, stop, echo, gone):
                break
    except KeyboardInterrupt:
        pass
    echo(render(_("stopped watching")))
    return 0


def _watch(target: Target, folders: list[Path], build_once: Callable[[], int], debounce_ms: int,
           echo: Callable[[str], None], stop: threading.Event | None, first: bool) -> list[Path] | None:
    """Watch folders as they are now, building after each batch, until stopped (None) or until one of them is
    gone or replaced: the folders missing then (none if replaced)."""
    import watchfiles

    started, seen = False, _identities(folders)

    def watching(recursive: bool):
        return watchfiles.watch(*folders, watch_filter=relevant(target.out_dir), debounce=debounce_ms,
                                step=min(debounce_ms, 10), stop_event=stop, raise_interrupt=True, rust_timeout=100,
                                yield_on_timeout=True, recursive=recursive)

    batches = watching(True)
    try:
        first_batch = next(batches)
    except OSError as exc:  # a subfolder (a link to /proc, to /) cannot be watched: the sources still are
        echo(render(_("{time} the subfolders of {folders} cannot be watched ({reason}): only the files right in "
                      "it are").format(time=time.strftime("%H:%M:%S"), folders=", ".join(_shown(f) for f in folders),
                                       reason=_reason(exc))))
        batches = watching(False)
        first_batch = next(batches)
    except StopIteration:
        return None
    for changes in itertools.chain([first_batch], batches):
        if _identities(folders) != seen:  # the watcher follows the folder it was given, wherever it went
            batches.close()
            return [folder for folder in folders if not folder.is_dir()]
        if not started:
            started = True
            _guarded(build_once, echo)
            if first:
                warm(target.profile)
                echo(render(_("watching {folders} (Ctrl-C to stop)").format(
                    folders=", ".join(_shown(f) for f in folders))))
            continue
        if not changes:
            continue
        for said, names in _batch(changes):
            echo(render(said.format(time=time.strftime("%H:%M:%S"),
                                    names=", ".join(names[:5]) + (" …" if len(names) > 5 else ""))))
        _guarded(build_once, echo)
    return None


def _reason(exc: OSError) -> str:
    """Why the watcher refused, in the user's words where the system gave an errno (its own words are English)."""
    from .errors import os_reason

    if exc.errno is None and isinstance(exc, PermissionError):
        exc = PermissionError(13, "Permission denied")
    return render(os_reason(exc))


def _identities(folders: list[Path]) -> list:
    """Which folder each path names now (device and inode), None for a path that names no folder."""
    found = []
    for folder in folders:
        try:
            info = os.stat(folder)
            found.append((info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None)
        except OSError:
            found.append(None)
    return found


def _back(folders: list[Path], stop: threading.Event | None, echo: Callable[[str], None], gone: list[Path]) -> bool:
    """Wait for the folders gone to be back (said once, then when they are): True; False if stop was set."""
    now = time.strftime("%H:%M:%S")
    for folder in gone:
        echo(render(_("{time} the folder {folder} is gone: the build waits for it to be back").format(
            time=now, folder=_shown(folder))))
    while not all(folder.is_dir() for folder in folders):
        if stop is not None and stop.is_set():
            return False
        time.sleep(0.1)
    for folder in gone:
        echo(render(_("{time} the folder {folder} is back").format(time=time.strftime("%H:%M:%S"),
                                                                   folder=_shown(folder))))
    return True


def _batch(changes) -> list:
    """What a batch of changes did, as the watch says it: the files changed, then those removed. A file is
    removed when it is gone once the batch is over (an editor's save may delete it, then write it again)."""
    paths = {Path(path) for _change, path in changes}
    gone = {path for path in paths if not os.path.lexists(path)}
    return [(said, sorted(_shown(path) for path in group))
            for said, group in ((_("{time} changed: {names}"), paths - gone), (_("{time} removed: {names}"), gone))
            if group]


def _guarded(build_once: Callable[[], int], echo: Callable[[str], None]) -> None:
    """One build; whatever it raises is said, and the watch goes on (the next save builds again)."""
    import click

    from .errors import WorksheetError

    try:
        build_once()
    except (click.ClickException, WorksheetError) as exc:  # said as the command would say it
        exc.show()
    except Exception as exc:  # a bug, not the user's: said, and the next save tries again
        echo(render(_("internal error while building: {error} (please report it)").format(
            error=f"{type(exc).__name__}: {exc}")))


def _shown(path: Path) -> str:
    from .sources import display

    return display(path)
