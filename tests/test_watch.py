"""`worksheet-gen watch`, run as a teacher runs it: saves rebuild the PDFs, a broken save keeps them, Ctrl-C stops."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import DATA, ROOT, SOURCES, pdftotext

PDFS = ("pix-eleve.pdf", "pix-corrige.pdf")


class _Watcher:
    """`worksheet-gen watch` in a session of its own, its output read as it comes."""

    def __init__(self, root: Path, *args: str):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen([sys.executable, "-m", "worksheet_gen", "watch", "--debounce", "20", *args],
                                     cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                                     start_new_session=True)
        self.lines: list[str] = []
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for(r"^watching ")

    def _read(self) -> None:
        for line in self.proc.stdout:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()

    def wait_for(self, pattern: str, after: int = 0, timeout: float = 60) -> str:
        """The first line from index after on that matches pattern (fails after timeout seconds)."""
        end = time.monotonic() + timeout
        with self.changed:
            while True:
                found = next((line for line in self.lines[after:] if re.search(pattern, line)), None)
                if found is not None:
                    return found
                left = end - time.monotonic()
                assert left > 0 and self.proc.poll() is None, f"no {pattern!r} in:\n" + "\n".join(self.lines)
                self.changed.wait(left)

    def stop(self) -> int:
        """Ctrl-C, as a terminal sends it to the whole group; the exit code."""
        os.killpg(self.proc.pid, signal.SIGINT)
        code = self.proc.wait(timeout=30)
        end = time.monotonic() + 10
        while alive(self.proc.pid):  # no worker left behind: nothing of its session still runs
            assert time.monotonic() < end, f"still running after the watcher stopped: {alive(self.proc.pid)}"
            time.sleep(0.05)
        return code

    def close(self) -> None:
        """After a failed test: end the whole session, release the pipe."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


def alive(session: int) -> list[str]:
    """The processes of a session that still run (zombies, already ended, wait for init to collect them)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":  # fields after the name: state, ppid, pgrp, session
            found.append(stat.parent.name)
    return found


def save(path: Path, text: str | bytes) -> None:
    """Save as editors do: a new file renamed over the old one."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    os.replace(tmp, path)


def inodes(out: Path) -> dict[str, int]:
    return {name: (out / name).stat().st_ino for name in PDFS}


