"""The quick reader of `build` command lines (quickcli.py) reads them as click does, or leaves them to click."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, SOURCES
from worksheet_gen import quickcli, report
from worksheet_gen.cli import main

# Lines the quick reader takes: each is read by click too, and both readings must agree.
TAKEN = [
    "build", "build -q", "build -v", "build -q -v", "build -v -q", "build -q -v -q", "build --quiet --verbose -q",
    "build --force", "build --check", "build --form", "build --force --check --form",
    "build sources", "build sources/pix.yaml", "build sources/pix.yaml sources",
    "build --sources sources --out out", "build --sources=sources --out=out", "build --out a --out b",
    "build --profile dys", "build --profile=large -q", "build --jobs 2", "build -j 1", "build --jobs=3",
    "build --jobs 02", "build --shard 1/2", "build --shard=3/3", "build --format json", "build --format=github -v",
    "build --out existing-folder", "build -q sources --out out --force", "build --out sortie-élève",
    "pack pix", "pack pix --copies 30", "pack pix --copies=2 -q", "pack pix pix --copies 500 --single-sided --no-cover",
    "pack pix --roster classe.csv --class 2nde3 --date 2026-12-01 --date-on-cover-only",
    "pack pix --copies 3 --name essai --group-by fiche --profile large --format json --out existing-folder",
    "pack pix --roster=classe.csv --sources sources -v", "pack pix --copies 1 --copies 4 --name a --name b",
]
# Lines it leaves to click: help, the language, other commands, glued or refused values, wrong usage.
LEFT = [
    "", "check", "--lang fr build", "build --lang fr", "build --lang=en", "build --help", "build -h",
    "build -qv", "build -j2", "build --jobs 0", "build --jobs x", "build --jobs -1", "build --jobs ' 2'",
    "build --jobs", "build --out", "build --out=", "build --out -q", "build --profile bogus",
    "build --profile Dys", "build --format yaml", "build --shard 0/1", "build --shard 2/1", "build --shard 1/2/3",
    "build --", "build -", "build --forc", "build --force=1", "build --quiet=1", "build missing.yaml",
    "build --out a-file", "build --sources a-file", "--version", "build --version",
    "build --out 'a\x01b'", "build --out 'a\nb'", "build --out=a\u202eb", "pack pix --copies 2 --out 'p\tq'",
    "pack", "pack --copies 2", "pack pix --copies 0", "pack pix --copies 501", "pack pix --copies x",
    "pack pix --roster existing-folder", "pack pix --group-by class", "pack pix --class ''",
    "pack pix --name -x", "pack pix --copies 2 --help", "pack pix -c 2", "collect pix x.pdf", "new essai",
]


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    """A folder with sources/pix.yaml, an existing folder and a file, as the working directory."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "pix.yaml").write_bytes((SOURCES / "pix.yaml").read_bytes())
    (tmp_path / "existing-folder").mkdir()
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "classe.csv").write_text("Nom;Prénom\nMartin;Léa\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _split(line: str) -> list[str]:
    import shlex

    return shlex.split(line)


def _click_reading(args: list[str]) -> tuple[str, dict, int]:
    """What click makes of a command line: the command, its parameters and the verbosity its callbacks set."""
    import click

    report.verbosity = 0
    parent = click.Context(main, info_name="worksheet-gen")
    sub = main.commands[args[0]].make_context(args[0], list(args[1:]), parent=parent)
    return args[0], dict(sub.params), report.verbosity


@pytest.mark.parametrize("line", TAKEN)
def test_taken_lines_read_as_click_reads_them(here, line):
    quick = quickcli.parse(_split(line))
    assert quick is not None, f"{line!r} should be read without click"
    assert quick == _click_reading(_split(line))


@pytest.mark.parametrize("line", LEFT)
def test_other_lines_left_to_click(here, line):
    assert quickcli.parse(_split(line)) is None


def test_unreadable_path_left_to_click(here, monkeypatch):
    """click refuses a path it cannot read (os.access): the quick reader leaves such a line to it. (The sessions
    and CI run as root, who reads everything: os.access is made to say no for that one file.)"""
    secret = here / "sources" / "secret.yaml"
    secret.write_text("x")
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: Path(path) != Path(secret) and real(path, mode, **kw))
    assert quickcli.parse(["build", "sources/pix.yaml"]) is not None
    assert quickcli.parse(["build", str(secret)]) is None
    assert quickcli.parse(["build", "--out", str(secret)]) is None


