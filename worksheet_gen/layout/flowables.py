"""Small flowables: answer space, choices, QR code, side-by-side block, banner, name fields.

Each one has the same size in the student view and in the corrigé; only what it
draws differs, which keeps the two documents page-aligned.
"""

from __future__ import annotations

import math

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from . import styles as S

BOX = 3.6 * mm
ROW = 6.6 * mm
INDENT = 7 * mm
EXPLAIN_MIN_W = 45 * mm
_SCALES = (1, 2, 3)  # text lines per ruled line when an answer overflows; whole numbers keep text off the rules


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
    space is split.
    """

    def __init__(self, lines, ruling="lines", items=(), *, bullets=False, report=None, indent=INDENT,
                 first=0, count=None):
        super().__init__()
        self.lines, self.ruling, self.items, self.bullets = lines, ruling, tuple(items), bullets
        self.report, self.indent = report, indent
        self.first, self.count = first, lines if count is None else count
        self._fitted = None

    def wrap(self, aw, ah):
        self.width = aw
        self.height = self.count * S.PITCH + 1.5 * mm
        return aw, self.height

    def split(self, aw, ah):
        fit = int((ah - 1.5 * mm) // S.PITCH)
        if fit < 1 or fit >= self.count:
            return []
        kw = dict(bullets=self.bullets, report=self.report, indent=self.indent)
        head = AnswerSpace(self.lines, self.ruling, self.items, first=self.first, count=fit, **kw)
        tail = AnswerSpace(self.lines, self.ruling, self.items, first=self.first + fit, count=self.count - fit, **kw)
        return [head, tail]

    def _fit(self, width):
        """Lay out the items: (lead, [(first text line, paragraph, n lines)])."""
        if self._fitted is None:
            for k in _SCALES:
                lead = S.PITCH / k
                size = min(S.BODY, lead * 0.78)
                placed, line = [], 0
                for markup, style in self.items:
                    st = style.clone("fit", fontSize=size, leading=lead)
                    para = Paragraph(markup, st)
                    _, h = para.wrap(width, 10_000)
                    n = max(1, round(h / lead))
                    placed.append((line, para, n))
                    line += n
                if line <= self.lines * k or k == _SCALES[-1]:
                    break
            if k > 1 and self.report:
                self.report(f"the answer needs more room than the {self.lines} line(s) the student has: "
                            "the corrigé prints it smaller")
            if line > self.lines * k and self.report:
                self.report("the answer does not fit at all in the student's space: shorten it or add lines")
            self._fitted = (lead, placed)
        return self._fitted

    def draw(self):
        c = self.canv
        top = self.count * S.PITCH + 1.5 * mm
        x0, x1 = self.indent, self.width
        self._draw_ruling(c, x0, x1, top)
        if not self.items:
            return
        tw = x1 - x0 - (4 * mm if self.bullets else 1 * mm)
        tx = x0 + (4 * mm if self.bullets else 1 * mm)
        lead, placed = self._fit(tw)
        k = S.PITCH / lead
        lo, hi = self.first * k, (self.first + self.count) * k
        for start, para, n in placed:
            a, b = max(start, lo), min(start + n, hi)
            if a >= b - 1e-6:
                continue
            part = _slice(para, tw, round(a - start), round(b - start), lead)
            if part is None:
                continue
            _, h = part.wrap(tw, 10_000)
            baseline = top - (a - lo + 1) * lead + 1.6
            if k == 1:
                baseline = top - (a - lo + 1) * S.PITCH + 1.6
            part.drawOn(c, tx, baseline + part.style.fontSize - h)
            if self.bullets and a == start:
                tick(c, x0 - 0.5 * mm, baseline - 0.5, min(3.2 * mm, lead * 0.75))

    def _draw_ruling(self, c, x0, x1, top):
        c.saveState()
        n = self.count
        bottom = top - n * S.PITCH
        if self.ruling == "box":
            c.setStrokeColor(S.RULE)
            c.setLineWidth(0.7)
            c.roundRect(x0, bottom + 0.8 * mm, x1 - x0, n * S.PITCH - 0.8 * mm, 4, stroke=1, fill=0)
        elif self.ruling == "grid":
            step = 5 * mm
            c.setStrokeColor(S.RULE_LIGHT)
            c.setLineWidth(0.4)
            rows = int((n * S.PITCH) // step)
            y_bot = top - rows * step
            for i in range(rows + 1):
                c.line(x0, top - i * step, x0 + int((x1 - x0) // step) * step, top - i * step)
            for j in range(int((x1 - x0) // step) + 1):
                c.line(x0 + j * step, top, x0 + j * step, y_bot)
        elif self.ruling == "seyes":
            c.setLineWidth(0.3)
            c.setStrokeColor(S.colors.HexColor("#B8C6E6"))
            for i in range(n):
                base = top - (i + 1) * S.PITCH
                for f in (1, 2, 3):
                    c.line(x0, base + f * 2 * mm, x1, base + f * 2 * mm)
            c.setStrokeColor(S.colors.HexColor("#7E93C9"))
            c.setLineWidth(0.5)
            for i in range(n):
                c.line(x0, top - (i + 1) * S.PITCH, x1, top - (i + 1) * S.PITCH)
            c.setLineWidth(0.3)
            c.setStrokeColor(S.colors.HexColor("#B8C6E6"))
            x = x0
            while x <= x1 + 0.1:
                c.line(x, top - n * S.PITCH, x, top - 2 * mm)
                x += S.PITCH
        else:
            c.setStrokeColor(S.RULE)
            c.setLineWidth(0.5)
            if self.ruling == "dotted":
                c.setLineCap(1)
                c.setDash(0.1, 2.6)
                c.setLineWidth(1.1)
            for i in range(n):
                y = top - (i + 1) * S.PITCH
                c.line(x0, y, x1, y)
        if self.bullets and not self.items:
            c.setFillColor(S.ACCENT)
            for i in range(n):
                c.circle(x0 - 2.2 * mm, top - (i + 1) * S.PITCH + 1.2 * mm, 0.75 * mm, stroke=0, fill=1)
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


class Choices(Flowable):
    """Options with vector checkboxes, stacked or inline; ticks and explanation in the corrigé."""

    def __init__(self, options, inline, style, *, ticked=(), explain=None, explain_style=None, report=None):
        super().__init__()
        self.paras = [Paragraph(o, style) for o in options]
        self.inline, self.ticked = inline, set(ticked)
        self.explain, self.explain_style, self.report = explain, explain_style, report
        self.style = style

    def wrap(self, aw, ah):
        self.width = aw
        gap = BOX + 2.2 * mm
        self.cells = []  # (x, y_top, para, h)
        if self.inline:
            x, y, row_h = INDENT, 0.0, ROW
            for p in self.paras:
                w = min(natural_width(p) + 1, aw - INDENT - gap)
                _, h = p.wrap(w, 10_000)
                if x > INDENT and x + gap + w > aw:
                    x, y = INDENT, y + row_h
                    row_h = ROW
                row_h = max(row_h, h + 4)
                self.cells.append((x, y, p, w))
                x += gap + w + 9 * mm
            self.height = y + row_h
            last_x = x
            self.explain_box = (last_x, 0 if y == 0 else y, aw - last_x, row_h) if y == 0 else None
        else:
            tw = aw - INDENT - gap
            col = min(max(natural_width(p) for p in self.paras) + 2, tw)
            y = 0.0
            for p in self.paras:
                _, h = p.wrap(col, 10_000)
                self.cells.append((INDENT, y, p, col))
                y += max(ROW, h + 4)
            self.height = y
            ex = INDENT + gap + col + 7 * mm
            self.explain_box = (ex, 0, aw - ex, y)
        return aw, self.height

    def draw(self):
        c = self.canv
        top = self.height
        for i, (x, y, p, w) in enumerate(self.cells):
            size = p.style.fontSize
            baseline = top - y - size - 2
            by = baseline - 1.2
            box(c, x, by, BOX)
            if i in self.ticked:
                tick(c, x, by, BOX)
            _, h = p.wrap(w, 10_000)
            p.drawOn(c, x + BOX + 2.2 * mm, baseline + size - h)
        if self.explain:
            self._draw_explain(c, top)

    def _draw_explain(self, c, top):
        ok = False
        if self.explain_box and self.explain_box[2] >= EXPLAIN_MIN_W:
            x, y, w, h = self.explain_box
            for size in (9.5, 9, 8.5, 8, 7.5, 7, 6.5):
                st = self.explain_style.clone("ex", fontSize=size, leading=size * 1.2)
                p = Paragraph(self.explain, st)
                _, ph = p.wrap(w, 10_000)
                if ph <= h - 2:
                    p.drawOn(c, x, top - y - 2 - ph)
                    ok = True
                    break
        if not ok:
            if self.report:
                self.report("the explanation does not fit beside the options: add 'lines: 2' to give it room")
            w = self.width - INDENT
            st = self.explain_style.clone("ex", fontSize=6.5, leading=7.5)
            p = Paragraph(self.explain, st)
            _, ph = p.wrap(w, 10_000)
            p.drawOn(c, INDENT, -ph)


class QRCode(Flowable):
    """A QR code drawn as vector modules, with its 4-module quiet zone."""

    def __init__(self, data: str, size: float):
        super().__init__()
        import segno

        self.qr = segno.make_qr(data, error="m", boost_error=True)
        self.size = size

    def wrap(self, aw, ah):
        return self.size, self.size

    def draw(self):
        c = self.canv
        rows = list(self.qr.matrix_iter(scale=1, border=4))
        n = len(rows)
        m = self.size / n
        c.saveState()
        c.setFillColor(S.colors.black)
        path = c.beginPath()
        for r, row in enumerate(rows):
            y = self.size - (r + 1) * m
            start = None
            for col, dark in enumerate(list(row) + [False]):
                if dark and start is None:
                    start = col
                elif not dark and start is not None:
                    path.rect(start * m, y, (col - start) * m, m)
                    start = None
        c.drawPath(path, stroke=0, fill=1)
        c.restoreState()

    @property
    def module_mm(self) -> float:
        return self.size / (self.qr.symbol_size(scale=1, border=4)[0]) / mm


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
    """« Nom : …  Prénom : …  Classe : …  Date : … », with optional values written in."""

    SHARES = (0.34, 0.30, 0.17, 0.19)

    def __init__(self, labels, style, values=()):
        super().__init__()
        self.labels, self.style = labels, style
        self.values = tuple(values) + ("",) * (len(labels) - len(values))

    def wrap(self, aw, ah):
        self.width, self.height = aw, 9 * mm
        return aw, self.height

    def draw(self):
        c = self.canv
        font, size = "Lato-Bold", self.style.fontSize
        x = 0.0
        base = 2.2 * mm
        for label, share, value in zip(self.labels, self.SHARES, self.values):
            w = self.width * share
            text = f"{label}\u00a0:"
            c.setFont(font, size)
            c.setFillColor(S.ACCENT)
            c.drawString(x, base, text)
            lx = x + c.stringWidth(text, font, size) + 1.5 * mm
            c.setStrokeColor(S.RULE)
            c.setLineWidth(0.5)
            c.setDash(0.1, 2.2)
            c.setLineCap(1)
            c.setLineWidth(1)
            c.line(lx, base - 1, x + w - 4 * mm, base - 1)
            c.setDash()
            if value:
                c.setFont("Lato", size)
                c.setFillColor(S.colors.black)
                c.drawString(lx + 1 * mm, base + 0.6, value)
            x += w

    def slots(self) -> tuple[tuple[float, float, float], ...]:
        """Where draw() writes each value, once wrapped: (x, baseline, room) from the flowable's origin."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        size, x, out = self.style.fontSize, 0.0, []
        for label, share in zip(self.labels, self.SHARES):
            w = self.width * share
            lx = x + stringWidth(f"{label}\u00a0:", "Lato-Bold", size) + 1.5 * mm
            out.append((lx + 1 * mm, 2.2 * mm + 0.6, x + w - 4 * mm - lx - 1 * mm))
            x += w
        return tuple(out)
