"""Property: the JSON Schema an editor applies and `worksheet-gen check` give the same verdict on a fiche.

Fiches are generated from the format table (spec.py), valid, then mutated: values replaced by numbers,
booleans, texts and lists in every YAML spelling (3, 3.0, '3', 0x3, .nan, oui, true, ~…), keys removed,
added or given to the wrong kind of question, types changed. The schema reads each file as an editor
does (YAML 1.2, tests/yaml12.py); the command line reads it as it always does. Whatever the schema
refuses, the command line refuses; whatever the schema accepts, the command line accepts, except for
the checks listed in SCHEMA_CANNOT_SAY, which need more than the file's shape.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from itertools import count
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

import yaml12
from conftest import picture_folder
from trees import holder, places
from worksheet_gen.cli import main
from worksheet_gen.schema import SCHEMA_PATH
from worksheet_gen.spec import BLOCKS, KINDS, OBJECTS, QUESTION, question_fields

# What the command line checks and a JSON Schema cannot say, each with the messages it gives.
SCHEMA_CANNOT_SAY = {
    "an answer among the options (the schema does not know the options)": r"is not one of the options",
    "the picture exists, is a PNG or JPEG and fits on a page": r"the image |cannot read the image|a folder, not a "
                                                               r"picture",
    "every character has a glyph in the font of the fiche's profile": r"cannot be printed|invisible character|is not "
                                                                      r"a Unicode character",
    "an address short enough for a QR code read from paper": r"too long to scan|the address is too long",
    "links written in a text open a web or e-mail address": r"^the link ",
    "the class levels all together fit the header": r"too long for the page header",
    "no item twice as printed (1 and '1', 'A' and 'A ' are the same)": r"is given twice",
    "no more bullets than lines (two values compared)": r"bullets on \d+ line",
    "'free' alone ('libre' may be an option's text)": r"'free' means no single right answer",
    "a paragraph of at most 20,000 characters between blank lines": r"a paragraph is too long",
    # JSON Schema compares a number with its bounds, and nothing with .nan (not a number)
    "a width that is a number (.nan)": r"^'width' must be a width in millimetres .*, not '\.nan'",
    # maxLength only counts the characters of a text, not those of a number
    "a short text written as a long number": r"^'(title|kind|table)' is too long",
}

SAFE = ["Citez un métier", "BTS", "CAP", "Master", "Python", "HTML", "Les étapes", "Vrai", "Lisez le texte",
        "À vous de jouer !", "Rigueur", "Curiosité", "Développeur", "Une légende", "x", "Élève"]
SPECIAL = ["3", "3.0", "3.5", "03", "+3", "-0", "-2", "0", "1", "40", "41", "0x1F", "0o7", "1e1", "4e1", ".nan",
           ".inf", "-.inf", "1_0", "0b11", "true", "True", "TRUE", "tRue", "false", "oui", "Non", "yes", "on", "vrai",
           "null", "~", "free", "libre", "Réponse personnelle", "open", "multi", "yesno", "blanks", "seyes", "fr",
           "en", "dys", "60", "60.5", "60,5", "60 mm", "120", "121", "170", "170.0", "171", "4.9",
           "https://pix.fr", "pix.fr", "ftp://x.fr", "images/schema.png", "images/absente.png"]
KEYS = sorted({key for fields in OBJECTS.values() for key in fields}) + ["titre", "lignes", "réponse", "1"]


class Plain(str):
    """A scalar written as is, without quotes: YAML 1.2 reads 3 as a number, true as a boolean."""


def _quote(text: str) -> str:
    """A double-quoted YAML scalar, every character that is not printable escaped."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000 or code in (0xFEFF, 0xFFFE, 0xFFFF):
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _scalar(value) -> str:
    if value is None:
        return "~"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return str(value) if isinstance(value, Plain) else _quote(value)


def emit(node, indent: str = "") -> str:
    """The YAML text of a tree of dicts, lists and scalars (Plain ones written as they are)."""
    if isinstance(node, dict):
        if not node:
            return indent + "{}\n"
        out = []
        for key, value in node.items():
            head = f"{indent}{_scalar(Plain(key) if re.fullmatch(r'[a-zéè]+|1', key) else key)}:"
            if isinstance(value, (dict, list)) and value:
                out.append(head + "\n" + emit(value, indent + "  "))
            else:
                out.append(f"{head} {_flat(value)}\n")
        return "".join(out)
    if isinstance(node, list):
        if not node:
            return indent + "[]\n"
        out = []
        for item in node:
            if isinstance(item, (dict, list)) and item:
                inner = emit(item, indent + "  ")
                out.append(indent + "- " + inner[len(indent) + 2:])
            else:
                out.append(f"{indent}- {_flat(item)}\n")
        return "".join(out)
    return indent + _scalar(node) + "\n"


