"""Lines written to the terminal as ``click.echo`` writes them, without importing click when it is not needed.

On a UTF-8 stream outside Windows, for a line without an escape character, ``click.echo`` writes the line
and a newline, then flushes: so does :func:`echo`, at no import cost (click takes about 30 ms to import, a
no-op build about 45 ms in all). Anything else (Windows' console, another encoding, an escape sequence
that click would strip when not on a terminal) goes to ``click.echo`` itself. A stream whose reader went
away is written to no more, and the command goes on (click would end it there, exit code 1); one that
cannot be written (a full disk: `> /dev/full`) too, and the command then says so and ends with exit code 1.
A stream in an encoding that lacks some of a line's characters (a redirected output on Windows, in its code
page: no narrow no-break space there) gets the nearest it has (:func:`lenient`), never an error.
"""

from __future__ import annotations

import codecs
import sys


_GONE: set[int] = set()  # the streams written to no more: their reader went away, or writing failed
written: set[int] = set()  # the streams something was written to
lost: OSError | None = None  # the first failure to write that was not a reader going away (a full disk)


def echo(text: str, *, err: bool = False, file=None) -> None:
    """Print text and a newline on stdout (stderr with err, or file), flushed. When the reader of a stream has
    gone (`worksheet-gen build | head -1`), nothing more is written to it and the command goes on: what it
    prints is news, its work is the files it writes (a build stopped there would leave PDFs unwritten)."""
    stream = file if file is not None else sys.stderr if err else sys.stdout
    if stream is None or id(stream) in _GONE:  # no console at all (pythonw), or nobody reading any more
        return
    written.add(id(stream))
    try:
        if _plain(stream) and "\x1b" not in text:
            stream.write(text + "\n")
            stream.flush()
            return
        import click

        click.echo(text, err=err, file=file)
    except OSError as exc:
        gone(stream, exc)


_NEAREST = {"\u202f": "\u00a0", "\u2009": " ", "\u00a0": " ", "\u2019": "'", "\u00ab": '"', "\u00bb": '"',
            "\u2026": "..."}
_HANDLER = "worksheet-gen-nearest"


def lenient() -> None:
    """Make stdout and stderr, when their encoding lacks characters (a redirected output on Windows, in its code
    page), write for each one they lack the nearest they have, never an error (once, at the start)."""
    streams = [s for s in (sys.stdout, sys.stderr) if s is not None and not complete(s) and hasattr(s, "reconfigure")]
    if streams:
        codecs.register_error(_HANDLER, _nearest)
    for stream in streams:
        try:
            stream.reconfigure(errors=_HANDLER)
        except (ValueError, OSError, AttributeError):  # detached, closed: left as it is
            pass


def complete(stream) -> bool:
    """Whether stream's encoding writes every character (UTF-8, UTF-16…)."""
    return _codec(stream).startswith("utf")


def _codec(stream) -> str:
    """The name Python gives stream's encoding ("utf-8", "cp1252"…); "" when it has none Python knows."""
    try:
        return codecs.lookup(stream.encoding).name
    except (AttributeError, LookupError, TypeError):
        return ""


def _nearest(error: UnicodeEncodeError) -> tuple[str, int]:
    """The codec error handler of lenient(): the narrow no-break space a no-break space, then a space; ’ an
    apostrophe; « » quotes; what has no near character « ? »."""
    out = []
    for char in error.object[error.start:error.end]:
        while char is not None:
            try:
                char.encode(error.encoding)
                break
            except UnicodeEncodeError:
                char = _NEAREST.get(char, " " if char.isspace() and char != " " else None)
        out.append(char or "?")
    return "".join(out), error.end


def on_terminal() -> bool:
    """Whether stderr is a terminal, where a progress bar is drawn (not when started without one: 2>&-)."""
    return sys.stderr is not None and sys.stderr.isatty()


def write_bytes(data: bytes) -> None:
    """Write data to stdout as it is (a table, a schema), flushed; a failure is kept as echo keeps it."""
    stream = sys.stdout
    try:
        if stream is None:  # started without one (`>&-`)
            raise OSError(9, "Bad file descriptor")
        written.add(id(stream))
        stream.buffer.write(data)
        stream.flush()
    except OSError as exc:
        gone(stream, exc)


def gone(stream, exc: OSError) -> None:
    """Write to stream no more; keep exc (unless the reader went away) for the command to say and exit 1."""
    global lost
    _GONE.add(id(stream))
    if not isinstance(exc, BrokenPipeError) and lost is None:
        lost = exc


def _plain(stream) -> bool:
    """Whether click would write to this stream as it is: a UTF-8 text stream, not on Windows."""
    return sys.platform != "win32" and _codec(stream) == "utf-8"
