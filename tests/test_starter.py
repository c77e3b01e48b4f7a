"""`worksheet-gen new` and `worksheet-gen schema`: a fiche to start from, and the schema an editor finds
through its first line, offline, beside the sources."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import SOURCES, cli, pdftotext, squash
from worksheet_gen.schema import SCHEMA_PATH
from worksheet_gen.starter import MODELINE, SCHEMA_NAME


def test_new_writes_a_fiche_that_builds_as_it_is(tmp_path):
    proc = cli("new", "essai", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    fiche, schema = tmp_path / "sources" / "essai.yaml", tmp_path / "sources" / SCHEMA_NAME
    assert fiche.read_text(encoding="utf-8").splitlines()[0] == MODELINE
    assert schema.read_bytes() == SCHEMA_PATH.read_bytes()
    build = cli("build", cwd=tmp_path)
    assert build.returncode == 0 and build.stderr == "", build.stderr
    student, key = tmp_path / "build" / "essai-eleve.pdf", tmp_path / "build" / "essai-corrige.pdf"
    assert len(PdfReader(student).pages) == len(PdfReader(key).pages) == 1
    assert squash("Par exemple, développeur et infirmière") in squash(pdftotext(key))
    assert squash("développeur et infirmière") not in squash(pdftotext(student))
    # what the comment of 'levels:' says the header prints, it prints (« Niveau : 2de », one level)
    levels = next(line for line in fiche.read_text(encoding="utf-8").splitlines() if line.startswith("levels:"))
    said = re.search(r"« (.+?) »", levels.split("#", 1)[1]).group(1)
    header = " ".join(pdftotext(student, 1).replace("\u00a0", " ").replace("\u202f", " ").split())
    assert said == "Niveau : 2de" and said in header


def test_new_never_overwrites_a_fiche(tmp_path):
    assert cli("new", "essai", cwd=tmp_path).returncode == 0
    fiche = tmp_path / "sources" / "essai.yaml"
    fiche.write_text("title: Mon travail\n", encoding="utf-8")
    for name in ("essai", "Essai", "essai.yaml"):  # Essai.yaml and essai.yaml are one file on Windows and macOS
        proc = cli("new", name, cwd=tmp_path)  # a name taken is wrong usage, as a malformed one (docs/errors.md)
        assert proc.returncode == 2, proc.stderr
        assert ("Error: Invalid value for NAME: sources/essai.yaml already exists: give another name, or edit that "
                "fiche") in proc.stderr, proc.stderr
    assert fiche.read_text(encoding="utf-8") == "title: Mon travail\n"
    assert sorted(p.name for p in fiche.parent.iterdir()) == ["essai.yaml", SCHEMA_NAME]


@pytest.mark.parametrize("name, said", [
    ("../x", "is a path"), ("/tmp/x", "is a path"), ("a/b", "is a path"), ("..", "is a path"),
    ("ma fiche", "write 'ma-fiche' instead"), ("", "give a name"), (".cachee", "use letters, digits"),
    ("x!", "use letters, digits"), ("😀", "use letters, digits"), ("con", "Windows reserves"),
    ("a" * 65, "too long"), ("-x", "No such option"),
])
def test_new_refuses_a_name_that_is_not_one(tmp_path, name, said):
    proc = cli("new", name, cwd=tmp_path)
    assert proc.returncode == 2 and said in proc.stderr, proc.stderr
    assert not (tmp_path / "sources").exists() and list(tmp_path.parent.glob("x.yaml")) == []


@pytest.mark.parametrize("name, slug", [("Ma Fiche!", "Ma-Fiche"), ("métiers  du - numérique ?", "métiers-du-numérique"),
                                        ("« oral » 1re", "oral-1re")])
def test_new_suggests_for_spaces_a_name_it_takes(tmp_path, name, slug):
    """The name suggested for a name with spaces is one `new` then takes (it once kept the '!')."""
    proc = cli("new", name, cwd=tmp_path)
    assert proc.returncode == 2 and f"write '{slug}' instead" in proc.stderr, proc.stderr
    assert cli("new", slug, cwd=tmp_path).returncode == 0


def test_new_with_spaces_and_nothing_to_keep(tmp_path):
    proc = cli("new", "! ?", cwd=tmp_path)
    assert proc.returncode == 2 and "holds spaces: use letters, digits" in proc.stderr, proc.stderr


def test_new_takes_accents_and_another_folder(tmp_path):
    proc = cli("new", "métiers-du-numérique", "--sources", "fiches/2de", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    fiche = tmp_path / "fiches" / "2de" / "métiers-du-numérique.yaml"
    assert "title: Métiers du numérique\n" in fiche.read_text(encoding="utf-8")
    assert cli("build", "--sources", "fiches/2de", cwd=tmp_path).returncode == 0
    assert (tmp_path / "build" / "métiers-du-numérique-eleve.pdf").exists()


def test_new_refuses_a_file_for_a_folder(tmp_path):
    (tmp_path / "sources").write_text("", encoding="utf-8")
    proc = cli("new", "essai", cwd=tmp_path)
    assert proc.returncode == 2 and "is a file" in proc.stderr


def test_schema_prints_or_writes_the_schema(tmp_path):
    printed = cli("schema", cwd=tmp_path)
    assert printed.returncode == 0 and json.loads(printed.stdout) == json.loads(SCHEMA_PATH.read_text())
    dash = cli("schema", "--out", "-", cwd=tmp_path)  # '-' is stdout, as click's convention (and collect's) has it
    assert (dash.returncode, dash.stdout, dash.stderr) == (0, printed.stdout, "")
    assert list(tmp_path.iterdir()) == []  # no file named '-'
    assert cli("schema", "--out", "editeur/fiche.json", cwd=tmp_path).returncode == 0
    assert (tmp_path / "editeur" / "fiche.json").read_bytes() == SCHEMA_PATH.read_bytes()


def test_a_build_refreshes_the_copy_of_an_older_version(tmp_path):
    cli("new", "essai", cwd=tmp_path, check=True)
    copy = tmp_path / "sources" / SCHEMA_NAME
    copy.write_text('{"title": "an older worksheet-gen"}', encoding="utf-8")
    check = cli("build", "--check", cwd=tmp_path)
    assert "schema" not in check.stdout and copy.read_text() == '{"title": "an older worksheet-gen"}'
    proc = cli("build", cwd=tmp_path)
    assert proc.returncode == 0 and f"updated {Path('sources') / SCHEMA_NAME}" in proc.stdout
    assert copy.read_bytes() == SCHEMA_PATH.read_bytes()
    assert "schema" not in cli("build", cwd=tmp_path).stdout  # up to date: left alone


def test_a_build_leaves_a_link_in_place_of_the_copy_alone(tmp_path):
    """A link is neither followed (its target rewritten) nor replaced by a file, as `schema --out` refuses one."""
    cli("new", "essai", cwd=tmp_path, check=True)
    copy, shared = tmp_path / "sources" / SCHEMA_NAME, tmp_path / "commun.json"
    shared.write_text('{"title": "an older worksheet-gen"}', encoding="utf-8")
    copy.unlink()
    copy.symlink_to("../commun.json")
    proc = cli("build", cwd=tmp_path)
    assert proc.returncode == 0 and "schema" not in proc.stdout, proc.stdout + proc.stderr
    assert copy.is_symlink() and shared.read_text() == '{"title": "an older worksheet-gen"}'


def test_the_example_fiche_points_at_the_copy_new_writes():
    assert (SOURCES / "pix.yaml").read_text(encoding="utf-8").splitlines()[0] == MODELINE
    assert (SOURCES / SCHEMA_NAME).read_bytes() == SCHEMA_PATH.read_bytes(), "run: make (or worksheet-gen build)"
