"""Small flowables: answer space, choices, QR code, side-by-side block, banner, name fields.

Each one has the same size in the student view and in the corrigé; only what it
draws differs, which keeps the two documents page-aligned.
"""

from __future__ import annotations

import itertools

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph as _Paragraph, Spacer

from ..i18n import _, _n
from ..media import qr_code
from ..memo import memo
from ..text import ordinal_parts
from ..profiles import STANDARD
from . import fields as F
from . import skeleton
from . import styles as S

EXPLAIN_MIN_W = 45 * mm  # the narrowest column an explanation is set in beside the options
EXPLAIN_CLEAR = 10 * mm  # at least, between the column and an option beside it other than the one it starts at
SHORT_OPTION = 0.3  # an option narrower than this share of the frame is short: short options go on one line
MIN_PART = 2  # ruled lines an answer space keeps on each side of a page break
MIN_ROWS = 2  # rows of options kept on each side of a page break
_SCALES = (1, 2, 3)  # text lines per ruled line when an answer overflows; whole numbers keep text off the rules
SHRINK_STEP = 0.25  # points between two sizes tried for an item set smaller on its own ruled lines


# What reportlab's wrap and breakLines set on a paragraph: what a wrap at a width seen before puts back.
_LAID = ("width", "height", "blPara", "frags", "_wrapWidths", "_width_max")
_LAYOUTS = memo()  # (what the parse depends on, width) -> (what wrap set, its size): shared by equal paragraphs
MAX_LAYOUTS = 4096
_PARSED = memo()  # (text, bullet, style's values) -> (cleaned text, fragments, bullet): see Paragraph
MAX_PARSED = 4096


_SEEN = memo()  # id(style) -> (style, its values as last seen, their number): a style's values sorted once
_NUMBERS: dict = {}  # a style's sorted values -> their number (never given to other values, even once cleared)
_COUNT = itertools.count()
MAX_STYLES = 1024


def _style_number(style):
    """A number for the values of a style, the same for styles of equal values (in any render), or None when
    they cannot be compared."""
    values = vars(style)
    seen = _SEEN.get(id(style))
    if seen is not None and seen[0] is style and seen[1] == values:  # unchanged since: no sorting again
        return seen[2]
    ordered = dict(values)
    ordered.pop("name", None)
    ordered.pop("parent", None)
    ordered = tuple(sorted(ordered.items()))  # by name alone: no two are equal
    try:
        number = _NUMBERS.get(ordered)
    except TypeError:
        return None
    if number is None:
        if len(_NUMBERS) >= MAX_STYLES:
            _NUMBERS.clear()
        number = _NUMBERS[ordered] = next(_COUNT)
    if len(_SEEN) >= MAX_STYLES:
        _SEEN.clear()
    _SEEN[id(style)] = (style, dict(values), number)
    return number


def _parse_key(text, style, bullet_text, case_sensitive):
    """What a paragraph's parse depends on, or None when it may depend on more (numbering, a style that cannot
    be compared): the text and every value of its style (the style objects themselves differ between renders)."""
    if not isinstance(text, str) or "<seq" in text.lower() or not isinstance(bullet_text, (str, type(None))):
        return None
    number = _style_number(style)
    return None if number is None else (text, bullet_text, case_sensitive, type(style), number)


def _keep(key, parsed) -> None:
    """Keep a parse: (cleaned text, fragments no paragraph holds, bullet)."""
    if len(_PARSED) >= MAX_PARSED:
        _PARSED.clear()
    _PARSED[key] = parsed


_SIZED = memo()  # (id(style), name, size, lead) -> (style, its values as cloned, the clone)


def _sized(style, name: str, size: float, lead: float):
    """style.clone(name, fontSize=size, leading=lead), the same object while style's values are unchanged (a new
    clone per paragraph would have its values sorted again to find the paragraphs' shared layouts)."""
    key = (id(style), name, size, lead)
    kept = _SIZED.get(key)
    if kept is not None and kept[0] is style and kept[1] == vars(style):
        return kept[2]
    if len(_SIZED) >= MAX_STYLES:
        _SIZED.clear()
    clone = style.clone(name, fontSize=size, leading=lead)
    _SIZED[key] = (style, dict(vars(style)), clone)
    return clone


def _copy(bullet):
    """A bullet as reportlab keeps it: text, or fragments of its own (each paragraph gets copies)."""
    return [f.clone() for f in bullet] if isinstance(bullet, list) else bullet


