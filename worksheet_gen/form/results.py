"""The table of collected answers: one row per file handed in, its answers and the marks of its closed
questions, written as CSV for a French spreadsheet or as JSON. Pure: values in, bytes out.

Columns (docs/forms.md): the file, Nom, Prénom, Classe, Date, one column per question (and per
justification), the mark of each closed question that has a right answer (1 when exactly the
right options are ticked, else 0; empty answers score 0), the total of those marks, and the
problem that kept a file from being read.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import field

from ..chars import invisible
from ..model import Fiche
from ..quickdc import dataclass
from .plan import JUSTIFY, LABELS, NAME_FIELDS, Entry, entries

FORMULA = "=+-@"  # what makes a spreadsheet read a cell as a formula, when it comes first (spaces aside)
BRAILLE_BLANK = "\u2800"  # a symbol that prints as blank space, not one chars.invisible knows
_NUMBER = re.compile(r"-[0-9]+(?:[.,][0-9]+)?")  # a negative number: the spreadsheet reads it as that number
MAX_CELL = 32_000  # characters: Excel holds at most 32,767 in a cell
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and line feed
NAME_HEADS = {"fr": ("Nom", "Prénom", "Classe", "Date"), "en": ("Surname", "First name", "Class", "Date")}
PROBLEM = {"fr": "Problème", "en": "Problem"}
JUSTIFY_HEAD = {"fr": "justification", "en": "justification"}


@dataclass
class Row:
    """What one file gave: the name fields, each question's answer (text, list of ticked options or
    of blanks) by entry key, the marks by entry key; or the problem that kept it from being read."""

    file: str
    names: tuple[str, ...] = ("", "", "", "")
    answers: dict[str, object] = field(default_factory=dict)
    marks: dict[str, int] = field(default_factory=dict)
    problem: str = ""

    @property
    def total(self) -> int | None:
        return sum(self.marks.values()) if not self.problem else None


def row(fiche: Fiche, file: str, values: dict[str, str | None]) -> Row:
    """The row of one filled form, from its field values (field name -> text or button state)."""
    out = Row(file, tuple(values.get(name) or "" for name in NAME_FIELDS))
    for entry in entries(fiche):
        if entry.kind == "text":
            out.answers[entry.key] = _text(values, entry.key)
        elif entry.kind == "blanks":
            out.answers[entry.key] = _blanks(values, entry.key)
        elif entry.kind == "one":
            state = values.get(entry.key)
            out.answers[entry.key] = [_option(entry, state)] if state else []
        else:
            out.answers[entry.key] = [o for k, o in enumerate(entry.options, 1) if values.get(f"{entry.key}_o{k}")]
        if entry.justify:
            out.answers[entry.key + JUSTIFY] = _text(values, entry.key + JUSTIFY)
        if entry.scored:
            out.marks[entry.key] = int(sorted(out.answers[entry.key]) == sorted(entry.answer))
    return out


def _parts(values: dict, name: str) -> list[str]:
    """A text field and the parts it goes on in after page breaks (name_l<n>), in order."""
    found = [(0, values.get(name))]
    pattern = re.compile(re.escape(name) + r"_l(\d{1,3})")
    found += [(int(m.group(1)), v) for key, v in values.items() if (m := pattern.fullmatch(key))]
    return [v.rstrip() for _, v in sorted(found) if v and v.strip()]


def _text(values: dict, name: str) -> str:
    return "\n".join(_parts(values, name))


def _blanks(values: dict, name: str) -> list[str]:
    """Each blank's text, in order (empty blanks kept, so positions stay)."""
    pattern = re.compile(re.escape(name) + r"_i(\d{1,3})")
    numbers = sorted({int(m.group(1)) for key in values if (m := pattern.fullmatch(key))})
    out = [_text(values, f"{name}_i{k}") for k in numbers]
    while out and not out[-1]:
        out.pop()
    return out


def _option(entry: Entry, state: str) -> str:
    """The option a radio button's on-state stands for (its position, as the form writes it)."""
    return entry.options[int(state)]


def odd_choice(fiche: Fiche, values: dict[str, str | None]) -> str | None:
    """The name of a radio field whose state is none of its options' (a form altered by hand), if any."""
    for entry in entries(fiche):
        state = values.get(entry.key)
        if entry.kind == "one" and state and state not in {str(k) for k in range(len(entry.options))}:
            return entry.key
    return None


