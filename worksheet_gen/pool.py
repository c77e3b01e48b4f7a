"""The worker processes of `build --jobs N`: each a fresh Python that runs one task at a time, sent and sent back
pickled through its own pipes (pickle is safe here: the bytes come from a child of this process).

Nothing but this process's own code waits: no thread, no semaphore (multiprocessing's pool needed both, and
broke at the edge of memory, hung on a stopped worker, lost every queued fiche with one killed worker and left
its resource tracker complaining on SIGTERM). A worker that dies while running a task is replaced and the task
given once more to the fresh one; lost twice, it comes back as Lost. Workers that cannot start leave the tasks to
this process. However this process leaves (Ctrl-C, SIGTERM, an error), its workers are killed, stopped ones too.
POSIX only (the pipes are waited for with select); elsewhere build.py keeps multiprocessing's pool.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
from collections import deque
from collections.abc import Callable, Iterator

OUT_OF_MEMORY = 86  # a worker's exit code when memory ran out outside a task's own work: this process raises
# MemoryError (said in one line by quickcli), as when it runs out itself
RETRIES = 1  # a task whose worker died is given to a fresh worker this many times more
_READY = b"\0" * 8  # what a worker says once it can take tasks (an empty message)
_START = ("import sys, pickle; sys.path[:] = pickle.load(sys.stdin.buffer); "
          "from worksheet_gen.pool import serve; serve()")


class Lost:
    """A task whose worker died each time it ran it: how the last one ended (a negative signal number, or its exit
    code)."""

    def __init__(self, status: int):
        self.status = status

    def __repr__(self) -> str:
        import signal

        if self.status < 0:
            try:
                return signal.Signals(-self.status).name
            except ValueError:
                return f"signal {-self.status}"
        return f"exit {self.status}"


def _frame(data: bytes) -> bytes:
    return len(data).to_bytes(8, "little") + data


class _Worker:
    """One worker process, the task it runs (an index, or None) and what it has sent of its answer so far."""

    def __init__(self):
        import subprocess

        flags = getattr(subprocess, "_args_from_interpreter_flags", list)()  # -B, -X …: as multiprocessing does
        self.proc = subprocess.Popen([sys.executable, *flags, "-c", _START], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.task: int | None = None
        self.ready = False
        self.buffer = bytearray()
        self.fd = self.proc.stdout.fileno()
        os.set_blocking(self.fd, False)
        self.send(pickle.dumps(list(sys.path)), raw=True)

    def send(self, data: bytes, raw: bool = False) -> bool:
        """Write a message to the worker (it fits the pipe: never blocks); False if the worker is gone."""
        try:
            self.proc.stdin.write(data if raw else _frame(data))
            self.proc.stdin.flush()
            return True
        except OSError:  # BrokenPipeError: it died
            return False

    def messages(self) -> Iterator[bytes] | None:
        """The whole messages read now; None when the worker closed its end (it died)."""
        try:
            chunk = os.read(self.fd, 1 << 20)
        except BlockingIOError:
            return iter(())
        except OSError:
            chunk = b""
        if not chunk:
            return None
        self.buffer += chunk
        found = []
        while len(self.buffer) >= 8:
            size = int.from_bytes(self.buffer[:8], "little")
            if len(self.buffer) < 8 + size:
                break
            found.append(bytes(self.buffer[8:8 + size]))
            del self.buffer[:8 + size]
        return iter(found)

    def end(self, kill: bool) -> int:
        """Stop the worker (kill: at once, even stopped; else it ends at the end of its input) and wait for it."""
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        if kill:
            self.proc.kill()
        try:
            return self.proc.wait(timeout=None if kill else 5)
        except Exception:  # noqa: BLE001 - a worker that does not end by itself (stopped): killed
            self.proc.kill()
            return self.proc.wait()


def imap(function: Callable, tasks: list[tuple], workers: int) -> Iterator[tuple[int, object]]:
    """Yield (index, function(*tasks[index])) as each task is done, in at most `workers` processes; (index, Lost)
    for a task whose worker died each time. function must never raise (it is called by name in the workers)."""
    import selectors
    import signal

    pending = deque(range(len(tasks)))
    tries = [0] * len(tasks)
    alive: dict[int, _Worker] = {}  # by the file descriptor of its answers
    unstartable = 0  # workers that died before they could take a task: two, and this process does the rest
    selector = selectors.DefaultSelector()
    try:
        while pending or any(w.task is not None for w in alive.values()):
            idle = [w for w in alive.values() if w.task is None]
            while pending and idle:  # a worker that died meanwhile is seen below, as its pipe ends
                _give(idle.pop(), pending.popleft(), function, tasks, tries)
            while pending and len(alive) < workers and unstartable < 2 and len(alive) < len(pending) + sum(
                    w.task is not None for w in alive.values()):
                try:
                    with _blocked({signal.SIGINT}):  # the worker starts with Ctrl-C blocked (serve() unblocks it)
                        worker = _Worker()
                except OSError:  # no process can be started now (EAGAIN, ENOMEM): this one does the work
                    unstartable = 2
                    break
                alive[worker.fd] = worker
                selector.register(worker.fd, selectors.EVENT_READ)
                if pending:
                    _give(worker, pending.popleft(), function, tasks, tries)
            if not alive:  # none could start: here, one after the other
                while pending:
                    index = pending.popleft()
                    yield index, function(*tasks[index])
                return
            for key, _events in selector.select():
                worker = alive[key.fd]
                messages = worker.messages()
                if messages is None:  # it died: its task goes to a fresh worker, or is lost
                    selector.unregister(worker.fd)
                    del alive[worker.fd]
                    status = worker.end(kill=True)
                    if status == OUT_OF_MEMORY:
                        raise MemoryError("a worker ran out of memory")
                    if not worker.ready:
                        unstartable += 1
                    if worker.task is not None:
                        if not worker.ready:
                            tries[worker.task] -= 1  # never ran it
                        if tries[worker.task] > RETRIES:
                            yield worker.task, Lost(status)
                        else:
                            pending.appendleft(worker.task)
                    continue
                for message in messages:
                    if not worker.ready:
                        worker.ready = True  # the first message: it can work
                        continue
                    index, worker.task = worker.task, None
                    if pending:  # its next task before this one's result is used (written to disk): no wait
                        _give(worker, pending.popleft(), function, tasks, tries)
                    yield index, pickle.loads(message)
    finally:
        selector.close()
        ending = sys.exc_info()[0] is not None or pending  # interrupted: kill at once
        with _blocked({signal.SIGINT, signal.SIGTERM}):  # a second Ctrl-C (or SIGTERM) cannot cut this short
            for worker in alive.values():
                worker.end(kill=bool(ending) or worker.task is not None)


@contextlib.contextmanager
def _blocked(signals: set):
    """These signals held while the block runs (delivered after it), where the system can hold them."""
    import signal

    held = hasattr(signal, "pthread_sigmask")
    before = signal.pthread_sigmask(signal.SIG_BLOCK, signals) if held else None
    try:
        yield
    finally:
        if held:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _give(worker: _Worker, index: int, function: Callable, tasks: list[tuple], tries: list[int]) -> None:
    """Send a task to a worker (if it died meanwhile, its pipe's end says so)."""
    worker.task = index
    tries[index] += 1
    worker.send(pickle.dumps((function, tasks[index]), protocol=pickle.HIGHEST_PROTOCOL))


def serve() -> None:
    """A worker's life: say it is ready, then run each task read from stdin and write its result to its own
    output, until stdin ends (this worker's parent is done, or gone). Ctrl-C, blocked while it started, ends it
    silently; it ends with its parent (forked.die_with). Memory running out outside a task's own work (which says
    it as the fiche's error) ends it with OUT_OF_MEMORY."""
    try:
        _serve()
    except BaseException as exc:  # noqa: BLE001 - said by the exit code alone (stderr is /dev/null)
        try:
            from .quickcli import _memory

            memory = _memory(exc)
        except BaseException:  # noqa: BLE001 - not even that could be imported
            memory = True
        os._exit(OUT_OF_MEMORY if memory else 1)
    os._exit(0)


def _serve() -> None:
    import signal

    channel = os.dup(1)
    os.dup2(2, 1)  # anything printed goes where stderr goes, never into the answers
    parent = os.getppid()
    from . import forked, quickre

    quickre.install()
    try:
        forked.die_with(parent)
    except RuntimeError:  # no thread can be started (the edge of memory): it ends at the end of its input
        pass
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    tasks = sys.stdin.buffer
    os.write(channel, _READY)
    while True:
        head = tasks.read(8)
        if len(head) < 8:
            break
        function, args = pickle.loads(tasks.read(int.from_bytes(head, "little")))
        data = _frame(pickle.dumps(function(*args), protocol=pickle.HIGHEST_PROTOCOL))
        view = memoryview(data)
        while view:
            view = view[os.write(channel, view):]
