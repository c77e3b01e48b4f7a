"""overlap: a fiche loaded in a forked process while the build imports reportlab is the same fiche, with the same
problems; a build with a spare core writes the same PDFs and says the same errors as one without."""

from __future__ import annotations

import hashlib
import os
import shutil

import pytest

from conftest import ROOT, cli
from worksheet_gen import overlap, sources

BROKEN = "title: Fiche\nlevels: [1re]\nactivities:\n  - title: A\n    blocks:\n      - question: [unclosed\n"
INVALID = "title: Fiche\nlevels: [3e]\nlevel: 1re\nactivities: []\n"


def _loaded_both_ways(path, monkeypatch):
    prepared = []
    here = sources.load_fiche(path, None, None)
    forked = overlap.load_fiche(path, None, None, lambda: prepared.append(os.getpid()))
    assert prepared == [os.getpid()]  # run once, in this process
    return here, forked


@pytest.mark.parametrize("text", [None, BROKEN, INVALID])
def test_the_forked_load_gives_the_same_fiche_and_problems(tmp_path, monkeypatch, text):
    path = tmp_path / "fiche.yaml"
    if text is None:
        shutil.copy(ROOT / "sources" / "pix.yaml", path)
    else:
        path.write_text(text, encoding="utf-8")
    monkeypatch.delitem(__import__("sys").modules, "reportlab.platypus", raising=False)  # as in a new process
    here, forked = _loaded_both_ways(path, monkeypatch)
    assert forked == here
    assert (forked[0] is None) == (text is not None)


def test_no_process_to_spare_loads_it_here(tmp_path, monkeypatch):
    path = tmp_path / "pix.yaml"
    shutil.copy(ROOT / "sources" / "pix.yaml", path)
    monkeypatch.delitem(__import__("sys").modules, "reportlab.platypus", raising=False)

    def refuse():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    here, forked = _loaded_both_ways(path, monkeypatch)
    assert forked == here and forked[0] is not None


def _pdfs(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.pdf"))}


def test_a_build_with_a_spare_core_writes_the_same_pdfs_and_errors(tmp_path):
    shutil.copy(ROOT / "sources" / "pix.yaml", tmp_path / "pix.yaml")
    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    runs = {}
    for jobs in ("1", "2"):
        good = cli("build", "pix.yaml", "--out", f"out{jobs}", "--jobs", jobs, cwd=tmp_path)
        bad = cli("build", "broken.yaml", "--out", f"bad{jobs}", "--jobs", jobs, cwd=tmp_path)
        runs[jobs] = (good.returncode, bad.returncode, bad.stderr, _pdfs(tmp_path / f"out{jobs}"))
    assert runs["1"] == runs["2"]
    assert runs["2"][:2] == (0, 1) and "broken.yaml:6:" in runs["2"][2] and len(runs["2"][3]) == 2
