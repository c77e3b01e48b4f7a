"""Ctrl-C and a lack of memory, at any moment of a command: a short message or none, exit code 130 (Ctrl-C) or 1
(memory), never a traceback. The console script is run as a user runs it, in a session of its own, and Ctrl-C
is sent to the whole group as a terminal sends it."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

import worksheet_gen
from conftest import SOURCES, cli
from test_watch import alive

PACKAGE = Path(worksheet_gen.__file__).resolve().parent
ABORTED = "\nAborted!\n"


def _program() -> str:
    """The worksheet-gen console script installed beside this Python (the .venv's), or on PATH."""
    beside = Path(sys.executable).parent / "worksheet-gen"
    found = str(beside) if beside.exists() else shutil.which("worksheet-gen")
    assert found, "no worksheet-gen console script: install the project (make)"
    return found


def _fiches(root: Path, count: int, built: bool = True) -> Path:
    """root/sources with count copies of the Pix fiche, each titled apart (rendered, never from a cache), built
    once if built."""
    (root / "sources").mkdir()
    text = (SOURCES / "pix.yaml").read_text(encoding="utf-8")
    for i in range(count):
        (root / "sources" / f"pix{i}.yaml").write_text(text.replace("title: ", f"title: {i} ", 1), encoding="utf-8")
    if built:
        cli("build", cwd=root, check=True)
    return root


def _interrupted(args: list[str], cwd: Path, delay: float) -> subprocess.CompletedProcess:
    """worksheet-gen ARGS, sent Ctrl-C after delay seconds."""
    proc = subprocess.Popen([_program(), *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _own_words(stderr: str) -> bool:
    """Whether stderr holds Python's own words (a traceback, a fatal error) said before the package's first line
    ran: while Python starts (site) or looks for the package; no file of the package in them."""
    return ("Traceback" in stderr or "Fatal Python error" in stderr) and f'File "{PACKAGE}' not in stderr


def test_ctrl_c_while_a_command_starts_is_130_and_no_traceback(tmp_path):
    folder = _fiches(tmp_path, 1)
    start = time.monotonic()
    assert subprocess.run([_program(), "build", "-q"], cwd=folder, capture_output=True).returncode == 0
    took = time.monotonic() - start  # a no-op build on this machine now (loaded or not): Ctrl-C all along it
    said = []
    for step in range(16):
        proc = _interrupted(["build", "-q"], folder, took * step / 15)
        said.append((step, proc.returncode, proc.stderr))
        if proc.returncode == 0:  # done before Ctrl-C came
            assert proc.stderr == "", said
        elif proc.returncode == -signal.SIGINT and proc.stderr == "":
            pass  # killed by it before Python handles it (the shell says 130)
        elif not _own_words(proc.stderr):
            assert proc.returncode == 130 and proc.stderr in ("", ABORTED), said
    assert sum(code == 130 for _, code, _ in said) >= 6, said  # most of them reached the tool's own code


@pytest.mark.parametrize("lang", [[], ["--lang", "en"]], ids=["quick", "click"])
def test_ctrl_c_in_the_middle_of_a_build_stops_the_workers_and_writes_nothing_half(tmp_path, lang):
    folder = _fiches(tmp_path, 8, built=False)
    proc = subprocess.Popen([_program(), "build", "--jobs", "2", *lang], cwd=folder,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    first = proc.stdout.readline()  # a fiche written: the workers are rendering the others
    assert first.startswith("wrote build/"), first
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert (proc.returncode, err) == (130, ABORTED), out + err
    end = time.monotonic() + 10
    while alive(proc.pid):  # the workers end too
        assert time.monotonic() < end, f"still running after Ctrl-C: {alive(proc.pid)}"
        time.sleep(0.05)
    build = folder / "build"
    assert [p.name for p in build.iterdir() if p.suffix not in (".pdf", ".json")] == []  # no temporary file left
    for pdf in build.glob("*.pdf"):
        assert len(PdfReader(pdf).pages) >= 1  # each one whole, the old one or the new one


@pytest.mark.parametrize("fmt, lang", [("json", []), ("json", ["--lang", "en"]), ("github", [])],
                         ids=["json-quick", "json-click", "github"])
def test_ctrl_c_in_the_middle_of_a_build_still_gives_a_ci_job_its_report(tmp_path, fmt, lang):
    """A CI job reading stdout gets a document saying the build was interrupted (it got nothing), exit code 130."""
    folder = _fiches(tmp_path, 8, built=False)
    proc = subprocess.Popen([_program(), "build", "--jobs", "2", "--format", fmt, *lang], cwd=folder,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    end = time.monotonic() + 120
    while not list((folder / "build").glob("*.pdf")):  # a fiche written: the workers are rendering the others
        assert time.monotonic() < end and proc.poll() is None, "no PDF written"
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert (proc.returncode, err) == (130, ABORTED), out + err
    message = "the build was interrupted before its end"
    hint = "the PDFs it wrote are whole, the others as they were: run it again"
    if fmt == "json":
        assert json.loads(out) == {"interrupted": True, "errors": 1, "warnings": 0, "problems": [
            {"file": None, "line": None, "col": None, "severity": "error", "message": message, "hint": hint,
             "key": message}]}
    else:  # after the lines of the PDFs written
        assert [line for line in out.splitlines() if line.startswith("::")] == [f"::error::{message} ({hint})"], out
        assert out.splitlines()[-1].startswith("::error::")


MEMORY = ("not enough memory to go on: close other programs and try again", "not enough memory")
FR_MEMORY = ("mémoire insuffisante pour continuer\u00a0: fermez d’autres programmes et recommencez",)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="address-space limit as ulimit -v sets it")
@pytest.mark.parametrize("jobs, count, json_fr", [(1, 1, False), (2, 3, False), (2, 3, True)],
                         ids=["one-process", "workers", "workers-json-fr"])
def test_a_lack_of_memory_is_one_line_and_exit_1(tmp_path, jobs, count, json_fr):
    """With workers, it failed before: « can't start new thread » tracebacks and hangs (multiprocessing's pool);
    and the lack of memory was said twice when the cache could not be saved either. With --format json, stdout
    is one document holding it (it was empty), and --lang fr says it in French (it was said in English)."""
    folder = _fiches(tmp_path, count)
    said, documents = [], []
    for megabytes in [*range(8, 100, 4), 200]:  # from too little for Python to start to enough for the build
        limit = megabytes * 1024 * 1024
        asked = ["--lang", "fr", "build", "--format", "json"] if json_fr else ["build"]
        proc = subprocess.run([_program(), *asked, "--force", "--jobs", str(jobs)], cwd=folder, capture_output=True,
                              text=True, timeout=60,
                              preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))
        said.append((megabytes, proc.returncode, proc.stderr))
        if json_fr and proc.returncode == 1 and not _own_words(proc.stderr) and proc.stderr != "not enough memory\n":
            # (that last one: not even the catalogue could be read, nor a document written)
            assert all("mémoire insuffisante" in line for line in proc.stderr.splitlines()), said[-1]
            assert sum(line == FR_MEMORY[0] for line in proc.stderr.splitlines()) <= 1, said[-1]  # said once
            if proc.stdout:  # one document; none only where even it could not be made (seen once in CI)
                report = json.loads(proc.stdout)
                assert report["errors"] >= 1 and all("mémoire" in p["message"] for p in report["problems"]), \
                    proc.stdout
                documents.append(megabytes)
            said[-1] = (megabytes, 1, "not enough memory")  # counted below
            continue
        if proc.returncode == 0 or _own_words(proc.stderr) or proc.returncode == 127 or (
                proc.returncode < 0 and proc.stderr == ""):
            continue  # built; or Python could not start (its own words; the system's: 127, no library loaded), or
            # its C code crashed at an allocation it could not make (SIGSEGV), saying nothing
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, said[-1]
        lines = proc.stderr.splitlines()
        assert sum(line in MEMORY for line in lines) <= 1, said[-1]  # said once
        for line in lines:
            assert line in MEMORY or line.endswith(": error: not enough memory to build it (close other programs, "
                                                   "or build with --jobs 1)"), said[-1]
    assert sum(code == 1 and "not enough memory" in err for _, code, err in said) >= 3, said
    assert said[-1][1] == 0, said[-1]  # with enough, it builds
    assert documents or not json_fr, said  # the document said it, at most limits


def test_a_c_function_failing_silently_at_the_memory_edge_is_a_lack_of_memory():
    """Seen once in CI under `ulimit -v 20000`: « SystemError: error return without exception set » (a C function
    whose exception could not be made) printed a traceback; it is said as a lack of memory. Other SystemErrors
    stay bugs."""
    from worksheet_gen.quickcli import _memory

    assert _memory(SystemError("error return without exception set"))
    assert _memory(SystemError("<built-in function compile> returned NULL without setting an exception"))
    assert not _memory(SystemError("bad argument to internal function"))


def test_ctrl_c_during_a_pack_still_gives_a_ci_job_its_document(tmp_path):
    """`pack --format json` stopped by Ctrl-C printed nothing on stdout: its document now says `"pack": null` and
    that it was interrupted, exit code 130, and no pack is written."""
    folder = _fiches(tmp_path, 10, built=False)  # about 3 s of rendering: Ctrl-C comes in the middle
    proc = _interrupted(["pack", *(f"pix{i}" for i in range(10)), "--copies", "30", "--format", "json"], folder, 1.0)
    assert (proc.returncode, proc.stderr) == (130, ABORTED), proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["pack"] is None and report["interrupted"] is True and report["errors"] == 1
    assert report["problems"][0]["message"] == "the build was interrupted before its end"
    assert not (folder / "build").exists() or not list((folder / "build").glob("*.pdf"))
