"""The sheet speaks the fiche's language: labels, their colons, quotes, the corrigé's header, in every profile."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import DATA, cli, fr, pdftotext, words

ENGLISH = DATA / "fiches" / "erasmus-en.yaml"  # a teacher's fiche, lang: en (review 2)
PROFILES = ("standard", "large", "dys")
MM = 72 / 25.4

# A French fiche whose kind is as long as the header allows and whose level is one.
FRENCH = """\
title: Choisir ses spécialités
levels: [2de]
kind: Section européenne — anglais et histoire-géographie
activities:
  - title: Les spécialités
    content:
      - question: On garde trois spécialités en Terminale.
        type: truefalse
        answer: faux
        explain: on en garde deux.
"""
ENGLISH_ONE_LEVEL = """\
title: Studying abroad
levels: [Year 10]
kind: European section — English and history
lang: en
activities:
  - title: Erasmus+
    content:
      - question: Erasmus+ is only for university students.
        type: truefalse
        answer: false
        explain: pupils can take part too.
"""


def _suffix(profile: str) -> str:
    return "" if profile == "standard" else f"-{profile}"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The English fiche, the French and English one-level fiches, built in every profile."""
    out = tmp_path_factory.mktemp("lang")
    (out / "choix-fr.yaml").write_text(FRENCH, encoding="utf-8")
    (out / "abroad-en.yaml").write_text(ENGLISH_ONE_LEVEL, encoding="utf-8")
    for profile in PROFILES:
        cli("build", str(ENGLISH), str(out / "choix-fr.yaml"), str(out / "abroad-en.yaml"), "--out", str(out),
            "--profile", profile, check=True)
    return out


@pytest.mark.parametrize("kind", ["eleve", "corrige"])
def test_english_labels_take_no_space_before_their_colon(built, kind):
    text = pdftotext(built / f"erasmus-en-{kind}.pdf")
    for label in ("Surname:", "First name:", "Class:", "Date:", "Levels: 2nde, 1ère"):
        assert label in text, label
    assert " :" not in text.replace("\u00a0", " ")
    assert "Surname :" not in text


def test_the_english_corrige_writes_false_with_an_english_colon(built):
    text = pdftotext(built / "erasmus-en-corrige.pdf")
    assert "False: secondary school pupils" in " ".join(text.split())
    assert "Personal answer" in text


def test_english_text_gets_english_quotes(built):
    text = " ".join(pdftotext(built / "erasmus-en-eleve.pdf").split())
    assert "“What is Erasmus+?”" in text
    assert '"' not in text and "«" not in text


def test_french_labels_keep_french_spacing(built):
    text = pdftotext(built / "choix-fr-corrige.pdf").replace("\u00a0", " ")
    for label in ("Nom :", "Prénom :", "Classe :", "Faux : on en garde deux"):
        assert label in " ".join(text.split()), label


@pytest.mark.parametrize("slug, label", [("choix-fr", "Niveau : 2de"), ("abroad-en", "Level: Year 10"),
                                         ("erasmus-en", "Levels: 2nde, 1ère")])
def test_one_level_is_singular(built, slug, label):
    text = " ".join(pdftotext(built / f"{slug}-eleve.pdf", 1).replace("\u00a0", " ").split())
    assert label in text
    assert ("Niveaux" in text) == ("Niveaux" in label) and ("Levels" in text) == ("Levels" in label)


def _header(page: list, label: str) -> tuple[list, list, list]:
    """The header's words left of the corrigé's label, the label's words and those right of it."""
    first = label.split()[0]
    start = next(w for w in page if w.text == first)
    line = [w for w in page if abs(w.y1 - start.y1) < 3 and w.y1 < 60 * MM]
    key = [w for w in line if w.text in label.split()]
    left = [w for w in line if w.x1 <= min(k.x0 for k in key) and w not in key]
    right = [w for w in line if w.x0 >= max(k.x1 for k in key) and w not in key]
    assert len(left) + len(right) + len(key) == len(line), "a header word overlaps the label"
    return left, key, right


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("slug, label", [("erasmus-en", "ANSWER KEY"), ("choix-fr", "CORRIGÉ"),
                                         ("abroad-en", "ANSWER KEY")])
def test_the_corrige_label_is_centred_with_room_on_both_sides(built, profile, slug, label):
    pages = words(built / f"{slug}-corrige{_suffix(profile)}.pdf")
    for page in pages:
        left, key, right = _header(page, label)
        width = 595.28
        centre = (key[0].x0 + key[-1].x1) / 2
        assert abs(centre - width / 2) < 1, (profile, centre)
        assert left and right, "both sides of the header are printed"
        assert key[0].x0 - max(w.x1 for w in left) >= 4.5 * MM
        assert min(w.x0 for w in right) - key[-1].x1 >= 4.5 * MM, [w.text for w in right]


@pytest.mark.parametrize("profile", ["large", "dys"])
def test_a_long_kind_is_shortened_beside_the_label(built, profile):
    _, _, right = _header(words(built / f"erasmus-en-corrige-{profile}.pdf")[0], "ANSWER KEY")
    shown = " ".join(w.text for w in right)
    assert shown.startswith("Section") and shown.endswith("…")
    assert shown[-2].isalpha(), shown  # cut after a word, never after « — » nor before a lone « … »


@pytest.mark.parametrize("lang, written, label", [
    ("fr", "levels: 1re, Tle", "Niveaux : 1re, Tle"),  # without brackets: two levels, the plural label
    ("fr", "levels: 1re,Tle,", "Niveaux : 1re, Tle"),
    ("en", "levels: Year 10, Year 11", "Levels: Year 10, Year 11"),
    ("fr", "levels: [1re]", "Niveau : 1re"),
])
def test_levels_written_without_brackets_are_a_list(tmp_path, lang, written, label):
    source = tmp_path / "niveaux.yaml"
    source.write_text(FRENCH.replace("levels: [2de]", written) + f"lang: {lang}\n", encoding="utf-8")
    proc = cli("build", str(source), "--out", str(tmp_path))
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    text = " ".join(pdftotext(tmp_path / "niveaux-eleve.pdf", 1).replace("\u00a0", " ").split())
    assert label in text
    assert ("Niveaux" in text) == ("Niveaux" in label) and ("Levels" in text) == ("Levels" in label)


@pytest.mark.parametrize("env", [{"LANG": "C.UTF-8"}, {"LANG": "fr_FR.UTF-8"}])
def test_levels_of_commas_only_are_empty(tmp_path, env):
    source = tmp_path / "niveaux.yaml"
    source.write_text(FRENCH.replace("levels: [2de]", "levels: ' , '"), encoding="utf-8")
    proc = cli("check", source.name, cwd=tmp_path, env={**os.environ, **env})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [
        "niveaux.yaml:2:9: error: an item of 'levels' is empty (write a text, or remove the item)"
        if env["LANG"].startswith("C") else
        fr("niveaux.yaml:2:9: erreur: un élément de « levels » est vide (écrivez un texte, ou supprimez "
           "l'élément)")]
