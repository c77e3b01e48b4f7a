"""A fiche loaded in a forked process while this one imports what rendering needs.

Before its first page, a cold build reads and checks the source (PyYAML imported, the text parsed and
validated: about 35 ms), then imports reportlab and reads the fonts (about 65 ms), one after the other on one
core while the other waits. With a core to spare, a forked process loads the fiche and sends it back pickled
while this one imports: the same fiche, about 30 ms sooner. Pickle is safe here: the bytes come from a child of
this process through a pipe, never from a file. Where no process can be forked, where reportlab is already
imported (a running ``watch``), or when the child fails, the fiche is loaded here, as without this module.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path


def load_fiche(source: Path, root: Path | None, profile: str | None, prepare: Callable[[], None]):
    """sources.load_fiche(source, root, profile), with prepare() run meanwhile (in this process)."""
    from . import sources

    if not hasattr(os, "fork") or "reportlab.platypus" in sys.modules:
        prepare()
        return sources.load_fiche(source, root, profile)
    from . import quickre

    quickre.load()  # read once, here: the child inherits the table
    read, write = os.pipe()
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:  # no process to spare (EAGAIN, ENOMEM)
        os.close(read)
        os.close(write)
        prepare()
        return sources.load_fiche(source, root, profile)
    if pid == 0:  # the child: never returns
        status = 1
        try:
            from .build import die_with

            die_with(parent)
            os.close(read)
            loaded = sources.load_fiche(source, root, profile)
            import pickle

            data = pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL)
            quickre.save()  # the patterns of PyYAML and of the checks, compiled here only
            with os.fdopen(write, "wb") as fh:
                fh.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    try:
        prepare()
    finally:
        with os.fdopen(read, "rb") as fh:
            data = fh.read()
        _, status = os.waitpid(pid, 0)
    if status == 0 and data:
        import pickle

        try:
            return pickle.loads(data)
        except Exception:  # cannot happen from a child of this process; loaded here then
            pass
    return sources.load_fiche(source, root, profile)
