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

    waiting = None
    if hasattr(os, "fork") and "reportlab.platypus" not in sys.modules:
        from . import forked, quickre

        quickre.load()  # read once, here: the child inherits the table

        def load():
            loaded = sources.load_fiche(source, root, profile)
            quickre.save()  # the patterns of PyYAML and of the checks, compiled there only
            return loaded

        waiting = forked.start(load)
    try:
        prepare()
    finally:
        loaded = waiting() if waiting else None  # always waited for, even when prepare() failed
    return loaded if loaded is not None else sources.load_fiche(source, root, profile)
