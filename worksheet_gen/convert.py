"""Read the keys of one parsed object (MDict) against the format table: each value converted, or a problem
at its place. What each kind of value accepts is values.py's; the JSON Schema applies the same rules."""

from __future__ import annotations

import math
import re
from collections import namedtuple
from pathlib import Path

from . import chars, fonts, media, values
from . import text as T
from .errors import Pos, Problem, quote
from .i18n import Msg, Texts, _
from .loader import DASH, SPACE_AFTER_DASH, MDict, MList
from .spec import Field
from .suggest import best, suggest

MAX_PARAGRAPH = 20_000  # characters between two blank lines: about four printed pages
MAX_REPORTED = 20  # characters that cannot be printed reported one by one in a text, then summed up
MAX_GUESSES = 20  # "did you mean" hints computed in a file
MAX_RUNS = 10_000  # marks that start a run of another type (text.RUN), in a fiche: about 20 a page in a rich one
EMPTY_EXAMPLE = {"int": "3", "bool": "true", "length": "40"}

EMPTY_ITEM = _("this item is empty")
REMOVE_LINE = _("write a text after '- ', or remove the line")
EMPTY_OF = _("an item of '{key}' is empty")
REMOVE_ITEM = _("write a text, or remove the item")
IS_EMPTY = _("'{key}' is empty")
AS_LIST = _("write the items as [a, b] or one per line with '- '")
SHORTEN_LIST = _("shorten the list, or give 'lines:' and let the corrigé write smaller")
NOT_AN_OPTION = _("the answer {answer} is not one of the options")


class Item(namedtuple("Item", "text pos")):  # not typing's: 2.9 ms to import
    """One text of a list, with its place in the source (a Pos)."""

    __slots__ = ()


class Ctx:
    """What one validation run needs: where it is, what it found so far."""

    def __init__(self, path: str, base_dir: Path | None, root: Path | None, source: list[str]):
        self.path, self.base_dir, self.root, self.source = path, base_dir, root, source
        self.problems: list[Problem] = []
        self.lang = "fr"
        self.image_sizes: dict[str, tuple[str, tuple[int, int]]] = {}
        self.guesses = MAX_GUESSES  # suggestions left to compute: each compares a text with many others
        self.blocks = 0  # items of 'content:' read so far, in all activities
        self.runs = 0  # marks of the texts read so far (text.RUN), in the whole fiche

    def guess(self) -> bool:
        """Whether one more suggestion may be computed (a file of a thousand wrong answers stays linear)."""
        self.guesses -= 1
        return self.guesses >= 0

    def error(self, pos: Pos, message: Msg, hint: Msg | str = "") -> None:
        self.problems.append(Problem(pos, message, hint))

    def warn(self, pos: Pos, message: Msg, hint: Msg | str = "") -> None:
        self.problems.append(Problem(pos, message, hint, "warning"))


def fields(ctx: Ctx, spec: dict[str, Field], raw: MDict, elsewhere=None) -> dict:
    """Check the keys of one object against its fields; return the converted values.

    ``elsewhere(key)`` gives the problem of a key this object does not take but a sibling kind does
    (a question key of another type), as (message, hint), or None."""
    out = {}
    for key in list(raw):
        if key in spec:
            continue
        other = elsewhere(key) if elsewhere else None
        if other:
            ctx.error(raw.key_pos[key], *other)
            continue
        guess = best(key, spec)
        hint = suggest(key, spec)
        ctx.error(raw.key_pos[key], _("unknown key {key}").format(key=quote(key)),
                  hint or _("allowed here: {keys}").format(keys=", ".join(spec)))
        if guess and guess not in raw:  # read it as the key meant, so that what it holds is checked too
            raw[guess], raw.key_pos[guess], raw.val_pos[guess] = raw[key], raw.key_pos[key], raw.val_pos[key]
            if key in raw.quoted:
                raw.quoted.add(guess)
    for key, field in spec.items():
        if key not in raw:
            if field.required:
                ctx.error(raw.pos, _("missing key '{key}'").format(key=key),
                          _("add '{key}:' here: {doc}").format(key=key, doc=described(field)))
            continue
        if field.kind in ("list", "object"):
            value = raw[key]
            want = MList if field.kind == "list" else MDict
            if want is MList and isinstance(value, MDict) and re.match(r"-[^\s-]", str(next(iter(value), ""))):
                glued = next(iter(value))  # « -question: … »
                ctx.error(value.key_pos[glued], DASH, SPACE_AFTER_DASH.format(key=glued[1:]))
            elif not isinstance(value, want):
                if want is MList:
                    ctx.error(raw.val_pos[key], _("'{key}' must be a list of items").format(key=key),
                              _("start each item on its own line with '- '"))
                else:
                    ctx.error(raw.val_pos[key], _("'{key}' must be a group of keys").format(key=key),
                              _("indent the keys under it"))
            continue
        value = convert(ctx, field, key, raw[key], raw.val_pos[key], plain=key not in raw.quoted)
        if value is not None:
            out[key] = value
    return out


