"""Turn a parsed source (MDict/MList) into a Fiche, or report every problem found."""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path

from . import fonts
from .errors import Pos, Problem
from .loader import MDict, MList
from .model import (Activity, Callout, Closing, Fiche, FillTable, Image, Media, Question, TableSection,
                    TextBlock)
from .spec import BLOCK_KINDS, MAX_LINES, OBJECTS, Field

MAX_URL = 300
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
_URL = re.compile(r"^(https?://)?([a-z0-9-]+\.)+[a-z]{2,}(:\d+)?(/\S*)?$", re.IGNORECASE)
_CONTROL = {"Cc", "Cs", "Co", "Cn"}


class _Ctx:
    """What one validation run needs: where it is, what it found so far."""

    def __init__(self, path: str, base_dir: Path | None, root: Path | None):
        self.path, self.base_dir, self.root = path, base_dir, root
        self.problems: list[Problem] = []
        self.lang = "fr"

    def error(self, pos: Pos, message: str, hint: str = "") -> None:
        self.problems.append(Problem(pos, message, hint))

    def warn(self, pos: Pos, message: str, hint: str = "") -> None:
        self.problems.append(Problem(pos, message, hint, "warning"))


def validate(raw, *, path: str, slug: str, base_dir: Path | None = None, root: Path | None = None):
    """Return (fiche or None, problems); the fiche is None when any problem is an error."""
    ctx = _Ctx(path, base_dir, root)
    top = Pos(path, 1, 1)
    if not isinstance(raw, MDict):
        ctx.error(getattr(raw, "pos", top), "the file must start with keys such as 'title:' and 'activities:'",
                  "see the example in docs/format.md")
        return None, ctx.problems
    f = _fields(ctx, "fiche", raw)
    ctx.lang = f.get("lang", "fr")
    activities = tuple(_activity(ctx, a, p) for a, p in _items(ctx, raw, "activities"))
    closing = None
    if isinstance(raw.get("closing"), MDict):
        c = _fields(ctx, "closing", raw["closing"])
        closing = Closing(c.get("title", ""), _blocks(ctx, raw["closing"], [0]), raw["closing"].pos)
    if "activities" in raw and not activities and isinstance(raw["activities"], MList):
        ctx.error(raw.val_pos["activities"], "there is no activity", "add at least one item under 'activities:'")
    levels = f.get("levels", ())
    fiche = Fiche(
        slug=slug, source=path, title=f.get("title", ""), levels=tuple(levels),
        kind=f.get("kind", ""), previous=f.get("previous", ""), lang=f.get("lang", "fr"),
        author=f.get("author", ""), subject=f.get("subject", ""), intro=f.get("intro", ""),
        activities=activities, closing=closing, pos=top, profile=f.get("profile", ""),
    )
    if any(p.severity == "error" for p in ctx.problems):
        return None, ctx.problems
    return fiche, ctx.problems


def _items(ctx: _Ctx, obj: MDict, key: str):
    value = obj.get(key)
    if isinstance(value, MList):
        return list(zip(value, value.item_pos))
    return []


def _activity(ctx: _Ctx, raw, pos: Pos) -> Activity | None:
    if not isinstance(raw, MDict):
        ctx.error(pos, "an activity must have keys such as 'title:' and 'content:'")
        return None
    f = _fields(ctx, "activity", raw)
    blocks = _blocks(ctx, raw, [0])
    if "content" in raw and not blocks and isinstance(raw["content"], MList):
        ctx.error(raw.val_pos["content"], "this activity is empty", "add text, media or questions under 'content:'")
    return Activity(f.get("title", ""), f.get("intro", ""), blocks, raw.pos)


def _blocks(ctx: _Ctx, owner: MDict, counter: list) -> tuple:
    out = []
    for raw, pos in _items(ctx, owner, "content"):
        block = _block(ctx, raw, pos, counter)
        if block is not None:
            out.append(block)
    return tuple(out)


def _block(ctx: _Ctx, raw, pos: Pos, counter: list):
    if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        return TextBlock(_text(ctx, raw, pos), pos)
    if not isinstance(raw, MDict):
        ctx.error(pos, "a block must be a text or keys such as 'question:'")
        return None
    kinds = [k for k in BLOCK_KINDS if k in raw]
    if len(kinds) > 1:
        ctx.error(raw.key_pos[kinds[1]], f"one block cannot be both '{kinds[0]}' and '{kinds[1]}'",
                  "start a new item with '- ' for each block")
        return None
    if not kinds:
        first = next(iter(raw), "")
        guess = difflib.get_close_matches(first, BLOCK_KINDS, n=1)
        hint = f"did you mean '{guess[0]}'?" if guess else "a block starts with one of: " + ", ".join(BLOCK_KINDS)
        ctx.error(raw.key_pos.get(first, raw.pos), f"unknown block '{first}'", hint)
        return None
    kind = kinds[0]
    f = _fields(ctx, kind, raw)
    if kind == "text":
        return TextBlock(f.get("text", ""), pos)
    if kind == "callout":
        return Callout(f.get("callout", ""), pos)
    if kind in ("video", "link"):
        return Media(kind, f.get(kind, ""), f.get("caption", ""), pos)
    if kind == "image":
        return Image(f.get("image", ""), f.get("width", 40.0), f.get("caption", ""), pos)
    if kind == "table":
        sections = tuple(s for s in (_section(ctx, s, p) for s, p in _items(ctx, raw, "sections")) if s)
        if "sections" in raw and not sections and isinstance(raw["sections"], MList):
            ctx.error(raw.val_pos["sections"], "this table has no section")
        return FillTable(f.get("table", ""), sections, pos)
    counter[0] += 1
    return _question(ctx, raw, f, pos, counter[0])