class Paragraph(_Paragraph):
    """reportlab's Paragraph, its markup parsed once per process and its lines broken once per width, always
    from the text as parsed.

    Parsing markup is a sixth of a render, and most paragraphs come twice (the student sheet and the
    corrigé, each page's header, every rebuild of `watch`): the fragments of a text in a style are kept,
    and each paragraph gets its own copies of them, as reportlab takes them when it is given ``frags``.

    Keeping together, splitting, placing and measuring a paragraph wrap it several times, at
    a few widths in turn; reportlab breaks the lines again each time (a quarter of a fiche's
    render time), and its hyphenation changes the parsed text in place, so that a second wrap
    could print « copier-coller » as « copiercol-ler ». Each wrap starts from a copy of the
    parsed text, and what it set is kept for its width: a wrap at a width seen before puts
    that back (about 40 % of the line breaking of a fiche).
    """

    def __init__(self, text, style=None, bulletText=None, frags=None, caseSensitive=1, encoding="utf8"):
        key = _parse_key(text, style, bulletText, caseSensitive) if frags is None and style is not None else None
        found = _PARSED.get(key) if key is not None else None
        if found is None and key is not None:  # a text of tags already parsed: their fragments, its own texts
            found = skeleton.parse(text, style, bulletText, caseSensitive, key[3:])
            if found is not None:
                _keep(key, found)
        if found is not None:  # reportlab's own way in for parsed text: its frags argument
            cleaned, parsed, bullet = found
            super().__init__(cleaned, style, _copy(bullet), [f.clone() for f in parsed], caseSensitive, encoding)
        else:
            super().__init__(text, style, bulletText, frags, caseSensitive, encoding)
            if self.style is not style:  # a <para> tag with attributes gives another style
                key = None
            elif key is not None:
                _keep(key, (self.text, [f.clone() for f in self.frags], _copy(self.bulletText)))
        self._key = key  # what the parse depends on: also the key of the layouts shared by equal paragraphs
        self._pristine = list(self.frags)  # reportlab replaces self.frags with the pieces it cuts

    def _wrap_at(self, availWidth, availHeight):
        """reportlab's wrap, on the text as parsed."""
        self.frags = list(self._pristine)
        return _Paragraph.wrap(self, availWidth, availHeight)

    def _layout(self, availWidth, availHeight):
        """Break the lines for this width (subclasses choose how)."""
        return self._wrap_at(availWidth, availHeight)

    def wrap(self, availWidth, availHeight):
        laid = self.__dict__.setdefault("_laid", {})
        shared = (self._key, type(self), availWidth) if self._key is not None else None
        found = laid.get(availWidth) or (_LAYOUTS.get(shared) if shared else None)
        if found is None:
            self._layout(availWidth, availHeight)
            found = ({k: self.__dict__[k] for k in _LAID if k in self.__dict__}, (self.width, self.height))
            if shared:
                if len(_LAYOUTS) >= MAX_LAYOUTS:
                    _LAYOUTS.clear()
                _LAYOUTS[shared] = found
        laid[availWidth] = found
        state, size = found
        self.__dict__.update(state)  # blPara too, which split() may have dropped
        return size

    def split(self, availWidth, availHeight):
        """reportlab's split, on lines broken for this paragraph alone: it changes some of the pieces it cuts in
        place, and the kept layouts, which other paragraphs may share, must stay as they were made."""
        if availWidth > 0 and availHeight > 0 and self.frags:
            if "blPara" not in self.__dict__:  # dropped by a split that found no room
                self.wrap(availWidth, availHeight)
            self._wrap_at(self.width, availHeight)  # the width the kept layout was broken at
        return super().split(availWidth, availHeight)


class Balanced(Paragraph):
    """A title whose lines are of even length: on two lines or more, it is set in the narrowest
    width that keeps its number of lines, so that no word is left alone on the last one."""

    def _layout(self, availWidth, availHeight):
        self._wrap_at(availWidth, availHeight)
        lines, best = len(self.blPara.lines), availWidth
        if lines > 1:
            low = availWidth / 3
            for _ in range(12):  # bisection to about 0.05 % of the width
                mid = (low + best) / 2
                self._wrap_at(mid, availHeight)
                if len(self.blPara.lines) > lines:
                    low = mid
                else:
                    best = mid
        return self._wrap_at(best, availHeight)


def tick(canv, x: float, y: float, size: float) -> None:
    """Draw a check mark in the answer colour, its box's lower-left corner at (x, y)."""
    canv.saveState()
    canv.setStrokeColor(S.ANSWER)
    canv.setLineWidth(max(1.2, size * 0.16))
    canv.setLineCap(1)
    canv.setLineJoin(1)
    p = canv.beginPath()
    p.moveTo(x + 0.18 * size, y + 0.52 * size)
    p.lineTo(x + 0.42 * size, y + 0.2 * size)
    p.lineTo(x + 0.92 * size, y + 1.02 * size)
    canv.drawPath(p, stroke=1, fill=0)
    canv.restoreState()


SUP_SIZE, SUP_RISE = 0.7, 0.35  # a superscript's size and rise, as shares of the text size


