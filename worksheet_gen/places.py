"""The names of the places a command writes to, as given on the command line (build --out, pack --out,
collect --out, schema --out, new --sources…): wrong usage when empty, or when they hold a control or invisible
character. Pure: a name in, the reason out."""

from __future__ import annotations

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
    if not written:
        return None
    from .chars import described, invisible
    from .errors import escaped

    hidden = next((ch for ch in name if invisible(ch)), None)
    if hidden is None:
        return None
    return _("{name} holds a control or invisible character, {char}: type the name again without it").format(
        name=escaped(repr(name)), char=described(hidden))
