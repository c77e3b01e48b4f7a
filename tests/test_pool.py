"""The worker processes of `build --jobs N`: a worker stopped, killed or ended by the system, the build ended by
Ctrl-C or SIGTERM while they run, and more jobs asked for than CPUs. The console script is run as a user runs it,
in a session of its own (test_watch.alive lists what of it still runs)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import fr
from test_interrupt import ABORTED, _fiches, _program
from test_watch import Watcher, alive  # noqa: F401 (Watcher: a fixture)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="processes read from /proc")


def _workers(parent: int) -> list[int]:
    """The processes parent started (its workers), running or stopped: the others of its session."""
    return [int(pid) for pid in alive(parent) if int(pid) != parent]


def _started(args: list[str], cwd: Path) -> subprocess.Popen:
    """worksheet-gen ARGS, once a first PDF is written (its workers are busy with the others)."""
    proc = subprocess.Popen([_program(), *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    first = proc.stdout.readline()
    assert "build/" in first, first + proc.stderr.read()
    return proc


def _ended(proc: subprocess.Popen, seconds: float = 60) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=seconds)
    end = time.monotonic() + 10
    while alive(proc.pid):  # nothing of the build left: no worker, running or stopped
        assert time.monotonic() < end, f"still there after the build: {alive(proc.pid)}"
        time.sleep(0.05)
    return proc.returncode, out, err


@pytest.mark.parametrize("sent, code, said", [(signal.SIGINT, 130, ABORTED), (signal.SIGTERM, 143, "")],
                         ids=["ctrl-c", "sigterm"])
def test_a_stopped_worker_does_not_keep_the_build_from_ending(tmp_path, sent, code, said):
    """Failed before: the build waited for the stopped worker for ever, Ctrl-C included; SIGTERM ended it but left
    the worker stopped, and multiprocessing's resource tracker complained of a leaked semaphore."""
    folder = _fiches(tmp_path, 12, built=False)
    proc = _started(["build", "--jobs", "2"], folder)
    workers = _workers(proc.pid)
    assert workers, "no worker"
    try:
        for worker in workers:
            os.kill(worker, signal.SIGSTOP)
        time.sleep(0.5)
        if sent == signal.SIGINT:
            os.killpg(proc.pid, sent)  # as the terminal sends it
        else:
            os.kill(proc.pid, sent)  # as kill, a CI timeout, a service manager send it
        returncode, out, err = _ended(proc, seconds=20)
    finally:  # when it failed: nothing left stopped on the machine
        for pid in [proc.pid, *workers]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    assert (returncode, err) == (code, said), out + err


def test_sigterm_while_workers_render_is_silent_and_leaves_nothing(tmp_path):
    folder = _fiches(tmp_path, 12, built=False)
    proc = _started(["build", "--jobs", "2"], folder)
    os.kill(proc.pid, signal.SIGTERM)
    returncode, out, err = _ended(proc)
    assert (returncode, err) == (143, ""), out + err
    assert [p.name for p in (folder / "build").iterdir() if p.suffix not in (".pdf", ".json")] == []


def test_a_killed_worker_is_replaced_and_its_fiche_built(tmp_path):
    """Failed before: every fiche still queued failed, in Python's English words."""
    folder = _fiches(tmp_path, 12, built=False)
    proc = _started(["build", "--jobs", "2", "--lang", "fr"], folder)
    killed = _workers(proc.pid)[0]
    os.kill(killed, signal.SIGKILL)
    returncode, out, err = _ended(proc)
    assert (returncode, err) == (0, ""), out + err
    assert sorted(p.name for p in (folder / "build").glob("*.pdf")) == sorted(
        f"pix{i}-{kind}.pdf" for i in range(12) for kind in ("eleve", "corrige"))
    assert killed not in _workers(proc.pid)


def kill_on_second(index: int) -> int:
    """A task for pool.imap: the second one kills its worker, each time."""
    if index == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    return index * 10


def test_a_task_whose_worker_dies_twice_is_lost_and_the_others_done():
    from worksheet_gen import pool

    done = dict(pool.imap(kill_on_second, [(i,) for i in range(5)], 2))
    assert {i: v for i, v in done.items() if i != 1} == {0: 0, 2: 20, 3: 30, 4: 40}
    assert isinstance(done[1], pool.Lost) and repr(done[1]) == "SIGKILL"


def test_a_lost_fiche_is_said_in_the_users_language_and_fails_the_build(tmp_path, monkeypatch):
    from worksheet_gen import build, pool

    folder = _fiches(tmp_path, 3, built=False)
    sources = sorted((folder / "sources").glob("*.yaml"))
    monkeypatch.setattr(pool, "imap", lambda function, tasks, workers: iter(
        [(0, build.work(*tasks[0])), (1, pool.Lost(-signal.SIGKILL)), (2, build.work(*tasks[2]))]))
    monkeypatch.setattr(build, "default_jobs", lambda: 2)
    monkeypatch.chdir(folder)
    result = build.build(sources, folder / "build", jobs=2)
    assert result.exit_code == 1 and result.failures == ["sources/pix1.yaml"]
    assert sorted(p.name for p in (folder / "build").glob("*.pdf")) == [
        "pix0-corrige.pdf", "pix0-eleve.pdf", "pix2-corrige.pdf", "pix2-eleve.pdf"]
    from worksheet_gen.i18n import render

    said = [render(p.message, "fr") for p in result.problems if p.severity == "error"]
    assert said == [fr("le processus qui la construisait a été arrêté (SIGKILL), une seconde fois aussi : elle "
                       "n'est pas construite")], said


def test_more_jobs_than_cpus_start_one_worker_per_cpu(tmp_path):
    folder = _fiches(tmp_path, 8, built=False)
    cpus = len(os.sched_getaffinity(0))
    proc = subprocess.Popen([_program(), "build", "--jobs", "1000"], cwd=folder, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    most = 0
    while proc.poll() is None:
        most = max(most, len(_workers(proc.pid)))
        time.sleep(0.02)
    returncode, out, err = _ended(proc)
    assert returncode == 0, out + err
    assert 1 <= most <= cpus if cpus > 1 else most <= 1, most


def test_sigterm_ends_watch_silently_with_143(tmp_path, Watcher):
    """Failed before: multiprocessing's resource tracker warned of leaked semaphores, with a path of Python's."""
    watcher = Watcher(_fiches(tmp_path, 4, built=False))  # its first build with workers (one per CPU)
    said = len(watcher.lines)
    os.kill(watcher.proc.pid, signal.SIGTERM)
    assert watcher.proc.wait(timeout=30) == 143
    end = time.monotonic() + 10
    while alive(watcher.proc.pid):
        assert time.monotonic() < end, f"still running after SIGTERM: {alive(watcher.proc.pid)}"
        time.sleep(0.05)
    time.sleep(0.5)  # what a process left behind would still say
    assert [line for line in watcher.lines[said:] if line != "stopped watching"] == []  # on stdout, as for Ctrl-C
