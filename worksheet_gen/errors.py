"""All errors and diagnostics that worksheet-gen reports to its users.

Every error class derives from :class:`WorksheetError`: the command line shows it (its ``show()``) as
click shows its own errors, exits with code 1 and prints no traceback. It is not a ``click.ClickException``,
so that what raises or reports one does not import click (clitext.Group and quickcli catch it).
"""

from __future__ import annotations

import errno
import re

from .i18n import Msg, _, render
from .quickdc import dataclass
from .terminal import echo


@dataclass(frozen=True, order=True)
class Pos:
    """A place in a source file; line and column count from 1."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col}"
        return self.path


@dataclass(frozen=True, order=True)
class Problem:
    """One diagnostic: where, how serious, what, and how to fix it."""

    pos: Pos
    message: Msg | str
    hint: Msg | str = ""
    severity: str = "error"

    def __str__(self) -> str:
        """``path:line:col: error: message (hint)``, the severity and the words in the current language."""
        text = f"{self.pos}: {render(SEVERITY[self.severity])}: {render(self.message)}"
        if self.hint:
            text += f" ({render(self.hint)})"
        return text

    def text(self) -> str:
        """The message and its hint, in the current language."""
        return render(self.message) + (f" ({render(self.hint)})" if self.hint else "")


SEVERITY = {"error": _("error"), "warning": _("warning")}
# Words several modules say.
CANNOT_READ = _("cannot read the file: {reason}")
CHECK_READABLE = _("check that it exists and is readable")
CANNOT_WRITE = _("cannot write the file: {reason}")
CHECK_SPACE = _("check the free space and the permissions of the output folder")
NOT_REGULAR = _("not a regular file (a folder, a pipe or a device): it is not read")
# The system's words for the errors a user meets (its strerror is English whatever the locale): English as
# glibc says them, translated in the catalogue with the errno name kept, for a search (« … (ELOOP) »).
_OS_ERRORS = {
    "ENOENT": _("No such file or directory"),
    "ENOTDIR": _("Not a directory"),
    "EISDIR": _("Is a directory"),
    "EACCES": _("Permission denied"),
    "EPERM": _("Operation not permitted"),
    "ELOOP": _("Too many levels of symbolic links"),
    "ENAMETOOLONG": _("File name too long"),
    "ENOSPC": _("No space left on device"),
    "EDQUOT": _("Disk quota exceeded"),
    "EFBIG": _("File too large"),
    "EROFS": _("Read-only file system"),
    "EIO": _("Input/output error"),
    "EBUSY": _("Device or resource busy"),
    "EEXIST": _("File exists"),
    "EMFILE": _("Too many open files"),
    "ETXTBSY": _("Text file busy"),
}
OS_ERRORS = {getattr(errno, name): text for name, text in _OS_ERRORS.items() if hasattr(errno, name)}


def os_reason(exc: BaseException) -> Msg | str:
    """Why the system refused, in the user's language: the tool's own words when it raised the error
    (files.NotAFile…), a translated wording of the usual errno values, else the system's words."""
    reason = getattr(exc, "strerror", None)
    if isinstance(reason, Msg):
        return reason
    if isinstance(exc, RuntimeError) and str(exc).startswith("Symlink loop"):  # pathlib before Python 3.13
        return OS_ERRORS[errno.ELOOP]
    return OS_ERRORS.get(getattr(exc, "errno", None)) or reason or str(exc)


# Spaces, tabs and line ends fold to one space; the separators a terminal acts on (U+2028, U+0085, \x0b…)
# stay, for escaped() to show.
_FOLDED = re.compile(r"[^\S\x0b\x0c\x1c-\x1f\x85\u2028\u2029]+")


def folded(text) -> str:
    """text with each run of spaces, tabs and line ends made one space, none at its ends; the separators a
    terminal acts on (U+2028, U+0085, \\x0b…) kept, for a check to refuse or escaped() to show."""
    return _FOLDED.sub(" ", str(text)).strip(" ")


def quoted(text: str) -> Msg:
    """User text between the quotes of the language ('…' in English, « … » in French)."""
    return _("'{text}'").format(text=text)


def quote(text: str, limit: int | None = 50) -> Msg:
    """User text quoted for a one-line message: whitespace collapsed, long text shortened (never with limit None:
    a text a hint shows to copy is shown whole)."""
    text = folded(text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return quoted(text)


AS_LINES = 8  # items as_lines shows: three levels of pairs, the most a hint holds (Msg.from_data)


def as_lines(parts: list[str]) -> Msg:
    """« '- Pluie', '- Neige', '- Grêle' »: the items as the lines of a list, each quoted whole, as the teacher
    copies them (seven, then …, when more than eight); paired two by two, as a message holds only a few levels of
    messages (Msg.from_data)."""
    shown = [quote(f"- {part}", None) for part in parts] if len(parts) <= AS_LINES else \
        [quote(f"- {part}", None) for part in parts[:AS_LINES - 1]] + ["…"]
    while len(shown) > 1:
        shown = [_("{first}, {then}").format(first=a, then=b) for a, b in zip(shown[::2], shown[1::2])] + \
            shown[len(shown) // 2 * 2:]
    return shown[0]


def quote_pair(text: str, other: str, limit: int = 50) -> tuple[Msg, Msg]:
    """Two texts quoted for a message that compares them: when long, both show the same stretch
    around the first place where they differ, so the reader sees the difference."""
    a, b = folded(text), folded(other)
    if len(a) <= limit and len(b) <= limit:
        return quoted(a), quoted(b)
    at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    start = max(0, at - limit // 2)
    room = limit - (1 if start else 0)

    def cut(t: str) -> str:
        return quoted(("…" if start else "") + t[start:start + room] + ("…" if start + room < len(t) else ""))

    return cut(a), cut(b)


# What a terminal or a log viewer acts on rather than shows: control characters (ESC, BEL, a newline),
# line separators, and the invisible format characters, among them the direction overrides (U+202E
# makes the rest of a line read backwards). INVISIBLE is the body of a regular-expression class.
INVISIBLE = ("\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f"
             "\ufeff\ufff9-\ufffb\U000e0000-\U000e007f")
_CONTROL = re.compile(f"[\x00-\x1f{INVISIBLE}]")


def escaped(text: str) -> str:
    """text with each character of _CONTROL shown as its Python escape (\\x1b, \\n, \\u202e)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class WorksheetError(Exception):
    """Raised for any problem the user can fix; exits with code 1. Its message is rendered when shown."""

    exit_code = 1

    def __init__(self, message: Msg | str):
        super().__init__(str(message))
        self.message = str(message)
        self.msg = message

    def __str__(self) -> str:
        return self.message

    def format_message(self) -> str:
        return render(self.msg)

    def show(self, file=None) -> None:
        echo(escaped(self.format_message()), err=True, file=file)


class SourceError(WorksheetError):
    """Raised when one or more source files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def format_message(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def show(self, file=None) -> None:
        for problem in self.problems:
            echo(escaped(str(problem)), err=True, file=file)


class OutputError(WorksheetError):
    """Raised when an output file cannot be written."""