def described(field: Field) -> Texts:
    """What a key holds, in both languages, as a hint goes on: « the activities, in order »."""
    def hint(text: str) -> str:
        text = text.replace("`", "").strip().rstrip(".")
        return text[:1].lower() + text[1:]

    return Texts(hint(field.doc), hint(getattr(field, "fr", "") or field.doc))


def convert(ctx: Ctx, field: Field, key: str, value, pos: Pos, *, plain: bool = True):
    """One value, converted to what its field holds, or None after reporting why it cannot be.

    ``plain``: the value was written without quotes, so that a number is read as YAML 1.2 reads it."""
    kind = field.kind
    if value is None:
        example = EMPTY_EXAMPLE.get(kind) or next(iter(field.choices), "…")
        ctx.error(pos, IS_EMPTY.format(key=key),
                  _("write the value after '{key}:', e.g. '{key}: {example}'").format(key=key, example=example))
        return None
    if kind in ("textlist", "answer"):
        return items(ctx, field, key, value, pos)
    if not isinstance(value, str):
        ctx.error(pos, (_("'{key}' must be a single value, not a list") if isinstance(value, list) else
                        _("'{key}' must be a single value, not a group of keys")).format(key=key),
                  _("write it on the same line as '{key}:', in quotes if needed").format(key=key))
        return None
    if kind in ("text", "url", "path"):
        text = check_text(ctx, value, pos, field.max_len, key, prose=kind == "text")
        if kind == "url":
            return _url(ctx, text, pos)
        if kind == "path":
            return _image_path(ctx, text, pos)
        return text
    if kind == "int":
        return _whole(ctx, field, key, value, pos, plain)
    if kind == "bool":
        answer = values.flag(value)
        if answer is None:
            ctx.error(pos, _("'{key}' must be true or false, not {value}").format(key=key, value=quote(value)),
                      _("write '{key}: true' or '{key}: false'").format(key=key))
        return answer
    if kind == "enum":
        if value not in field.choices:
            hint = suggest(value, field.choices) or _("one of: {values}").format(values=", ".join(field.choices))
            ctx.error(pos, _("'{key}' cannot be {value}").format(key=key, value=quote(value)), hint)
            return None
        return value
    return _length(ctx, field, key, value, pos, plain)


def _whole(ctx: Ctx, field: Field, key: str, value: str, pos: Pos, plain: bool) -> int | None:
    """A whole number from field.low to field.high: a plain YAML number (3, 3.0, 0x3) or a text ('3')."""
    number = values.yaml_number(value) if plain else None
    if number is None:
        if not values.INT_TEXT.fullmatch(value):
            ctx.error(pos, _("'{key}' must be a whole number, not {value}").format(key=key, value=quote(value)),
                      _("e.g. '{key}: 3'").format(key=key))
            return None
        digits = value.strip().lstrip("+-").lstrip("0")
        number = int(value) if len(digits) <= 12 else values.HUGE
        accepted = re.fullmatch(values.int_pattern(field.low, field.high), value) is not None
    elif not values.whole(number):
        ctx.error(pos, _("'{key}' must be a whole number, not {value}").format(key=key, value=quote(value)),
                  _("e.g. '{key}: 3'").format(key=key))
        return None
    else:
        accepted = field.low <= number <= field.high
    if not accepted:
        shown = quote(value.strip()[:20] + "…") if abs(number) >= values.HUGE else int(number)
        ctx.error(pos, _("'{key}' must be between {low} and {high}, not {value}").format(
            key=key, low=field.low, high=field.high, value=shown),
                  _("give a whole number from {low} to {high}").format(low=field.low, high=field.high))
        return None
    return int(number)


