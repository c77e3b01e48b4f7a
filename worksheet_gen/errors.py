"""All errors and diagnostics that worksheet-gen reports to its users.

Every error class derives from :class:`WorksheetError`, a ``click.ClickException``,
so the command line prints a clean message and exits with code 1, never a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import click


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
    message: str
    hint: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        text = f"{self.pos}: {self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


# Spaces, tabs and line ends fold to one space; the separators a terminal acts on (U+2028, U+0085, \x0b…)
# stay, for escaped() to show.
_FOLDED = re.compile(r"[^\S\x0b\x0c\x1c-\x1f\x85\u2028\u2029]+")


def _folded(text) -> str:
    return _FOLDED.sub(" ", str(text)).strip(" ")


def quote(text: str, limit: int = 50) -> str:
    """User text quoted for a one-line message: whitespace collapsed, long text shortened."""
    text = _folded(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


def quote_pair(text: str, other: str, limit: int = 50) -> tuple[str, str]:
    """Two texts quoted for a message that compares them: when long, both show the same stretch
    around the first place where they differ, so the reader sees the difference."""
    a, b = _folded(text), _folded(other)
    if len(a) <= limit and len(b) <= limit:
        return f"'{a}'", f"'{b}'"
    at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    start = max(0, at - limit // 2)
    room = limit - (1 if start else 0)

    def cut(t: str) -> str:
        return "'" + ("…" if start else "") + t[start:start + room] + ("…" if start + room < len(t) else "") + "'"

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


class WorksheetError(click.ClickException):
    """Raised for any problem the user can fix; exits with code 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(escaped(self.format_message()), err=True, file=file)


class SourceError(WorksheetError):
    """Raised when one or more source files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def show(self, file=None) -> None:
        for problem in self.problems:
            click.echo(escaped(str(problem)), err=True, file=file)


class OutputError(WorksheetError):
    """Raised when an output file cannot be written."""
