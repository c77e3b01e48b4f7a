"""The published JSON Schema agrees with the validator."""

from __future__ import annotations

import jsonschema
import yaml

from conftest import SOURCES
from worksheet_gen.schema import SCHEMA_PATH, render_schema


def test_published_schema_is_up_to_date():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema(), (
        "run: python -m worksheet_gen.schema")


def test_every_source_is_valid_against_the_schema():
    schema = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in SOURCES.glob("*.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)


def test_schema_rejects_an_unknown_key():
    schema = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))
    bad = {"title": "x", "activities": [{"title": "a", "content": [{"question": "q", "lignes": 3}]}]}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(bad))
