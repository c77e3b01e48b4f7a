"""The pages a pack adds with reportlab: the teacher's cover and the students' names. Pure: no paths."""

from __future__ import annotations

import datetime
import functools
import io
import re
from typing import Sequence

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from . import __version__
from .fonts import FAMILIES, FAMILY, register
from .layout import styles as S
from .layout.flowables import draw_string
from .profiles import STANDARD
from .quickdc import dataclass

MAX_FICHES_LISTED = 8  # fiches named on the cover; more would push the rest off the page
_PROFILE_WORDS = {"large": "gros caractères"}  # the versions as a French teacher names them (dys is dys)
MIN_NAME_SIZE = 4.0  # a name never spills onto the next field; it shrinks down to this
ONE_LINE = 0.6  # a name shrinks on one line down to this share of its size, then wraps
LEADING = 1.15  # between the lines of a wrapped name, as a share of its size
MOST_ROWS = 3  # a name on the cover's list is wrapped on this many rows at most (then set smaller)
ASCENT, DESCENT = 1.0, 0.3  # the ink of a line over and under its baseline, accented capitals included
_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")


@dataclass(frozen=True)
class Cover:
    """What the teacher's cover page says about a pack."""

    heading: str
    classe: str
    date: str
    fiches: tuple[tuple[str, int], ...]  # title and page count of each student sheet
    copies: int
    named: bool
    duplex: bool
    by_student: bool
    copy_pages: int  # pages of one student's set, blank versos included
    keys: tuple[int, int]  # first and last page of the corrigés, from 1
    total: int
    key_count: int = 1  # corrigés at the end (one per fiche and version)
    blanks: bool = True  # whether blank versos were added
    students: tuple[tuple[str, int, int], ...] = ()  # each named copy: label, first and last page
    adapted: tuple[tuple[str, int, int], ...] = ()  # each adapted profile used: name, copies, pages per copy
    longest: int = 0  # pages of the longest sheet of one fiche in any copy, adapted ones included


@dataclass(frozen=True)
class Text:
    """A value to write in a field of a sheet: baseline origin, room, font size and height above the
    baseline in points, and the font family (fonts.FAMILIES) of the sheet it is written on.

    ``centre``, when given, is the x the text is centred on, as far as the room allows.
    """

    x: float
    y: float
    room: float
    size: float
    text: str
    family: str = FAMILY
    height: float = 0.0  # 0: the font size, one line
    centre: float | None = None
    raised: bool = True  # 1re, 2de, Tle with a superscript (the sheet's profile says)


