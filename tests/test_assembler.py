"""The assembler process: a pack it assembles is the pack made in place, byte for byte, even when it fails."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import types

import pytest
from pypdf import PdfReader

from conftest import DATA, ROOT, SOURCES
from worksheet_gen import assembler, packs

ROSTER = DATA / "pack" / "eleves-1reB.csv"


class _Bar:
    def __init__(self):
        self.done = 0

    def update(self, n: int) -> None:
        self.done += n


def _job(monkeypatch, roster=None):
    """The arguments make() gives assemble for a pack of the Pix fiche (rendered here, assembled nowhere)."""
    seen = {}

    def keep(*args, **kwargs):
        seen["job"] = args, {k: v for k, v in kwargs.items() if k != "progress"}
        return b""

    with monkeypatch.context() as m:
        m.setattr(assembler, "assemble_here", keep)
        packs.make(packs.Request(name="t", fiches=(SOURCES / "pix.yaml",), copies=0 if roster else 3, roster=roster,
                                 date="2025-03-13"))
    return seen["job"]


@pytest.mark.parametrize("roster", [None, ROSTER], ids=["copies", "roster"])
def test_the_assembler_process_makes_the_bytes_made_in_place(monkeypatch, roster):
    args, kwargs = _job(monkeypatch, roster)
    here, there = _Bar(), _Bar()
    expected = assembler.assemble_here(*args, progress=here.update, **kwargs)
    worker = assembler.Assembler()
    pid = worker.pid
    assert worker.assemble(*args, progress=there.update, **kwargs) == expected
    assert there.done == here.done == len(args[1])  # one step per part of the pack, as in place
    with pytest.raises(ChildProcessError):  # waited for: no process left behind
        os.waitpid(pid, os.WNOHANG)
    assert len(PdfReader(io.BytesIO(expected)).pages) == args[1][-1].start + args[1][-1].pages


def test_a_dead_assembler_process_leaves_the_pack_to_this_one(monkeypatch):
    args, kwargs = _job(monkeypatch, ROSTER)
    expected = assembler.assemble_here(*args, **kwargs)
    worker = assembler.Assembler()
    os.kill(worker.pid, 9)
    bar = _Bar()
    assert worker.assemble(*args, progress=bar.update, **kwargs) == expected
    assert bar.done == len(args[1])


def test_an_unused_assembler_process_is_ended_and_waited_for():
    worker = assembler.Assembler()
    pid = worker.pid
    worker.close()
    worker.close()  # twice is harmless
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_a_cold_pack_command_assembles_beside_the_render():
    """When this fails, `pack` imports pypdf before it renders (about 45 ms more): something imported it, or
    reportlab, before make() could fork the assembler process."""
    probe = ("import sys; from pathlib import Path; from worksheet_gen import packs, cli; "
             "r = packs.make(packs.Request(name='t', fiches=(Path('sources/pix.yaml'),), copies=2), parallel=True); "
             "print(len(r.data) > 0, 'pypdf' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.stdout.split() == ["True", "False"], proc.stdout + proc.stderr


def test_a_warm_process_assembles_in_place():
    import worksheet_gen.render  # noqa: F401  (reportlab imported: nothing left to overlap)

    assert assembler.start() is None


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_dead_assembler_process_leaves_no_pipe_open(monkeypatch):
    """Killed before it reads its job (a job bigger than a pipe holds): the pack is made here, every pipe closed."""
    args, kwargs = _job(monkeypatch, ROSTER)
    before = _open_fds()
    worker = assembler.Assembler()
    os.kill(worker.pid, 9)
    assert worker.assemble(*args, **kwargs) == assembler.assemble_here(*args, **kwargs)
    assert _open_fds() == before


def test_no_process_to_spare_the_pack_is_assembled_here(monkeypatch):
    """fork() refused (EAGAIN on a loaded machine): no assembler and no pipe left open; the pack is made in place;
    and so is a fiche's student sheet, which a build forks too."""
    from worksheet_gen.build import render_fiche
    from worksheet_gen.sources import load_fiche

    def refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    fiche, _ = load_fiche(SOURCES / "pix.yaml")
    serial = render_fiche(fiche)
    before = _open_fds()
    monkeypatch.setattr(os, "fork", refused)
    with pytest.raises(OSError):
        assembler.Assembler()
    monkeypatch.setattr(assembler, "sys", types.SimpleNamespace(modules={}))  # as in a cold `pack` process
    assert assembler.start() is None
    assert render_fiche(fiche, parallel=True)[:2] == serial[:2]
    assert _open_fds() == before