def _length(ctx: Ctx, field: Field, key: str, value: str, pos: Pos, plain: bool) -> float | None:
    """A width in millimetres: a plain YAML number, or a text such as '60', '60,5' or '60 mm'."""
    number = values.yaml_number(value) if plain else None
    if number is not None:
        accepted = math.isfinite(number) and field.low <= number <= field.high
    else:
        m = re.fullmatch(values.length_pattern(field.low, field.high), value)
        accepted, number = m is not None, float(m.group(1).replace(",", ".")) if m else None
    if not accepted:
        ctx.error(pos, _("'{key}' must be a width in millimetres between {low} and {high}, not {value}").format(
            key=key, low=field.low, high=field.high, value=quote(value)),
                  _("e.g. '{key}: 40'; the page is 174 mm wide between its margins").format(key=key))
        return None
    return float(number)


def items(ctx: Ctx, field: Field, key: str, value, pos: Pos) -> list[Item] | None:
    """One text or a list of texts, each with its place."""
    if isinstance(value, dict):
        ctx.error(pos, _("'{key}' must be a text or a list of texts, not a group of keys").format(key=key), AS_LIST)
        return None
    pairs = list(zip(value, value.item_pos)) if isinstance(value, MList) else [(value, pos)]
    if field.commas and isinstance(value, str):  # « levels: 1re, Tle »: two levels, an empty one left out
        pairs = [(part, pos) for part in value.split(",") if part.strip()] or [("", pos)]
    out, written = [], []
    for item, ipos in pairs:
        if item is None:
            ctx.error(ipos, EMPTY_OF.format(key=key), REMOVE_ITEM)
        elif isinstance(item, MDict) and len(item) == 1 and isinstance(next(iter(item.values())), (str, type(None))):
            _colon_in_item(ctx, key, item)  # « [Exemple : infirmier, …] »: YAML read a key and its value
        elif not isinstance(item, str):
            ctx.error(ipos, _("each item of '{key}' must be a text").format(key=key), AS_LIST)
        else:
            out.append(Item(check_text(ctx, item, ipos, field.max_len, key, item=True), ipos))
            written.append(item)
    if isinstance(value, MList) and not value:
        ctx.error(pos, IS_EMPTY.format(key=key), _("write at least one item between the brackets"))
    if isinstance(value, MList) and value.flow:
        _split_by_commas(ctx, key, out)
    total = len(value if isinstance(value, str) else ", ".join(written))  # as written, as the schema counts
    if field.max_total and total > field.max_total:
        ctx.error(pos, _("'{key}' is too long for the page header ({count} characters, at most {limit})").format(
            key=key, count=total, limit=field.max_total), _("shorten it"))
    return out


def _colon_in_item(ctx: Ctx, key: str, item: MDict) -> None:
    """The error of an item of a list that holds ': ' and so was read as a key and its value."""
    (name, value), = item.items()
    at, to = item.key_pos[name], item.val_pos[name]
    line = ctx.source[at.line - 1] if 0 < at.line <= len(ctx.source) else ""
    colon = line.find(":", at.col - 1 + len(str(name)))
    between = line[at.col - 1 + len(str(name)):to.col - 1] if to.line == at.line and value is not None else ": "
    whole = f"{name}{between.rstrip() or ':'}{' ' + value if value is not None else ''}"
    ctx.error(Pos(at.path, at.line, colon + 1) if colon >= 0 else at,
              _("an item of '{key}' contains ': ' (a colon followed by a space)").format(key=key),
              _('put that item in quotes: "{text}"').format(text=whole))


_PAIRS = ("()", "[]", "«»", '""')


def _split_by_commas(ctx: Ctx, key: str, items: list[Item]) -> None:
    """A warning where an item of a list written [a, b] looks like the rest of the item before it: a comma
    inside an item split it in two (« [Humanités, littérature et philosophie] » makes two options)."""
    for before, item in zip(items, items[1:]):
        unbalanced = any(before.text.count(a) > before.text.count(b) for a, b in _PAIRS if a != b)
        lowered = item.text[:1].islower() and before.text[:1].isupper() and items[0].text[:1].isupper()
        if unbalanced or lowered:
            whole = " ".join(f"{before.text}, {item.text}".split())  # whole: the text to copy
            ctx.warn(item.pos, _("{item} looks like the end of the item before it: inside [ ], a comma separates "
                                 "items").format(item=quote(item.text, 30)),
                     _("write each item on a line of its own, after '- ', under '{key}:' (e.g. {example}): a comma "
                       'there stays inside its item; or put an item that holds a comma in quotes: "{text}"').format(
                         key=key, example=quote(f"- {items[0].text}", None), text=whole))
            return


