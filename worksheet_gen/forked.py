"""Work done in a forked process: a build's second sheet, the fiche loaded while reportlab is imported, a pack's
assembly. The child ends with its parent and never returns into the caller's code; its result comes back through
a pipe, never through a file (so pickle is safe here: the bytes come from a child of this process)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable


def child(main: Callable[[], None]) -> int:
    """Fork a process that runs main() and exits (status 0 when main returned, 1 when it raised); its pid.
    OSError when no process can be forked (EAGAIN, ENOMEM on a loaded machine)."""
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 1
        try:
            die_with(parent)
            main()
            status = 0
        finally:
            os._exit(status)
    return pid


def start(job: Callable[[], object], send: Callable[[object], bytes] | None = None,
          receive: Callable[[bytes], object] | None = None) -> Callable[[], object | None] | None:
    """Run job() in a forked process; the returned function waits for it and gives what job returned, or None
    when the child failed or sent nothing readable. None when no process can be forked: the caller does the
    work itself. ``send`` turns job's result into bytes and ``receive`` turns them back (pickle by default,
    imported only then: 1.5 ms)."""
    read, write = os.pipe()

    def main() -> None:
        os.close(read)
        data = (send or _pickled)(job())
        with os.fdopen(write, "wb") as fh:
            fh.write(data)

    try:
        pid = child(main)
    except OSError:
        os.close(read)
        os.close(write)
        return None
    os.close(write)

    def result() -> object | None:
        with os.fdopen(read, "rb") as fh:
            payload = fh.read()
        _, status = os.waitpid(pid, 0)
        if status != 0 or not payload:
            return None
        try:
            return (receive or _unpickled)(payload)
        except Exception:  # cannot happen from a child of this process: the caller does the work itself then
            return None

    return result


def _pickled(value: object) -> bytes:
    import pickle

    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _unpickled(data: bytes) -> object:
    import pickle

    return pickle.loads(data)


def die_with(parent: int) -> None:
    """End this process within half a second of its parent's end, even killed with SIGKILL: a build never
    leaves workers behind. A thread watches (asking the kernel, PR_SET_PDEATHSIG, needs ctypes: 1.8 ms)."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