def _flat(value) -> str:
    return "{}" if value == {} else "[]" if value == [] else _scalar(value)


# --- valid fiches, drawn from the format table ------------------------------------------------------------

LETTERS = st.one_of(st.characters(codec="latin-1", categories=("L", "N", "P", "Zs")), st.sampled_from("«»’…œŒ€–"))
TEXT = st.one_of(st.sampled_from(SAFE).map(Plain), st.text(LETTERS, min_size=1, max_size=20).filter(str.strip))


@st.composite
def whole(draw, low: int, high: int):
    n = draw(st.integers(low, high))
    return draw(st.sampled_from([Plain(str(n)), Plain(f"{n}.0"), Plain(hex(n)), str(n), f" {n}", Plain(f"+{n}")]))


def boolean(draw) -> object:
    word = draw(st.sampled_from(["true", "false", "oui", "non", "yes", "No", "Vrai", "FAUX", "on"]))
    return draw(st.sampled_from([Plain(word), word]))


@st.composite
def field_value(draw, field, key: str):
    kind = field.kind
    if kind == "int":
        return draw(whole(field.low, field.high))
    if kind == "bool":
        return boolean(draw)
    if kind == "enum":
        return Plain(draw(st.sampled_from(list(field.choices))))
    if kind == "length":
        return draw(st.sampled_from([Plain("40"), Plain("60.5"), "60,5", Plain("30 mm"), "45", Plain("5e1")]))
    if kind == "url":
        return Plain(draw(st.sampled_from(["https://pix.fr", "www.onisep.fr", "https://youtu.be/1B8fBmLIsh8"])))
    if kind == "path":
        return Plain("images/schema.png")
    if kind == "textlist":
        items = draw(st.lists(st.sampled_from(SAFE), min_size=max(field.min_items, 1), max_size=4, unique=True))
        return [Plain(i) for i in items] if field.min_items > 1 or draw(st.booleans()) else Plain(items[0])
    return draw(TEXT)


@st.composite
def question(draw, kind):
    fields = question_fields(kind)
    out = {"question": draw(TEXT)}
    if kind.name not in ("open", "choice") or draw(st.booleans()):
        out["type"] = Plain(kind.name)
    options = draw(st.lists(st.sampled_from(SAFE), min_size=2, max_size=4, unique=True))
    for key in draw(st.lists(st.sampled_from([k for k in fields if k not in ("question", "type")]), unique=True)):
        if key == "options":
            continue
        if key == "lines":
            out[key] = draw(whole(kind.min_lines, 10))
        elif key == "answer":
            out[key] = draw(answer(kind, options))
        elif key == "note" and draw(st.booleans()):
            out[key] = Plain("false")
        else:
            out[key] = draw(field_value(fields[key], key))
    if "options" in kind.keys:
        out["options"] = [Plain(o) for o in options]
    if kind.name == "choice" and "type" not in out:
        out = {"question": out.pop("question"), **out}
    return out


@st.composite
def answer(draw, kind, options):
    if draw(st.integers(0, 9)) == 0 and kind.ticked:
        return draw(st.sampled_from([Plain("free"), "Libre", Plain("réponse  personnelle")]))
    if kind.answer == "fixed":
        word = draw(st.sampled_from(sorted(kind.fixed_words())))
        return draw(st.sampled_from([Plain(word), word.upper(), [Plain(word)]]))
    if kind.answer == "one":
        return Plain(draw(st.sampled_from(options)))
    if kind.answer == "many":
        return [Plain(o) for o in draw(st.lists(st.sampled_from(options), min_size=1, unique=True))]
    items = draw(st.lists(TEXT, min_size=1, max_size=3))
    return items if len(items) > 1 or draw(st.booleans()) else items[0]


@st.composite
def block(draw):
    name = draw(st.sampled_from(list(BLOCKS) + ["scalar"]))
    if name == "scalar":
        return draw(TEXT)
    if name == "question":
        return draw(question(draw(st.sampled_from(list(KINDS.values())))))
    if name == "table":
        sections = [{"title": draw(TEXT), **draw(optional("section", "title"))}
                    for _ in range(draw(st.integers(1, 2)))]
        for section in sections:
            if "bullets" in section and "lines" in section:
                del section["bullets"]
        return {"table": draw(TEXT), "sections": sections}
    out = {name: draw(field_value(OBJECTS[name][name], name))}
    out.update(draw(optional(name, name)))
    return out


