"""What a pack fills in: each copy's name, class and date (as overlay texts and where they go), what the cover
says, and the checks that they can be printed. Pure: the request and the rendered sheets in, data out."""

from __future__ import annotations

import datetime
import re

from . import profiles, roster
from .errors import Pos, Problem
from .i18n import _

MIN_HEADER_GAP = 30 * profiles.MM  # the least room for a name between the two sides of a running header
HEADER_NAME_SHARE = 0.85  # a name set smaller than this share of the header size goes under the rule instead


def name_problems(students, chosen, classe: str) -> list[Problem]:
    """An error for a name the font of a student's version cannot print (the roster checks the standard font)."""
    from .fonts import missing

    problems = []
    for s, profs in zip(students, chosen):
        for profile in {p.name: p for p in profs}.values():
            for text in (s.nom, s.prenom, s.classe or classe):
                bad = missing(text, profile.family)
                if bad is not None:
                    problems.append(Problem(s.pos, _("the character {char} of '{text}' cannot be printed with "
                                                     "the font of the '{profile}' version ({font})").format(
                        char=roster.shown(bad), text=roster.clip(text, 60), profile=profile.name, font=profile.family),
                        _("write the name without it, or give this student another profile")))
    return problems


def adapted_tag(profs) -> str:
    """« [dys] » after the label of a copy in an adapted version, for the teacher handing them out."""
    names = sorted({p.name for p in profs if p.name != profiles.STANDARD_NAME})
    return f" [{', '.join(names)}]" if names else ""


def text_problems(request, families: set[str]) -> list[Problem]:
    """An error for a date that is no day, and for a character of the class or date given to the pack that a
    font it is printed in cannot draw."""
    from .fonts import FAMILY, missing

    from .chars import MAX_MARKS, invisible, stacked

    problems = []
    where = dict(request.where)

    def at(key: str, text: str = "", found: str = "", column: int = 0) -> Pos:
        """Where a value stands: in the pack file, else on the command line (--class:1:COLUMN)."""
        if key in where or request.origin is not None:
            return where.get(key, request.origin)
        return Pos(f"--{key}", 1, column or (text.find(found) + 1 if found and found in text else 1))

    if _parse_date(request.date) is None and re.fullmatch(r"\d{4}-\d\d?-\d\d?|\d\d?/\d\d?/\d{4}",
                                                          str(request.date).strip()):
        problems.append(Problem(at("date"), _("the date {date} is not a day of the calendar").format(
            date=str(request.date).strip()), _("write it as 2025-03-13 or 13/03/2025")))
    said = {  # the class and the date are named in the message: each its own, for the translation
        "class": (_("the character {char} of the class is invisible"),
                  _("{count} accents are stacked on one letter of the class, at most {limit}"),
                  _("the character {char} of the class cannot be printed with the font {font}"),
                  _("the class is too long ({count} characters, at most {limit})")),
        "date": (_("the character {char} of the date is invisible"),
                 _("{count} accents are stacked on one letter of the date, at most {limit}"),
                 _("the character {char} of the date cannot be printed with the font {font}"),
                 _("the date is too long ({count} characters, at most {limit})")),
    }
    for key, given, text in (("class", request.classe, request.classe),
                             ("date", str(request.date), cover_date(request.date))):
        if len(given) > roster.MAX_NAME:  # checked before anything is laid out
            problems.append(Problem(at(key, column=roster.MAX_NAME + 1), said[key][3].format(
                count=len(given), limit=roster.MAX_NAME), _("write it shorter")))
            continue
        hidden = next((ch for ch in text if invisible(ch)), None)
        run = stacked(text)
        if hidden is not None:
            problems.append(Problem(at(key, given, hidden), said[key][0].format(char=roster.shown(hidden)),
                                    _("write it without it")))
        elif run:
            problems.append(Problem(at(key, given, run), said[key][1].format(count=len(run), limit=MAX_MARKS),
                                    _("write it without the extra accents")))
        for family in sorted(families | {FAMILY}) if hidden is None else ():
            bad = missing(text, family)
            if bad is not None:
                problems.append(Problem(at(key, given, bad), said[key][2].format(char=roster.shown(bad), font=family),
                                        _("write it without it")))
                break
    return problems