def french_date(value: datetime.date) -> str:
    """« jeudi 14 mars 2025 »."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{_DAYS[value.weekday()]} {day} {_MONTHS[value.month - 1]} {value.year}"


def fit(text: str, font: str, size: float, room: float, height: float = 0.0, *,
        floor: float = MIN_NAME_SIZE, one_line: float = ONE_LINE) -> tuple[float, tuple[str, ...]]:
    """The size and lines at which text fits a box room wide, with height above its last baseline.

    One line while it can stay at least one_line × size; else wrapped (long words cut) at the largest
    size that fits, never below floor; at floor, what does not fit is cut and the last line kept ends
    with « … ». Each size tried wraps only the lines that could fit: linear in the length of text.
    """
    height = height or size
    size = max(floor, min(size, height / ASCENT))  # one line must fit the height too
    width = stringWidth(text, font, size)
    if width <= room:
        return size, (text,)
    if room / width >= one_line:
        return size * room / width, (text,)
    for s in [size - step * 0.25 for step in range(int((size - floor) / 0.25) + 1)] + [floor]:
        most = _most(s, height)
        lines = _wrap(text, font, s, room, most=most + 1)  # one line more than fits tells it does not
        if len(lines) <= most:
            return s, lines
    keep = max([n for n in range(1, len(lines)) if _block(n, floor) <= height] or [1])
    last = lines[keep - 1]
    while last and stringWidth(last + "…", font, floor) > room:
        last = last[:-1]
    return floor, lines[:keep - 1] + (last.rstrip() + "…",)


def _block(lines: int, size: float) -> float:
    """Height of lines of text above the last baseline: capitals with accents of the first line included."""
    return (lines - 1) * LEADING * size + ASCENT * size


def _most(size: float, height: float) -> int:
    """How many lines at size stand in height."""
    n = 0
    while _block(n + 1, size) <= height:
        n += 1
    return n


@functools.lru_cache(maxsize=4096)
def _units(ch: str, font: str) -> float:
    """The width of one character at size 1000 (stringWidth adds these up)."""
    return stringWidth(ch, font, 1000)


def _wrap(text: str, font: str, size: float, room: float, *, most: int = 0) -> tuple[str, ...]:
    """Text broken into lines no wider than room: at spaces, and inside a word wider than room (after its
    last hyphen that fits, else after its last character that fits). With most, it stops once it has that
    many lines. Each character is measured once, or twice when a cut after a hyphen takes it back."""
    scale = size / 1000
    space = _units(" ", font) * scale
    lines: list[str] = []
    line, used = "", 0.0  # the line being filled and its width
    for match in re.finditer(r"\S+", text):
        word, start = match.group(), 0
        while True:  # the longest part of the word from start that fits alone on a line
            end, width = start, 0.0
            while end < len(word) and width + _units(word[end], font) * scale <= room:
                width += _units(word[end], font) * scale
                end += 1
            if end == len(word):
                break
            cut = max(end, start + 1)
            cut = word.rfind("-", start + 1, cut) + 1 or cut  # after a hyphen, when there is one
            if line:
                lines.append(line)
                line, used = "", 0.0
            lines.append(word[start:cut])
            if most and len(lines) >= most:
                return tuple(lines)
            start = cut
        rest = word[start:]
        if line and used + space + width > room:
            lines.append(line)
            if most and len(lines) >= most:
                return tuple(lines)
            line, used = "", 0.0
        line, used = (f"{line} {rest}", used + space + width) if line else (rest, width)
    return tuple(lines + [line]) if line or not lines else tuple(lines)


def draw_fitted(c: Canvas, t: Text, font: str) -> None:
    """Write t in its box, fitted (see fit); the last line on the baseline, earlier lines above it."""
    size, lines = fit(t.text, font, t.size, t.room, t.height)
    for i, line in enumerate(lines):
        y = t.y + (len(lines) - 1 - i) * LEADING * size
        x = t.x
        if t.centre is not None:
            half = stringWidth(line, font, size) / 2
            x = min(max(t.centre - half, t.x), t.x + t.room - 2 * half)
        draw_string(c, x, y, line, font, size, raised=t.raised)


def render(cover: Cover | None, overlays: Sequence[Sequence[Text]]) -> bytes:
    """A PDF of the cover page (when given), then one page per overlay holding only its texts."""
    register()
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=STANDARD.page, invariant=1, pageCompression=1, initialFontName="Lato",
                    lang="fr")
    canvas.setCreator(f"worksheet-gen {__version__}")
    if cover is not None:
        _cover(canvas, cover)
        canvas.showPage()
    for texts in overlays:
        for t in texts:
            register(t.family)
            draw_fitted(canvas, t, FAMILIES[t.family].regular)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _pages(n: int) -> str:
    return f"{n} page" + ("s" if n > 1 else "")


def _plural(word: str, n: int) -> str:
    return word + ("s" if n > 1 else "")


def _lines(c: Canvas, text: str, font: str, size: float, x: float, y: float, room: float, *, lines: int,
           leading: float, floor: float) -> tuple[float, float]:
    """Draw text from baseline y down, in the height of that many lines (wrapped smaller, then cut, when it
    is longer); return the last baseline and the size used."""
    fitted, rows = fit(text, font, size, room, _block(lines, size), floor=floor, one_line=1.0)
    for i, row in enumerate(rows):
        draw_string(c, x, y - i * leading * fitted / size, row, font, fitted)
    return y - (len(rows) - 1) * leading * fitted / size, fitted


def _cover(c: Canvas, cover: Cover) -> None:
    w, h = STANDARD.page
    left, right = STANDARD.margin_x + 4 * mm, w - STANDARD.margin_x - 4 * mm
    y = h - 30 * mm
    c.setFillColor(S.GREY)
    c.setFont("Lato", 10)
    c.drawString(left, y, "Pour l’enseignant — ne pas distribuer")
    y -= 16 * mm
    c.setFillColor(S.ACCENT)
    y, size = _lines(c, cover.heading, "Lato-Bold", 26, left, y, right - left, lines=3, leading=31, floor=12)
    y -= 0.65 * size  # under the descenders of the last line
    c.setStrokeColor(S.ACCENT)
    c.setLineWidth(1)
    c.line(left, y, right, y)
    y -= 14 + 8 * mm

    sheets = (cover.total + 1) // 2 if cover.duplex else cover.total
    named = (", une par élève, à son nom" if cover.copies > 1 else ", à son nom") if cover.named else ""
    rows = [
        ("Classe", cover.classe),
        ("Date", cover.date),
        (_plural("Copie", cover.copies), f"{cover.copies}{named}"),
    ]
    fiches = [f"{title} — {_pages(pages)}" for title, pages in cover.fiches]
    if len(fiches) > MAX_FICHES_LISTED:  # the cover stays one page: the bookmarks list them all
        fiches = fiches[:MAX_FICHES_LISTED - 1] + [f"… et {len(fiches) - MAX_FICHES_LISTED + 1} autres fiches"]
    label = _plural("Fiche", len(cover.fiches))
    if cover.by_student:
        per = f"{_pages(cover.copy_pages)} par copie"
        if cover.duplex:
            per += f", soit {_plural(f'{cover.copy_pages // 2} feuille', cover.copy_pages // 2)} recto-verso"
        rows.append((label, fiches + [per]))
    else:
        rows.append((label, fiches + ["les copies sont regroupées par fiche"]))
    if cover.adapted:
        rows.append((_plural("Adaptée", sum(n for _, n, _ in cover.adapted)),
                     [f"{n} {_plural('copie', n)} {_PROFILE_WORDS.get(name, name)} — {_pages(pages)} par copie"
                      for name, n, pages in cover.adapted]))
    first, last = cover.keys
    where = f"page {first}" if first == last else f"pages {first} à {last}"
    rows.append((_plural("Corrigé", cover.key_count),
                 f"{where}, une fois chacun, à la fin" if cover.key_count > 1 else f"{where}, à la fin"))
    rows.append(("Total", f"{_pages(cover.total)}, {_plural(f'{sheets} feuille', sheets)}"))
    label_w = 30 * mm
    for label, value in rows:
        c.setFillColor(S.ACCENT)
        c.setFont("Lato-Bold", 12)
        c.drawString(left, y, f"{label}\u00a0:")
        c.setFillColor(S.colors.black)
        if not value:
            c.setStrokeColor(S.RULE)
            c.setDash(0.1, 2.2)
            c.setLineCap(1)
            c.line(left + label_w, y - 1, right, y - 1)
            c.setDash()
            y -= 10 * mm
            continue
        for item in [value] if isinstance(value, str) else value:
            y, size = _lines(c, item, "Lato", 12, left + label_w, y, right - left - label_w, lines=2, leading=16,
                             floor=8)
            y -= 16 * size / 12 + 2
        y -= 5 * mm

    sheet = 2 if cover.duplex else 1  # pages a sheet of paper holds
    if cover.by_student:
        one_sheet = cover.copy_pages <= sheet
        adapted_one = all(pages <= sheet for _, _, pages in cover.adapted)  # an adapted copy may take more paper
        staple = "agrafer par copie." if not one_sheet else "une feuille par copie." if adapted_one else \
            "agrafer les copies adaptées."
    else:  # each fiche of each copy on its own: its longest version decides
        one_sheet = cover.longest <= sheet
        staple = "une feuille par fiche." if one_sheet else "agrafer chaque fiche."
    if cover.duplex:
        hint = "Impression\u202f: recto-verso, " + staple
        note = ("Les pages blanches sont voulues\u202f: chaque copie commence sur un recto." if cover.blanks
                else "Chaque copie commence sur un recto.")
    else:
        hint = "Impression\u202f: recto seul, " + staple
        note = "Une page par feuille\u202f; aucune page blanche n’a été ajoutée."
    y -= 4 * mm
    c.setFillColor(S.ACCENT_LIGHT)
    c.setStrokeColor(S.ACCENT)
    c.roundRect(left, y - 13 * mm, right - left, 20 * mm, 3 * mm, stroke=1, fill=1)
    c.setFillColor(S.ACCENT)
    c.setFont("Lato-Bold", 14)
    c.drawString(left + 5 * mm, y, hint)
    c.setFont("Lato", 10.5)
    c.drawString(left + 5 * mm, y - 8 * mm, note)
    if cover.students:
        _students(c, cover.students, left, right, y - 26 * mm)


def _students(c: Canvas, students, left: float, right: float, top: float) -> None:
    """The named copies and their pages, in columns, as many as the page holds."""
    c.setFillColor(S.ACCENT)
    c.setFont("Lato-Bold", 12)
    c.drawString(left, top, "Copies nominatives (pour réimprimer une copie)" if len(students) > 1
                 else "Copie nominative (pour la réimprimer)")
    size = 9
    widest = max(stringWidth(label, "Lato", size) + stringWidth(f"p.\u00a0{last}–{last}", "Lato", size)
                 for label, _, last in students) + 6 * mm

    def layout(columns: int, leading: float) -> tuple[int, int, float]:
        return columns, int((top - 8 * mm - 22 * mm) // leading), leading

    # Two columns when every name stands there at full size and all fit, else three (a name too long for its
    # column is wrapped on the rows under it, or set smaller when the columns cannot hold those rows too).
    options = [layout(c, lead) for lead in (12.5, 11) for c in (2, 3)]
    readable = [(c, r, lead) for c, r, lead in options
                if c * r >= len(students) and widest <= (right - left) / c]
    columns, rows, leading = readable[0] if readable else options[1]
    if rows < 2:  # no room left on the cover: the bookmarks name every copy
        return
    columns = min(columns, -(-len(students) // rows))
    # Half the page at least; a column alone widens to the widest name, which then keeps its size.
    width = min(max((right - left) / max(columns, 2), widest), (right - left) / columns)
    places = _wrapped(students, size, width, rows, int((right - left) / width + 0.01))
    if places is None:  # each name on its row, set smaller when it must
        shown = students if len(students) <= rows * columns else students[: rows * columns - 1]
        places = [(i // rows, i % rows, 1) for i in range(len(shown))]
    else:
        shown = students
    c.setFillColor(S.colors.black)
    for (label, first, last), (column, row, taken) in zip(shown, places):
        x, y = left + column * width, top - 8 * mm - row * leading
        room = _room(width, first, last, size)
        if taken == 1:
            draw_fitted(c, Text(x, y, room, size, label, height=size), "Lato")
        else:  # wrapped at its size, on its rows
            fitted, lines = fit(label, "Lato", size, room, _block(taken, size) + 0.01, one_line=1.0)
            for k, line in enumerate(lines):
                draw_string(c, x, y - k * leading, line, "Lato", fitted)
        c.setFont("Lato", size)
        c.drawRightString(x + width - 4 * mm, y, f"p.\u00a0{first}–{last}")
    if len(shown) < len(students):
        x, y = left + (len(shown) // rows) * width, top - 8 * mm - (len(shown) % rows) * leading
        c.setFont("Lato-Italic", size)
        c.drawString(x, y, f"… et {len(students) - len(shown)} autres : voir les signets")


def _room(width: float, first: int, last: int, size: float) -> float:
    """How wide a named copy's name may be in a column of the cover, beside its pages."""
    return width - 4 * mm - stringWidth(f"p.\u00a0{first}–{last}", "Lato", size) - 2 * mm


def _wrapped(students, size: float, width: float, rows: int, most: int) -> list | None:
    """(column, row, rows taken) of each named copy when a name too long for its row is wrapped on the rows
    under it (MOST_ROWS at most) at the size of the others, and at most ``most`` columns of ``rows`` rows hold
    them all; None when every name stands on its row, or they would not all stand on the cover."""
    taken = [1 if stringWidth(label, "Lato", size) <= _room(width, first, last, size) else
             min(len(_wrap(label, "Lato", size, _room(width, first, last, size))), MOST_ROWS)
             for label, first, last in students]
    if max(taken) == 1:
        return None
    places, column, row = [], 0, 0
    for n in taken:
        if row + n > rows:
            column, row = column + 1, 0
        places.append((column, row, n))
        row += n
    return places if column < most else None
