"""forked: work done in a forked process comes back whole, or not at all (None: the caller does it itself)."""

import os
import sys

import pytest

from worksheet_gen import forked

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


def test_what_the_child_returns_comes_back_and_the_child_is_reaped():
    waiting = forked.start(lambda: {"pid": os.getpid(), "data": b"x" * 200_000})
    result = waiting()
    assert result["data"] == b"x" * 200_000 and result["pid"] != os.getpid()
    with pytest.raises(ChildProcessError):  # waited for already: no zombie left
        os.waitpid(-1, os.WNOHANG)


def test_a_failing_child_gives_none():
    def fail():
        raise ValueError("broken")

    assert forked.start(fail)() is None
    assert forked.start(lambda: os._exit(3))() is None
    assert forked.start(lambda: b"", send=bytes)() is None  # nothing sent


def test_bytes_that_cannot_be_read_back_give_none():
    def refuse(data):
        raise ValueError(data)

    assert forked.start(lambda: b"abc", send=bytes, receive=refuse)() is None
    assert forked.start(lambda: b"abc", send=bytes, receive=bytes.upper)() == b"ABC"


def test_no_process_to_spare_gives_none_and_leaks_no_pipe(monkeypatch):
    def refuse():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    before = len(os.listdir("/proc/self/fd")) if sys.platform == "linux" else None
    assert forked.start(lambda: 1) is None
    with pytest.raises(OSError):
        forked.child(lambda: None)
    if before is not None:
        assert len(os.listdir("/proc/self/fd")) == before