def overlays(request, fiches, sheets, students, rows, chosen, *, first: int):
    """What a pack writes on the copies, as overlay pages, and where each goes: {(copy, sheet): ((page of the
    fiche, overlay page), …)}. Page 1 of each fiche gets the student's name, class and the date in its fields;
    each other recto, the student's name and class in its running header (see _in_header). Anonymous copies of a
    sheet share one overlay: the date."""
    from .layout.story import name_slots
    from .layout.styles import Styles
    from .packpages import Text
    from .render import header_room

    date = field_date(request.date) if request.date_on_copies else ""
    overlays, pages, slots, shared = {}, [], {}, {}
    for c, row in enumerate(rows):
        student = students[c] if students else None
        for f, (fiche, sheet) in enumerate(zip(fiches, row)):
            profile = chosen[c][f]
            if sheet not in slots:
                slots[sheet] = name_slots(fiche, styles=Styles(fiche.lang, profile)), header_room(fiche, profile)
            fields, head = slots[sheet]

            def field(slot, text):
                x, y, room, fsize, height = slot
                return Text(x, y, room, fsize, text, profile.family, height, raised=profile.superscript)

            if student is None:
                if date:
                    if sheet not in shared:
                        shared[sheet] = first + len(pages)
                        pages.append([field(fields[3], date)])
                    overlays[(c, sheet)] = ((0, shared[sheet]),)
                continue
            classe = student.classe or request.classe
            values = (student.nom, student.prenom, classe, date)
            placed = [(0, first + len(pages))]
            pages.append([field(slot, text) for slot, text in zip(fields, values) if text])
            name = f"{student.nom} {student.prenom}" + (f" — {classe}" if classe else "")
            for page in range(2 if request.duplex else 1, sheets[sheet].pages, 2 if request.duplex else 1):
                placed.append((page, first + len(pages)))
                pages.append([_in_header(head, profile, name)])
            overlays[(c, sheet)] = tuple(placed)
    return overlays, pages


def _in_header(room, profile, text: str):
    """Where a recto gets the student's name: in the middle of its running header, or, when the levels and the
    kind leave less than MIN_HEADER_GAP there or the name would not stand on one line at nearly the header's
    size, centred in the strip under the header's rule."""
    from .fonts import FAMILIES
    from .packpages import DESCENT, Text, fit

    pad = 5 * profiles.MM
    middle = profile.page[0] / 2
    width = room.right - room.left - 2 * pad
    size, lines = fit(text, FAMILIES[profile.family].regular, room.size, width, room.above) if width > 0 else (0, ())
    if width >= MIN_HEADER_GAP and len(lines) == 1 and size >= HEADER_NAME_SHARE * room.size:
        return Text(room.left + pad, room.baseline, room.right - room.left - 2 * pad, room.size, text,
                    profile.family, room.above, centre=middle, raised=profile.superscript)
    bottom, top = room.strip
    y = bottom + DESCENT * room.size
    return Text(profile.margin_x, y, profile.frame_w, room.size, text, profile.family, top - y, centre=middle,
                raised=profile.superscript)


def cover(request, sheets, parts, classe: str, titles: str, named: list[str], rows):
    """What the cover says: what the pack is (class and fiches), the date, the copies, the pages."""
    from .pack import COPY, KEY
    from .packpages import Cover

    keys = [p for p in parts if p.kind == KEY]
    total = parts[-1].start + parts[-1].pages
    heading = f"{classe} — {titles}" if classe else titles

    def pages(copy: int) -> int:
        return sum(p.pages + p.blanks for p in parts if p.kind == COPY and p.copy == copy)

    variants: dict[tuple, list[int]] = {}  # copies by the sheets they get
    for c, row in enumerate(rows):
        variants.setdefault(tuple(row), []).append(c)
    common = max(variants.values(), key=len)
    adapted = tuple((" + ".join(sorted({sheets[s].profile for s in row})), len(cs), pages(cs[0]))
                    for row, cs in variants.items() if cs is not common)
    return Cover(
        heading=heading, classe=classe, date=cover_date(request.date),
        fiches=tuple((sheets[s].name, sheets[s].pages) for s in rows[common[0]]),
        copies=len(rows), named=bool(named), duplex=request.duplex, by_student=request.by_student,
        copy_pages=pages(common[0]), keys=(keys[0].start + 1, total), total=total, key_count=len(keys),
        blanks=any(p.blanks for p in parts), students=_ranges(parts, named) if request.by_student else (),
        adapted=adapted, longest=max(sheets[s].pages for row in rows for s in row))


def _ranges(parts, labels) -> tuple[tuple[str, int, int], ...]:
    """Each copy's label with the first and last page of the copy, from 1."""
    runs: dict[int, list[int]] = {}
    for part in parts:
        if part.copy >= 0:
            runs.setdefault(part.copy, []).extend((part.start + 1, part.start + part.pages + part.blanks))
    return tuple((label, min(runs[i]), max(runs[i])) for i, label in enumerate(labels))


def _parse_date(value) -> datetime.date | None:
    """The day a date option names: 2025-03-13 or 13/03/2025 (the French way); None for any other text."""
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, form).date()
        except ValueError:
            pass
    return None


def field_date(value) -> str:
    """The date for a Date field: « 13/03/2025 » for a day, else the text as given."""
    day = _parse_date(value)
    return day.strftime("%d/%m/%Y") if day else str(value).strip()


def cover_date(value) -> str:
    """The date for the cover: « jeudi 13 mars 2025 » for a day, else the text as given."""
    from .packpages import french_date

    day = _parse_date(value)
    return french_date(day) if day else str(value).strip()
