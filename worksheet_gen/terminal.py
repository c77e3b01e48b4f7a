"""Lines written to the terminal as ``click.echo`` writes them, without importing click when it is not needed.

On a UTF-8 stream outside Windows, for a line without an escape character, ``click.echo`` writes the line
and a newline, then flushes: so does :func:`echo`, at no import cost (click takes about 30 ms to import, a
no-op build about 45 ms in all). Anything else (Windows' console, another encoding, an escape sequence
that click would strip when not on a terminal) goes to ``click.echo`` itself.
"""

from __future__ import annotations

import codecs
import sys


def echo(text: str, *, err: bool = False, file=None) -> None:
    """Print text and a newline on stdout (stderr with err, or file), flushed."""
    stream = file if file is not None else sys.stderr if err else sys.stdout
    if stream is None:  # no console at all (pythonw): nothing to say it to
        return
    if _plain(stream) and "\x1b" not in text:
        stream.write(text + "\n")
        stream.flush()
        return
    import click

    click.echo(text, err=err, file=file)


def _plain(stream) -> bool:
    """Whether click would write to this stream as it is: a UTF-8 text stream, not on Windows."""
    if sys.platform == "win32":
        return False
    try:
        return codecs.lookup(stream.encoding).name == "utf-8"
    except (AttributeError, LookupError, TypeError):
        return False
