"""The names of the places a command writes to, as given on the command line (build --out, pack --out,
collect --out, schema --out, new --sources…): wrong usage when empty, or when they hold a control or invisible
character (pure: a name in, the reason out); a file standing where a folder is needed, an output folder mixed with
the sources folder (these look at the disk)."""

from __future__ import annotations

import os
from pathlib import Path

from .i18n import Msg, _

# What an empty name would have meant (the working folder, or no file at all): never what was wanted.
EMPTY = {
    "folder": _("an empty name is not a folder: give the folder's name"),
    "file": _("an empty name is not a file: give the file's name"),
    "table": _("an empty name is not a file: give one, or '-' to print the table"),
    "fiche": _("an empty name is not a fiche: give the name of a fiche of the sources folder"),
}


def refused(name: str, kind: str, *, written: bool = True) -> Msg | None:
    """Why name cannot name the place a command writes to (kind: a key of EMPTY), if it cannot: it is empty, or
    it holds a control or invisible character (a line break, ESC, a tab, U+202E…), which would make a file that
    no one can type, and that acts on the terminal that lists it. A place only read (written=False: a folder of
    sources, a fiche, whose own messages name such a character) is refused only when empty."""
    if name == "":
        return EMPTY[kind]
    if name == "-" and kind == "folder" and written:  # stdout for collect and schema: a folder named '-' here
        return _("'-' prints nothing here: give the name of a folder for the PDFs")
    if not written:
        return None
    from .chars import described, invisible
    from .errors import escaped

    hidden = next((ch for ch in name if invisible(ch)), None)
    if hidden is None:
        return None
    return _("{name} holds a control or invisible character, {char}: type the name again without it").format(
        name=escaped(repr(name)), char=described(hidden))


def blocked(name: str, kind: str) -> Msg | None:
    """Why nothing can be written at name (kind: a key of EMPTY), if a file (a device, a pipe…) stands where the
    folder (kind "folder") or a folder above it should be: wrong usage, said before anything is rendered. Looks at
    the disk; '-' (the table printed) is no place."""
    from .errors import escaped
    from .output import not_a_folder
    from .sources import display

    if name in ("", "-") and kind == "table":
        return None
    place = Path(name) if kind == "folder" else Path(name).parent
    stands = not_a_folder(place)
    if stands is None:
        return None
    return _("{path} is a file, where a folder is needed: give another name, or move the file").format(
        path=escaped(repr(display(stands))))


def mixed(out: str, sources: list[tuple[str, bool]]) -> Msg | None:
    """Why the output folder out cannot take the PDFs of sources (each a folder and whether its fiches are all
    read, see read_folders), if it cannot: it is one of them (the PDFs among the fiches), or inside a folder read
    whole, or holds one (a watch, which leaves the output folder alone, would not see the fiches change). Looks at
    the disk (links are followed)."""
    from .errors import escaped

    def real(path: str) -> str:
        return os.path.normcase(os.path.realpath(path))

    written = real(out)
    for folder, whole in sources:
        read = real(folder)
        names = {"out": escaped(repr(out)), "sources": escaped(repr(folder))}
        if written == read:
            return (_("{out} is the sources folder: give the PDFs a folder of their own, such as 'build'") if whole
                    else _("{out} is the folder of the fiche: give the PDFs a folder of their own, such as 'build'")
                    ).format(**names)
        if not whole:
            continue
        if written.startswith(read.rstrip(os.sep) + os.sep):
            return _("{out} is inside the sources folder {sources}: give the PDFs a folder of their own, such as "
                     "'build'").format(**names)
        if read.startswith(written.rstrip(os.sep) + os.sep):
            return _("{out} holds the sources folder {sources}: give the PDFs a folder of their own, such as "
                     "'build'").format(**names)
    return None


def read_folders(paths: tuple[str, ...], sources_dir: str, *, alone: bool = False) -> list[tuple[str, bool]]:
    """The folders a build reads fiches from, each with whether it reads all of them: the folders among paths, else
    the sources folder; with alone, also the folder of each fiche named alone (a watch watches it, and leaves its
    output folder alone: its PDFs may go anywhere but there)."""
    if not paths:
        return [(sources_dir, True)]
    return [(path, True) if os.path.isdir(path) else (os.path.dirname(path) or os.curdir, False) for path in paths
            if alone or os.path.isdir(path)]
