"""A kind of question is one entry of spec.KINDS: the validator, the schema, the layout and the form read it.

A toy kind, « scale » (three boxes: Jamais / Parfois / Souvent), is added to the table for the time of a
test, and nothing else: it is checked, described to editors, printed and made into form fields.
"""

from __future__ import annotations

import io

import jsonschema
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

import yaml12
from worksheet_gen import spec
from worksheet_gen.cli import main

SCALE = spec.Kind("scale", "three boxes: never, sometimes, often", "Échelle : trois cases, Jamais, Parfois, Souvent.",
                  "- question: Lisez-vous ?\n  type: scale\n  answer: parfois", "fixed",
                  "`jamais`, `parfois` ou `souvent`.", ("inline",),
                  fixed={"fr": ("Jamais", "Parfois", "Souvent"), "en": ("Never", "Sometimes", "Often")})
SOURCE = """\
title: Habitudes
activities:
  - title: La lecture
    content:
      - question: Lisez-vous des romans ?
        type: scale
        answer: {answer}
        explain: Chacun son rythme.
"""


@pytest.fixture
def scale(monkeypatch):
    monkeypatch.setitem(spec.KINDS, "scale", SCALE)


def _check(tmp_path, text: str):
    source = tmp_path / "habitudes.yaml"
    source.write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["check", str(source)])


def test_the_validator_reads_the_new_kind(scale, tmp_path):
    assert _check(tmp_path, SOURCE.format(answer="PARFOIS")).exit_code == 0
    wrong = _check(tmp_path, SOURCE.format(answer="oui"))
    assert wrong.exit_code == 1 and "the answer 'oui' is not one of Jamais / Parfois / Souvent" in wrong.output
    options = _check(tmp_path, SOURCE.format(answer="jamais") + "        options: [a, b]\n")
    assert "a 'scale' question has fixed options" in options.output
    lines = _check(tmp_path, SOURCE.format(answer="jamais").replace("type: scale", "type: échelle"))
    assert "'type' cannot be 'échelle'" in lines.output


def test_the_schema_reads_the_new_kind(scale):
    from worksheet_gen.schema import schema

    doc = schema()
    branch = doc["definitions"]["question-scale"]
    assert set(branch["properties"]) == set(spec.question_fields(SCALE)) and "inline" in branch["properties"]
    assert "scale" in doc["definitions"]["question"]["properties"]["type"]["enum"]
    validator = jsonschema.Draft7Validator(doc)
    assert list(validator.iter_errors(yaml12.load(SOURCE.format(answer="Souvent")))) == []
    assert list(validator.iter_errors(yaml12.load(SOURCE.format(answer="oui"))))


def test_the_layout_and_the_form_read_the_new_kind(scale, tmp_path):
    from worksheet_gen.build import render_fiche
    from worksheet_gen.form import plan
    from worksheet_gen.sources import load_fiche

    source = tmp_path / "habitudes.yaml"
    source.write_text(SOURCE.format(answer="souvent"), encoding="utf-8")
    fiche, problems = load_fiche(source)
    assert problems == [] and fiche is not None
    (entry,) = plan.entries(fiche)
    assert (entry.kind, entry.options, entry.answer) == ("one", ("Jamais", "Parfois", "Souvent"), ("Souvent",))
    student, key, _ = render_fiche(fiche)
    texts = [PdfReader(io.BytesIO(pdf)).pages[0].extract_text() for pdf in (student, key)]
    for text in texts:
        assert all(word in text for word in ("Jamais", "Parfois", "Souvent"))
    assert "Chacun son rythme" in texts[1] and "Chacun son rythme" not in texts[0]


def test_every_kind_is_documented():
    from conftest import ROOT

    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    assert [name for name in spec.KINDS if f"\n| `{name}`" not in doc] == []
