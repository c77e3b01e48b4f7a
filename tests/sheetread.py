"""A fiche read back: what its source asks, where each question is printed, what its boxes say.

Built on the page readers of pdfread.py; the source is read twice over: its validated model
(worksheet_gen) to find each question, and its plain YAML text for what the answers are, so
that a bug in the validator cannot agree with itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conftest import squash
from pdfread import Shape, Word, check_marks, checkboxes, inside, order, row_words, same_line


def blocks(fiche) -> list:
    """Every block of a fiche, closing included, in order."""
    return [b for a in fiche.activities for b in a.blocks] + list(fiche.closing.blocks if fiche.closing else ())


def questions(fiche) -> list:
    """Every question of a fiche, closing included, in order."""
    from worksheet_gen.model import Question

    return [b for b in blocks(fiche) if isinstance(b, Question)]


def tables(fiche) -> list:
    """Every table to fill in of a fiche, in order."""
    from worksheet_gen.model import FillTable

    return [b for b in blocks(fiche) if isinstance(b, FillTable)]


def prompts(pages, fiche) -> list[list[Word]]:
    """For each question (as ``questions`` lists them), its number as printed ("3.") wherever the start
    of its prompt follows it on the line. Every place that matches is listed: a test asserts there is one."""
    from worksheet_gen.text import plain

    found = []
    for q in questions(fiche):
        prompt = squash(plain(q.prompt, lang=fiche.lang))
        hits = []
        for page in pages:
            for w in page.words:
                if w.text == f"{q.number}.":
                    line = squash("".join(x.text for x in same_line(page, w) if x.x0 >= w.x1 - 0.1))
                    if line and (prompt.startswith(line) or line.startswith(prompt)):
                        hits.append(w)
        found.append(hits)
    return found


FIXED = {"yesno": {"fr": ("OUI", "NON"), "en": ("YES", "NO")},
         "truefalse": {"fr": ("Vrai", "Faux"), "en": ("True", "False")}}
FIRST = {"oui", "yes", "vrai", "true"}  # docs/format.md: how a source names the first fixed option
FREE = {"free", "libre", "personnelle"}  # docs/format.md: no single right answer, no box ticked


def _source_items(path: Path) -> tuple[str, list]:
    """The language and the blocks of a source, read as plain YAML: every value a text."""
    import yaml

    raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    items = [i for a in raw["activities"] for i in a.get("content", [])] + (raw.get("closing") or {}).get("content", [])
    return raw.get("lang", "fr"), [i for i in items if isinstance(i, dict)]


def source_questions(path: Path) -> tuple:
    """(type, options, right options) of every question of a source, read from its YAML text as
    docs/format.md describes it, without the validator: one that read « vrai » as Faux is caught too."""
    lang, items = _source_items(path)
    found = []
    for item in items:
        if "question" not in item:
            continue
        kind = item.get("type") or ("choice" if "options" in item else "open")
        answers = item.get("answer", [])
        answers = answers if isinstance(answers, list) else [answers]
        options = tuple(item.get("options", ()))
        if kind in FIXED or options:
            answers = [a for a in answers if a.strip().lower() not in FREE]
        if kind in FIXED:
            options = FIXED[kind][lang]
            answers = [options[0] if a.strip().lower() in FIRST else options[1] for a in answers]
        found.append((kind, options, frozenset(answers)))
    return tuple(found)


def source_sections(path: Path) -> tuple:
    """(title, lines the source gives or None, answers) of every table section of a source, from its YAML text."""
    return tuple((s["title"], int(s["lines"]) if "lines" in s else None, tuple(s.get("answer", ())))
                 for item in _source_items(path)[1] for s in item.get("sections", ()) if "table" in item)


def name_option(words: list[Word], options) -> str | None:
    """The option a box's label names: the words right of the box are that option (maybe wrapped, maybe
    followed by other text such as an explanation)."""
    s = squash(" ".join(w.text for w in words))
    if not s:
        return None
    exact = [o for o in options if squash(o) == s]
    longer = [o for o in options if squash(o).startswith(s)]
    shorter = [o for o in options if s.startswith(squash(o))]
    if exact:
        return exact[0]
    if len(longer) == 1:
        return longer[0]
    return max(shorter, key=lambda o: len(squash(o))) if shorter else None


@dataclass(frozen=True)
class Choice:
    """A checkbox read back: where it is, the option its label names, whether a check mark is in it."""

    box: Shape
    option: str | None
    ticked: bool


def choices(pages, fiche) -> list[list[Choice]]:
    """For each question, the checkboxes that come after its prompt and before the next one, in reading order."""
    qs = questions(fiche)
    starts = sorted((order(w.page, w.x0, w.y1), i) for i, hits in enumerate(prompts(pages, fiche)) for w in hits[:1])
    found: list[list[Choice]] = [[] for _ in qs]
    for page in pages:
        ticks = check_marks(page)
        for box in sorted(checkboxes(page), key=lambda b: order(b.page, b.bbox[0], b.bbox[3])):
            key = order(box.page, box.bbox[0], box.bbox[3])
            owner = [i for start, i in starts if start < key]
            if not owner:
                continue
            ticked = any(inside(t.points[1], box, 0.5) for t in ticks)
            found[owner[-1]].append(Choice(box, name_option(row_words(page, box), qs[owner[-1]].options), ticked))
    return found
