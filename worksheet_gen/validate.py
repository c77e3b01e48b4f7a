"""Turn a parsed source (MDict/MList of texts) into a Fiche, or report every problem found."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import NamedTuple

from . import chars, fonts, media
from . import text as T
from .errors import Pos, Problem, quote, quote_pair
from .loader import DASH, MDict, MList
from .model import (Activity, Callout, Closing, Fiche, FillTable, Image, Media, Question, TableSection,
                    TextBlock)
from .spec import BLOCK_KINDS, FREE_WORDS, MAX_LINES, MAX_WIDTH_CAPTION, OBJECTS, Field, flag
from .suggest import suggest

MAX_PARAGRAPH = 20_000  # characters between two blank lines: about four printed pages
MAX_REPORTED = 20  # characters that cannot be printed reported one by one in a text, then summed up
MAX_BLOCKS = 1000  # items under 'content:' in one fiche (a worksheet has tens): past it they are not read
MAX_GUESSES = 20  # "did you mean" hints computed in a file


class Item(NamedTuple):
    """One text of a list, with its place in the source."""

    text: str
    pos: Pos


class _Ctx:
    """What one validation run needs: where it is, what it found so far."""

    def __init__(self, path: str, base_dir: Path | None, root: Path | None, source: list[str]):
        self.path, self.base_dir, self.root, self.source = path, base_dir, root, source
        self.problems: list[Problem] = []
        self.lang = "fr"
        self.image_sizes: dict[str, tuple[str, tuple[int, int]]] = {}
        self.guesses = MAX_GUESSES  # suggestions left to compute: each compares a text with many others
        self.blocks = 0  # items of 'content:' read so far, in all activities

    def guess(self) -> bool:
        """Whether one more suggestion may be computed (a file of a thousand wrong answers stays linear)."""
        self.guesses -= 1
        return self.guesses >= 0

    def error(self, pos: Pos, message: str, hint: str = "") -> None:
        self.problems.append(Problem(pos, message, hint))

    def warn(self, pos: Pos, message: str, hint: str = "") -> None:
        self.problems.append(Problem(pos, message, hint, "warning"))


def validate(raw, *, path: str, slug: str, base_dir: Path | None = None, root: Path | None = None):
    """Return (fiche or None, problems); the fiche is None when any problem is an error."""
    ctx = _Ctx(path, base_dir, root, getattr(raw, "source", []))
    top = Pos(path, 1, 1)
    if not isinstance(raw, MDict):
        ctx.error(getattr(raw, "pos", top), "the file must start with keys such as 'title:' and 'activities:'",
                  "see the example in docs/format.md")
        return None, ctx.problems
    f = _fields(ctx, "fiche", raw)
    ctx.lang = f.get("lang", "fr")
    activities = tuple(a for a in (_activity(ctx, a, p) for a, p in _items(raw, "activities")) if a)
    closing = None
    if isinstance(raw.get("closing"), MDict):
        c = _fields(ctx, "closing", raw["closing"])
        closing = Closing(c.get("title", ""), _blocks(ctx, raw["closing"], [0]), raw["closing"].pos)
    if isinstance(raw.get("activities"), MList) and not raw["activities"]:
        ctx.error(raw.val_pos["activities"], "there is no activity", "add at least one item under 'activities:'")
    fiche = Fiche(
        slug=slug, source=path, title=f.get("title", ""), levels=tuple(i.text for i in f.get("levels", ())),
        kind=f.get("kind", ""), previous=f.get("previous", ""), lang=f.get("lang", "fr"),
        author=f.get("author", ""), subject=f.get("subject", ""), intro=f.get("intro", ""),
        activities=activities, closing=closing, pos=top, profile=f.get("profile", ""), next=f.get("next", ""),
        form=bool(f.get("form", False)),
    )
    if any(p.severity == "error" for p in ctx.problems):
        return None, ctx.problems
    return fiche, ctx.problems


def _items(obj: MDict, key: str):
    value = obj.get(key)
    if isinstance(value, MList):
        return list(zip(value, value.item_pos))
    return []


def _activity(ctx: _Ctx, raw, pos: Pos) -> Activity | None:
    if not isinstance(raw, MDict):
        ctx.error(pos, "an activity must have keys such as 'title:' and 'content:'",
                  "write '- title: …' and, under it, 'content:'")
        return None
    f = _fields(ctx, "activity", raw)
    blocks = _blocks(ctx, raw, [0])
    if isinstance(raw.get("content"), MList) and not raw["content"]:
        ctx.error(raw.val_pos["content"], "this activity is empty", "add text, media or questions under 'content:'")
    return Activity(f.get("title", ""), f.get("intro", ""), blocks, raw.pos)


def _counted(ctx: _Ctx, items):
    """The items (blocks, table sections), each counted among the MAX_BLOCKS of a fiche; past it, one error."""
    for raw, pos in items:
        ctx.blocks += 1
        if ctx.blocks > MAX_BLOCKS:  # the rest is not read: the fiche is not built anyway
            if ctx.blocks == MAX_BLOCKS + 1:
                ctx.error(pos, f"a fiche holds at most {MAX_BLOCKS} items (texts, questions, pictures, links…): "
                               "this one is past it", "split the fiche into several")
            continue
        yield raw, pos


def _blocks(ctx: _Ctx, owner: MDict, counter: list) -> tuple:
    out = []
    for raw, pos in _counted(ctx, _items(owner, "content")):
        block = _block(ctx, raw, pos, counter)
        if block is not None:
            out.append(block)
    return tuple(out)


def _block(ctx: _Ctx, raw, pos: Pos, counter: list):
    if isinstance(raw, str):
        return TextBlock(_text(ctx, raw, pos), pos)
    if raw is None:
        ctx.error(pos, "this item is empty", "write a text after '- ', or remove the line")
        return None
    if not isinstance(raw, MDict):
        ctx.error(pos, "a block must be a text or keys such as 'question:'", "start the item with a text or a key")
        return None
    kinds = [k for k in BLOCK_KINDS if k in raw]
    if len(kinds) > 1:
        ctx.error(raw.key_pos[kinds[1]], f"one block cannot be both '{kinds[0]}' and '{kinds[1]}'",
                  "start a new item with '- ' for each block")
        return None
    if not kinds:
        first = next(iter(raw), "")
        hint = suggest(first, BLOCK_KINDS)
        if not hint and len(raw) == 1 and " " in str(first).strip() and isinstance(raw[first], str):
            # « - Rendez-vous au CDI : la salle… »: YAML read a sentence with ': ' as a key and its value
            at = raw.key_pos.get(first, raw.pos)
            line = ctx.source[at.line - 1] if 0 < at.line <= len(ctx.source) else ""
            colon = line.find(": ", at.col - 1)
            ctx.error(Pos(at.path, at.line, colon + 1) if colon >= 0 else at,
                      "a text contains ': ' (a colon followed by a space)", "put the whole text in quotes")
            return None
        hint = hint or "a block starts with one of: " + ", ".join(BLOCK_KINDS)
        ctx.error(raw.key_pos.get(first, raw.pos), f"unknown block {quote(first)}", hint)
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
        path, width = f.get("image"), f.get("width", 40.0)
        if path:
            _image_size(ctx, path, width, raw.val_pos.get("width", raw.val_pos["image"]))
        if f.get("caption") and width > MAX_WIDTH_CAPTION:
            ctx.error(raw.val_pos["width"], f"beside a caption, a picture is at most {MAX_WIDTH_CAPTION} mm wide",
                      f"give 'width: {MAX_WIDTH_CAPTION}' or less, or put the caption in a text above the picture")
        return Image(path or "", f.get("width", 40.0), f.get("caption", ""), pos)
    if kind == "table":
        sections = tuple(s for s in (_section(ctx, s, p) for s, p in _counted(ctx, _items(raw, "sections"))) if s)
        if isinstance(raw.get("sections"), MList) and not raw["sections"]:
            ctx.error(raw.val_pos["sections"], "this table has no section", "add rows with '- title: …' under 'sections:'")
        return FillTable(f.get("table", ""), sections, pos)
    counter[0] += 1
    return _question(ctx, raw, f, pos, counter[0])


def _section(ctx: _Ctx, raw, pos: Pos) -> TableSection | None:
    if not isinstance(raw, MDict):
        ctx.error(pos, "a table section must have 'title:' and 'lines:' or 'answer:'",
                  "write '- title: …' and, under it, 'answer: […]'")
        return None
    f = _fields(ctx, "section", raw)
    answer = tuple(i.text for i in f.get("answer", ()))
    free = len(answer) == 1 and _free(answer[0], ())
    answer = () if free else answer
    if "lines" not in raw and "bullets" not in raw and len(answer) > MAX_LINES:
        ctx.error(raw.val_pos["answer"], f"{len(answer)} answers make {len(answer)} bullets, at most {MAX_LINES}",
                  "shorten the list, or give 'lines:' and let the corrigé write smaller")
    bullets = f.get("bullets", 0)
    lines = f.get("lines", bullets or min(len(answer), MAX_LINES) or 3)
    if bullets > lines:
        ctx.error(raw.val_pos["bullets"], f"{bullets} bullets on {lines} line(s): each bullet needs a line of its own",
                  f"give 'lines: {bullets}' or more, or fewer bullets")
    if "answer" not in raw:
        ctx.warn(raw.key_pos.get("title", pos), "this section has no answer: the corrigé leaves its lines empty",
                 "add 'answer:'")
    return TableSection(f.get("title", ""), lines, answer, pos, bullets, f.get("explain", ""), free)


_FIXED = {
    "yesno": {"fr": ("OUI", "NON"), "en": ("YES", "NO")},
    "truefalse": {"fr": ("Vrai", "Faux"), "en": ("True", "False")},
}
_ALIASES = {"oui": 0, "yes": 0, "vrai": 0, "true": 0, "non": 1, "no": 1, "faux": 1, "false": 1}
_WORDS = {"yesno": {"oui", "non", "yes", "no"}, "truefalse": {"vrai", "faux", "true", "false"}}


def _question(ctx: _Ctx, raw: MDict, f: dict, pos: Pos, number: int) -> Question:
    options = tuple(i.text for i in f.get("options", ()))
    qtype = f.get("type") or ("choice" if "options" in raw else "open")
    apos = raw.val_pos.get("answer", pos)
    items = f.get("answer", [])
    closed = qtype in ("choice", "multi", "yesno", "truefalse")
    free = any(_free(i.text, options) for i in items) if closed else (
        len(items) == 1 and _free(items[0].text, ()))  # 'answer: free' on an open question: « Réponse personnelle »
    if free:
        if len(items) > 1:
            ctx.error(apos, "'free' means no single right answer: it cannot be given with other answers",
                      "keep 'answer: free' alone, or list the right options")
        items = []
    if qtype in _FIXED:
        if "options" in raw:
            ctx.error(raw.key_pos["options"], f"a '{qtype}' question has fixed options",
                      "remove 'options:' or use 'type: choice'")
        options = _FIXED[qtype][ctx.lang]
        items = [Item(_fixed_answer(ctx, i, options, qtype), i.pos) for i in items]
    if closed and qtype not in _FIXED:  # an answer copied from its option, spaces and no-break spaces aside
        same = {" ".join(o.split()): o for o in options}
        items = [Item(same.get(" ".join(i.text.split()), i.text), i.pos) for i in items]
    answers = tuple(i.text for i in items)
    explain = f.get("explain", "")
    if closed:
        _check_options(ctx, raw, f, qtype, options)
        if qtype != "multi" and len(answers) > 1:
            ctx.error(apos, f"a '{qtype}' question has exactly one right answer, {len(answers)} are given",
                      "use 'type: multi' for several right answers, or 'answer: free' for none")
        seen: dict[str, Pos] = {}
        for a, ipos in items:
            parts = [p.strip() for p in a.split(",")]
            if options and a not in options and len(parts) > 1 and all(p in options for p in parts):
                ctx.error(ipos, f"the answer {quote(a)} is not one of the options",  # 'answer: A, B' meant two
                          "write the right options as a list: [" + ", ".join(parts) + "]"
                          + ("" if qtype == "multi" else ", with 'type: multi'"))
            elif options and a not in options and qtype not in _FIXED:
                guess = difflib.get_close_matches(a, options, n=1, cutoff=0.4) if ctx.guess() else []
                shown, meant = quote_pair(a, guess[0]) if guess else (quote(a), "")
                ctx.error(ipos, f"the answer {shown} is not one of the options",
                          f"did you mean {meant}?" if guess else "copy the option text exactly")
            if a in seen:
                ctx.error(ipos, f"the answer {quote(a)} is given twice (first at line {seen[a].line})",
                          "name each right option once")
            seen.setdefault(a, ipos)
        default_lines = 0
    elif qtype == "blanks":
        if "lines" not in raw and len(answers) > MAX_LINES:
            ctx.error(apos, f"{len(answers)} answers make {len(answers)} blanks, at most {MAX_LINES}",
                      "shorten the list, or give 'lines:' and let the corrigé write smaller")
        default_lines = min(len(answers), MAX_LINES) or 3
    else:
        default_lines = 3
        if len(answers) > 1:
            answers = ("\n".join(answers),)
    lines = f.get("lines", default_lines)
    if qtype in ("open", "blanks") and lines < 1:
        ctx.error(raw.val_pos.get("lines", pos), f"an '{qtype}' question needs at least one line",
                  f"give 'lines:' from 1 to {MAX_LINES}")
    if qtype == "blanks" and len(answers) > lines and "lines" in raw:
        ctx.warn(apos, f"{len(answers)} answers for {lines} blanks: the corrigé writes them smaller",
                 f"give 'lines: {min(len(answers), MAX_LINES)}'")
    if "options" in raw and not closed:
        ctx.error(raw.key_pos["options"], f"an '{qtype}' question has no options",
                  "remove 'options:' or use 'type: choice'")
    if not answers and not free and "answer" not in raw:
        _no_answer(ctx, raw, closed, bool(explain))
    note = f.get("note")
    if note is not None and flag(note) is False:
        note = ""  # 'note: false': no instruction, not even the default one
    return Question(number, qtype, f.get("question", ""), lines, f.get("ruling", "lines"), options,
                    f.get("inline"), answers, explain, pos, apos, note=note, free=free)


def _free(text: str, options: tuple) -> bool:
    """Whether an answer says the question has no single right answer ('free'), rather than naming an option."""
    return text not in options and " ".join(text.lower().split()) in FREE_WORDS


def _no_answer(ctx: _Ctx, raw: MDict, closed: bool, explained: bool) -> None:
    """The warning for a question without 'answer:', saying what the corrigé prints there."""
    if closed:
        what = "the corrigé ticks no box" + (" and prints only the explanation" if explained else "")
        hint = "add 'answer:', or 'answer: free' when there is no single right answer"
    else:
        what = "the corrigé " + ("prints only the explanation there" if explained else "leaves its lines empty")
        hint = "add 'answer:'"
    ctx.warn(raw.key_pos["question"], f"this question has no answer: {what}", hint)


def _check_options(ctx: _Ctx, raw: MDict, f: dict, qtype: str, options: tuple) -> None:
    if qtype not in ("choice", "multi"):
        return
    if len(options) < 2:
        ctx.error(raw.key_pos.get("options", raw.key_pos["question"]),
                  f"a '{qtype}' question needs at least two options", "list them under 'options:'")
    seen: dict[str, Pos] = {}
    for text, ipos in f.get("options", ()):
        if text in seen:
            ctx.error(ipos, f"the option {quote(text)} is given twice (first at line {seen[text].line})",
                      "each option must be different")
        seen.setdefault(text, ipos)


def _fixed_answer(ctx: _Ctx, item: Item, options: tuple, qtype: str) -> str:
    value = item.text.strip().lower()
    index = _ALIASES.get(value)
    if index is not None and value not in _WORDS[qtype]:  # « oui » for Vrai / Faux: read, but said
        other = "truefalse" if qtype == "yesno" else "yesno"
        ctx.warn(item.pos, f"the answer {quote(item.text)} is not a word of {' / '.join(options)}: the corrigé "
                 f"ticks {quote(options[index])}", f"write {quote(options[index].lower())} to say so, or use "
                 f"'type: {other}' for {' / '.join(_FIXED[other][ctx.lang])} boxes")
    if index is None:
        index = next((i for i, opt in enumerate(options) if value == opt.lower()), None)
    if index is None:
        ctx.error(item.pos, f"the answer {quote(item.text)} is not one of {' / '.join(options)}",
                  f"write '{options[0].lower()}' or '{options[1].lower()}'")
        return item.text
    return options[index]


def _fields(ctx: _Ctx, name: str, raw: MDict) -> dict:
    """Check the keys of one object against the spec; return the converted values."""
    spec = OBJECTS[name]
    out = {}
    for key in list(raw):
        if key not in spec:
            hint = suggest(key, spec)
            ctx.error(raw.key_pos[key], f"unknown key {quote(key)}", hint or "allowed here: " + ", ".join(spec))
            guess = hint.split("'")[1] if hint else None
            if guess and guess not in raw:  # read it as the key meant, so that what it holds is checked too
                raw[guess], raw.key_pos[guess], raw.val_pos[guess] = raw[key], raw.key_pos[key], raw.val_pos[key]
    for key, field in spec.items():
        if key not in raw:
            if field.required:
                doc = field.doc[0].lower() + field.doc[1:].rstrip(".")
                ctx.error(raw.pos, f"missing key '{key}'", f"add '{key}:' here: {doc}")
            continue
        if field.kind in ("list", "object"):
            value = raw[key]
            want = MList if field.kind == "list" else MDict
            if want is MList and isinstance(value, MDict) and re.match(r"-[^\s-]", str(next(iter(value), ""))):
                glued = next(iter(value))  # « -question: … »
                ctx.error(value.key_pos[glued], DASH, f"put a space after '-': '- {glued[1:]}: …'")
            elif not isinstance(value, want):
                what = "a list of items" if want is MList else "a group of keys"
                how = "start each item on its own line with '- '" if want is MList else "indent the keys under it"
                ctx.error(raw.val_pos[key], f"'{key}' must be {what}", how)
            continue
        value = _convert(ctx, field, key, raw[key], raw.val_pos[key])
        if value is not None:
            out[key] = value
    return out


def _convert(ctx: _Ctx, field: Field, key: str, value, pos: Pos):
    kind = field.kind
    if value is None:
        example = {"int": "3", "bool": "true", "enum": field.choices[0] if field.choices else "",
                   "length": "40"}.get(kind, "…")
        ctx.error(pos, f"'{key}' is empty", f"write the value after '{key}:', e.g. '{key}: {example}'")
        return None
    if kind in ("textlist", "answer"):
        return _list(ctx, field, key, value, pos)
    if not isinstance(value, str):
        what = "a list" if isinstance(value, list) else "a group of keys"
        ctx.error(pos, f"'{key}' must be a single value, not {what}",
                  f"write it on the same line as '{key}:', in quotes if needed")
        return None
    if kind in ("text", "url", "path"):
        text = _text(ctx, value, pos, field.max_len, key, prose=kind == "text")
        if kind == "url":
            return _url(ctx, text, pos)
        if kind == "path":
            return _image_path(ctx, text, pos)
        return text
    if kind == "int":
        if not re.fullmatch(r"\s*[+-]?[0-9]+\s*", value):
            ctx.error(pos, f"'{key}' must be a whole number, not {quote(value)}", f"e.g. '{key}: 3'")
            return None
        digits = value.strip().lstrip("+-").lstrip("0")
        if len(digits) > 12:  # int() refuses over 4,300 digits, and nothing here needs a dozen
            ctx.error(pos, f"'{key}' must be between {field.low} and {field.high}, not {quote(value.strip()[:20] + '…')}",
                      f"give a whole number from {field.low} to {field.high}")
            return None
        number = int(value)
        if not field.low <= number <= field.high:
            ctx.error(pos, f"'{key}' must be between {field.low} and {field.high}, not {number}",
                      f"give a whole number from {field.low} to {field.high}")
            return None
        return number
    if kind == "bool":
        answer = flag(value)
        if answer is None:
            ctx.error(pos, f"'{key}' must be true or false, not {quote(value)}", f"write '{key}: true' or '{key}: false'")
        return answer
    if kind == "enum":
        if value not in field.choices:
            hint = suggest(value, field.choices) or "one of: " + ", ".join(field.choices)
            ctx.error(pos, f"'{key}' cannot be {quote(value)}", hint)
            return None
        return value
    # length
    m = re.fullmatch(r"\s*(\d{1,4}(?:[.,]\d+)?)\s*(mm)?\s*", value)
    number = float(m.group(1).replace(",", ".")) if m else None
    if number is None or not field.low <= number <= field.high:
        ctx.error(pos, f"'{key}' must be a width in millimetres between {field.low} and {field.high}, not {quote(value)}",
                  f"e.g. '{key}: 40'; the page is 174 mm wide between its margins")
        return None
    return number


def _list(ctx: _Ctx, field: Field, key: str, value, pos: Pos) -> list[Item] | None:
    """One text or a list of texts, each with its place."""
    if isinstance(value, dict):
        ctx.error(pos, f"'{key}' must be a text or a list of texts, not a group of keys",
                  "write the items as [a, b] or one per line with '- '")
        return None
    pairs = list(zip(value, value.item_pos)) if isinstance(value, MList) else [(value, pos)]
    out = []
    for item, ipos in pairs:
        if item is None:
            ctx.error(ipos, f"an item of '{key}' is empty", "write a text, or remove the item")
        elif isinstance(item, MDict) and len(item) == 1 and isinstance(next(iter(item.values())), (str, type(None))):
            _colon_in_item(ctx, key, item)  # « [Exemple : infirmier, …] »: YAML read a key and its value
        elif not isinstance(item, str):
            ctx.error(ipos, f"each item of '{key}' must be a text", "write the items as [a, b] or one per line with '- '")
        else:
            out.append(Item(_text(ctx, item, ipos, field.max_len, key, item=True), ipos))
    if isinstance(value, MList) and not value:
        ctx.error(pos, f"'{key}' is empty", "write at least one item between the brackets")
    if isinstance(value, MList) and value.flow:
        _split_by_commas(ctx, key, out)
    total = len(", ".join(i.text for i in out))
    if field.max_total and total > field.max_total:
        ctx.error(pos, f"'{key}' is too long for the page header ({total} characters, at most {field.max_total})",
                  "shorten it")
    return out


def _colon_in_item(ctx: _Ctx, key: str, item: MDict) -> None:
    """The error of an item of a list that holds ': ' and so was read as a key and its value."""
    (name, value), = item.items()
    at, to = item.key_pos[name], item.val_pos[name]
    line = ctx.source[at.line - 1] if 0 < at.line <= len(ctx.source) else ""
    colon = line.find(":", at.col - 1 + len(str(name)))
    between = line[at.col - 1 + len(str(name)):to.col - 1] if to.line == at.line and value is not None else ": "
    whole = f"{name}{between.rstrip() or ':'}{' ' + value if value is not None else ''}"
    ctx.error(Pos(at.path, at.line, colon + 1) if colon >= 0 else at,
              f"an item of '{key}' contains ': ' (a colon followed by a space)",
              f"put that item in quotes: \"{whole}\"")


_PAIRS = ("()", "[]", "«»", '""')


def _split_by_commas(ctx: _Ctx, key: str, items: list[Item]) -> None:
    """A warning where an item of a list written [a, b] looks like the rest of the item before it: a comma
    inside an item split it in two (« [Humanités, littérature et philosophie] » makes two options)."""
    for before, item in zip(items, items[1:]):
        unbalanced = any(before.text.count(a) > before.text.count(b) for a, b in _PAIRS if a != b)
        lowered = item.text[:1].islower() and before.text[:1].isupper() and items[0].text[:1].isupper()
        if unbalanced or lowered:
            whole = quote(f"{before.text}, {item.text}", 60).strip("'")
            ctx.warn(item.pos, f"{quote(item.text, 30)} looks like the end of the item before it: inside [ ], "
                     "a comma separates items", f"put an item that holds a comma in quotes: \"{whole}\"")
            return


def _text(ctx: _Ctx, value: str, pos: Pos, max_len: int | None = None, key: str = "", item: bool = False,
          prose: bool = True) -> str:
    """The text of a value, checked: not blank, not too long, printable; in prose (not an address or a
    file name), every link it makes opens a web or e-mail address."""
    text = value.strip()
    if not text:  # "" or only spaces: nothing would be printed
        if item:
            ctx.error(pos, f"an item of '{key}' is empty", "write a text, or remove the item")
        elif key:
            ctx.error(pos, f"'{key}' is empty", f"write the value after '{key}:'")
        else:
            ctx.error(pos, "this item is empty", "write a text after '- ', or remove the line")
        return text
    if max_len:
        text = " ".join(text.split())
        if len(text) > max_len:
            what = f"an item of '{key}'" if item else f"'{key}'"
            where = "'explain:'" if key == "options" else "a text under it"
            ctx.error(pos, f"{what} is too long ({len(text)} characters, at most {max_len})",
                      f"shorten it; the details can go in {where}")
    for chunk in re.split(r"\n\s*\n", text):
        if len(chunk) > MAX_PARAGRAPH:
            ctx.error(pos, f"a paragraph is too long ({len(chunk)} characters, at most {MAX_PARAGRAPH})",
                      "split it with blank lines")
            break
    reach = 12 * len(value) + 16  # source characters a value can span: "\U0001F600" is 10 for 1, indents
    body, mono = T.fonts_of(text)
    bad = chars.unprintable(body) + chars.unprintable(mono, fonts.MONO)
    for ch, message, hint in bad[:MAX_REPORTED]:
        ctx.error(_locate(ctx, ch, pos, reach), message, hint)
    if len(bad) > MAX_REPORTED:
        ctx.error(pos, f"{len(bad) - MAX_REPORTED} more characters of this text cannot be printed",
                  "retype the text or paste it as plain text")
    for target, _ in T.links(text) if prose else ():
        problem = media.link_problem(T.web_target(target))
        if problem:
            ctx.error(_locate(ctx, target[:40], pos, reach), *problem)
    return text


def _locate(ctx: _Ctx, needle: str, pos: Pos, reach: int) -> Pos:
    """Where needle, part of a value starting at pos, stands in the source (pos when it is written otherwise,
    e.g. as an escape); at most reach characters are read, so that locating stays linear in the file."""
    for n in range(pos.line, len(ctx.source) + 1):  # not source[line:]: that copy alone is quadratic
        line = ctx.source[n - 1]
        start = pos.col - 1 if n == pos.line else 0
        col = line.find(needle, start, start + reach)
        if col >= 0:
            return Pos(pos.path, n, col + 1)
        reach -= len(line) + 1 - start
        if reach < len(needle):
            break
    return pos


def _url(ctx: _Ctx, text: str, pos: Pos) -> str:
    problem = media.url_problem(text)
    if problem:
        ctx.error(pos, *problem)
    return text if "://" in text else "https://" + text


def _image_path(ctx: _Ctx, text: str, pos: Pos) -> str | None:
    if ctx.base_dir is None:
        return text
    problem, target, size = media.image(text, ctx.base_dir, ctx.root or ctx.base_dir, guess=ctx.guess())
    if problem:
        ctx.error(pos, *problem)
        return None
    ctx.image_sizes[str(target)] = (text, size)
    return str(target)


def _image_size(ctx: _Ctx, path: str, width_mm: float, pos: Pos) -> None:
    if path in ctx.image_sizes:
        problem = media.height_problem(*ctx.image_sizes[path], width_mm)
        if problem:
            ctx.error(pos, *problem)
