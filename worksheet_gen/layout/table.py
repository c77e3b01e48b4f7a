"""The table to fill in: a heading band, then one row per section, that breaks between two ruled lines."""

from __future__ import annotations

from dataclasses import replace

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from ..quickdc import dataclass
from . import styles as S
from .flowables import AnswerSpace, Paragraph

MIN_PART = 3  # ruled lines a section keeps on each side of a page break: a row is read across, not line by line

PAD_TOP, PAD_BOTTOM, PAD_LEFT, PAD_RIGHT = 4, 5, 6, 8


@dataclass(frozen=True)
class Row:
    """One section: its heading (markup), its ruled lines and what the corrigé writes on them.

    ``first``/``count`` select the lines of one page when the section is broken; ``more`` is
    the heading of a part that goes on from the page before.
    """

    label: str
    more: str
    space: dict  # AnswerSpace keyword arguments (lines, items, marks, profile, indent, report)
    first: int = 0
    count: int = -1

    @property
    def lines(self) -> int:
        return self.space["lines"] - self.first if self.count < 0 else self.count


class FillTable(Flowable):
    """Heading band and sections; the band and the heading of a broken section are repeated after a page break."""

    def __init__(self, title: Paragraph, rows: list[Row], *, profile, label_style, label_w: float):
        super().__init__()
        self.title, self.rows, self.profile = title, list(rows), profile
        self.label_style, self.label_w = label_style, label_w

    def _label(self, row: Row) -> Paragraph:
        return Paragraph(row.label if row.first == 0 else row.more, self.label_style)

    def _space(self, row: Row) -> AnswerSpace:
        return AnswerSpace(ruling="lines", bullets=True, first=row.first, count=row.lines, **row.space)

    def _head(self, aw: float) -> float:
        """The height of the heading band at this width."""
        return self.title.wrap(aw - PAD_LEFT - PAD_RIGHT, 10_000)[1] + PAD_TOP + PAD_BOTTOM

    def _row(self, row: Row) -> float:
        """The height of a row."""
        label = self._label(row).wrap(self.label_w - PAD_LEFT - PAD_RIGHT, 10_000)[1]
        return max(label, row.lines * self.profile.pitch + 1.5 * mm) + PAD_TOP + PAD_BOTTOM

    def wrap(self, aw, ah):
        """The height of the table, its rows measured only until they pass ah: a table of thousands of rows
        costs, on each page it is broken across, the rows of that page (the rest is measured when it is
        drawn, or broken again)."""
        self.width = aw
        self.head_h = self._head(aw)
        self.row_h = []
        self.height = self.head_h
        for row in self.rows:
            if self.height > ah:
                break
            self.row_h.append(self._row(row))
            self.height += self.row_h[-1]
        return aw, self.height

    def split(self, aw, ah):
        """Break after the last whole row, or between two ruled lines of a row; [] when too little fits."""
        self.wrap(aw, ah)
        used = self.head_h
        pitch = self.profile.pitch
        for i, (row, h) in enumerate(zip(self.rows, self.row_h)):
            if used + h <= ah:
                used += h
                continue
            label = self._label(row).wrap(self.label_w - PAD_LEFT - PAD_RIGHT, 10_000)[1]
            fit = int((ah - used - PAD_TOP - PAD_BOTTOM - 1.5 * mm) // pitch)
            if row.lines >= 2 * MIN_PART:
                fit = min(fit, row.lines - MIN_PART)
            if fit >= MIN_PART and fit * pitch + 1.5 * mm >= label and fit < row.lines:
                head = replace(row, count=fit)
                tail = replace(row, first=row.first + fit, count=row.lines - fit)
                return [self._part(self.rows[:i] + [head]), self._part([tail] + self.rows[i + 1:])]
            if i == 0:
                return []
            return [self._part(self.rows[:i]), self._part(self.rows[i:])]
        return []

    def least_height(self, aw) -> float:
        """The height of the heading band with the first lines of the first row (or all of it)."""
        head, row = self._head(aw), self.rows[0]
        if row.lines < 2 * MIN_PART:
            return head + self._row(row)
        label = self._label(row).wrap(self.label_w - PAD_LEFT - PAD_RIGHT, 10_000)[1]
        return head + max(label, MIN_PART * self.profile.pitch + 1.5 * mm) + PAD_TOP + PAD_BOTTOM

    def _part(self, rows: list[Row]) -> FillTable:
        return FillTable(self.title, rows, profile=self.profile, label_style=self.label_style, label_w=self.label_w)

    def draw(self):
        if len(self.row_h) < len(self.rows):  # wrapped in less height than it takes: measured in full
            self.wrap(self.width, float("inf"))
        c = self.canv
        w, top = self.width, self.height
        c.saveState()
        c.setFillColor(S.ACCENT)
        c.rect(0, top - self.head_h, w, self.head_h, stroke=0, fill=1)
        _, th = self.title.wrap(w - PAD_LEFT - PAD_RIGHT, 10_000)
        self.title.drawOn(c, PAD_LEFT, top - PAD_TOP - th)
        y = top - self.head_h
        c.setFillColor(S.ACCENT_LIGHT)
        c.rect(0, 0, self.label_w, y, stroke=0, fill=1)
        c.setStrokeColor(S.ACCENT)
        c.setLineWidth(0.6)
        for row, h in zip(self.rows, self.row_h):
            label = self._label(row)
            _, lh = label.wrap(self.label_w - PAD_LEFT - PAD_RIGHT, 10_000)
            label.drawOn(c, PAD_LEFT, y - h + (h - lh) / 2)
            space = self._space(row)
            sw = w - self.label_w - PAD_LEFT - PAD_RIGHT
            _, sh = space.wrap(sw, 10_000)
            space.drawOn(c, self.label_w + PAD_LEFT, y - h + (h - sh) / 2)
            c.line(0, y, w, y)
            y -= h
        c.rect(0, 0, w, top, stroke=1, fill=0)
        c.line(self.label_w, 0, self.label_w, top - self.head_h)
        c.restoreState()