def replaced(out: Path, before: dict[str, int], timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while any((out / name).stat().st_ino == before[name] for name in PDFS):
        assert time.monotonic() < end, "the PDFs were not replaced"
        time.sleep(0.01)


@pytest.fixture
def tree(tmp_path) -> Path:
    (tmp_path / "sources").mkdir()
    shutil.copy(SOURCES / "pix.yaml", tmp_path / "sources")
    return tmp_path


@pytest.fixture
def Watcher():  # noqa: N802 (it makes watchers)
    made = []

    def start(root: Path, *args: str) -> _Watcher:
        made.append(_Watcher(root, *args))
        return made[-1]

    yield start
    for watcher in made:
        watcher.close()


def test_a_save_replaces_both_pdfs_and_a_reader_never_sees_half_a_file(tree, Watcher):
    out, source = tree / "build", tree / "sources" / "pix.yaml"
    watcher = Watcher(tree)
    assert all((out / name).exists() for name in PDFS)
    torn, reading = [], threading.Event()

    def viewer() -> None:  # a PDF viewer that reloads whenever the file changes
        while not reading.is_set():
            for name in PDFS:
                data = (out / name).read_bytes()
                if not (data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")):
                    torn.append(name)

    threading.Thread(target=viewer, daemon=True).start()
    for word in ("Développez", "Renforcez"):
        before, mark = inodes(out), len(watcher.lines)
        save(source, source.read_text(encoding="utf-8").replace("Cultivez", word, 1).replace("Développez", word, 1))
        replaced(out, before)
        watcher.wait_for(r"^1 source: 0 up to date, 1 rendered; 2 PDFs written", after=mark)
        for name in PDFS:
            assert word in pdftotext(out / name)
    reading.set()
    assert torn == []
    assert watcher.stop() == 130
    assert watcher.lines[-1] == "stopped watching"


def test_a_broken_save_keeps_the_last_pdfs_and_prints_the_error(tree, Watcher):
    out, source = tree / "build", tree / "sources" / "pix.yaml"
    watcher = Watcher(tree)
    good = {name: (out / name).read_bytes() for name in PDFS}
    text = source.read_text(encoding="utf-8")
    mark = len(watcher.lines)
    save(source, text.replace("title: Cultivez", "title: [Cultivez", 1))
    error = watcher.wait_for(r"error:", after=mark)
    assert re.match(r"^sources/pix\.yaml:4:\d+: error: ", error)
    watcher.wait_for(r"1 failed: sources/pix\.yaml", after=mark)
    assert {name: (out / name).read_bytes() for name in PDFS} == good
    before, mark = inodes(out), len(watcher.lines)
    save(source, text.replace("Cultivez", "Renforcez", 1))  # fixed: built again
    replaced(out, before)
    assert "Renforcez" in pdftotext(out / "pix-eleve.pdf")
    assert watcher.stop() == 130


def test_pictures_rosters_and_pack_files_are_watched_too(tree, Watcher):
    src = tree / "sources"
    shutil.copytree(DATA / "ci" / "images", src / "images")
    shutil.copy(DATA / "ci" / "pictures.yaml", src)
    shutil.copy(DATA / "pack" / "eleves-1reB.csv", src / "eleves.csv")
    (src / "classe.pack.yaml").write_text("fiches: [pix]\nroster: eleves.csv\n", encoding="utf-8")
    out = tree / "build"
    watcher = Watcher(tree)
    picture = sorted((src / "images").iterdir())[0]

    def rewritten(name: str, change) -> None:
        before, mark = (out / name).stat().st_ino, len(watcher.lines)
        change()
        watcher.wait_for(rf"wrote build/{re.escape(name)}", after=mark)
        assert (out / name).stat().st_ino != before

    rewritten("pictures-eleve.pdf", lambda: shutil.copy(sorted((src / "images").iterdir())[-1], picture))
    roster = (src / "eleves.csv").read_bytes()  # as a spreadsheet saved it: Windows-1252
    rewritten("pack-classe.pdf", lambda: save(src / "eleves.csv", roster + "ZOLA;Émile;1re B\r\n".encode("cp1252")))
    rewritten("pack-classe.pdf", lambda: save(src / "classe.pack.yaml", "fiches: [pix]\nroster: eleves.csv\n"
                                                                           "single_sided: true\n"))
    assert watcher.stop() == 130


def test_a_pdf_that_cannot_be_replaced_is_reported_then_written_at_the_next_save(tree, Watcher):
    out, source = tree / "build", tree / "sources" / "pix.yaml"
    watcher = Watcher(tree)
    text = source.read_text(encoding="utf-8")
    (out / "pix-eleve.pdf").unlink()
    (out / "pix-eleve.pdf").mkdir()  # held: it cannot be replaced (as a PDF open in a viewer on Windows)
    (out / "pix-eleve.pdf" / "x").write_text("x")
    mark = len(watcher.lines)
    save(source, text.replace("Cultivez", "Renforcez", 1))
    assert re.match(r"^build/pix-eleve\.pdf: error: cannot write the file", watcher.wait_for(r"cannot write", mark))
    shutil.rmtree(out / "pix-eleve.pdf")
    mark = len(watcher.lines)
    save(source, text.replace("Cultivez", "Développez", 1))
    watcher.wait_for(r"wrote build/pix-eleve\.pdf", after=mark)
    assert "Développez" in pdftotext(out / "pix-eleve.pdf")
    assert watcher.stop() == 130


def test_a_deleted_source_is_said_removed_and_a_save_changed(tree, Watcher):
    src, out = tree / "sources", tree / "build"
    shutil.copy(DATA / "ci" / "pictures.yaml", src)
    shutil.copytree(DATA / "ci" / "images", src / "images")
    watcher = Watcher(tree)
    assert (out / "pictures-eleve.pdf").exists()
    mark = len(watcher.lines)
    (src / "pictures.yaml").unlink()
    said = watcher.wait_for(r"^\d\d:\d\d:\d\d (changed|removed): ", after=mark)
    assert re.match(r"^\d\d:\d\d:\d\d removed: sources/pictures\.yaml$", said), said
    watcher.wait_for(r"^removed build/pictures-eleve\.pdf$", after=mark)
    assert not any(" changed: " in line for line in watcher.lines[mark:])
    mark = len(watcher.lines)
    source = src / "pix.yaml"
    save(source, source.read_text(encoding="utf-8").replace("Cultivez", "Renforcez", 1))  # a new file renamed over it
    said = watcher.wait_for(r"^\d\d:\d\d:\d\d (changed|removed): ", after=mark)
    assert re.match(r"^\d\d:\d\d:\d\d changed: sources/pix\.yaml$", said), said
    assert watcher.stop() == 130


def test_a_sources_folder_deleted_then_made_again_is_built(tree, Watcher):
    """A `git checkout` of another branch, a folder restored from a USB key: the watch says once that the folder is
    gone, then builds the one made again (it built nothing more, watching the folder deleted)."""
    src, out = tree / "sources", tree / "build"
    text = (src / "pix.yaml").read_text(encoding="utf-8")
    watcher = Watcher(tree)
    mark = len(watcher.lines)
    shutil.rmtree(src)
    watcher.wait_for(r"^\d\d:\d\d:\d\d the folder sources is gone: the build waits for it to be back$", after=mark)
    time.sleep(0.5)  # missing a while: said once, no build
    src.mkdir()
    save(src / "pix.yaml", text.replace("Cultivez", "Renforcez", 1))
    watcher.wait_for(r"^wrote build/pix-corrige\.pdf$", after=mark)
    watcher.wait_for(r"^1 source: ", after=mark)
    said = watcher.lines[mark:]
    assert sum("is gone" in line for line in said) == 1 and not any("error" in line.lower() for line in said), said
    assert re.match(r"^\d\d:\d\d:\d\d the folder sources is back$", next(x for x in said if "is back" in x))
    assert "wrote build/pix-eleve.pdf" in said
    for name in PDFS:
        assert "Renforcez" in pdftotext(out / name)
    mark = len(watcher.lines)
    save(src / "pix.yaml", text.replace("Cultivez", "Développez", 1))  # and the saves in it are watched
    watcher.wait_for(r"^1 source: 0 up to date, 1 rendered; 2 PDFs written", after=mark)
    assert "Développez" in pdftotext(out / "pix-eleve.pdf")
    assert watcher.stop() == 130


def test_a_sources_folder_replaced_at_once_by_another_is_watched(tree, Watcher):
    """The old folder moved away and a new one put in its place before the watch looks: the new one is built and
    watched, not the old one wherever it went."""
    src, out = tree / "sources", tree / "build"
    text = (src / "pix.yaml").read_text(encoding="utf-8")
    watcher = Watcher(tree)
    mark = len(watcher.lines)
    fresh = tree / "fresh"
    fresh.mkdir()
    (fresh / "pix.yaml").write_text(text.replace("Cultivez", "Renforcez", 1), encoding="utf-8")
    src.rename(tree / "old")
    fresh.rename(src)
    watcher.wait_for(r"^1 source: 0 up to date, 1 rendered; 2 PDFs written", after=mark)
    assert "Renforcez" in pdftotext(out / "pix-eleve.pdf")
    mark = len(watcher.lines)
    save(src / "pix.yaml", text.replace("Cultivez", "Développez", 1))  # a save in the new one is seen
    watcher.wait_for(r"^1 source: 0 up to date, 1 rendered; 2 PDFs written", after=mark)
    assert "Développez" in pdftotext(out / "pix-eleve.pdf")
    mark = len(watcher.lines)
    save(tree / "old" / "pix.yaml", text.replace("Cultivez", "Oubliez", 1))  # the old one is no longer watched
    time.sleep(1)
    assert watcher.lines[mark:] == []
    assert watcher.stop() == 130


def test_watching_a_folder_that_does_not_exist_is_an_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "worksheet_gen", "watch", "--sources", "nowhere"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 1 and "nowhere: no such folder to watch" in proc.stderr


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_a_file_name_is_data_in_the_watch_log(tree, Watcher, fmt):
    """Attack 3: a file whose name holds a newline and '::error …' wrote a workflow command of its own into the
    log of `watch --format github` (and a raw newline and U+202E in text)."""
    watcher = Watcher(tree, "--format", fmt)
    start = len(watcher.lines)
    (tree / "sources" / "x\n::error file=evil.yaml,line=1::INJECTED\u202e.yaml").write_text("title: x\n")
    watcher.wait_for(r"(changed|modifié)", after=start)
    time.sleep(0.5)  # the build it starts prints its own lines
    assert watcher.stop() == 130
    assert not [line for line in watcher.lines if line.startswith("::error file=evil") or "\u202e" in line], \
        watcher.lines


def test_only_the_files_a_build_reads_start_a_build(tree, Watcher):
    """Fresh eyes: `sed -i`'s sedXXXXXX, an editor's swap file or backup, a notes.txt in sources/ each printed
    « changed » and started a build. Only sources, pack files, pictures and rosters (any name a pack file gives
    its roster: the last build's manifest says which) do."""
    src, out = tree / "sources", tree / "build"
    shutil.copy(DATA / "pack" / "eleves-1reB.csv", src / "eleves.txt")  # a roster that is not called *.csv
    (src / "classe.pack.yaml").write_text("fiches: [pix]\nroster: eleves.txt\n", encoding="utf-8")
    watcher = Watcher(tree)
    assert (out / "pack-classe.pdf").exists()
    source = src / "pix.yaml"
    text = source.read_text(encoding="utf-8")
    mark = len(watcher.lines)
    (src / "notes.txt").write_text("à imprimer jeudi\n", encoding="utf-8")
    (src / "pix.yaml~").write_text(text, encoding="utf-8")
    (src / ".pix.yaml.swp").write_bytes(b"b0VIM 9.0")
    (src / "4913").write_bytes(b"")  # vim's probe that the folder is writable
    subprocess.run(["sed", "-i", "s/^# //", str(src / "notes.txt")], check=True)  # writes sedXXXXXX, renames it
    time.sleep(1)  # far more than the debounce: a batch of its own, had it been seen
    save(source, text.replace("Cultivez", "Renforcez", 1))
    said = watcher.wait_for(r"^\d\d:\d\d:\d\d (changed|removed): ", after=mark)
    assert re.match(r"^\d\d:\d\d:\d\d changed: sources/pix\.yaml$", said), watcher.lines[mark:]
    watcher.wait_for(r"wrote build/pix-eleve\.pdf", after=mark)
    mark = len(watcher.lines)
    before = (out / "pack-classe.pdf").stat().st_ino
    save(src / "eleves.txt", (src / "eleves.txt").read_bytes() + "ZOLA;Émile;1re B\r\n".encode("cp1252"))
    said = watcher.wait_for(r"^\d\d:\d\d:\d\d (changed|removed): ", after=mark)
    assert re.match(r"^\d\d:\d\d:\d\d changed: sources/eleves\.txt$", said), watcher.lines[mark:]
    watcher.wait_for(r"wrote build/pack-classe\.pdf", after=mark)
    assert (out / "pack-classe.pdf").stat().st_ino != before
    assert watcher.stop() == 130


def test_a_link_to_a_folder_that_cannot_be_watched_leaves_the_sources_watched(tree, Watcher):
    """A link in the sources folder to a folder the watcher cannot go through (/proc/1: some of it refused even to
    root) ended watch at once with the watcher's English words: the sources are watched without their subfolders,
    said once, and a save is built."""
    (tree / "sources" / "p1").symlink_to("/proc/1")
    out, source = tree / "build", tree / "sources" / "pix.yaml"
    watcher = Watcher(tree)
    said = [line for line in watcher.lines if "cannot be watched" in line]
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d the subfolders of sources cannot be watched \(.+\): only the files "
                            r"right in it are", line) for line in said), said
    assert len(said) <= 1 and not any("os error" in line for line in watcher.lines), watcher.lines
    before, mark = inodes(out), len(watcher.lines)
    save(source, source.read_text(encoding="utf-8").replace("Cultivez", "Renforcez", 1))
    replaced(out, before)
    watcher.wait_for(r"^1 source: 0 up to date, 1 rendered; 2 PDFs written", after=mark)
    assert watcher.stop() == 130