def test_completion_left_to_click(here, monkeypatch):
    monkeypatch.setenv("_WORKSHEET_GEN_COMPLETE", "bash_source")
    assert quickcli.parse(["build"]) is None
    assert quickcli.parse(["pack", "pix", "--copies", "2"]) is None


def _run(args: list[str], cwd: Path, *, quick: bool) -> subprocess.CompletedProcess:
    """worksheet-gen ARGS in a new process: its entry point, or click's reading of the same line."""
    code = ("from worksheet_gen.quickcli import entry; entry()" if quick else
            "import sys; from worksheet_gen.cli import main; main(sys.argv[1:])")
    return subprocess.run([sys.executable, "-X", "importtime", "-c", code, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def _said(proc: subprocess.CompletedProcess) -> tuple[int, str, str]:
    """Exit code, stdout and stderr, with the build's duration and the import timings left out."""
    err = "".join(line for line in proc.stderr.splitlines(keepends=True) if not line.startswith("import time:"))
    def timeless(text: str) -> str:
        return re.sub(r'"seconds": [0-9.]+', '"seconds": T', re.sub(r"\d+\.\d s\)", "T s)", text))

    return proc.returncode, timeless(proc.stdout), timeless(err)


@pytest.mark.parametrize("args", [["build"], ["build", "--format", "json"], ["build", "--format", "github"],
                                  ["build", "--check"], ["build", "-q", "--force"]])
def test_a_build_says_the_same_without_click(tmp_path, args):
    """Built twice (once per reader) in two equal folders, with a fiche in error beside a good one: the same exit
    code, output and PDFs, and the quick reader's process never imported click."""
    folders = []
    for name in ("quick", "click"):
        folder = tmp_path / name
        (folder / "sources").mkdir(parents=True)
        (folder / "sources" / "pix.yaml").write_bytes((SOURCES / "pix.yaml").read_bytes())
        (folder / "sources" / "broken.yaml").write_text("title: Sans activités\nlevels: [2de]\n", encoding="utf-8")
        folders.append(folder)
    quick = _run(args, folders[0], quick=True)
    slow = _run(args, folders[1], quick=False)
    assert _said(quick) == _said(slow)
    assert _said(quick)[0] == 1  # the broken fiche (and, with --check, the PDFs never built)
    assert not re.search(r"\| +click\b", quick.stderr), "the quick reader imported click"
    assert re.search(r"\| +click\b", slow.stderr)
    for pdf in ("pix-eleve.pdf", "pix-corrige.pdf"):
        assert (folders[0] / "build" / pdf).exists() == (folders[1] / "build" / pdf).exists()
        if (folders[0] / "build" / pdf).exists():
            assert (folders[0] / "build" / pdf).read_bytes() == (folders[1] / "build" / pdf).read_bytes()


def test_wrong_usage_still_said_by_click(tmp_path):
    """A line the quick reader leaves (a missing path) gets click's usage error and exit code 2."""
    (tmp_path / "sources").mkdir()
    proc = _run(["build", "nowhere.yaml"], tmp_path, quick=True)
    assert proc.returncode == 2
    assert "no such file or folder: 'nowhere.yaml'" in proc.stderr
    assert "Usage:" in proc.stderr


def test_errors_from_the_data_folder(tmp_path):
    """A fiche of the test data with errors: the same messages through both readers (file, line, column)."""
    bad = next(p for p in sorted((DATA / "invalid").glob("*.yaml")))
    for name in ("quick", "click"):
        (tmp_path / name / "sources").mkdir(parents=True)
        (tmp_path / name / "sources" / bad.name).write_bytes(bad.read_bytes())
    quick = _said(_run(["build"], tmp_path / "quick", quick=True))
    slow = _said(_run(["build"], tmp_path / "click", quick=False))
    assert quick == slow and quick[0] == 1 and ": error: " in quick[2]


@pytest.mark.parametrize("args", [["pack", "pix", "--copies", "2"], ["pack", "pix", "--roster", "classe.csv", "-q"],
                                  ["pack", "pix", "--copies", "2", "--format", "json"],
                                  ["pack", "nothing", "--copies", "2"], ["pack", "pix", "--copies", "2", "--name", "a b"],
                                  ["pack", "pix", "--roster", "absent.csv"]])
def test_a_pack_says_the_same_without_click(tmp_path, args):
    """A pack made by each reader in two equal folders: the same exit code, output and PDF; wrong usage (a fiche
    that does not exist, a name that cannot be a file name, a missing roster) said by click with exit code 2."""
    folders = []
    for name in ("quick", "click"):
        folder = tmp_path / name
        (folder / "sources").mkdir(parents=True)
        (folder / "sources" / "pix.yaml").write_bytes((SOURCES / "pix.yaml").read_bytes())
        (folder / "classe.csv").write_text("Nom;Prénom\nMartin;Léa\nDupont;Noé\n", encoding="utf-8")
        folders.append(folder)
    quick = _run(args, folders[0], quick=True)
    slow = _run(args, folders[1], quick=False)
    assert _said(quick) == _said(slow)
    usage = args[1] == "nothing" or "a b" in args or "absent.csv" in args
    assert _said(quick)[0] == (2 if usage else 0)
    if not usage:
        assert not re.search(r"\| +click\b", quick.stderr), "the quick reader imported click"
    packs = [sorted((f / "build").glob("pack-*.pdf")) for f in folders]
    assert [p.name for p in packs[0]] == [p.name for p in packs[1]] and len(packs[0]) == (0 if usage else 1)
    for a, b in zip(*packs):
        assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("command", sorted(quickcli.COMMANDS))
def test_every_option_of_the_command_known(command):
    """An option added to `build` or `pack` in cli.py is read here too (or click would be left every line that
    names it, slowly): the quick reader knows exactly the options click defines, but --help and --lang."""
    defaults, flags, values, arguments = quickcli.COMMANDS[command]
    click_options = {name for param in main.commands[command].params for name in getattr(param, "opts", ())
                     if name.startswith("-")} - {"--help", "-h", "--lang"}
    assert click_options == set(flags) | set(values) | set(quickcli._COMMON)
    assert set(defaults) == {param.name for param in main.commands[command].params if param.expose_value}
    assert arguments in defaults


@pytest.mark.parametrize("args, said", [(["build", "--out="], "an empty name is not a folder"),
                                        (["watch", "--sources", ""], "an empty name is not a folder"),
                                        (["pack", "pix", "--copies", "2", "--out", ""], "an empty name is not a folder"),
                                        (["pack", "pix", "--roster="], "no such file or folder: ''")])
def test_an_empty_folder_or_roster_is_wrong_usage(tmp_path, args, said):
    """--out '' once wrote into the working folder, --roster '' was an internal error: both are wrong usage."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "pix.yaml").write_bytes((SOURCES / "pix.yaml").read_bytes())
    proc = _run(args, tmp_path, quick=True)
    assert proc.returncode == 2 and said in proc.stderr, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources"]


def test_an_empty_pack_name_or_table_is_wrong_usage(tmp_path):
    """pack --name '' fell back to the default name; collect --out '' wrote ./pix-reponses.csv."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "pix.yaml").write_bytes((SOURCES / "pix.yaml").read_bytes())
    for args in (["pack", "pix", "--copies", "2", "--name", ""], ["collect", "pix", "sources", "--out", ""]):
        proc = _run(args, tmp_path, quick=True)
        assert proc.returncode == 2 and "an empty name is not a file" in proc.stderr, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources"]
