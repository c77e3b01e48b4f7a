"""worksheet-gen: print-ready worksheets and their answer keys from YAML sources."""

__version__ = "0.1.0"

import os as _os
import sys as _sys

if _os.path.splitext(_os.path.basename((getattr(_sys, "argv", None) or [""])[0]))[0] == "worksheet-gen":
    # The console script, which imports this package before it calls quickcli.entry(): from here on Ctrl-C
    # ends it at once with exit code 130 (nothing is begun yet), never with a traceback; quickcli.guard()
    # says a lack of memory in one line too. (_signal is what the signal module wraps: already loaded.)
    import _signal

    _signal.signal(_signal.SIGINT, lambda signum, frame: _os._exit(130))
    try:
        from .quickcli import guard as _guard
    except MemoryError:
        _os.write(2, b"not enough memory\n")
        _os._exit(1)
    _guard()

from . import later as _later

_later.dataclasses()  # without inspect, which nothing of a build asks for (about 5 ms of every run)
_later.stdlib()  # urllib.parse (pathlib's) without ipaddress
