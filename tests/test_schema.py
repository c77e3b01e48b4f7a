"""The JSON Schema for editors: derived from the format table, draft-07, in French with examples, one
branch per block and per kind of question; and it agrees with the validator where they used to differ."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import jsonschema
import pytest
from click.testing import CliRunner

import yaml12
from conftest import DATA, ROOT, SOURCES
from worksheet_gen.cli import main
from worksheet_gen.schema import SCHEMA_PATH, render_schema
from worksheet_gen.spec import BLOCKS, KINDS, question_fields


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def test_published_schema_is_up_to_date():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema(), "run: python -m worksheet_gen.schema"


def test_it_is_draft_07_and_every_example_fiche_is_valid(schema):
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    identity = urlsplit(schema["$id"])  # an absolute name that no editor tries to fetch, not a placeholder host
    assert identity.scheme == "urn" and identity.netloc == "" and "example" not in schema["$id"]
    jsonschema.Draft7Validator.check_schema(schema)
    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    texts = [p.read_text(encoding="utf-8") for p in [*SOURCES.glob("*.yaml"), *(DATA / "fiches").glob("*.yaml")]]
    texts.append(re.search(r"```yaml\n(.*?)```", doc, re.S).group(1))
    for text in texts:
        assert list(jsonschema.Draft7Validator(schema).iter_errors(yaml12.load(text))) == []


def _described(node: dict, where: str) -> None:
    for key in ("description", "markdownDescription"):
        assert "Exemple :" in node.get(key, ""), f"{where}: no {key} with an example"
    assert re.search(r"[àâçéèêëîïôûù]|\b(le|la|les|une?|des|du)\b", node["markdownDescription"], re.I), f"{where}: not French"


def test_every_key_and_value_is_described_in_french_with_an_example(schema):
    objects = {"(fiche)": schema, **schema["definitions"]}
    checked = 0
    for name, node in objects.items():
        for key, prop in node.get("properties", {}).items():
            if prop == {}:  # a question's text and type, described by the question block itself
                assert name.startswith("question-") and key in ("question", "type")
                continue
            _described(prop, f"{name}.{key}")
            checked += 1
            if "enum" in prop:
                assert len(prop["enumDescriptions"]) == len(prop["markdownEnumDescriptions"]) == len(prop["enum"])
                assert all(prop["markdownEnumDescriptions"]), f"{name}.{key}: a value without description"
    assert checked > 60


def test_each_kind_of_question_takes_the_keys_the_table_gives_it(schema):
    defs = schema["definitions"]
    assert defs["question"]["properties"]["type"]["enum"] == list(KINDS)
    for name, kind in KINDS.items():
        branch = defs[f"question-{name}"]
        assert set(branch["properties"]) == set(question_fields(kind))
        assert branch["additionalProperties"] is False
    offered = defs["block"]["allOf"][-1]["then"]["properties"]  # what an editor offers on a new item
    assert set(offered) == set(BLOCKS)


def _errors(schema, text: str) -> list:
    return list(jsonschema.Draft7Validator(schema).iter_errors(yaml12.load(text)))


def test_a_problem_in_a_block_is_reported_by_the_kind_meant(schema):
    """if/then on the key naming a block (and on 'type'): never « not valid under any of the given schemas »."""
    head = "title: Essai\nactivities:\n  - title: A\n    content:\n"
    for block, culprit in [("      - question: Q ?\n        lignes: 3\n", "'lignes' was unexpected"),
                           ("      - question: Q ?\n        type: yesno\n        options: [a, b]\n",
                            "'options' was unexpected"),
                           ("      - video: https://pix.fr\n        width: 30\n", "'width' was unexpected"),
                           ("      - caption: Sans bloc\n", "'caption' is not one of ['text'")]:
        errors = _errors(schema, head + block)
        assert errors and all("any of the given schemas" not in e.message for e in errors), errors
        assert any(culprit in e.message for e in errors), [e.message for e in errors]


HEAD = "title: Essai\nactivities:\n  - title: A\n    content:\n      - question: Q ?\n"


@pytest.mark.parametrize("lines, valid", [
    ("        options: [A, B]\n        inline: oui\n", True),  # the editor used to flag these two
    ("        lines: '3'\n", True),
    ("        lines: 3.0\n", True),  # YAML 1.2 reads the number 3, so does the command line now
    ("        options: 'A seul'\n", False),  # the editor used to accept these two
    ("        lines: 3.5\n", False),
    ("        lines: 0x3\n", True),
    ("        lines: '0x3'\n", False),
    ("        type: open\n        inline: true\n", False),
    ("        type: blanks\n        lines: 0\n", False),
    ("        options: [A, B]\n        answer: [A, B]\n", False),
    ("        type: yesno\n        answer: Oui\n", True),
    ("        type: yesno\n        answer: peut-être\n", False),
    ("        type: multi\n        options: [A, B]\n        answer: [A, B]\n        note: false\n", True),
])
def test_the_values_that_used_to_disagree(schema, tmp_path, lines, valid):
    text = HEAD + lines
    source = tmp_path / "cas.yaml"
    source.write_text(text, encoding="utf-8")
    run = CliRunner().invoke(main, ["check", str(source)])
    assert (run.exit_code == 0) == valid, run.output
    assert (_errors(schema, text) == []) == valid


@pytest.mark.parametrize("levels, valid", [
    ("levels: 1re, Tle", True),  # one text, two levels: for both
    ("levels: 1re, Tle,", True),  # an empty level left out
    ("levels: ' , '", False),  # only commas: no level at all, for both (the editor used to accept it)
    ("levels: ','", False),
    ("levels: [',', Tle]", True),  # in a list, an item is one level, commas and all
    ("levels: ' '", False),
])
def test_levels_written_as_one_text_get_the_same_verdict(schema, tmp_path, levels, valid):
    text = f"title: Essai\n{levels}\nactivities:\n  - title: A\n    content:\n      - Lisez.\n"
    source = tmp_path / "cas.yaml"
    source.write_text(text, encoding="utf-8")
    run = CliRunner().invoke(main, ["check", str(source)])
    assert (run.exit_code == 0) == valid, run.output
    assert (_errors(schema, text) == []) == valid
