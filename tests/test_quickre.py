"""quickre: the patterns a build compiles are rebuilt from the user cache, equal to re's, and the PDFs are the same."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from worksheet_gen import cache, quickre

# Runs the command as the console script does, counting the patterns re's own compiler compiles (with --jobs 1:
# one process, no fork that would print its own count).
PROBE = """
import os, sys
from re import _compiler
count = [0]
compile_ = _compiler.compile
def counted(p, flags=0):
    count[0] += 1
    return compile_(p, flags)
_compiler.compile = counted
exit_ = os._exit
def leave(code):
    print("compiled by re:", count[0], file=sys.stderr)
    exit_(code)
os._exit = leave
sys.argv = ["worksheet-gen"] + sys.argv[1:]
from worksheet_gen.quickcli import entry
entry()
"""


def _build(tmp_path, out: str, seed: str = "0", cache_dir: str = "cache"):
    env = dict(os.environ, WORKSHEET_GEN_CACHE=str(tmp_path / cache_dir), XDG_DATA_HOME=str(tmp_path / "data"),
               PYTHONHASHSEED=seed)
    proc = subprocess.run([sys.executable, "-c", PROBE, "build", "-q", "-j", "1", "pix.yaml", "--out", out],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return int(re.search(r"compiled by re: (\d+)", proc.stderr)[1])


def _tables(folder):
    return sorted(folder.glob(f"{quickre.KIND}-*.bin")) if folder.exists() else []


@pytest.fixture
def pix(tmp_path):
    shutil.copy(ROOT / "sources" / "pix.yaml", tmp_path / "pix.yaml")
    return tmp_path


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.pdf"))}


def test_a_second_build_compiles_few_patterns_and_makes_the_same_pdfs(pix, monkeypatch):
    """When this fails, CPython's re internals (_sre.compile, re._compiler) changed: quickre no longer applies."""
    first = _build(pix, "one", seed="1")
    [table] = _tables(pix / "cache")
    kept = table.read_bytes()
    second = _build(pix, "two", seed="2")  # another hash seed: patterns made from sets in another order
    assert second * 3 < first, (first, second)  # those compiled before the table is read, or in functions
    assert table.read_bytes() == kept  # nothing new learnt: the table does not grow from run to run
    off = _build(pix, "off", cache_dir="off")
    assert _digests(pix / "one") == _digests(pix / "two") == _digests(pix / "off") != {}

    monkeypatch.setenv(cache.ENV, str(pix / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(pix / "data"))
    cache.reset()
    try:
        table = cache.load_blob(quickre.KIND, quickre._key(), quickre._read)
    finally:
        cache.reset()
    assert len(table) > 50
    for (pattern, flags), (final, groups, groupindex, program) in table.items():
        rebuilt = quickre._made_of(pattern, final, groups, groupindex, program.tolist())
        assert rebuilt == re.compile(pattern, flags), pattern  # Pattern.__eq__: flags, text and program
        assert rebuilt.groupindex == re.compile(pattern, flags).groupindex


def test_a_spoilt_table_is_compiled_again(pix):
    """A table that does not verify (changed after it was signed) is ignored: patterns compiled by re, same PDFs."""
    first = _build(pix, "one")
    [table] = _tables(pix / "cache")
    data = bytearray(table.read_bytes())
    data[-8:] = b"\xff" * 8  # a program's last words
    table.write_bytes(bytes(data))
    assert _build(pix, "two") > first // 2
    assert _digests(pix / "one") == _digests(pix / "two")


def test_a_program_sre_refuses_falls_back_to_re(tmp_path, monkeypatch):
    """Even signed, a program _sre finds invalid is never run: re compiles the pattern."""
    monkeypatch.setenv(cache.ENV, str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(quickre, "_table", None)
    monkeypatch.setattr(quickre, "_made", {})
    monkeypatch.setattr(quickre, "_new", {})
    cache.reset()
    try:
        from array import array

        pattern = "ab+c(?P<x>d)"
        cache.store_blob(quickre.KIND, quickre._key(), [[pattern, 0, 32, 2, {"x": 1}, 0, 3]],
                         array("I", [99, 99, 99]).tobytes())
        monkeypatch.setattr(re, "compile", quickre.compile)
        quickre.load()
        assert (pattern, 0) in quickre._table
        made = quickre.compile(pattern)
        assert made == quickre._compile(pattern) and made.match("abbcd")["x"] == "d"
    finally:
        cache.reset()


@pytest.mark.parametrize("value", [
    [["a", 0, 32, 1, {}, 0, 99]],  # a program past the blob
    [["a", 0, 32, 1, {"x": 1}, 0, 1]],  # a group number past the groups
    [["a", "0", 32, 1, {}, 0, 1]],  # flags not a number
    [[1, 0, 32, 1, {}, 0, 1]],  # a pattern not text
    [["a", 0, 32, 1, {}, 0]],  # a field missing
    {"a": 1},
])
def test_a_table_of_another_shape_is_refused(value):
    from array import array

    with pytest.raises((ValueError, TypeError)):
        quickre._read(value, memoryview(array("I", [1]).tobytes()))


def test_patterns_compiled_in_functions_are_not_learnt(monkeypatch):
    """Patterns made from what a run reads (fiches' names…) would make the table grow without end."""
    monkeypatch.setattr(quickre, "_table", {})
    monkeypatch.setattr(quickre, "_new", {})
    monkeypatch.setattr(quickre, "_made", {})

    def in_a_function(name):
        return quickre.compile(re.escape(name) + r"_l(\d{1,3})")

    for name in ("q1", "q2", "q3"):
        assert in_a_function(name).match(f"{name}_l12")
    assert quickre._new == {} and quickre._made == {}  # re's own cache keeps them: a long watch does not grow
    namespace = {"compile": quickre.compile}
    exec("made = compile('top(level)+')", namespace)  # a module's top level
    assert list(quickre._new) == [("top(level)+", 0)]
