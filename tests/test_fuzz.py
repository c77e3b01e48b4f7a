"""Property: any mutation of a valid source ends in a valid PDF pair or in clean error lines.

Mutations delete, duplicate, retype and rename keys and values, insert random Unicode
(emoji, CJK, control and invisible characters) and damage the text itself (tabs, lines
deleted or repeated, random characters). Validation and rendering run in-process for speed;
a few cases also go through the command line.
"""

from __future__ import annotations

import copy
import io
import re
from datetime import timedelta
from itertools import count
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st
from pypdf import PdfReader

from conftest import cli, picture_folder
from trees import holder, places
from worksheet_gen.spec import OBJECTS

BASE = """\
title: Découvrir les métiers du numérique
levels: [1re, Tle]
kind: Ressource en autonomie
previous: Cultivez vos compétences numériques
author: CIO
subject: Orientation
intro: |
  Lisez puis **répondez**. Voir https://pix.fr et [l’Onisep](https://www.onisep.fr).

activities:
  - title: Les métiers
    intro: Regardez la vidéo.
    content:
      - video: https://youtu.be/1B8fBmLIsh8
        caption: Scannez le QR code.
      - image: images/schema.png
        width: 30
        caption: Un schéma.
      - text: "Puis, répondez :"
      - Une ligne simple.
      - callout: À vous de jouer !
      - question: Citez deux métiers.
        lines: 2
        ruling: seyes
        answer: Développeur, technicien.
        explain: Il y en a d’autres.
      - question: Faut-il un bac +5 ?
        type: yesno
        answer: non
      - question: Le télétravail est possible
        type: truefalse
        answer: vrai
        lines: 1
      - question: Quel diplôme ?
        options: [CAP, BTS, Master]
        inline: true
        answer: BTS
      - question: Quels langages ?
        type: multi
        options: [Python, HTML, Excel]
        answer: [Python, HTML]
      - question: Listez deux qualités.
        type: blanks
        answer: [Rigueur, Curiosité]
      - table: Les étapes
        sections:
          - title: Avant
            lines: 2
            answer: [S’inscrire]
          - title: Après
            answer: [Valoriser]
closing:
  title: Enfin
  content:
    - Merci.
"""
KEYS = sorted({key for fields in OBJECTS.values() for key in fields}) + ["titre", "lignes", "réponse", ""]
SPECIAL = ["😀", "漢字", "\x00", "\x07", "\x0b", "\t", "\u200b", "\u202e", "\ufeff", "\u2028", "\x85", "«\u202f»",
           "<b>", "</para>", "&", "&amp;", "*", "&a", "!!python/object", "'", '"', ": ", "- ", "#", "\n", "\r\n",
           "https://", "../../", "/etc/passwd", "{", "[", "|", ">", "%", "@", "`"]
UNICODE = st.one_of(st.sampled_from(SPECIAL), st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=6))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**9, 10**9), st.floats(allow_nan=True),
                    st.text(max_size=30), UNICODE, st.sampled_from(["", "0", "-1", "41", "oui", "1e9", "12:30"]))
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=4), st.dictionaries(st.sampled_from(KEYS), SCALARS, max_size=3))
DIAGNOSTIC = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (error|warning): [^\n]+$")


@st.composite
def mutated_sources(draw) -> bytes:
    """The base source with one to three structural or textual mutations."""
    tree = yaml.safe_load(BASE)
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from([p for p in places(tree) if p]))
        parent, last = holder(tree, path), path[-1]
        op = draw(st.sampled_from(["delete", "duplicate", "retype", "unicode", "rename"]))
        if op == "delete":
            del parent[last]
        elif op == "duplicate" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))
        elif op == "rename" and isinstance(parent, dict):
            parent[draw(st.sampled_from(KEYS))] = parent.pop(last)
        elif op == "unicode" and isinstance(parent[last], str):
            text = parent[last]
            at = draw(st.integers(0, len(text)))
            parent[last] = text[:at] + draw(UNICODE) + text[at:]
        else:
            parent[last] = draw(VALUES)
    text = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False) if draw(st.booleans()) else BASE
    for _ in range(draw(st.integers(0, 2))):
        lines = text.split("\n")
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["insert", "duplicate-line", "delete-line", "tab"]))
        if op == "insert":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(UNICODE) + lines[i][at:]
        elif op == "duplicate-line":
            lines.insert(i, lines[i])  # a duplicate key, or a repeated item
        elif op == "delete-line":
            del lines[i]
        else:
            lines[i] = lines[i].replace("  ", "\t", 1)
        text = "\n".join(lines)
    return text.encode("utf-8")


@pytest.fixture(scope="module")
def sources_dir(tmp_path_factory) -> Path:
    """A sources folder holding the picture the base source shows."""
    return picture_folder(tmp_path_factory, "fuzz")


_names = count()


def test_the_base_source_is_valid(sources_dir):
    from worksheet_gen.sources import load_fiche

    (sources_dir / "base.yaml").write_text(BASE, encoding="utf-8")
    fiche, problems = load_fiche(sources_dir / "base.yaml")
    assert fiche is not None and problems == []


@settings(max_examples=40, deadline=timedelta(seconds=10), suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_sources())
def test_a_mutated_source_gives_pdfs_or_clean_errors(sources_dir, data):
    from worksheet_gen.build import render_fiche
    from worksheet_gen.sources import load_fiche

    source = sources_dir / f"case{next(_names)}.yaml"
    source.write_bytes(data)
    fiche, problems = load_fiche(source)
    lines = data.count(b"\n") + 1
    for problem in problems:
        m = DIAGNOSTIC.match(str(problem))
        assert m, str(problem)
        assert 1 <= int(m["line"]) <= lines and int(m["col"]) >= 1, str(problem)
    if fiche is None:
        assert any(p.severity == "error" for p in problems)
        return
    assert not any(p.severity == "error" for p in problems)
    student, key, _ = render_fiche(fiche)
    pages = [len(PdfReader(io.BytesIO(pdf)).pages) for pdf in (student, key)]
    assert pages[0] == pages[1] >= 1


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_sources())
def test_a_mutated_source_through_the_command_line(sources_dir, data):
    name = f"cli{next(_names)}"
    (sources_dir / f"{name}.yaml").write_bytes(data)
    out = sources_dir / f"build-{name}"
    proc = cli("build", f"{name}.yaml", "--out", out.name, cwd=sources_dir)
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.returncode in (0, 1)
    assert all(DIAGNOSTIC.match(line) for line in proc.stderr.splitlines()), proc.stderr
    written = sorted(p.name for p in out.glob("*.pdf")) if out.exists() else []
    if proc.returncode == 1:
        assert written == []
    else:
        assert written == [f"{name}-corrige.pdf", f"{name}-eleve.pdf"]
        assert len(PdfReader(out / written[0]).pages) == len(PdfReader(out / written[1]).pages)
