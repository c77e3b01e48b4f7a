"""A process that assembles a pack, forked before anything heavy is imported: its import of pypdf (about
45 ms) runs while this process imports reportlab and renders the fiches. The bytes are assemble.assemble's."""

from __future__ import annotations

import os
import pickle
import signal
import struct
import sys
from collections.abc import Callable

_HEAD = struct.Struct("<cQ")  # a message: its kind and its length
_PROGRESS, _RESULT = b"p", b"r"


def start() -> Assembler | None:
    """An assembler process, when one helps: this process can fork and has imported neither pypdf nor reportlab
    (a warm process, such as `watch`, assembles in place)."""
    if not hasattr(os, "fork") or "pypdf" in sys.modules or "reportlab.platypus" in sys.modules:
        return None
    try:
        return Assembler()
    except OSError:  # no process to spare (EAGAIN, ENOMEM on a loaded machine): the pack is assembled here
        return None


def assemble_here(*args, progress: Callable[[int], None] = lambda n: None, **kwargs) -> bytes:
    """assemble.assemble in this process."""
    from .assemble import assemble

    return assemble(*args, progress=progress, **kwargs)


class Assembler:
    """A forked process that imports pypdf at once, then assembles the one pack it is sent."""

    def __init__(self) -> None:
        from . import forked

        jobs, self._jobs = os.pipe()
        self._results, results = os.pipe()

        def main() -> None:
            os.close(self._jobs)
            os.close(self._results)
            _serve(jobs, results)

        try:
            self.pid = forked.child(main)
        except OSError:
            for fd in (jobs, self._jobs, self._results, results):
                os.close(fd)
            raise
        os.close(jobs)
        os.close(results)

    def assemble(self, *args, progress: Callable[[int], None] = lambda n: None, **kwargs) -> bytes:
        """The pack's bytes, made by the assembler process; in this process when that one failed."""
        done, data = 0, None
        try:
            job = pickle.dumps((args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
            sending, self._jobs = os.fdopen(self._jobs, "wb"), -1  # closed by its file from now on
            with sending as fh:
                fh.write(struct.pack("<Q", len(job)) + job)
            receiving, self._results = os.fdopen(self._results, "rb"), -1
            with receiving as fh:
                while data is None:
                    head = fh.read(_HEAD.size)
                    if len(head) < _HEAD.size:
                        break  # the process failed: made again here
                    kind, size = _HEAD.unpack(head)
                    body = fh.read(size)
                    if len(body) < size:
                        break
                    if kind == _PROGRESS:
                        n = struct.unpack("<Q", body)[0]
                        done += n
                        progress(n)
                    elif kind == _RESULT:
                        data = body
        except Exception:  # its pipe closed early, or the job could not be sent: made again here
            pass
        finally:
            self.close()  # and the pipe it did not get to use
        if data is None:
            left = [done]

            def rest(n: int) -> None:  # what the assembler process already reported is not counted twice
                skip = min(left[0], n)
                left[0] -= skip
                if n > skip:
                    progress(n - skip)

            return assemble_here(*args, progress=rest, **kwargs)
        return data

    def close(self) -> None:
        """End the assembler process if it is still waiting (nothing to assemble) and wait for it."""
        if self.pid <= 0:
            return
        for fd in (self._jobs, self._results):
            if fd >= 0:
                os.close(fd)
        self._jobs = self._results = -1
        pid, self.pid = self.pid, -1
        try:
            os.kill(pid, signal.SIGKILL)  # it only imported pypdf; when done, it has left already
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)


def _serve(jobs: int, results: int) -> None:
    """The assembler process: import pypdf and warm it, read one job, send the progress and the bytes back."""
    from . import assemble  # pypdf, while the parent imports reportlab

    assemble.warm()
    with os.fdopen(jobs, "rb") as fh:
        head = fh.read(8)
        if len(head) < 8:
            return  # nothing to assemble
        job = fh.read(struct.unpack("<Q", head)[0])
    args, kwargs = pickle.loads(job)
    with os.fdopen(results, "wb") as out:

        def progress(n: int) -> None:
            out.write(_HEAD.pack(_PROGRESS, 8) + struct.pack("<Q", n))
            out.flush()

        data = assemble.assemble(*args, progress=progress, **kwargs)
        out.write(_HEAD.pack(_RESULT, len(data)))
        out.write(data)