def test_watch_in_json_prints_one_document_per_build_a_line_each(tree):
    """`watch --format json` printed pretty documents one after another mixed with its news lines: no JSON reader
    could take stdout. Now each build's document is one line (JSON Lines), the news go to stderr."""
    source = tree / "sources" / "pix.yaml"
    out_file = tree / "stdout.jsonl"
    with out_file.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "worksheet_gen", "watch", "--debounce", "20", "--format",
                                 "json"], cwd=tree, stdout=out, stderr=subprocess.PIPE, text=True,
                                start_new_session=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            end = time.monotonic() + 60
            while out_file.read_text().count("\n") < 1:
                assert time.monotonic() < end and proc.poll() is None, "no first document"
                time.sleep(0.05)
            time.sleep(0.3)
            save(source, source.read_text(encoding="utf-8").replace("Cultivez", "Renforcez", 1))
            while out_file.read_text().count("\n") < 2:
                assert time.monotonic() < end and proc.poll() is None, "no second document"
                time.sleep(0.05)
        finally:
            os.killpg(proc.pid, signal.SIGINT)
            _, err = proc.communicate(timeout=30)
    documents = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert [d["rendered"] for d in documents] == [1, 1] and all(d["errors"] == 0 for d in documents)
    assert "watching sources" in err and "changed: sources/pix.yaml" in err