@st.composite
def optional(draw, name: str, *taken: str):
    fields = OBJECTS[name]
    candidates = [k for k, f in fields.items() if k not in taken and f.kind not in ("list", "object")]
    keys = draw(st.lists(st.sampled_from(candidates), unique=True, max_size=3)) if candidates else []
    return {key: draw(field_value(fields[key], key)) for key in keys}


@st.composite
def fiches(draw):
    """A valid fiche, with any of its optional keys, in any of their spellings."""
    out = {"title": draw(TEXT), **draw(optional("fiche", "title"))}
    out["activities"] = [{"title": draw(TEXT), **draw(optional("activity", "title", "content")),
                          "content": draw(st.lists(block(), min_size=1, max_size=4))}
                         for _ in range(draw(st.integers(1, 2)))]
    if draw(st.booleans()):
        out["closing"] = {"title": draw(TEXT), "content": draw(st.lists(block(), max_size=2))}
    return out


# --- mutations ---------------------------------------------------------------------------------------------

SCALARS = st.one_of(st.sampled_from(SPECIAL).map(Plain), st.sampled_from(SPECIAL + SAFE + ["", "  ", " x "]),
                    st.none(), TEXT, st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8))
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3), st.dictionaries(st.sampled_from(KEYS), SCALARS,
                                                                            max_size=2))


@st.composite
def mutated(draw):
    tree = draw(fiches())
    for _ in range(draw(st.integers(0, 3))):
        candidates = [p for p in places(tree) if p]
        if not candidates:  # the mutations so far left nothing to mutate (every key deleted)
            break
        path = draw(st.sampled_from(candidates))
        parent, last = holder(tree, path), path[-1]
        op = draw(st.sampled_from(["replace", "replace", "delete", "add", "type", "empty"]))
        if op == "delete":
            del parent[last]
        elif op == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(KEYS))] = draw(VALUES)
        elif op == "type" and isinstance(parent, dict) and "question" in parent:
            parent["type"] = Plain(draw(st.sampled_from(list(KINDS))))
        elif op == "empty" and isinstance(parent[last], (list, dict)):
            parent[last] = type(parent[last])()
        else:
            parent[last] = draw(VALUES)
    return tree


# --- the two verdicts ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A sources folder with the picture the fiches show."""
    return picture_folder(tmp_path_factory, "agreement")


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


_names = count()


def verdicts(folder: Path, validator, text: str) -> tuple[list[str], list[str]]:
    """The schema's errors and the command line's errors on one source."""
    source = folder / f"f{next(_names)}.yaml"
    source.write_text(text, encoding="utf-8")
    try:
        schema_errors = [f"{e.json_path}: {e.message[:200]}" for e in validator.iter_errors(yaml12.load(text))]
    except yaml12.Duplicate as exc:
        schema_errors = [f"duplicate key {exc}"]
    run = CliRunner().invoke(main, ["check", "--format", "json", str(source)])
    assert run.exit_code in (0, 1), run.output
    report = json.loads(run.stdout)
    cli_errors = [p["message"] for p in report["problems"] if p["severity"] == "error"]
    assert (run.exit_code == 1) == bool(cli_errors)
    return schema_errors, cli_errors


def cannot_say(message: str) -> bool:
    return any(re.search(pattern, message) for pattern in SCHEMA_CANNOT_SAY.values())


def agree(folder: Path, validator, tree) -> None:
    text = emit(tree)
    schema_errors, cli_errors = verdicts(folder, validator, text)
    if schema_errors:
        assert cli_errors, f"the schema refuses what the command line accepts:\n{text}\n{schema_errors}"
    else:
        unsaid = [m for m in cli_errors if not cannot_say(m)]
        assert not unsaid, f"the command line refuses what the schema accepts:\n{text}\n{unsaid}"


@settings(max_examples=150, deadline=timedelta(seconds=20), suppress_health_check=[HealthCheck.too_slow])
@given(tree=fiches())
def test_a_valid_fiche_is_valid_for_both(folder, validator, tree):
    schema_errors, cli_errors = verdicts(folder, validator, emit(tree))
    assert schema_errors == []
    assert [m for m in cli_errors if not cannot_say(m)] == []


@settings(max_examples=400, deadline=timedelta(seconds=20), suppress_health_check=[HealthCheck.too_slow])
@given(tree=mutated())
def test_a_mutated_fiche_gets_the_same_verdict(folder, validator, tree):
    agree(folder, validator, tree)
