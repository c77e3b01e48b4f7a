"""The pages a pack adds with reportlab: the teacher's cover and the students' names. Pure: no paths."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Sequence

from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from . import __version__
from .fonts import FAMILIES, FAMILY, register
from .layout import styles as S
from .profiles import STANDARD

MAX_FICHES_LISTED = 8  # fiches named on the cover; more would push the rest off the page
MIN_NAME_SIZE = 4.0  # a name never spills onto the next field; it shrinks down to this
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
    students: tuple[tuple[str, int, int], ...] = ()  # each named copy: label, first and last page
    adapted: tuple[tuple[str, int, int], ...] = ()  # each adapted profile used: name, copies, pages per copy


@dataclass(frozen=True)
class Text:
    """A value to write in a name field: baseline origin, room and font size in points, and the
    font family (fonts.FAMILIES) of the sheet it is written on."""

    x: float
    y: float
    room: float
    size: float
    text: str
    family: str = FAMILY


def french_date(value: datetime.date) -> str:
    """« jeudi 14 mars 2025 »."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{_DAYS[value.weekday()]} {day} {_MONTHS[value.month - 1]} {value.year}"


def fitted_size(text: str, size: float, room: float, font: str = "Lato") -> float:
    """The font size at which text fits in room, never above size nor below MIN_NAME_SIZE."""
    width = stringWidth(text, font, size)
    return size if width <= room else max(MIN_NAME_SIZE, size * room / width)


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
            font = FAMILIES[t.family].regular
            register(t.family)
            canvas.setFont(font, fitted_size(t.text, t.size, t.room, font))
            canvas.drawString(t.x, t.y, t.text)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _pages(n: int) -> str:
    return f"{n} page" + ("s" if n > 1 else "")


def _cover(c: Canvas, cover: Cover) -> None:
    w, h = STANDARD.page
    left, right = STANDARD.margin_x + 4 * mm, w - STANDARD.margin_x - 4 * mm
    y = h - 30 * mm
    c.setFillColor(S.GREY)
    c.setFont("Lato", 10)
    c.drawString(left, y, "Pour l’enseignant — ne pas distribuer")
    y -= 16 * mm
    c.setFillColor(S.ACCENT)
    for line in simpleSplit(cover.heading, "Lato-Bold", 26, right - left)[:3]:
        c.setFont("Lato-Bold", 26)
        c.drawString(left, y, line)
        y -= 31
    c.setStrokeColor(S.ACCENT)
    c.setLineWidth(1)
    c.line(left, y + 14, right, y + 14)
    y -= 8 * mm

    sheets = (cover.total + 1) // 2 if cover.duplex else cover.total
    rows = [
        ("Classe", cover.classe),
        ("Date", cover.date),
        ("Copies", f"{cover.copies}" + (", une par élève, à son nom" if cover.named else "")),
    ]
    fiches = [f"{title} — {_pages(pages)}" for title, pages in cover.fiches]
    if len(fiches) > MAX_FICHES_LISTED:  # the cover stays one page: the bookmarks list them all
        fiches = fiches[:MAX_FICHES_LISTED - 1] + [f"… et {len(fiches) - MAX_FICHES_LISTED + 1} autres fiches"]
    if cover.by_student:
        per = f"{_pages(cover.copy_pages)} par copie"
        if cover.duplex:
            per += f", soit {cover.copy_pages // 2} feuille{'s' if cover.copy_pages > 2 else ''} recto-verso"
        rows.append(("Fiches", fiches + [per]))
    else:
        rows.append(("Fiches", fiches + ["les copies sont regroupées par fiche"]))
    if cover.adapted:
        rows.append(("Adaptées", [f"{n} copie{'s' if n > 1 else ''} {name} — {_pages(pages)} par copie"
                                  for name, n, pages in cover.adapted]))
    first, last = cover.keys
    rows.append(("Corrigés", f"pages {first} à {last}, une fois chacun, à la fin"))
    rows.append(("Total", f"{_pages(cover.total)}, {sheets} feuille{'s' if sheets > 1 else ''}"))
    label_w = 30 * mm
    for label, value in rows:
        c.setFillColor(S.ACCENT)
        c.setFont("Lato-Bold", 12)
        c.drawString(left, y, f"{label}\u00a0:")
        c.setFillColor(S.colors.black)
        c.setFont("Lato", 12)
        if not value:
            c.setStrokeColor(S.RULE)
            c.setDash(0.1, 2.2)
            c.setLineCap(1)
            c.line(left + label_w, y - 1, right, y - 1)
            c.setDash()
            y -= 10 * mm
            continue
        for item in [value] if isinstance(value, str) else value:
            for line in simpleSplit(item, "Lato", 12, right - left - label_w):
                c.drawString(left + label_w, y, line)
                y -= 16
            y -= 2
        y -= 5 * mm

    if cover.duplex:
        hint = "Impression\u202f: recto-verso, " + ("agrafer par copie." if cover.by_student
                                               else "agrafer chaque fiche.")
        note = "Les pages blanches sont voulues\u202f: chaque copie commence sur un recto."
    else:
        hint = "Impression\u202f: recto seul, " + ("agrafer par copie." if cover.by_student else "agrafer chaque fiche.")
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
    c.drawString(left, top, "Copies nominatives (pour réimprimer une copie)")
    size, leading = 9, 12.5
    rows = int((top - 8 * mm - 22 * mm) // leading)
    if rows < 2:  # no room left on the cover: the bookmarks name every copy
        return
    columns = min(3, -(-len(students) // rows))
    width = (right - left) / max(columns, 2)
    shown = students if len(students) <= rows * columns else students[: rows * columns - 1]
    c.setFillColor(S.colors.black)
    for i, (label, first, last) in enumerate(shown):
        x, y = left + (i // rows) * width, top - 8 * mm - (i % rows) * leading
        pages = f"p.\u00a0{first}–{last}"
        room = width - 4 * mm - stringWidth(pages, "Lato", size) - 2 * mm
        c.setFont("Lato", fitted_size(label, size, room))
        c.drawString(x, y, label)
        c.setFont("Lato", size)
        c.drawRightString(x + width - 4 * mm, y, pages)
    if len(shown) < len(students):
        x, y = left + (len(shown) // rows) * width, top - 8 * mm - (len(shown) % rows) * leading
        c.setFont("Lato-Italic", size)
        c.drawString(x, y, f"… et {len(students) - len(shown)} autres : voir les signets")
