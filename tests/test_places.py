"""Where a command writes, as the command line names it: a file standing where the output folder (or a folder above
the file written) should be, and an output folder mixed with the folder of the fiches, are wrong usage (exit code
2), said in the user's language with the path, before anything is written."""

from __future__ import annotations

import json

import pytest

from conftest import cli, fr

BLOCKED = "is a file, where a folder is needed: give another name, or move the file"


def _files(root):
    return {p: p.read_bytes() if p.is_file() else None for p in root.rglob("*")}


@pytest.fixture
def classe(tmp_path):
    """A folder with one fiche, sources/essai.yaml, never built."""
    cli("new", "essai", cwd=tmp_path, check=True)
    return tmp_path


@pytest.mark.parametrize("args, option, path", [
    (["build"], "--out", "build"),  # the default output folder, taken by a file
    (["build", "-q"], "--out", "build"),  # the quick reader of the command line, as click
    (["--lang", "en", "build"], "--out", "build"),
    (["build", "--out", "build/pdf"], "--out", "build"),  # a folder above it
    (["build", "--out", "/dev/null"], "--out", "/dev/null"),
    (["watch"], "--out", "build"),
    (["pack", "essai", "--copies", "2"], "--out", "build"),
    (["collect", "essai", "sources", "--out", "build/essai.csv"], "--out", "build"),
    (["schema", "--out", "build/fiche.json"], "--out", "build"),
    (["new", "autre", "--sources", "build"], "--sources", "build"),
    (["new", "autre", "--sources", "build/2de"], "--sources", "build"),
])
def test_a_file_where_the_output_folder_should_be_is_wrong_usage_naming_it(classe, args, option, path):
    (classe / "build").write_text("notes\n", encoding="utf-8")
    before = _files(classe)
    proc = cli(*args, cwd=classe)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"Error: Invalid value for '{option}': '{path}' {BLOCKED}" in proc.stderr, proc.stderr
    assert "File exists" not in proc.stderr and "Traceback" not in proc.stderr
    assert _files(classe) == before


def test_a_file_where_the_output_folder_should_be_is_said_in_french(classe):
    (classe / "build").write_text("notes\n", encoding="utf-8")
    for args in (["build"], ["schema", "--out", "build/fiche.json"]):
        proc = cli("--lang", "fr", *args, cwd=classe)
        assert proc.returncode == 2
        assert fr("Valeur invalide pour « --out » : « build » est un fichier, là où il faut un dossier : donnez un autre "
                  "nom, ou déplacez le fichier") in proc.stderr, proc.stderr


@pytest.mark.parametrize("args, said", [
    (["build", "--out", "sources"], "'sources' is the sources folder"),
    (["build", "--out", "sources/"], "'sources/' is the sources folder"),
    (["build", "--out", "./sources/pdf"], "'./sources/pdf' is inside the sources folder 'sources'"),
    (["build", "--out", "."], "'.' holds the sources folder 'sources'"),
    (["build", "-q", "--out", "sources"], "'sources' is the sources folder"),  # the quick reader, as click
    (["--lang", "en", "build", "--out", "sources"], "'sources' is the sources folder"),
    (["build", "--format", "json", "--out", "sources"], "'sources' is the sources folder"),
    (["build", "sources", "--out", "sources/pdf"], "'sources/pdf' is inside the sources folder 'sources'"),
    (["watch", "sources/essai.yaml", "--out", "sources"], "'sources' is the folder of the fiche"),
    (["build", "--sources", "fiches", "--out", "fiches"], "'fiches' is the sources folder"),
    (["watch", "--out", "sources"], "'sources' is the sources folder"),
    (["watch", "--out", "."], "'.' holds the sources folder 'sources'"),
])
def test_an_output_folder_mixed_with_the_sources_is_wrong_usage(classe, args, said):
    if "fiches" in args:
        (classe / "sources").rename(classe / "fiches")
    before = _files(classe)
    proc = cli(*args, cwd=classe)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    message = f"Invalid value for '--out': {said}: give the PDFs a folder of their own, such as 'build'"
    assert f"Error: {message}" in proc.stderr, proc.stderr
    if "json" in args:
        assert json.loads(proc.stdout)["problems"][0]["message"] == message
    assert _files(classe) == before  # no PDF among the fiches, no manifest


def test_an_output_folder_mixed_with_the_sources_is_said_in_french(classe):
    proc = cli("--lang", "fr", "build", "--out", "sources", cwd=classe)
    assert proc.returncode == 2
    assert fr("Valeur invalide pour « --out » : « sources » est le dossier des sources : donnez aux PDF un dossier à eux, "
              "par exemple « build »") in proc.stderr, proc.stderr


@pytest.mark.parametrize("out", ["sources/pdf", "sources"])
def test_a_fiche_named_alone_may_be_built_beside_it(classe, out):
    """A fiche given by name reads nothing else of its folder: build may write there (a watch may not, above: it
    would leave alone the folder it watches)."""
    proc = cli("build", "sources/essai.yaml", "--out", out, cwd=classe)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (classe / out).glob("*.pdf")) == ["essai-corrige.pdf", "essai-eleve.pdf"]


@pytest.mark.parametrize("args", [["build", "--out", "-"], ["build", "-q", "--out", "-"], ["watch", "--out", "-"],
                                  ["pack", "essai", "--copies", "2", "--out", "-"], ["new", "autre", "--sources", "-"]])
def test_a_dash_for_a_folder_is_wrong_usage(classe, args):
    """`build --out -` made a folder named '-' (collect and schema print to stdout with '-'; a folder of PDFs
    cannot be printed): wrong usage, nothing written."""
    before = _files(classe)
    proc = cli(*args, cwd=classe)
    assert proc.returncode == 2 and "'-' prints nothing here: give the name of a folder" in proc.stderr, proc.stderr
    assert _files(classe) == before
