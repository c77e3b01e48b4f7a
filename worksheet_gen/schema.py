"""Derive the JSON Schema of a source (draft-07, for editors) from the format table in spec.py and the value
rules in values.py. Written once to schema/fiche.schema.json (``python -m worksheet_gen.schema``); nothing at
build time reads it but the copy refreshed beside the sources (starter.py).

Each block, and each kind of question, is chosen by ``if``/``then`` on the key that names it, so that an
editor reports the problems of the block meant; descriptions are in French, with an example.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from . import values
from .spec import BLOCKS, KINDS, MAX_LINES, MAX_WIDTH_CAPTION, OBJECTS, QUESTION, Field, Kind, question_fields

SCHEMA_PATH = Path(__file__).parent / "schema" / "fiche.schema.json"
DRAFT = "http://json-schema.org/draft-07/schema#"
# The schema's identity: a name, not an address (the project has no web site); editors read the copy
# beside the sources, offline. The last part is the version of the format.
SCHEMA_ID = "urn:worksheet-gen:schema:fiche:1"
SCALAR = ["string", "number", "boolean"]  # what a text may be written as: YAML reads 12, 1.5 and true as such
_EMPTY = "Le texte est vide."
TITLES = {"activity": "Activité", "closing": "Partie finale", "text": "Bloc texte", "callout": "Consigne",
          "video": "Vidéo", "link": "Lien", "image": "Image", "table": "Tableau", "section": "Ligne de tableau"}


def plain(markdown: str) -> str:
    """A Markdown description as plain text: without its backquotes and stars."""
    return re.sub(r"\*\*(.+?)\*\*|`([^`]*)`", lambda m: m.group(1) or m.group(2), markdown)


def described(node: dict, fr: str, example: str = "") -> dict:
    """node with a French description, plain and in Markdown, ending with an example."""
    node["description"] = plain(fr) + (f"\nExemple :\n{example}" if example else "")
    node["markdownDescription"] = fr + (f"\n\nExemple :\n```yaml\n{example}\n```" if example else "")
    return node


def _text(max_len: int | None = None, types=SCALAR) -> dict:
    out = {"type": list(types), "pattern": values.NOT_BLANK, "patternErrorMessage": _EMPTY}
    if max_len:
        out["maxLength"] = max_len
    return out


def _number(kind: str, low: int, high: int, pattern: str, what: str) -> dict:
    """A number, or a text spelling one: each keyword applies to its own type."""
    return {"type": [kind, "string"], "minimum": low, "maximum": high, "pattern": pattern, "patternErrorMessage": what}


def _whole(low: int, high: int) -> dict:
    return _number("integer", low, high, values.int_pattern(low, high), f"Un nombre entier de {low} à {high}.")


def _length(low: int, high: int) -> dict:
    return _number("number", low, high, values.length_pattern(low, high),
                   f"Une largeur en millimètres de {low} à {high}, par exemple 40 ou 40 mm.")


def _choices(choices) -> dict:
    docs = [getattr(doc, "fr", doc) for doc in choices.values()]
    return {"enum": list(choices), "enumDescriptions": [plain(d) for d in docs], "markdownEnumDescriptions": docs}


def _items(item: dict, field: Field, **more) -> dict:
    """One item or a list of them (a list only, of at least min_items, when one item is too few)."""
    array = {"items": item, **more}
    if field.min_items:
        array["minItems"] = field.min_items
    if field.min_items > 1:
        return {"type": "array", **array,
                "errorMessage": f"Une liste d'au moins {field.min_items} éléments différents, par exemple [A, B]."}
    return {**item, "type": [*item["type"], "array"], **array}


def value(field: Field) -> dict:
    """What a key accepts, as the validator reads it (values.py)."""
    kind = field.kind
    if kind in ("text", "path"):
        return _text(field.max_len)
    if kind == "url":
        return {"type": "string", "pattern": values.URL_PATTERN,
                "patternErrorMessage": "Une adresse web sans espace, par exemple https://www.onisep.fr."}
    if kind == "int":
        return _whole(field.low, field.high)
    if kind == "length":
        return _length(field.low, field.high)
    if kind == "bool":
        return {"type": ["boolean", "string"], "pattern": values.words_pattern(values.TRUE_WORDS | values.FALSE_WORDS),
                "patternErrorMessage": "true ou false (ou oui, non)."}
    if kind == "enum":
        return _choices(field.choices)
    if kind in ("textlist", "answer"):
        node = _items(_text(field.max_len or field.max_total), field)
        if field.commas:  # one text, its commas separating the items: « 1re, Tle »
            node["pattern"] = values.NOT_BLANK_ITEMS
        return node
    if kind == "list":
        return {"type": "array", "items": {"$ref": f"#/definitions/{field.of}"}, **(
            {"minItems": field.min_items} if field.min_items else {})}
    return {"allOf": [{"$ref": f"#/definitions/{field.of}"}]}


def _property(field: Field) -> dict:
    node = value(field)
    if field.kind not in ("list", "object", "textlist", "answer") or "[" in field.example:
        import yaml  # the example's value, for completion; read when the schema is written, never at build time

        node["examples"] = [yaml.safe_load(field.example).popitem()[1]]
    return described(node, field.fr, field.example)


def _answer(kind: Kind) -> dict:
    """The answer of a question of this kind: its shape (text, list, option(s), fixed words)."""
    field = QUESTION["answer"]
    if kind.answer == "fixed":
        words = set(kind.fixed_words()) | values.FREE_WORDS
        word = {"type": ["boolean", "string"], "pattern": values.words_pattern(words),
                "errorMessage": "L'une des réponses " + ", ".join(sorted(kind.fixed_words())) + ", ou free."}
        node = _items(word, field, maxItems=1)
    elif kind.answer == "one":
        node = _items(_text(), field, maxItems=1)
    else:
        node = _items(_text(), field)
    first = kind.example.splitlines()[0].removeprefix("- ")
    example = "\n".join([first] + [line[2:] for line in kind.example.splitlines()[1:]])
    return described(node, kind.answer_fr, example)


def _question(kind: Kind) -> dict:
    """The keys of a question of this kind, none else."""
    props = {}
    for key, field in question_fields(kind).items():
        if key in ("question", "type"):
            props[key] = {}  # checked, and described, by the question block itself
        elif key == "answer":
            props[key] = _answer(kind)
        elif key == "lines":
            props[key] = described(_whole(kind.min_lines, field.high), field.fr, field.example)
        else:
            props[key] = _property(field)
    title = f"Question « {kind.fr.split(' :')[0].lower()} » ({kind.name})"
    node = {"type": "object", "title": title, "properties": props,
            "required": ["question"] + (["options"] if "options" in kind.keys else []), "additionalProperties": False}
    if kind.answer == "list":  # without lines, one line per answer: at most MAX_LINES
        node["if"] = {"not": {"required": ["lines"]}}
        node["then"] = {"properties": {"answer": {"maxItems": MAX_LINES}}}
    return described(node, kind.fr, kind.example)


def _dispatch(choices: list[tuple[dict, str]]) -> list[dict]:
    return [{"if": condition, "then": {"$ref": f"#/definitions/{name}"}} for condition, name in choices]


def _question_block() -> dict:
    """A question: its text and type checked here, its other keys by its kind (default: choice with options)."""
    props = {key: _property(QUESTION[key]) for key in ("question", "type")}
    kinds = [({"required": ["type"], "properties": {"type": {"const": name}}}, f"question-{name}") for name in KINDS]
    kinds.append(({"not": {"required": ["type"]}, "required": ["options"]}, "question-choice"))
    kinds.append(({"not": {"anyOf": [{"required": ["type"]}, {"required": ["options"]}]}}, "question-open"))
    # without a type, options make a choice question: offered then (an editor completes what a branch holds)
    options = {"if": {"not": {"required": ["type"]}}, "then": {"properties": {"options": described(
        {}, QUESTION["options"].fr, QUESTION["options"].example)}}}
    return {"type": "object", "properties": props, "required": ["question"], "allOf": _dispatch(kinds) + [options]}


def _object(name: str) -> dict:
    fields = OBJECTS[name]
    node = {"type": "object", "properties": {key: _property(f) for key, f in fields.items()},
            "additionalProperties": False}
    required = [key for key, f in fields.items() if f.required]
    if required:
        node["required"] = required
    return node


def _block() -> dict:
    """An item of content: a text, or a mapping whose first key names the block (offered on a new item)."""
    starts = "Un bloc commence par l'une des clés : " + ", ".join(BLOCKS) + "."
    keys = {name: described({}, doc, OBJECTS[name][name].example) for name, doc in BLOCKS.items()}
    kinds = [({"type": "object", "required": [name]}, name) for name in BLOCKS]
    # an item not yet a block (empty, or no key naming a block): the keys that start one are offered
    named = {"if": {"not": {"type": "object", "anyOf": [{"required": [name]} for name in BLOCKS]}},
             "then": {"properties": keys, "propertyNames": {"enum": list(BLOCKS), "errorMessage": starts},
                      "minProperties": 1, "errorMessage": starts}}
    node = {"title": "Bloc", "type": ["object", "string", "number", "boolean"], "pattern": values.NOT_BLANK,
            "patternErrorMessage": _EMPTY, "allOf": _dispatch(kinds) + [named]}
    return described(node, "Un paragraphe de texte, ou un bloc : " + ", ".join(f"`{k}`" for k in BLOCKS) + ".",
                     "- Un paragraphe de texte.\n- callout: À vous de jouer !")


def schema() -> dict:
    """The JSON Schema of a source file, format v1 (draft-07)."""
    defs = {name: _object(name) for name in OBJECTS if name not in ("fiche", "question")}
    for name, title in TITLES.items():
        defs[name]["title"] = title
    image = defs["image"]
    image["if"] = {"required": ["caption"]}  # beside a caption, the picture leaves it room
    image["then"] = {"properties": {"width": _length(OBJECTS["image"]["width"].low, MAX_WIDTH_CAPTION)}}
    defs["question"] = _question_block()
    defs.update((f"question-{name}", _question(kind)) for name, kind in KINDS.items())
    defs["block"] = _block()
    section = defs["section"]
    section["if"] = {"not": {"anyOf": [{"required": ["lines"]}, {"required": ["bullets"]}]}}
    section["then"] = {"properties": {"answer": {"maxItems": MAX_LINES}}}
    top = described(_object("fiche"), "Une fiche d'activité de worksheet-gen : la fiche élève et son corrigé. "
                    "Voir la documentation du format, docs/format.md.", "title: Découvrir les métiers du numérique\n"
                    "activities:\n  - title: Les métiers\n    content:\n      - Lisez le texte.")
    return {"$schema": DRAFT, "$id": SCHEMA_ID, "title": "Fiche worksheet-gen (format 1)", **top,
            "definitions": defs}


def render_schema() -> str:
    """The schema as written to the package, stable byte for byte."""
    return json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.write_text(render_schema(), encoding="utf-8")
