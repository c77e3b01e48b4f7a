"""Turn a parsed source (MDict/MList of texts) into a Fiche, or report every problem found.

The objects, their keys and the kinds of question are spec.py's tables; the values are read by convert.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import values
from .convert import (EMPTY_ITEM, NOT_AN_OPTION, REMOVE_LINE, SHORTEN_LIST, Ctx, Item, check_text, fields,
                      image_size)
from .errors import Pos, as_lines, quote, quote_pair
from .i18n import _
from .loader import COLON, MDict, MList
from .model import Activity, Callout, Closing, Fiche, FillTable, Image, Media, Question, TableSection, TextBlock
from .spec import BLOCK_KINDS, KINDS, MAX_LINES, MAX_WIDTH_CAPTION, OBJECTS, QUESTION, Kind, kind_of, question_fields
from .suggest import best, suggest

NO_OPTIONS = _("remove 'options:' or use 'type: choice'")
MAX_BLOCKS = 1000  # items under 'content:' in one fiche (a worksheet has tens): past it they are not read

def validate(raw, *, path: str, slug: str, base_dir: Path | None = None, root: Path | None = None):
    """Return (fiche or None, problems); the fiche is None when any problem is an error."""
    ctx = Ctx(path, base_dir, root, getattr(raw, "source", []))
    top = Pos(path, 1, 1)
    if not isinstance(raw, MDict):
        ctx.error(getattr(raw, "pos", top), _("the file must start with keys such as 'title:' and 'activities:'"),
                  _("see the example in docs/format.md"))
        return None, ctx.problems
    f = fields(ctx, OBJECTS["fiche"], raw)
    ctx.lang = f.get("lang", "fr")
    activities = tuple(a for a in (_activity(ctx, a, p) for a, p in _items(raw, "activities")) if a)
    closing = None
    if isinstance(raw.get("closing"), MDict):
        c = fields(ctx, OBJECTS["closing"], raw["closing"])
        closing = Closing(c.get("title", ""), _blocks(ctx, raw["closing"], [0]), raw["closing"].pos)
    if isinstance(raw.get("activities"), MList) and not raw["activities"]:
        ctx.error(raw.val_pos["activities"], _("there is no activity"),
                  _("add at least one item under 'activities:'"))
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


def _activity(ctx: Ctx, raw, pos: Pos) -> Activity | None:
    if not isinstance(raw, MDict):
        ctx.error(pos, _("an activity must have keys such as 'title:' and 'content:'"),
                  _("write '- title: …' and, under it, 'content:'"))
        return None
    f = fields(ctx, OBJECTS["activity"], raw)
    blocks = _blocks(ctx, raw, [0])
    if isinstance(raw.get("content"), MList) and not raw["content"]:
        ctx.error(raw.val_pos["content"], _("this activity is empty"),
                  _("add text, media or questions under 'content:'"))
    return Activity(f.get("title", ""), f.get("intro", ""), blocks, raw.pos)


def _counted(ctx: Ctx, items):
    """The items (blocks, table sections), each counted among the MAX_BLOCKS of a fiche; past it, one error."""
    for raw, pos in items:
        ctx.blocks += 1
        if ctx.blocks > MAX_BLOCKS:  # the rest is not read: the fiche is not built anyway
            if ctx.blocks == MAX_BLOCKS + 1:
                ctx.error(pos, _('a fiche holds at most {limit} items (texts, questions, pictures, links…): this one is past it').format(limit=MAX_BLOCKS), _('split the fiche into several'))
            continue
        yield raw, pos


def _blocks(ctx: Ctx, owner: MDict, counter: list) -> tuple:
    out = []
    for raw, pos in _counted(ctx, _items(owner, "content")):
        block = _block(ctx, raw, pos, counter)
        if block is not None:
            out.append(block)
    return tuple(out)


def _block(ctx: Ctx, raw, pos: Pos, counter: list):
    if isinstance(raw, str):
        return TextBlock(check_text(ctx, raw, pos), pos)
    if raw is None:
        ctx.error(pos, EMPTY_ITEM, REMOVE_LINE)
        return None
    if not isinstance(raw, MDict):
        ctx.error(pos, _("a block must be a text or keys such as 'question:'"),
                  _("start the item with a text or a key"))
        return None
    kinds = [k for k in BLOCK_KINDS if k in raw]
    if len(kinds) > 1:
        ctx.error(raw.key_pos[kinds[1]], _("one block cannot be both '{kind}' and '{other}'").format(
            kind=kinds[0], other=kinds[1]), _("start a new item with '- ' for each block"))
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
                      COLON, _("put the whole text in quotes"))
            return None
        hint = hint or _("a block starts with one of: {kinds}").format(kinds=", ".join(BLOCK_KINDS))
        ctx.error(raw.key_pos.get(first, raw.pos), _("unknown block {name}").format(name=quote(first)), hint)
        return None
    kind = kinds[0]
    if kind == "question":
        counter[0] += 1
        return _question(ctx, raw, pos, counter[0])
    f = fields(ctx, OBJECTS[kind], raw)
    if kind == "text":
        return TextBlock(f.get("text", ""), pos)
    if kind == "callout":
        return Callout(f.get("callout", ""), pos)
    if kind in ("video", "link"):
        return Media(kind, f.get(kind, ""), f.get("caption", ""), pos)
    if kind == "image":
        path, width = f.get("image"), f.get("width", 40.0)
        if path:
            image_size(ctx, path, width, raw.val_pos.get("width", raw.val_pos["image"]))
        if f.get("caption") and width > MAX_WIDTH_CAPTION:
            ctx.error(raw.val_pos["width"], _("beside a caption, a picture is at most {width} mm wide").format(
                width=MAX_WIDTH_CAPTION), _("give 'width: {width}' or less, or put the caption in a text above the "
                                            "picture").format(width=MAX_WIDTH_CAPTION))
        return Image(path or "", f.get("width", 40.0), f.get("caption", ""), pos)
    sections = tuple(s for s in (_section(ctx, s, p) for s, p in _counted(ctx, _items(raw, "sections"))) if s)
    if isinstance(raw.get("sections"), MList) and not raw["sections"]:
        ctx.error(raw.val_pos["sections"], _("this table has no section"),
                  _("add rows with '- title: …' under 'sections:'"))
    return FillTable(f.get("table", ""), sections, pos)


def _section(ctx: Ctx, raw, pos: Pos) -> TableSection | None:
    if not isinstance(raw, MDict):
        ctx.error(pos, _("a table section must have 'title:' and 'lines:' or 'answer:'"),
                  _("write '- title: …' and, under it, 'answer: […]'"))
        return None
    f = fields(ctx, OBJECTS["section"], raw)
    answer = tuple(i.text for i in f.get("answer", ()))
    free = len(answer) == 1 and _free(answer[0], ())
    answer = () if free else answer
    if answer:
        _one_text_list(ctx, raw)
    if "lines" not in raw and "bullets" not in raw and len(answer) > MAX_LINES:
        ctx.error(raw.val_pos["answer"], _("{count} answers make {count} bullets, at most {limit}").format(
            count=len(answer), limit=MAX_LINES), SHORTEN_LIST)
    bullets = f.get("bullets", 0)
    lines = f.get("lines", bullets or min(len(answer), MAX_LINES) or 3)
    if bullets > lines:
        ctx.error(raw.val_pos["bullets"], _("{bullets} bullets on {lines} line(s): each bullet needs a line of its "
                                            "own").format(bullets=bullets, lines=lines),
                  _("give 'lines: {bullets}' or more, or fewer bullets").format(bullets=bullets))
    if "answer" not in raw:
        ctx.warn(raw.key_pos.get("title", pos), _("this section has no answer: the corrigé leaves its lines empty"),
                 _("add 'answer:'"))
    return TableSection(f.get("title", ""), lines, answer, pos, bullets, f.get("explain", ""), free)


def _elsewhere(kind: Kind):
    """The problem of a question key that another kind of question takes, for a question of this kind."""
    def problem(key: str):
        if key == "options" and kind.fixed:
            return _("a '{type}' question has fixed options").format(type=kind.name), NO_OPTIONS
        if key not in QUESTION:
            return None
        other = next(k.name for k in sorted(KINDS.values(), key=lambda k: "options" not in k.keys) if key in k.keys)
        return (_("'{key}' does not apply to a question of type '{type}'").format(key=key, type=kind.name),
                _("remove it, or use 'type: {other}'").format(other=other))
    return problem


def _question(ctx: Ctx, raw: MDict, pos: Pos, number: int) -> Question | None:
    written = [key for key in raw if key == "type" or (key not in QUESTION and best(key, QUESTION) == "type")]
    typed = raw[written[0]] if written else None  # « typ: multi » is read as the type it means
    if written and not (isinstance(typed, str) and typed in KINDS):
        # An unknown type is reported alone (with its suggestion): the checks of a kind guessed in its place
        # would blame the answer or the options for the typo. The other keys and values are still checked.
        fields(ctx, QUESTION, raw)
        return None
    kind = kind_of(typed, "options" in raw)
    f = fields(ctx, question_fields(kind), raw, _elsewhere(kind))
    options = kind.fixed[ctx.lang] if kind.fixed else tuple(i.text for i in f.get("options", ()))
    meant = None if kind.fixed or len(options) != 1 else _one_text_items(raw, "options", short=False)
    apos = raw.val_pos.get("answer", pos)
    items = f.get("answer", [])
    free = any(_free(i.text, options) for i in items) if kind.ticked else (
        len(items) == 1 and _free(items[0].text, ()))  # 'answer: free' on an open question: « Réponse personnelle »
    if free:
        if len(items) > 1:
            ctx.error(apos, _("'free' means no single right answer: it cannot be given with other answers"),
                      _("keep 'answer: free' alone, or list the right options"))
        items = []
    if kind.answer == "fixed":
        items = [Item(_fixed_answer(ctx, i, kind, options), i.pos) for i in items]
    elif kind.ticked:  # an answer copied from its option, spaces and no-break spaces aside
        same = {" ".join(o.split()): o for o in options}
        items = [Item(same.get(" ".join(i.text.split()), i.text), i.pos) for i in items]
    answers = tuple(i.text for i in items)
    explain = f.get("explain", "")
    if kind.ticked and meant:  # « options: A, B, C »: one option; the answer is checked against those meant
        _one_text_options(ctx, raw, kind, meant, answers)
        _check_ticked(ctx, kind, items, tuple(meant), apos)
    elif kind.ticked:
        _check_options(ctx, raw, f, kind, options)
        _check_ticked(ctx, kind, items, options, apos)
    elif kind.answer == "list":
        if answers:
            _one_text_list(ctx, raw)
        if "lines" not in raw and len(answers) > MAX_LINES:
            ctx.error(apos, _("{count} answers make {count} blanks, at most {limit}").format(
                count=len(answers), limit=MAX_LINES), SHORTEN_LIST)
    elif len(answers) > 1:
        answers = ("\n".join(answers),)
    lines = f.get("lines", kind.default_lines(len(answers)))
    if lines < kind.min_lines:
        ctx.error(raw.val_pos.get("lines", pos), _("an '{type}' question needs at least one line").format(
            type=kind.name), _("give 'lines:' from 1 to {limit}").format(limit=MAX_LINES))
    if kind.answer == "list" and len(answers) > lines and "lines" in raw:
        ctx.warn(apos, _("{count} answers for {lines} blanks: the corrigé writes them smaller").format(
            count=len(answers), lines=lines), _("give 'lines: {lines}'").format(lines=min(len(answers), MAX_LINES)))
    if not answers and not free and "answer" not in raw:
        _no_answer(ctx, raw, kind.ticked, bool(explain))
    note = f.get("note")
    if note is not None and values.flag(note) is False:
        note = ""  # 'note: false': no instruction, not even the default one
    return Question(number, kind.name, f.get("question", ""), lines, f.get("ruling", "lines"), options,
                    f.get("inline"), answers, explain, pos, apos, note=note, free=free)


def _free(text: str, options: tuple) -> bool:
    """Whether an answer says the question has no single right answer ('free'), rather than naming an option."""
    return text not in options and values.is_free(text)


def _no_answer(ctx: Ctx, raw: MDict, closed: bool, explained: bool) -> None:
    """The warning for a question without 'answer:', saying what the corrigé prints there."""
    if closed:
        message = (_("this question has no answer: the corrigé ticks no box and prints only the explanation")
                   if explained else _("this question has no answer: the corrigé ticks no box"))
        hint = _("add 'answer:', or 'answer: free' when there is no single right answer")
    else:
        message = (_("this question has no answer: the corrigé prints only the explanation there") if explained
                   else _("this question has no answer: the corrigé leaves its lines empty"))
        hint = _("add 'answer:'")
    ctx.warn(raw.key_pos["question"], message, hint)


def _one_text_items(raw: MDict, key: str, short: bool = True) -> list[str] | None:
    """The items meant by a list written as one plain text, commas between them (« answer: Pluie, Neige, Grêle »
    without [ ]), which YAML reads as one item: its parts, when there are two or more; else None. ``short``: each
    part a few words, after a comma and a space (one answer may be a sentence with a comma, or « 3,5 »)."""
    value = raw.get(key)
    if not isinstance(value, str) or key in raw.quoted:
        return None
    parts = [" ".join(part.split()) for part in value.split(",")]
    if len(parts) < 2 or not all(parts):
        return None
    if short and (not re.search(r",\s", value) or any(len(part.split()) > 4 for part in parts)):
        return None
    return parts


def _one_text_list(ctx: Ctx, raw: MDict) -> None:
    """The warning for a list answer written as one text with commas (« answer: Pluie, Neige, Grêle »)."""
    parts = _one_text_items(raw, "answer")
    if parts:
        ctx.warn(raw.val_pos["answer"], _("the answer {answer} is one text: without [ ], its commas do not make a "
                                          "list").format(answer=quote(raw["answer"])),
                 _("for a list, write one item per line under 'answer:', each after '- ': {listed}; or put the text in "
                   "quotes to keep it whole").format(listed=as_lines(parts)))


def _one_text_options(ctx: Ctx, raw: MDict, kind: Kind, parts: list[str], answers: tuple) -> None:
    """The error for options written as one text with commas (« options: A, B, C »), the answer among them."""
    right = next((a for a in answers if a in parts), parts[0])
    ctx.error(raw.val_pos["options"], _("a '{type}' question needs at least two options").format(type=kind.name),
              _("without [ ], {text} is one option: write one option per line under 'options:', each after '- ': "
                "{listed}; the answer copies one of them, e.g. {answer}").format(
                  text=quote(raw["options"]), listed=as_lines(parts), answer=quote(f"answer: {right}", None)))


def _check_options(ctx: Ctx, raw: MDict, f: dict, kind: Kind, options: tuple) -> None:
    if kind.fixed:
        return
    if len(options) < 2:
        ctx.error(raw.key_pos.get("options", raw.key_pos["question"]),
                  _("a '{type}' question needs at least two options").format(type=kind.name),
                  _("list them under 'options:'"))
    seen: dict[str, Pos] = {}
    for text, ipos in f.get("options", ()):
        if text in seen:
            ctx.error(ipos, _("the option {option} is given twice (first at line {line})").format(
                option=quote(text), line=seen[text].line), _("each option must be different"))
        seen.setdefault(text, ipos)


def _check_ticked(ctx: Ctx, kind: Kind, items: list, options: tuple, apos: Pos) -> None:
    """The right options of a closed question: as many as the kind takes, each an option, none twice."""
    if kind.answer != "many" and len(items) > 1:
        ctx.error(apos, _("a '{type}' question has exactly one right answer, {count} are given").format(
            type=kind.name, count=len(items)), _("use 'type: multi' for several right answers, or 'answer: free' "
                                                 "for none"))
    seen: dict[str, Pos] = {}
    for a, ipos in items:
        parts = [p.strip() for p in a.split(",")]
        if options and a not in options and len(parts) > 1 and all(p in options for p in parts):
            ctx.error(ipos, NOT_AN_OPTION.format(answer=quote(a)),  # 'answer: A, B' meant two
                      (_("write the right options one per line under 'answer:', each after '- ': {listed}")
                       if kind.answer == "many" else
                       _("write 'type: multi' and the right options one per line under 'answer:', each after "
                         "'- ': {listed}")).format(listed=as_lines(parts)))
        elif options and a not in options and not kind.fixed:
            import difflib  # here: only a mistake needs it

            guess = difflib.get_close_matches(a, options, n=1, cutoff=0.4) if ctx.guess() else []
            shown, meant = quote_pair(a, guess[0]) if guess else (quote(a), "")
            ctx.error(ipos, NOT_AN_OPTION.format(answer=shown),
                      _("did you mean {name}?").format(name=meant) if guess else _("copy the option text exactly"))
        if a in seen:
            ctx.error(ipos, _("the answer {answer} is given twice (first at line {line})").format(
                answer=quote(a), line=seen[a].line), _("name each right option once"))
        seen.setdefault(a, ipos)


def _own_words(kind: Kind) -> set[str]:
    """The words of a fixed kind's own options, in every language (oui, non, yes, no)."""
    return {option.lower() for options in kind.fixed.values() for option in options}


def _fixed_answer(ctx: Ctx, item: Item, kind: Kind, options: tuple) -> str:
    """The option of a fixed kind an answer names (oui, NON, vrai…), or the answer after reporting it."""
    value = item.text.strip().lower()
    index = kind.fixed_words().get(value)
    other = None
    if index is not None and value not in _own_words(kind):  # « oui » for Vrai / Faux: read, but said
        other = next((k for k in KINDS.values() if k.fixed and k is not kind and value in _own_words(k)), None)
    if other is not None:  # (a word of no other kind, as « true », is read as it is)
        ctx.warn(item.pos, _("the answer {answer} is not a word of {options}: the corrigé ticks {option}").format(
            answer=quote(item.text), options=" / ".join(options), option=quote(options[index])),
                 _("write {word} to say so, or use 'type: {other}' for {boxes} boxes").format(
                     word=quote(options[index].lower()), other=other.name, boxes=" / ".join(other.fixed[ctx.lang])))
    if index is None:
        ctx.error(item.pos, _("the answer {answer} is not one of {options}").format(
            answer=quote(item.text), options=" / ".join(options)),
                  _("write '{word}' or '{other}'").format(word=options[0].lower(), other=options[1].lower()))
        return item.text
    return options[index]
