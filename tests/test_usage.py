"""The command line as a CI maintainer and a CIO colleague drive it: wrong usage exits 2 naming every
missing path, -q and -v, `pack --format`, out-of-date PDFs annotated on their source, shell completion."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SOURCES, cli, fr


@pytest.fixture(scope="module")
def classe(tmp_path_factory):
    """A folder where `worksheet-gen new` made two fiches and `build` built them."""
    root = tmp_path_factory.mktemp("classe")
    for name in ("essai", "etude"):
        cli("new", name, cwd=root, check=True)
    cli("build", cwd=root, check=True)
    return root


@pytest.mark.parametrize("args, named", [
    (["build", "absent.yaml", "autre/"], ["absent.yaml", "autre/"]),
    (["check", "sources/essai.yaml", "absent.yaml", "autre"], ["absent.yaml", "autre"]),
    (["build", "--sources", "fiches"], ["fiches"]),
    (["check", "--sources", "fiches"], ["fiches"]),
    (["pack", "essai", "--roster", "liste.csv"], ["liste.csv"]),
    (["pack", "essai", "--copies", "2", "--sources", "fiches"], ["fiches"]),
    (["pack", "absente", "--copies", "2"], ["absente"]),
    (["collect", "essai", "rendus/", "copie.pdf"], ["rendus/", "copie.pdf"]),
    (["collect", "essai", "rendus/", "--sources", "fiches"], ["fiches"]),
])
def test_a_missing_path_is_wrong_usage_naming_each_one(classe, args, named):
    before = sorted(p.name for p in (classe / "build").iterdir())
    proc = cli(*args, cwd=classe)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("Error:") == 1 and "Traceback" not in proc.stderr
    for name in named:
        assert f"'{name}'" in proc.stderr, proc.stderr
    assert sorted(p.name for p in (classe / "build").iterdir()) == before


def test_build_where_there_are_no_sources_says_how_to_start(tmp_path):
    for command in ("build", "check"):
        proc = cli(command, cwd=tmp_path)
        assert proc.returncode == 2 and "worksheet-gen new NAME" in proc.stderr, proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_quiet_prints_only_the_problems_and_verbose_the_outputs_left_alone(classe):
    quiet = cli("build", "-q", cwd=classe)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    assert cli("check", "--quiet", cwd=classe).stdout == ""
    verbose = cli("build", "-v", cwd=classe)
    assert verbose.returncode == 0
    assert {"up to date build/essai-eleve.pdf", "up to date build/etude-corrige.pdf"} <= set(
        verbose.stdout.splitlines())
    assert "up to date build/" not in cli("build", cwd=classe).stdout
    broken = classe / "sources" / "casse.yaml"
    broken.write_text((classe / "sources" / "essai.yaml").read_text(encoding="utf-8").replace("lines: 3 ", "lignes: 3"),
                      encoding="utf-8")
    try:
        proc = cli("check", "-q", cwd=classe)
        assert proc.returncode == 1 and proc.stdout == ""
        assert re.fullmatch(r"sources/casse\.yaml:\d+:\d+: error: unknown key 'lignes' \(did you mean 'lines'\?\)\n",
                            proc.stderr), proc.stderr
    finally:
        broken.unlink()


def test_pack_speaks_json_and_github_like_check(classe):
    proc = cli("pack", "essai", "etude", "--copies", "2", "--name", "json", "--format", "json", cwd=classe)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["pack"] == os.path.join("build", "pack-json.pdf") and report["errors"] == 0
    assert report["pages"] > 2 and (classe / "build" / "pack-json.pdf").exists()
    roster = classe / "liste.csv"
    roster.write_text("Nom;Prénom\nDUPONT;Léa\nMARTIN;\n", encoding="utf-8")
    proc = cli("pack", "essai", "--roster", "liste.csv", "--format", "github", cwd=classe)
    assert proc.returncode == 1
    assert re.search(r"^::error file=liste\.csv,line=3,col=\d+::the Prénom is missing", proc.stdout, re.M), proc.stdout
    proc = cli("pack", "essai", "--roster", "liste.csv", "--format", "json", cwd=classe)
    report = json.loads(proc.stdout)
    assert proc.returncode == 1 and report["pack"] is None and report["errors"] >= 1
    assert report["problems"][0]["file"] == "liste.csv" and report["problems"][0]["line"] == 3


def test_out_of_date_pdfs_are_annotated_on_their_source(tmp_path):
    cli("new", "essai", cwd=tmp_path, check=True)
    cli("build", cwd=tmp_path, check=True)
    fiche = tmp_path / "sources" / "essai.yaml"
    fiche.write_text(fiche.read_text(encoding="utf-8").replace("title: Essai", "title: Essai corrigé"),
                     encoding="utf-8")
    (tmp_path / "build" / "essai-eleve.pdf").unlink()
    proc = cli("build", "--check", "--format", "github", cwd=tmp_path)
    assert proc.returncode == 1
    notes = sorted(line for line in proc.stdout.splitlines() if line.startswith("::"))
    assert notes == [
        "::error file=sources/essai.yaml::build/essai-corrige.pdf is out of date "
        "(run 'worksheet-gen build' and commit the PDFs it writes)",
        "::error file=sources/essai.yaml::build/essai-eleve.pdf is missing "
        "(run 'worksheet-gen build' and commit the PDFs it writes)"]
    fiche.unlink()
    proc = cli("build", "--check", "--format", "github", cwd=tmp_path)
    assert ("::error file=build/essai-corrige.pdf::this PDF is left over: its source "
            "sources/essai.yaml was removed (run 'worksheet-gen build', which deletes it, and commit the change)"
            ) in proc.stdout.splitlines()


def test_the_shell_completes_fiche_names_for_pack(classe):
    def complete(*words: str) -> list[str]:
        env = {**os.environ, "_WORKSHEET_GEN_COMPLETE": "bash_complete", "COMP_WORDS": " ".join(
            ("worksheet-gen",) + words), "COMP_CWORD": str(len(words))}
        program = Path(sys.executable).parent / "worksheet-gen"  # the script pip installed, as the shell runs it
        proc = subprocess.run([program], cwd=classe, env=env, capture_output=True, text=True, timeout=60)
        return proc.stdout.split()

    assert complete("pack", "e") == ["plain,essai", "plain,etude"]
    assert complete("pack", "essai", "") == ["plain,etude"]
    (classe / "autres").mkdir(exist_ok=True)
    (classe / "autres" / "bilan.yaml").write_text("title: Bilan\n", encoding="utf-8")
    assert complete("pack", "--sources", "autres", "") == ["plain,bilan"]
    (classe / "autres" / "b\nplain,$(touch PWNED).yaml").write_text("title: x\n", encoding="utf-8")
    assert complete("pack", "--sources", "autres", "") == ["plain,bilan"]  # a name a build does not read: not offered


# Every place a command writes to, named on the command line: empty, or holding a control or invisible character.
PLACES = [
    (["build", "--out", "b\x01d"], "'b\\x01d' holds a control or invisible character, '\\x01' (U+0001)"),
    (["build", "--out", ""], "an empty name is not a folder: give the folder's name"),
    (["watch", "--out", "b\nd"], "'b\\nd' holds a control or invisible character, '\\n' (U+000A)"),
    (["pack", "essai", "--copies", "2", "--out", "p\nq"], "'p\\nq' holds a control or invisible character"),
    (["pack", "essai", "--copies", "2", "--out", "p\u202eq"],
     "'p\\u202eq' holds a control or invisible character, '\\u202e' (U+202E RIGHT-TO-LEFT OVERRIDE)"),
    (["collect", "essai", "sources", "--out", "a\x01b.csv"], "'a\\x01b.csv' holds a control or invisible character"),
    (["collect", "essai", "sources", "--out", "\tnotes.csv"], "'\\tnotes.csv' holds a control or invisible character"),
    (["collect", "", "sources"], "an empty name is not a fiche: give the name of a fiche of the sources folder"),
    (["schema", "--out", ""], "an empty name is not a file: give the file's name"),
    (["schema", "--out", "a\x01b.json"], "'a\\x01b.json' holds a control or invisible character"),
    (["schema", "--out", "a\nb.json"], "'a\\nb.json' holds a control or invisible character, '\\n' (U+000A)"),
    (["new", "autre", "--sources", ""], "an empty name is not a folder: give the folder's name"),
    (["new", "autre", "--sources", "s\x1bt"], "'s\\x1bt' holds a control or invisible character, '\\x1b' (U+001B)"),
]


@pytest.mark.parametrize("args, said", PLACES)
def test_a_place_to_write_that_is_empty_or_holds_a_control_character_is_wrong_usage(tmp_path, args, said):
    """build, watch and pack --out, collect --out and its fiche, schema --out, new --sources: wrong usage (exit code
    2, said once, the name shown as escapes), and nothing written: no file named with a line break or an ESC, no
    file in the working folder for an empty name."""
    cli("new", "essai", cwd=tmp_path, check=True)
    before = {p: p.read_bytes() if p.is_file() else None for p in tmp_path.rglob("*")}
    proc = cli(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("Error: Invalid value for ") == 1 and said in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and not any(ch in proc.stderr for ch in "\x01\x1b\u202e")
    assert {p: p.read_bytes() if p.is_file() else None for p in tmp_path.rglob("*")} == before


def test_a_bad_place_to_write_is_said_in_french(tmp_path):
    proc = cli("--lang", "fr", "build", "--out", "b\x01d", cwd=tmp_path)
    assert proc.returncode == 2
    assert fr("Erreur : Valeur invalide pour « --out » : « b\\x01d » contient un caractère de contrôle ou invisible, "
              "« \\x01 » (U+0001) : retapez le nom sans ce caractère") in proc.stderr, proc.stderr
    proc = cli("--lang", "fr", "collect", "", "x", cwd=tmp_path)
    assert proc.returncode == 2 and fr("un nom vide n'est pas une fiche : donnez le nom d'une fiche du dossier "
                                       "des sources") in proc.stderr, proc.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, said", [
    (["build", "--format", "json", "--bogus"], "No such option '--bogus'."),
    (["build", "--format=json", "--jobs", "0"], "Invalid value for '--jobs' / '-j': 0 is not in the range x>=1."),
    (["check", "absent.yaml", "--format", "json"], "Invalid value for PATHS: no such file or folder: 'absent.yaml'"),
    (["pack", "--format", "json"], "Missing argument 'FICHES...'."),
    (["pack", "essai", "--format", "json"], "give either --copies N or --roster FILE"),
    (["--lang", "fr", "build", "--format", "json", "--shard", "9/2"],
     fr("Valeur invalide pour --shard : « 9/2 » : donnez")),
])
def test_wrong_usage_asked_in_json_is_a_json_document_on_stdout(classe, args, said):
    """A CI job that parses stdout as JSON reads the error there (click says it on stderr too), exit code 2."""
    proc = cli(*args, cwd=classe)
    assert proc.returncode == 2 and "Error" in proc.stderr.replace("Erreur", "Error"), proc.stderr
    data = json.loads(proc.stdout)
    (problem,) = data["problems"]
    assert (data["errors"], data["warnings"], problem["severity"]) == (1, 0, "error")
    assert (problem["file"], problem["line"], problem["col"], problem["key"]) == (None, None, None, None)
    assert problem["message"].startswith(said), problem
    command = next(a for a in args if a in ("build", "check", "pack"))
    assert re.fullmatch(rf"(Try '|Essayez «\u00a0).*worksheet.gen {command} --help(' for help\.|\u00a0» pour l’aide\.)",
                        problem["hint"]), problem


def test_wrong_usage_asked_in_github_format_is_an_annotation_and_in_text_is_on_stderr_only(classe):
    proc = cli("build", "--format", "github", "--bogus", cwd=classe)
    assert proc.returncode == 2
    assert proc.stdout.startswith("::error::No such option '--bogus'."), proc.stdout
    assert re.search(r"\(Try '.*worksheet.gen build --help' for help\.\)$", proc.stdout.rstrip("\n")), proc.stdout
    assert len(proc.stdout.splitlines()) == 1
    for args in (["build", "--bogus"], ["build", "--format", "text", "--bogus"], ["collect", "--format", "json", "x"]):
        proc = cli(*args, cwd=classe)
        assert (proc.returncode, proc.stdout) == (2, ""), args  # collect's --format is that of its table


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="a named pipe")
def test_sources_refused_before_they_are_read_are_failed_in_the_summary_and_the_json(classe, tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "essai.yaml").write_bytes((classe / "sources" / "essai.yaml").read_bytes())
    os.mkfifo(sources / "x.yaml")
    (sources / "y.yaml").mkdir()
    proc = cli("build", cwd=tmp_path)
    assert proc.returncode == 1
    assert re.fullmatch(r"3 sources: 0 up to date, 1 rendered; 2 PDFs written; 2 failed: sources/x\.yaml, "
                        r"sources/y\.yaml \(\d+\.\d s\)", proc.stdout.splitlines()[-1]), proc.stdout
    data = json.loads(cli("build", "--format", "json", cwd=tmp_path).stdout)
    assert (data["sources"], data["up_to_date"], data["failed"], data["errors"]) == (
        3, 1, ["sources/x.yaml", "sources/y.yaml"], 2)


def test_a_problem_without_a_hint_has_a_null_hint_in_json(classe, tmp_path):
    roster = tmp_path / "grande.csv"
    roster.write_bytes(b"a" * (1024 * 1024 + 1))
    proc = cli("pack", "essai", "--roster", str(roster), "--format", "json", cwd=classe)
    assert proc.returncode == 1
    (problem,) = json.loads(proc.stdout)["problems"]
    assert problem["message"].startswith("the roster is too large") and problem["hint"] is None, problem


def test_an_error_that_ends_the_command_is_in_the_json_document_too(classe):
    proc = cli("pack", "essai", "--copies", "2", "--format", "json", cwd=classe,
               env={**os.environ, "SOURCE_DATE_EPOCH": "hier"})
    assert proc.returncode == 1 and "SOURCE_DATE_EPOCH: error: the date of the PDFs" in proc.stderr, proc.stderr
    (problem,) = json.loads(proc.stdout)["problems"]
    assert (problem["file"], problem["key"]) == (
        "SOURCE_DATE_EPOCH", "the date of the PDFs must be a number of seconds since 1970, not {value}"), problem
    proc = cli("watch", "nowhere", "--format", "json", cwd=classe)
    assert proc.returncode == 1
    (problem,) = json.loads(proc.stdout)["problems"]
    assert (problem["file"], problem["message"], problem["key"]) == (
        None, "nowhere: no such folder to watch", "{name}: no such folder to watch"), problem


def test_a_fiche_named_for_its_path_and_a_sources_folder_given_are_answered_for_what_was_typed(tmp_path):
    """Fresh eyes: `build pix` said « no such file or folder: 'pix' » (pack and collect take that name): it says
    the path of that fiche; `build --sources nope` told to « give --sources FOLDER », which had just been done."""
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "pix.yaml").write_bytes((SOURCES / "pix.yaml").read_bytes())
    proc = cli("build", "pix", cwd=tmp_path)
    assert proc.returncode == 2 and "no such file or folder: 'pix' (did you mean sources/pix.yaml? build and check " \
        "take the paths of the fiches)" in proc.stderr, proc.stderr
    proc = cli("check", "--sources", "nope", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "no folder 'nope' here: check its name, or start one with: worksheet-gen new NAME --sources nope" \
        in proc.stderr and "give --sources" not in proc.stderr, proc.stderr
    assert not (tmp_path / "build").exists()