def draw_string(c, x: float, y: float, text: str, font: str, size: float, *, raised: bool = True) -> None:
    """Draw one line of text on a canvas, the suffixes of 1re, 1er, 2de, Tle… raised as French typography sets
    them (``raised=False``: on the line, as the adapted profiles set them)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    for piece, up in ordinal_parts(text) if raised else [(text, False)]:
        c.setFont(font, size * SUP_SIZE if up else size)
        c.drawString(x, y + (SUP_RISE * size if up else 0), piece)
        x += stringWidth(piece, font, size * SUP_SIZE if up else size)


def box(canv, x: float, y: float, size: float) -> None:
    """Draw an empty checkbox, lower-left corner at (x, y)."""
    canv.saveState()
    canv.setStrokeColor(S.colors.black)
    canv.setLineWidth(0.8)
    canv.rect(x, y, size, size, stroke=1, fill=0)
    canv.restoreState()


def natural_width(para: Paragraph) -> float:
    """The width of a paragraph set on one line."""
    para.wrap(10_000, 10_000)
    return max(para.getActualLineWidths0() or [0])


class AnswerSpace(Flowable):
    """Ruled space for the student's answer; in the corrigé, the answer written on it.

    ``items`` are (markup, style) pairs, each starting on a new line; empty in the
    student view. ``first``/``count`` select the ruled lines of one page when the
    space is split. ``profile`` gives the line pitch and the text size; ``indent``
    defaults to its question indent. In the form, ``field`` names the text fields drawn
    over the lines (one per blank for a list). ``more`` is what a part after a page break
    prints in the number column (the question's number, and « suite » where it fits), so its lines are not
    taken for the next question's: (number, word, bold face, regular face).
    """

    def __init__(self, lines, ruling="lines", items=(), *, profile, bullets=False, report=None, indent=None,
                 first=0, count=None, marks=None, field=None, more=None):
        super().__init__()
        self.lines, self.ruling, self.items, self.bullets = lines, ruling, tuple(items), bullets
        self.marks = marks  # with bullets, in the student view: the lines that get one (None: every line)
        self.profile, self.pitch = profile, profile.seyes if ruling == "seyes" else profile.pitch
        self.report, self.indent = report, profile.indent if indent is None else indent
        self.first, self.count = first, lines if count is None else count
        self.field, self.more = field, more
        self._fitted = None

    def wrap(self, aw, ah):
        self.width = aw
        self.height = self.count * self.pitch + 1.5 * mm
        return aw, self.height

    def split(self, aw, ah):
        """Break between two ruled lines, leaving at least MIN_PART lines on each side."""
        fit = int((ah - 1.5 * mm) // self.pitch)
        if self.count >= 2 * MIN_PART:
            fit = min(fit, self.count - MIN_PART)
        if fit < MIN_PART or fit >= self.count:
            return []
        kw = dict(profile=self.profile, bullets=self.bullets, report=self.report, indent=self.indent, marks=self.marks,
                  field=self.field, more=self.more)
        head = AnswerSpace(self.lines, self.ruling, self.items, first=self.first, count=fit, **kw)
        tail = AnswerSpace(self.lines, self.ruling, self.items, first=self.first + fit, count=self.count - fit, **kw)
        return [head, tail]

    def least_height(self, aw) -> float | None:
        """The height of the first part when the space is broken across pages (None: it is never broken)."""
        return MIN_PART * self.pitch + 1.5 * mm if self.count >= 2 * MIN_PART else None

    @staticmethod
    def place(items, width: float, lead: float, body: float) -> tuple[list, int]:
        """The items set at this lead, one after the other: ([(first text line, paragraph, n lines)], lines)."""
        size = min(body, lead * 0.78)
        placed, line = [], 0
        for markup, style in items:
            para = Paragraph(markup, _sized(style, "fit", size, lead))
            _, h = para.wrap(width, 10_000)
            n = max(1, round(h / lead))
            placed.append((line, para, n))
            line += n
        return placed, line

    @classmethod
    def starts(cls, items, width: float, profile, *, bullets: bool = False, indent: float | None = None) -> list[int]:
        """The ruled line each item starts on at full size, one text line per ruled line, in a space
        this wide, and after them the number of lines they fill."""
        x = (profile.indent if indent is None else indent) + (4 * mm if bullets else 1 * mm)
        placed, lines = cls.place(items, width - x, profile.pitch, profile.body)
        return [start for start, _, _ in placed] + [lines]

    def _fit(self, width):
        """Lay out the items: [(first text line, paragraph, n lines, text lines per ruled line)], the first text
        line counted in lines of its item's own lead (the pitch over its text lines per ruled line)."""
        if self._fitted is None:
            placed, line = self.place(self.items, width, self.pitch, self.profile.body)
            fitted = [(start, para, n, 1) for start, para, n in placed] if line <= self.lines else None
            if fitted is None and len(self.items) <= self.lines:  # each item on ruled lines of its own
                fitted = self._own_lines(width, placed)
            if fitted is None:  # every item smaller, one after the other
                for k in _SCALES:
                    placed, line = self.place(self.items, width, self.pitch / k, self.profile.body)
                    if line <= self.lines * k or k == _SCALES[-1]:
                        break
                fitted = [(start, para, n, k) for start, para, n in placed]
                if line > self.lines * k and self.report:
                    self.report(_("the answer does not fit at all in the student's space: shorten it or add lines"))
            smaller = [style.name for (markup, style), (start, para, n, k) in zip(self.items, fitted)
                       if k > 1 or para.style.fontSize < min(self.profile.body, self.pitch * 0.78)]
            if smaller and self.report:
                self.report(_n("the explanation needs more room than the {n} line the student has: the corrigé prints "
                               "it smaller", "the explanation needs more room than the {n} lines the student has: "
                               "the corrigé prints it smaller", self.lines) if set(smaller) == {"explain"} else
                            _n("the answer needs more room than the {n} line the student has: the corrigé prints it "
                               "smaller", "the answer needs more room than the {n} lines the student has: the "
                               "corrigé prints it smaller", self.lines))
            self._fitted = fitted
        return self._fitted

    def _own_lines(self, width, placed: list):
        """Each item from a ruled line of its own, on the lines the student has (shared out as each needs them
        at full size): an item that needs more is set smaller on its lines, one text line per ruled line down
        to the size of two text lines per ruled line, then two or three text lines per ruled line. None when
        an item does not fit its lines even so."""
        needs = [n for _, _, n in placed]
        rows = [1] * len(needs)
        for _ in range(self.lines - len(needs)):  # a line more to the item that lacks the most, in turn
            short = [i for i, n in enumerate(needs) if rows[i] < n]
            if not short:
                break
            rows[max(short, key=lambda i: (needs[i] / rows[i], -i))] += 1
        fitted, row = [], 0
        for (markup, style), (_, para, need), room in zip(self.items, placed, rows):
            found = (para, need, 1) if need <= room else self._shrink(markup, style, width, room)
            if found is None:
                return None
            para, n, k = found
            fitted.append((row * k, para, n, k))
            row += room
        return fitted

    def _shrink(self, markup, style, width, room: int):
        """(paragraph, n text lines, text lines per ruled line) of an item set as large as it fits ``room`` ruled
        lines: one text line per ruled line, down to the size of two per ruled line; then two, then three."""
        body, least = self.profile.body, min(self.profile.body, self.pitch / 2 * 0.78)

        def lines(size: float, lead: float):
            para = Paragraph(markup, _sized(style, "fit", size, lead))
            _, h = para.wrap(width, 10_000)
            return para, max(1, round(h / lead))

        sizes = [body - SHRINK_STEP * i for i in range(int((body - least) / SHRINK_STEP) + 1)] + [least]
        low, high = 0, len(sizes)  # the first size that fits, by bisection: a smaller size never takes more lines
        while low < high:
            mid = (low + high) // 2
            if lines(sizes[mid], self.pitch)[1] <= room:
                high = mid
            else:
                low = mid + 1
        if low < len(sizes):
            return (*lines(sizes[low], self.pitch), 1)
        for k in _SCALES[1:]:
            para, n = lines(min(body, self.pitch / k * 0.78), self.pitch / k)
            if n <= room * k:
                return para, n, k
        return None

    def draw(self):
        c = self.canv
        top = self.count * self.pitch + 1.5 * mm
        x0, x1 = self.indent, self.width
        self._draw_ruling(c, x0, x1, top)
        if self.bullets:
            self._draw_bullets(c, x0, top)
        if self.first and self.more:
            self._draw_more(c, top)
        if self.field is not None:
            blanks = (frozenset(range(self.lines)) if self.marks is None else self.marks) if self.bullets else None
            F.space(c, self.field, x0=x0, x1=x1, top=top, pitch=self.pitch, first=self.first, count=self.count,
                    lines=self.lines, blanks=blanks)
        if not self.items:
            return
        tw = x1 - x0 - (4 * mm if self.bullets else 1 * mm)
        tx = x0 + (4 * mm if self.bullets else 1 * mm)
        listed = sum(style.name != "explain" for _, style in self.items)  # an explanation gets no tick
        for index, (start, para, n, k) in enumerate(self._fit(tw)):
            lead = self.pitch / k
            lo, hi = self.first * k, (self.first + self.count) * k
            a, b = max(start, lo), min(start + n, hi)
            if a >= b - 1e-6:
                continue
            part = _slice(para, tw, round(a - start), round(b - start), lead)
            if part is None:
                continue
            _, h = part.wrap(tw, 10_000)
            lift = self.profile.answer_lift
            baseline = top - (a - lo + 1) * lead + lift
            if k == 1:
                baseline = top - (a - lo + 1) * self.pitch + lift
            part.drawOn(c, tx, baseline + part.style.fontSize - h)
            if self.bullets and a == start and index < listed:
                tick(c, x0 - 0.5 * mm, baseline - 0.5, min(3.2 * mm, lead * 0.75))

    def _draw_more(self, c, top):
        """The question's number on the first line of a part after a page break, « suite » under it,
        each within the number column."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        number, word, bold, regular = self.more
        room, p = self.indent - 1 * mm, self.profile
        least = p.body if p.small >= 1 else 0  # the adapted profiles print nothing smaller than their text
        c.saveState()
        c.setFillColor(S.GREY)
        base = top - self.pitch + p.answer_lift
        for text, face, size, y in ((number, bold, p.number, base), (word, regular, p.number * 0.6, base - self.pitch)):
            size = min(size, size * room / max(stringWidth(text, face, size), 1e-6))
            if y < top - self.count * self.pitch or size < max(least, 5):
                break  # no room for it
            c.setFont(face, size)
            c.drawString(0, y, text)
        c.restoreState()

    def _draw_ruling(self, c, x0, x1, top):
        c.saveState()
        n = self.count
        bottom = top - n * self.pitch
        if self.ruling == "box":
            c.setStrokeColor(S.RULE)
            c.setLineWidth(0.7)
            c.roundRect(x0, bottom + 0.8 * mm, x1 - x0, n * self.pitch - 0.8 * mm, 4, stroke=1, fill=0)
        elif self.ruling == "grid":
            step = self.profile.grid
            c.setStrokeColor(S.RULE_LIGHT)
            c.setLineWidth(0.4)
            rows = int((n * self.pitch) // step)
            y_bot = top - rows * step
            for i in range(rows + 1):
                c.line(x0, top - i * step, x0 + int((x1 - x0) // step) * step, top - i * step)
            for j in range(int((x1 - x0) // step) + 1):
                c.line(x0 + j * step, top, x0 + j * step, y_bot)
        elif self.ruling == "seyes":
            c.setLineWidth(0.3)
            c.setStrokeColor(S.colors.HexColor("#B8C6E6"))
            for i in range(n):
                base = top - (i + 1) * self.pitch
                for f in (1, 2, 3):  # Seyès: three thin lines a quarter pitch apart
                    c.line(x0, base + f * (self.pitch / 4), x1, base + f * (self.pitch / 4))
            c.setStrokeColor(S.colors.HexColor("#7E93C9"))
            c.setLineWidth(0.5)
            for i in range(n):
                c.line(x0, top - (i + 1) * self.pitch, x1, top - (i + 1) * self.pitch)
            c.setLineWidth(0.3)
            c.setStrokeColor(S.colors.HexColor("#B8C6E6"))
            x = x0
            while x <= x1 + 0.1:
                c.line(x, top - n * self.pitch, x, top - self.pitch / 4)
                x += self.pitch
        else:
            c.setStrokeColor(S.RULE)
            c.setLineWidth(0.5)
            if self.ruling == "dotted":
                c.setLineCap(1)
                c.setDash(0.1, 2.6)
                c.setLineWidth(1.1)
            for i in range(n):
                y = top - (i + 1) * self.pitch
                c.line(x0, y, x1, y)
        c.restoreState()

    def bulleted(self, width: float) -> list[int]:
        """The ruled lines that get a bullet: those the student sees (``marks``); in the corrigé, less those whose
        bullet a check mark replaces, so that a bullet with no item written on it (``answer: free``, more bullets
        than items) is there on both sheets."""
        shown = sorted(range(self.lines) if self.marks is None else self.marks)
        if not self.items:
            return shown
        placed = self._fit(width - (4 * mm if self.bullets else 1 * mm))
        listed = sum(style.name != "explain" for _, style in self.items)
        ticked = {start // k for start, _, _, k in placed[:listed]}  # the ruled line each tick sits on
        return [i for i in shown if i not in ticked][:max(0, len(shown) - listed)]

    def _draw_bullets(self, c, x0, top):
        k = self.profile.scale
        c.saveState()
        c.setFillColor(S.ACCENT)
        for i in self.bulleted(self.width - x0):
            if self.first <= i < self.first + self.count:
                c.circle(x0 - 2.2 * mm * k, top - (i - self.first + 1) * self.pitch + 1.2 * mm * k, 0.75 * mm * k,
                         stroke=0, fill=1)
        c.restoreState()


def _slice(para: Paragraph, width: float, i: int, j: int, lead: float):
    """The lines i..j-1 of a wrapped paragraph, as a paragraph."""
    p = para
    p.wrap(width, 10_000)
    if i > 0:
        parts = p.split(width, i * lead + 0.01)
        if len(parts) < 2:
            return None
        p = parts[1]
        p.wrap(width, 10_000)
    _, h = p.wrap(width, 10_000)
    if h > (j - i) * lead + 0.01:
        parts = p.split(width, (j - i) * lead + 0.01)
        if parts:
            p = parts[0]
    return p


def _frame_height(flowable: Flowable) -> float:
    """The height of the frame a flowable is being laid out in (the body frame when unknown)."""
    frame = getattr(flowable, "_frame", None)
    profile = getattr(flowable, "profile", None) or STANDARD
    return getattr(frame, "_aH", None) or getattr(frame, "_height", None) or profile.frame_h


class KeepTogetherOrFlow(KeepTogether):
    """Keep flowables on one page; a group taller than a whole page flows on from where it is.

    reportlab's KeepTogether would first break the page, leaving it nearly empty. With a
    ``profile``, a group that would leave more of the page empty than the profile allows
    (``page_end``) also flows on, when what comes first fits here whole, with the first lines
    of its first answer space, table or running text: a banner never ends a page, and a
    question is never separated from its answer space. Nested groups are kept as groups
    after the first one, which flows. A group that fits here but for the spacers that end it
    (the gap before the next block) stays here without them: they would only end the page.
    """

    def __init__(self, flowables, *, profile=None):
        self._groups = list(flowables)
        flat = []
        for f in self._groups:
            flat += f._content if isinstance(f, KeepTogether) else [f]  # nested, reportlab would break the page
        super().__init__(flat)
        self.profile = profile

    def split(self, aW, aH):
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        frame = _frame_height(self)
        if self._H > frame:
            return [self.NullActionFlowable(), *self._content]
        kept = _without_end_space(self._content)
        end = sum(s.height for s in self._content[len(kept):])
        if self._H > aH and end and self._H - end <= aH:
            return [self.NullActionFlowable(), *kept]  # only the space after the group is left out: it ends the page
        if self._H > aH and self.profile is not None and aH >= self.profile.page_end * frame:
            first = self._first_part(aW, aH)
            if first is not None:
                head = [f for g in self._groups[:first + 1]
                        for f in (g._content if isinstance(g, KeepTogether) else [g])]
                return [self.NullActionFlowable(), *head, *self._groups[first + 1:]]
        return super().split(aW, aH)

    def _first_part(self, aW, aH) -> int | None:
        """The group holding the first answer space, table or running text, when everything before it
        fits here with its first lines; None otherwise."""
        used = 0.0
        for i, group in enumerate(self._groups):
            for f in group._content if isinstance(group, KeepTogether) else [group]:
                least = _least_height(f, aW)
                if least is not None:
                    return i if used + least <= aH else None
                _, h = f.wrap(aW, aH)
                used += h + f.getSpaceBefore() + f.getSpaceAfter()
                if used > aH:
                    return None
        return None


def _without_end_space(flowables: list) -> list:
    """The flowables without the spacers that end them (the gap before whatever follows)."""
    end = len(flowables)
    while end and isinstance(flowables[end - 1], Spacer):
        end -= 1
    return flowables[:end]


def _least_height(f: Flowable, aw: float) -> float | None:
    """How much of a flowable must stand before a page break when it is broken there (None: never broken)."""
    if getattr(f, "flows", False):  # running text: at least two lines (reportlab leaves no orphan line)
        _, h = f.wrap(aw, 10_000)
        return min(h, 2 * f.style.leading) + f.getSpaceBefore()
    least = getattr(f, "least_height", None)
    return least(aw) if least is not None else None


class Choices(Flowable):
    """Options with vector checkboxes, on one line or stacked; in the corrigé, ticks and the explanation.

    ``inline`` None lets the layout choose: one line when every option is short and they fit.
    The explanation is measured in both views, so both keep its room, and drawn in the corrigé
    only (``show``): in the column that starts ``explain_x`` from the left edge (the same for
    every question of a document), from the row of the ticked option, or under the options when
    one of them reaches into that column there or would stand close beside its later lines, and
    always with ``under`` (a question with several right options): never beside an option it does
    not explain.
    """

    def __init__(self, options, inline, style, *, profile, ticked=(), explain=None, explain_style=None,
                 explain_x=None, show=False, report=None, field=None, first=0, under=False):
        super().__init__()
        self.under = under  # the explanation under the options whatever is ticked (the last part of split options)
        self.field, self.first = field, first  # in the form: the buttons' fields, and the first option's index
        self.options = tuple(options)
        self.profile = profile
        self.paras = [Paragraph(o, style) for o in options]
        self.inline, self.ticked = inline, set(ticked)
        self.explain, self.explain_style, self.explain_x = explain, explain_style, explain_x
        self.show, self.report = show, report
        self.style = style
        if explain:
            size = profile.body * profile.explain
            self.explain_para = Paragraph(explain, _sized(explain_style, "ex", size, size * 1.25))

    def _one_line(self, aw) -> bool:
        """Whether the options go on one line: as the source says, else when they are short and fit."""
        if self.inline is not None:
            return self.inline
        p = self.profile
        widths = [natural_width(para) + 1 for para in self.paras]
        total = sum(widths) + len(widths) * (p.box + 2.2 * mm) + (len(widths) - 1) * 9 * mm
        return max(widths) <= SHORT_OPTION * p.frame_w and p.indent + total <= aw

    def _rows(self, aw):
        """Lay out the options: cells (x, y_top, paragraph, width) and rows (y_top, height, right end)."""
        p = self.profile
        gap = p.box + 2.2 * mm
        cells, rows = [], []
        if self._one_line(aw):
            x, y, row_h = p.indent, 0.0, p.row
            for para in self.paras:
                w = min(natural_width(para) + 1, aw - p.indent - gap)
                _, h = para.wrap(w, 10_000)
                if x > p.indent and x + gap + w > aw:
                    rows.append((y, row_h, x - 9 * mm))
                    x, y, row_h = p.indent, y + row_h, p.row
                row_h = max(row_h, h + 4)
                cells.append((x, y, para, w))
                x += gap + w + 9 * mm
            rows.append((y, row_h, x - 9 * mm))
        else:
            col = min(max(natural_width(para) for para in self.paras) + 2, aw - p.indent - gap)
            y = 0.0
            for para in self.paras:
                _, h = para.wrap(col, 10_000)
                cells.append((p.indent, y, para, col))
                rows.append((y, max(p.row, h + 4), p.indent + gap + natural_width(para) + 1))
                y += max(p.row, h + 4)
        return cells, rows

    def right_end(self, aw) -> float:
        """How far right the options reach, from the left edge."""
        return max(end for _, _, end in self._rows(aw)[1])

    def wrap(self, aw, ah):
        self.width = aw
        self.cells, rows = self._rows(aw)
        self.height = rows[-1][0] + rows[-1][1]
        self.note = None
        if self.explain:
            # The room kept is the most any start row would need, so that it never tells which option is right.
            first = min(self.ticked) if self.ticked else 0
            places = [self._place_explain(aw, rows, start) for start in range(len(rows))]
            self.note = places[self._row_of(first, rows)]
            self.height = max([self.height] + [y + h for _, y, _, h in places])
        return aw, self.height

    def _row_of(self, option: int, rows) -> int:
        """The row an option stands on."""
        top = self.cells[min(option, len(self.cells) - 1)][1]
        return next(i for i, row in enumerate(rows) if row[0] == top)

    def _place_explain(self, aw, rows, start: int):
        """(x, y_top, paragraph, height) of the explanation starting on a row: in the column, lower where an
        option reaches into it; under the options when the column is too narrow."""
        p = self.profile
        x = self.explain_x if self.explain_x is not None and aw - self.explain_x >= EXPLAIN_MIN_W else p.indent
        x = p.indent if self.under else x
        para, size = self.explain_para, self.explain_para.style.fontSize
        _, h = para.wrap(aw - x, 10_000)
        h += self.style.fontSize + 2 - size + 1  # its first line on the options' baseline
        y = rows[start][0] if x > p.indent else rows[-1][0] + rows[-1][1]
        for i, (top, height, end) in enumerate(rows):  # never beside an option that reaches into the column
            clear = 3 * mm if i == start else EXPLAIN_CLEAR  # nor close beside another option: it would read as its
            if top + height > y and top < y + h and end > x - clear:
                y = top + height
        if x > p.indent and y != rows[start][0]:  # pushed down beside other options: under them all instead
            x, y = p.indent, rows[-1][0] + rows[-1][1]
            _, h = para.wrap(aw - x, 10_000)
            h += self.style.fontSize + 2 - size + 1
        return x, y, para, h

    def split(self, aw, ah):
        """Continue on the next page between two rows of options, MIN_ROWS rows at least on each side
        (asked only when the question flows on, or is taller than a page). The explanation goes under
        the last part's options, whichever is ticked: its room never tells the answer."""
        self.wrap(aw, ah)
        rows = sorted({y for _, y, _, _ in self.cells})
        tall = self.height > _frame_height(self)
        bottoms = rows[1:] + [self.cells and max(y for _, y, _, _ in self.cells) + self.profile.row]
        fit = [i for i, bottom in enumerate(bottoms, 1) if bottom <= ah
               and (tall or MIN_ROWS <= i <= len(rows) - MIN_ROWS)]
        if not fit:
            return []
        k = sum(1 for _, y, _, _ in self.cells if y < rows[fit[-1]]) if fit[-1] < len(rows) else len(self.cells)
        if k == 0 or k == len(self.cells):
            return []
        kw = dict(profile=self.profile, explain_style=self.explain_style, explain_x=self.explain_x, show=self.show,
                  report=self.report, field=self.field)
        head = Choices(self.options[:k], self.inline, self.style, ticked=[i for i in self.ticked if i < k],
                       first=self.first, **kw)
        tail = Choices(self.options[k:], self.inline, self.style, ticked=[i - k for i in self.ticked if i >= k],
                       explain=self.explain, first=self.first + k, under=bool(self.explain), **kw)
        return [head, tail]

    def least_height(self, aw) -> float | None:
        """The height of the first MIN_ROWS rows of options, when there are enough rows to break them."""
        rows = sorted({y for _, y, _, _ in self._rows(aw)[0]})
        return rows[MIN_ROWS] if len(rows) >= 2 * MIN_ROWS else None

    def draw(self):
        c = self.canv
        top = self.height
        ticked = self.ticked if self.show else ()
        for i, (x, y, p, w) in enumerate(self.cells):
            size = p.style.fontSize
            baseline = top - y - size - 2
            side = self.profile.box
            by = baseline - self.profile.box_drop
            box(c, x, by, side)
            if i in ticked:
                tick(c, x, by, side)
            if self.field is not None:
                F.button(c, self.field, self.first + i, x, by, side)
            _, h = p.wrap(w, 10_000)
            p.drawOn(c, x + side + 2.2 * mm, baseline + size - h)
        if self.note and self.show:
            x, y, para, _ = self.note
            _, ph = para.wrap(self.width - x, 10_000)
            baseline = top - y - self.style.fontSize - 2  # as an option's, in draw() above
            para.drawOn(c, x, baseline + para.style.fontSize - ph)
            if x > self.profile.indent:  # a rule sets it apart from the options: never read as one's justification
                c.saveState()
                c.setStrokeColor(S.ANSWER)
                c.setLineWidth(0.6)
                c.line(x - 2.5 * mm, baseline + para.style.fontSize - ph, x - 2.5 * mm, baseline + para.style.fontSize)
                c.restoreState()


_QR_PATHS: dict = {}  # (address, size) -> the path of its dark modules (QRCode._path)
MAX_QR_PATHS = 256


class QRCode(Flowable):
    """A QR code drawn as vector modules, with its 4-module quiet zone; encoded when first drawn (choosing its
    mask is costly: a fiche that stops at the page limit never pays for the codes of the pages it does not lay out)."""

    def __init__(self, data: str, size: float):
        super().__init__()
        self.data = data
        self.size = size

    @property
    def qr(self):
        return qr_code(self.data)

    def wrap(self, aw, ah):
        return self.size, self.size

    def draw(self):
        c = self.canv
        c.saveState()
        c.setFillColor(S.colors.black)
        c.drawPath(self._path(), stroke=0, fill=1)
        c.restoreState()

    def _path(self):
        """The path of the dark modules, made once per process (the student sheet and the corrigé draw the same)."""
        from reportlab.pdfgen.pathobject import PDFPathObject

        key = (self.data, self.size)
        path = _QR_PATHS.get(key)
        if path is not None:
            return path
        rows = list(self.qr.matrix_iter())
        m = self.size / len(rows)
        path = PDFPathObject()
        for r, row in enumerate(rows):
            y = self.size - (r + 1) * m
            start = None
            for col, dark in enumerate(list(row) + [False]):
                if dark and start is None:
                    start = col
                elif not dark and start is not None:
                    path.rect(start * m, y, (col - start) * m, m)
                    start = None
        if len(_QR_PATHS) >= MAX_QR_PATHS:
            _QR_PATHS.clear()
        _QR_PATHS[key] = path
        return path

    @property
    def module_mm(self) -> float:
        return self.size / self.qr.symbol_size() / mm


class Beside(Flowable):
    """Paragraphs on the left, a fixed-size flowable (QR code, picture) on the right."""

    def __init__(self, left, right, gap=6 * mm):
        super().__init__()
        self.left, self.right, self.gap = left, right, gap

    def wrap(self, aw, ah):
        self.width = aw
        rw, rh = self.right.wrap(aw, ah)
        self.rw, self.rh = rw, rh
        tw = aw - rw - self.gap
        self.lh = [p.wrap(tw, 10_000)[1] + getattr(p.style, "spaceAfter", 0) for p in self.left]
        self.tw = tw
        self.height = max(rh, sum(self.lh))
        return aw, self.height

    def split(self, aw, ah):
        """Text taller than a page: the paragraphs flow, the picture or QR code follows them."""
        self.wrap(aw, ah)
        if self.height <= _frame_height(self) or not self.left:
            return []
        first, rest = self.left[0], self.left[1:]
        head = [first] if first.wrap(aw, ah)[1] <= ah else first.split(aw, ah)
        if not head:
            return []
        self.right.hAlign = "RIGHT"
        return [*head, *rest, self.right]

    def draw(self):
        c = self.canv
        y = self.height - (self.height - sum(self.lh)) / 2
        for p, h in zip(self.left, self.lh):
            ph = h - getattr(p.style, "spaceAfter", 0)
            y -= ph
            p.drawOn(c, 0, y)
            y -= h - ph
        self.right.drawOn(c, self.width - self.rw, (self.height - self.rh) / 2)


class Banner(Flowable):
    """A coloured band with the activity title in white."""

    def __init__(self, para: Paragraph, pad=2.2 * mm):
        super().__init__()
        self.para, self.pad = para, pad

    def wrap(self, aw, ah):
        self.width = aw
        _, h = self.para.wrap(aw - 2 * self.pad - 2 * mm, ah)
        self.height = h + 2 * self.pad
        return aw, self.height

    def draw(self):
        c = self.canv
        c.saveState()
        c.setFillColor(S.ACCENT)
        c.roundRect(0, 0, self.width, self.height, 2.5, stroke=0, fill=1)
        c.restoreState()
        self.para.drawOn(c, self.pad + 1 * mm, self.pad)


class NameFields(Flowable):
    """« Nom : …  Prénom : …  Classe : …  Date : … », with optional values written in.

    On one row, or on two (Nom, Prénom / Classe, Date) when the labels are large.
    """

    SHARES = (0.34, 0.30, 0.17, 0.19)
    SHARES_2 = (0.55, 0.45)

    def __init__(self, labels, style, values=(), *, bold="Lato-Bold", rows=1, raised=True, fields=(),
                 colon="\u00a0:"):
        super().__init__()
        self.labels, self.style, self.bold, self.rows, self.raised = labels, style, bold, rows, raised
        self.colon = colon  # after each label: « Nom : » in French, « Surname: » in English
        self.fields = fields  # in the form: a Spot per label
        self.values = tuple(values) + ("",) * (len(labels) - len(values))

    def wrap(self, aw, ah):
        self.row_h = max(8 * mm, self.style.fontSize * 2.2)
        self.width, self.height = aw, self.row_h * self.rows
        return aw, self.height

    def _fields(self):
        """Each field once wrapped: (label text, x, baseline, end of its dotted line, start of the line)."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        size = self.style.fontSize
        per_row = -(-len(self.labels) // self.rows)
        shares = self.SHARES if self.rows == 1 else self.SHARES_2 * self.rows
        x, base = 0.0, 2.2 * mm + self.row_h * (self.rows - 1)
        for i, (label, share) in enumerate(zip(self.labels, shares)):
            if i and i % per_row == 0:
                x, base = 0.0, base - self.row_h
            text = label + self.colon
            end = x + self.width * share - 4 * mm
            yield text, x, base, end, x + stringWidth(text, self.bold, size) + 1.5 * mm
            x += self.width * share

    def draw(self):
        c = self.canv
        size = self.style.fontSize
        for (text, x, base, end, lx), value in zip(self._fields(), self.values):
            c.setFont(self.bold, size)
            c.setFillColor(S.ACCENT)
            c.drawString(x, base, text)
            c.setStrokeColor(S.RULE)
            c.setDash(0.1, 2.2)
            c.setLineCap(1)
            c.setLineWidth(1)
            c.line(lx, base - 1, end, base - 1)
            c.setDash()
            if value:
                c.setFillColor(S.colors.black)
                draw_string(c, lx + 1 * mm, base + 0.6, value, self.style.fontName, size, raised=self.raised)
        for (_, _, base, end, lx), spot in zip(self._fields(), self.fields):
            h = max(spot.size * 1.6, self.row_h * 0.75)
            right = self.width if end + 4 * mm >= self.width - 1 else end + 2.5 * mm  # up to the next label
            F.text(c, spot, spot.name, lx, base - 2.5, right - lx, h, multiline=False)

    def slots(self) -> tuple[tuple[float, float, float, float], ...]:
        """Where draw() writes each value, once wrapped: (x, baseline, room, height above the baseline up to
        the top of its row) from the flowable's origin."""
        top = lambda base: base - 2.2 * mm + self.row_h  # noqa: E731
        return tuple((lx + 1 * mm, base + 0.6, end - lx - 1 * mm, top(base) - base - 0.6)
                     for _, _, base, end, lx in self._fields())