def _section(ctx: _Ctx, raw, pos: Pos) -> TableSection | None:
    if not isinstance(raw, MDict):
        ctx.error(pos, "a table section must have 'title:' and 'lines:' or 'answer:'")
        return None
    f = _fields(ctx, "section", raw)
    answer = tuple(f.get("answer", ()))
    lines = f.get("lines", len(answer) or 3)
    if "answer" not in raw:
        ctx.warn(raw.key_pos.get("title", pos), "this section has no answer: the corrigé will be empty there")
    return TableSection(f.get("title", ""), lines, answer, pos)


_FIXED = {
    "yesno": {"fr": ("OUI", "NON"), "en": ("YES", "NO")},
    "truefalse": {"fr": ("Vrai", "Faux"), "en": ("True", "False")},
}
_ALIASES = {"oui": 0, "yes": 0, "vrai": 0, "true": 0, "non": 1, "no": 1, "faux": 1, "false": 1}


def _question(ctx: _Ctx, raw: MDict, f: dict, pos: Pos, number: int) -> Question:
    options = tuple(f.get("options", ()))
    qtype = f.get("type") or ("choice" if options else "open")
    apos = raw.val_pos.get("answer", pos)
    answers = tuple(f.get("answer", ()))
    if qtype in _FIXED:
        if options:
            ctx.error(raw.key_pos["options"], f"a '{qtype}' question has fixed options",
                      "remove 'options:' or use 'type: choice'")
        options = _FIXED[qtype][ctx.lang]
        answers = tuple(_fixed_answer(ctx, a, options, apos) for a in answers)
    if qtype in ("choice", "multi", "yesno", "truefalse"):
        if len(options) < 2 and qtype in ("choice", "multi"):
            ctx.error(raw.key_pos.get("options", raw.key_pos["question"]),
                      f"a '{qtype}' question needs at least two options", "list them under 'options:'")
        if qtype in ("choice", "yesno", "truefalse") and len(answers) > 1:
            ctx.error(apos, f"a '{qtype}' question has exactly one right answer, {len(answers)} are given",
                      "use 'type: multi' for several right answers")
        seen = set()
        for a in answers:
            if options and a not in options:
                guess = difflib.get_close_matches(a, options, n=1, cutoff=0.4)
                ctx.error(apos, f"the answer '{a}' is not one of the options",
                          f"did you mean '{guess[0]}'?" if guess else "copy the option text exactly")
            if a in seen:
                ctx.error(apos, f"the answer '{a}' is given twice")
            seen.add(a)
        default_lines = 0
    elif qtype == "blanks":
        default_lines = len(answers) or 3
    else:
        default_lines = 3
        if len(answers) > 1:
            answers = ("\n".join(answers),)
    lines = f.get("lines", default_lines)
    if qtype in ("open", "blanks") and lines < 1:
        ctx.error(raw.val_pos.get("lines", pos), f"an '{qtype}' question needs at least one line",
                  f"give 'lines:' between 1 and {MAX_LINES}")
    if qtype == "blanks" and len(answers) > lines:
        ctx.warn(apos, f"{len(answers)} answers for {lines} blanks: the corrigé writes them smaller")
    if "options" in raw and qtype not in ("choice", "multi", "yesno", "truefalse"):
        ctx.error(raw.key_pos["options"], f"an '{qtype}' question has no options",
                  "remove 'options:' or use 'type: choice'")
    if not answers:
        ctx.warn(raw.key_pos["question"], "this question has no answer: the corrigé will be empty there",
                 "add 'answer:'")
    return Question(number, qtype, f.get("question", ""), lines, f.get("ruling", "lines"), options,
                    bool(f.get("inline", False)), answers, f.get("explain", ""), pos, apos)


def _fixed_answer(ctx: _Ctx, value: str, options: tuple, pos: Pos) -> str:
    index = _ALIASES.get(value.strip().lower())
    if index is None:
        for i, opt in enumerate(options):
            if value.strip().lower() == opt.lower():
                index = i
    if index is None:
        ctx.error(pos, f"the answer '{value}' is not one of {' / '.join(options)}")
        return value
    return options[index]