def failed(file: str, problem: str) -> Row:
    """The row of a file that could not be read."""
    return Row(file, problem=problem)


def columns(fiche: Fiche) -> list[tuple[str, str]]:
    """(key, heading) of every column, in order."""
    lang = fiche.lang
    labels = LABELS[lang]
    out = [("file", labels["file"])] + list(zip(NAME_FIELDS, NAME_HEADS[lang]))
    scored = []
    for entry in entries(fiche):
        out.append((entry.key, entry.label))
        if entry.justify:
            out.append((entry.key + JUSTIFY, f"{entry.short} ({JUSTIFY_HEAD[lang]})"))
        if entry.scored:
            scored.append(entry)
    out += [(f"mark:{e.key}", f"{labels['mark']} {e.short}") for e in scored]
    out.append(("total", f"{labels['total']} /{len(scored)}"))
    out.append(("problem", PROBLEM[lang]))
    return out


def _cells(fiche: Fiche, r: Row) -> list:
    """The cells of a row, in column order (lists joined one item a line)."""
    out = []
    for key, _ in columns(fiche):
        if key == "file":
            value = r.file
        elif key in NAME_FIELDS:
            value = "" if r.problem else r.names[NAME_FIELDS.index(key)]
        elif key.startswith("mark:"):
            value = r.marks.get(key[5:], "")
        elif key == "total":
            value = "" if r.total is None else r.total
        elif key == "problem":
            value = r.problem
        else:
            value = r.answers.get(key, "")
        out.append("\n".join(x for x in value if x) if isinstance(value, list) else value)
    return out


def neutral(cell) -> object:
    """A cell a spreadsheet reads as the text it is: control characters (which could also drive a
    terminal) removed, at most MAX_CELL characters, and text behind a leading apostrophe when a spreadsheet
    could take it for a formula (see formula_like). Numbers are left alone."""
    if not isinstance(cell, str):
        return cell
    cell = _CONTROL.sub("", cell)
    if len(cell) > MAX_CELL:
        cell = cell[:MAX_CELL - 1] + "…"
    return "'" + cell if formula_like(cell) else cell


def formula_like(cell: str) -> bool:
    """Whether a spreadsheet could read cell as a formula: it starts with a tab or a carriage return (OWASP), or
    its first visible character is = + - @ (spreadsheets skip leading spaces and line breaks on some imports, and
    invisible characters show nothing). A negative number (-3, -3,5) is only a number."""
    first = next((ch for ch in cell if not _blank(ch)), "")
    first = "-" if first == "\u2212" else unicodedata.normalize("NFKC", first)[:1]  # full-width ＝ ＋ － ＠, ﹦, −
    return cell.startswith(("\t", "\r")) or bool(first) and first in FORMULA and not _NUMBER.fullmatch(cell)


def _blank(ch: str) -> bool:
    """Whether a character shows nothing: a space, an invisible one (chars.invisible: format characters, Hangul
    fillers, variation selectors…), a combining mark with no letter under it, or the Braille blank."""
    return ch.isspace() or invisible(ch) or unicodedata.category(ch) in ("Mn", "Me") or ch == BRAILLE_BLANK


def to_csv(fiche: Fiche, rows: list[Row]) -> bytes:
    """The table as a CSV that a French spreadsheet opens by double-click: ';' between cells, UTF-8
    with a byte order mark, CRLF line ends, quotes where a cell needs them."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutral(head) for _, head in columns(fiche)])
    for r in rows:
        writer.writerow([neutral(c) for c in _cells(fiche, r)])
    return "\ufeff".encode() + buf.getvalue().encode("utf-8")


def to_json(fiche: Fiche, rows: list[Row]) -> bytes:
    """The table as JSON: the columns, then one object per file (lists stay lists)."""
    cols = columns(fiche)
    data = {
        "fiche": fiche.slug,
        "title": fiche.title,
        "columns": [{"key": k, "heading": h} for k, h in cols],
        "rows": [{"file": r.file, **dict(zip(NAME_FIELDS, r.names)), "answers": r.answers, "marks": r.marks,
                  "total": r.total, "problem": r.problem} for r in rows],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()