def check_text(ctx: Ctx, value: str, pos: Pos, max_len: int | None = None, key: str = "", item: bool = False,
               prose: bool = True) -> str:
    """The text of a value, checked: not blank, not too long (counted as written), printable; in prose (not
    an address or a file name), every link it makes opens a web or e-mail address."""
    text = value.strip()
    if not text:  # "" or only spaces: nothing would be printed
        if item:
            ctx.error(pos, EMPTY_OF.format(key=key), REMOVE_ITEM)
        elif key:
            ctx.error(pos, IS_EMPTY.format(key=key), _("write the value after '{key}:'").format(key=key))
        else:
            ctx.error(pos, EMPTY_ITEM, REMOVE_LINE)
        return text
    if max_len:
        text = " ".join(text.split())
        if len(value) > max_len:
            ctx.error(pos, (_("an item of '{key}' is too long ({count} characters, at most {limit})") if item else
                            _("'{key}' is too long ({count} characters, at most {limit})")).format(
                key=key, count=len(value), limit=max_len),
                      _("shorten it; the details can go in 'explain:'") if key == "options" else
                      _("shorten it; the details can go in a text under it"))
    for chunk in re.split(r"\n\s*\n", text):
        if len(chunk) > MAX_PARAGRAPH:
            ctx.error(pos, _("a paragraph is too long ({count} characters, at most {limit})").format(
                count=len(chunk), limit=MAX_PARAGRAPH), _("split it with blank lines"))
            break
    reach = 12 * len(value) + 16  # source characters a value can span: "\U0001F600" is 10 for 1, indents
    body, mono = T.fonts_of(text)
    bad = chars.unprintable(body) + chars.unprintable(mono, fonts.MONO)
    for ch, message, hint in bad[:MAX_REPORTED]:
        ctx.error(_locate(ctx, ch, pos, reach), message, hint)
    if len(bad) > MAX_REPORTED:
        ctx.error(pos, _("{count} more characters of this text cannot be printed").format(
            count=len(bad) - MAX_REPORTED), _("retype the text or paste it as plain text"))
    for target, _label in T.links(text) if prose else ():
        problem = media.link_problem(T.web_target(target))
        if problem:
            ctx.error(_locate(ctx, target[:40], pos, reach), *problem)
    if prose:
        _count_runs(ctx, text, pos, reach)
    return text


def _count_runs(ctx: Ctx, text: str, pos: Pos, reach: int) -> None:
    """Count the marks of a text among the MAX_RUNS of the fiche; at the one past it, one error."""
    before, ctx.runs = ctx.runs, ctx.runs + T.runs(text)
    if before <= MAX_RUNS < ctx.runs:
        ctx.error(_locate_nth(ctx, T.RUN, MAX_RUNS - before + 1, pos, reach),
                  _("a fiche holds at most {limit} marks of formatting (bold, italic, code, links, « », ; : ! ?, "
                    "1er…): this one is past it").format(limit=MAX_RUNS),
                  _("split the fiche into several: each mark costs the layout about as much as a line of text"))


def _locate(ctx: Ctx, needle: str, pos: Pos, reach: int) -> Pos:
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


def _locate_nth(ctx: Ctx, pattern: re.Pattern, nth: int, pos: Pos, reach: int) -> Pos:
    """Where the nth match of pattern in a value starting at pos stands in the source (pos when the source
    holds fewer, e.g. written as escapes); at most reach characters are read."""
    for n in range(pos.line, len(ctx.source) + 1):
        line = ctx.source[n - 1]
        start = 0 if n > pos.line else pos.col if line[pos.col - 1: pos.col] in ("'", '"', "|", ">") else pos.col - 1
        for m in pattern.finditer(line, start, start + reach):  # past the quote or the | that opens the value
            nth -= 1
            if not nth:
                return Pos(pos.path, n, m.start() + 1)
        reach -= len(line) + 1 - start
        if reach <= 0:
            break
    return pos


def _url(ctx: Ctx, text: str, pos: Pos) -> str:
    problem = media.url_problem(text)
    if problem:
        ctx.error(pos, *problem)
    return text if "://" in text else "https://" + text


def _image_path(ctx: Ctx, text: str, pos: Pos) -> str | None:
    if ctx.base_dir is None:
        return text
    problem, target, size = media.image(text, ctx.base_dir, ctx.root or ctx.base_dir, guess=ctx.guess())
    if problem:
        ctx.error(pos, *problem)
        return None
    ctx.image_sizes[str(target)] = (text, size)
    return str(target)


def image_size(ctx: Ctx, path: str, width_mm: float, pos: Pos) -> None:
    """Report a picture that would be taller than a page at this width."""
    if path in ctx.image_sizes:
        problem = media.height_problem(*ctx.image_sizes[path], width_mm)
        if problem:
            ctx.error(pos, *problem)