def _fields(ctx: _Ctx, name: str, raw: MDict) -> dict:
    """Check the keys of one object against the spec; return the converted values."""
    spec = OBJECTS[name]
    out = {}
    for key in raw:
        if key not in spec:
            guess = difflib.get_close_matches(key, list(spec), n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else "allowed here: " + ", ".join(spec)
            ctx.error(raw.key_pos[key], f"unknown key '{key}'", hint)
    for key, field in spec.items():
        if key not in raw:
            if field.required:
                ctx.error(raw.pos, f"missing key '{key}'", field.doc)
            continue
        if field.kind in ("list", "object"):
            value = raw[key]
            want = MList if field.kind == "list" else MDict
            if not isinstance(value, want):
                ctx.error(raw.val_pos[key], f"'{key}' must be {'a list of items' if want is MList else 'a group of keys'}",
                          "indent the items under it" if want is MDict else "start each item with '- '")
            continue
        value = _convert(ctx, field, key, raw[key], raw.val_pos[key])
        if value is not None:
            out[key] = value
    return out


def _convert(ctx: _Ctx, field: Field, key: str, value, pos: Pos):
    kind = field.kind
    if kind in ("text", "url", "path"):
        if isinstance(value, (dict, list)) or value is None:
            ctx.error(pos, f"'{key}' must be a text", "put the text on the same line, in quotes if needed")
            return None
        text = _text(ctx, value, pos)
        if kind == "url":
            return _url(ctx, text, pos)
        if kind == "path":
            return _image_path(ctx, text, pos)
        return text
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            ctx.error(pos, f"'{key}' must be a whole number")
            return None
        if not field.low <= value <= field.high:
            ctx.error(pos, f"'{key}' must be between {field.low} and {field.high}, not {value}")
            return None
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            ctx.error(pos, f"'{key}' must be true or false")
            return None
        return value
    if kind == "enum":
        if value not in field.choices:
            guess = difflib.get_close_matches(str(value), field.choices, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else "one of: " + ", ".join(field.choices)
            ctx.error(pos, f"'{key}' cannot be '{value}'", hint)
            return None
        return value
    if kind == "length":
        number = value
        if isinstance(value, str):
            m = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*(mm)?\s*", value)
            number = float(m.group(1).replace(",", ".")) if m else None
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not 5 <= number <= 180:
            ctx.error(pos, f"'{key}' must be a width in millimetres between 5 and 180, e.g. 40")
            return None
        return float(number)
    # textlist and answer: one scalar or a list of scalars
    items = value if isinstance(value, MList) else [value]
    positions = value.item_pos if isinstance(value, MList) else [pos]
    out = []
    for item, ipos in zip(items, positions):
        if isinstance(item, (dict, list)) or item is None:
            ctx.error(ipos, f"each item of '{key}' must be a text")
            continue
        if isinstance(item, bool):
            item = "vrai" if item else "faux"
        out.append(_text(ctx, item, ipos))
    if isinstance(value, MList) and not out and kind == "textlist":
        ctx.error(pos, f"'{key}' is empty")
    return out


def _text(ctx: _Ctx, value, pos: Pos) -> str:
    text = str(value).strip()
    bad = sorted({ch for ch in text if not fonts.can_draw(ch)})
    for ch in bad:
        name = unicodedata.name(ch, "")
        offset = text.index(ch)
        where = Pos(pos.path, pos.line, pos.col + offset) if "\n" not in text[:offset] else pos
        if unicodedata.category(ch) in _CONTROL:
            ctx.error(where, f"invisible control character U+{ord(ch):04X} in the text", "delete it and retype the text")
        else:
            ctx.error(where, f"the character '{ch}' (U+{ord(ch):04X} {name}) cannot be printed with the embedded font",
                      "remove it or replace it with plain text")
    return text


def _url(ctx: _Ctx, text: str, pos: Pos) -> str:
    if not _URL.match(text):
        ctx.error(pos, f"'{text}' is not a web address", "write it as https://example.org/page")
        return text
    if len(text) > MAX_URL:
        ctx.error(pos, f"the address is too long to scan once printed ({len(text)} characters, at most {MAX_URL})",
                  "use a shorter link")
    return text if "://" in text else "https://" + text


def _image_path(ctx: _Ctx, text: str, pos: Pos) -> str:
    if ctx.base_dir is None:
        return text
    if Path(text).is_absolute():
        ctx.error(pos, "an image path must be relative to the source file", "copy the picture next to the source")
        return text
    root = (ctx.root or ctx.base_dir).resolve()
    target = (ctx.base_dir / text).resolve()
    if root != target and root not in target.parents:
        ctx.error(pos, f"the image '{text}' is outside the sources folder", "copy the picture into the sources folder")
        return text
    if not target.is_file():
        ctx.error(pos, f"the image '{text}' does not exist")
        return text
    if target.suffix.lower() not in IMAGE_SUFFIXES:
        ctx.error(pos, f"the image '{text}' is not a PNG or JPEG file")
        return text
    head = target.read_bytes()[:8]
    if not (head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff")):
        ctx.error(pos, f"the image '{text}' is damaged or not really a PNG or JPEG file")
    return str(target)
