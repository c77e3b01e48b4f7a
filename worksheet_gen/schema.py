"""Derive the published JSON Schema (schema/fiche.schema.json) from the format table in spec.py."""

from __future__ import annotations

import json
from pathlib import Path

from .spec import BLOCK_KINDS, OBJECTS, Field

SCHEMA_PATH = Path(__file__).parent / "schema" / "fiche.schema.json"
_TEXT = {"type": ["string", "number"]}


def _field(field: Field) -> dict:
    kind = field.kind
    if kind in ("text", "path"):
        out = dict(_TEXT)
    elif kind == "url":
        out = {"type": "string", "maxLength": 300}
    elif kind == "int":
        out = {"type": "integer", "minimum": field.low, "maximum": field.high}
    elif kind == "bool":
        out = {"type": "boolean"}
    elif kind == "enum":
        out = {"enum": list(field.choices)}
    elif kind == "length":
        out = {"anyOf": [{"type": "number", "minimum": field.low, "maximum": field.high},
                         {"type": "string", "pattern": r"^\s*\d+([.,]\d+)?\s*(mm)?\s*$"}]}
    elif kind in ("textlist", "answer"):
        scalar = {"type": ["string", "number", "boolean"]} if kind == "answer" else dict(_TEXT)
        if field.max_len:
            scalar["maxLength"] = field.max_len
        out = {"anyOf": [scalar, {"type": "array", "items": scalar, "minItems": 1}]}
    elif kind == "list":
        out = {"type": "array", "items": {"$ref": f"#/$defs/{field.of}"}}
    else:
        out = {"$ref": f"#/$defs/{field.of}"}
    if field.max_len and kind == "text":
        out["maxLength"] = field.max_len
    out["description"] = field.doc
    return out


def _object(name: str) -> dict:
    fields = OBJECTS[name]
    return {
        "type": "object",
        "properties": {key: _field(f) for key, f in fields.items()},
        "required": [key for key, f in fields.items() if f.required],
        "additionalProperties": False,
    }


def schema() -> dict:
    """The JSON Schema of a source file, format v1."""
    defs = {name: _object(name) for name in OBJECTS if name != "fiche"}
    defs["block"] = {"anyOf": [dict(_TEXT, description="A paragraph of text.")]
                     + [{"$ref": f"#/$defs/{k}"} for k in BLOCK_KINDS]}
    top = _object("fiche")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://worksheet-gen.example/schema/fiche.schema.json",
        "title": "worksheet-gen fiche (format v1)",
        **top,
        "$defs": defs,
    }


def render_schema() -> str:
    """The schema as written to the package, stable byte for byte."""
    return json.dumps(schema(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.write_text(render_schema(), encoding="utf-8")
