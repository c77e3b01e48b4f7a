"""The story of a fiche: the flowables of the student sheet or of its corrigé.

Both views are built by the same code; ``answers=True`` only fills in what the
flowables draw, never their size, so the two documents stay page-aligned.
"""

from __future__ import annotations

import io
from typing import Callable

from reportlab.lib.units import mm
from reportlab.platypus import Image as RLImage, KeepTogether, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from .. import pictures, text as T
from ..model import Callout, Fiche, FillTable, Image, Media, Question, TextBlock
from . import styles as S
from .flowables import (AnswerSpace, Balanced, Banner, Beside, Choices, KeepTogetherOrFlow, NameFields, Paragraph,
                        QRCode)

LABELS = {
    "fr": {"name": ("Nom", "Prénom", "Classe", "Date"), "previous": "Activité précédente", "activity": "Activité",
           "levels": "Niveaux", "answer_key": "CORRIGÉ", "page": "Page {n} / {total}"},
    "en": {"name": ("Surname", "First name", "Class", "Date"), "previous": "Previous activity",
           "activity": "Activity", "levels": "Levels", "answer_key": "ANSWER KEY", "page": "Page {n} / {total}"},
}
QR_SIZE = 28 * mm
ON_ACCENT = "#FFFFFF"  # links in white text on the accent colour (banners, table heads)
GAP = 4.5 * mm

Report = Callable[[object, str], None]


class _Story:
    def __init__(self, fiche: Fiche, styles: S.Styles, answers: bool, report: Report, names: tuple):
        self.f, self.st, self.answers, self.names = fiche, styles, answers, names
        self.p = styles.profile
        self.gap = GAP * self.p.scale
        self.lang = fiche.lang
        self.labels = LABELS[self.lang]
        self._report = report

    def m(self, text: str, size: float | None = None, **kw) -> str:
        p = self.p
        size = p.body if size is None else size
        space = p.word_space * size / self.st.space_em if p.word_space else 0.0
        return T.markup(text, lang=self.lang, size=size, sup=p.superscript, space=space, **kw)

    def room(self, lines: int, items: list, *, width: float | None = None, bullets: bool = False,
             indent: float | None = None, explained: bool = False) -> tuple[int, frozenset | None]:
        """The ruled lines of an answer space and, for a list, the lines whose bullet the student sees.

        Lines: as the source says, or, in the profiles that grow answer spaces, enough for the
        model answer at full size. Bullets: one where each expected item starts when the answer
        fits at full size (as many bullets as items, where the corrigé writes them), else one per
        line. Both views count alike, from the answer, so they stay page-aligned.
        """
        if not items:
            return lines, None
        starts = AnswerSpace.starts(items, self.p.frame_w if width is None else width, self.p, bullets=bullets,
                                    indent=indent)
        if self.p.grow_answers:
            lines = max(lines, starts[-1])
        listed = len(items) - (1 if explained else 0)  # an explanation after the list gets no bullet
        marks = frozenset(starts[:listed]) if bullets and starts[-1] <= lines else None
        return lines, marks

    def space(self, height: float) -> Spacer:
        """Vertical space, larger in the profiles with larger text."""
        return Spacer(1, height * self.p.scale)

    def reporter(self, pos):
        return lambda message: self._report(pos, message)

    def paras(self, text: str, style) -> list:
        units = T.paragraphs(text)
        if self.p.split_sentences:
            units = [s for u in units for s in T.sentences(u)]
        return [Paragraph(self.m(u, style.fontSize), style) for u in units]

    def build(self) -> list:
        f, st = self.f, self.st
        title = Balanced(self.m(f.title, st.title.fontSize), st.title)
        title.hAlign = "CENTER"  # set narrower than the page when balanced: centred as a whole
        out = [title]
        if f.previous:
            out.append(Paragraph(self.m(f"*{self.labels['previous']}* : {f.previous}"), st.meta, bulletText="•"))
        out.append(self.space(1.5 * mm))
        out.append(NameFields(self.labels["name"], st.left, self.names, bold=st.font.bold, rows=self.p.name_rows))
        out.append(self.space(3 * mm))
        out += self.paras(f.intro, st.body)
        for number, activity in enumerate(f.activities, 1):
            title = activity.title
            if len(f.activities) > 1:
                title = f"{self.labels['activity']} {number} : {title}"
            head = [self.space(3 * mm), Banner(Balanced(self.m(title, st.banner.fontSize, link_color=ON_ACCENT), st.banner)),
                    self.space(3 * mm)] + self.paras(activity.intro, st.body)
            body = self.blocks(activity.blocks)
            # The banner and introduction never end a page: they stay with the first block.
            out.append(_keep(head + body[:1]))
            out += body[1:]
        if f.closing:
            head = [self.space(5 * mm), Paragraph(self.m(f.closing.title, st.heading.fontSize), st.heading),
                    self.space(2 * mm)]
            body = self.blocks(f.closing.blocks)
            out.append(_keep(head + body[:2]))
            out += body[2:]
        return out

    def blocks(self, blocks) -> list:
        out, lead = [], None
        for block in blocks:
            start = len(out)
            self.block(block, out)
            if lead is not None and not isinstance(block, FillTable):
                out[lead:] = [_keep(out[lead:])]  # a text ending with ':' stays with what it introduces
            # A text ending with ':' and a callout (« À vous de jouer ! ») stay with the block after them.
            introduces = isinstance(block, TextBlock) and block.text.rstrip().endswith(":")
            lead = start if introduces or isinstance(block, Callout) else None
        return out

    def block(self, block, out: list) -> None:
        """Append the flowables of one block to out."""
        if isinstance(block, TextBlock):
            out += self.paras(block.text, self.st.body)
        elif isinstance(block, Callout):
            # A callout is read at once: its sentences (one per paragraph in dys) stay on one page.
            out.append(_keep([self.space(1 * mm), *self.paras(block.text, self.st.callout), self.space(2 * mm)]))
        elif isinstance(block, Media):
            out.append(self.media(block))
        elif isinstance(block, Image):
            out.append(self.image(block))
        elif isinstance(block, Question):
            out.append(self.question(block))
        elif isinstance(block, FillTable):
            out += self.table(block)

    def media(self, block: Media) -> list:
        st = self.st
        left = self.paras(block.caption, st.caption)
        left.append(Paragraph(f'<a href={T.quoteattr(block.url)} color="{T.LINK_COLOR}">{T.escape(block.url)}</a>',
                              st.url))
        return KeepTogetherOrFlow([self.space(1 * mm), Beside(left, QRCode(block.url, QR_SIZE)), Spacer(1, self.gap)])

    def image(self, block: Image):
        w, h = pictures.load(block.path).size  # decoded once per process, upright
        width = min(block.width_mm * mm * self.p.image_scale, self.p.frame_w)
        # Bytes, not the path: reportlab names a JPEG after its path, which would leak the checkout folder
        img = RLImage(io.BytesIO(pictures.for_print(block.path, width)), width=width, height=width * h / w)
        if block.caption:
            return KeepTogetherOrFlow([Beside(self.paras(block.caption, self.st.caption), img), Spacer(1, self.gap)])
        img.hAlign = "CENTER"
        return KeepTogetherOrFlow([img, Spacer(1, self.gap)])

    def question(self, q: Question):
        st = self.st
        prompt = Paragraph(self.m(q.prompt), st.question, bulletText=f"{q.number}.")
        parts = [prompt, self.space(1.2 * mm)]
        report = self.reporter(q.answer_pos)
        ans = self.answers
        explained = [(self.m(q.explain), st.explain)] if q.explain else []  # measured in both views, drawn in one
        explain = explained[0][0] if (ans and explained) else None
        if q.options:
            ticked = [i for i, o in enumerate(q.options) if o in q.answer] if ans else ()
            parts.append(Choices([self.m(o) for o in q.options], q.inline, st.option, profile=self.p, ticked=ticked,
                                 explain=explain if not q.lines else None, explain_style=st.explain, report=report))
            if q.lines:
                lines, _ = self.room(q.lines, explained)
                parts.append(AnswerSpace(lines, q.ruling, explained if ans else [], profile=self.p, report=report))
        else:
            if q.type == "blanks":
                items = [(self.m(a), st.answer) for a in q.answer]
            else:
                items = [(self.m(p), st.answer) for a in q.answer for p in T.paragraphs(a)]
            items += explained
            blanks = q.type == "blanks"
            lines, marks = self.room(q.lines, items, bullets=blanks, explained=bool(explained))
            parts.append(AnswerSpace(lines, q.ruling, items if ans else [], profile=self.p, bullets=blanks,
                                     report=report, marks=marks))
        parts.append(Spacer(1, self.gap))
        return KeepTogetherOrFlow(parts)

    def table(self, t: FillTable) -> list:
        st, p = self.st, self.p
        rows = [[Paragraph(self.m(t.title, st.table_head.fontSize, link_color=ON_ACCENT), st.table_head), ""]]
        most = int(p.frame_h * 0.8 // p.pitch)  # lines in one row: a table breaks between rows only
        width, indent = (1 - p.label_col) * p.frame_w - 6 - 8, 6 * mm * p.scale  # the cell, less its padding
        tall = False
        for sec in t.sections:
            items = [(self.m(a), st.answer) for a in sec.answer]
            lines, marks = self.room(sec.lines, items, width=width, bullets=True, indent=indent)
            tall |= lines > most
            for first in range(0, lines, most):  # a section taller than a page goes on in a row of its own
                space = AnswerSpace(lines, "lines", items if self.answers else [], profile=p, bullets=True,
                                    indent=indent, report=self.reporter(sec.pos), first=first,
                                    count=min(most, lines - first), marks=marks)
                rows.append([Paragraph(self.m(sec.title), st.cell) if first == 0 else "", space])
        table = Table(rows, colWidths=[p.label_col * p.frame_w, (1 - p.label_col) * p.frame_w], repeatRows=1)
        table.setStyle(TableStyle([
            ("SPAN", (0, 0), (1, 0)),
            ("FONTNAME", (0, 0), (-1, -1), st.font.regular),  # the default, Helvetica, would not be embedded
            ("BACKGROUND", (0, 0), (1, 0), S.ACCENT),
            ("BACKGROUND", (0, 1), (0, -1), S.ACCENT_LIGHT),
            ("GRID", (0, 0), (-1, -1), 0.6, S.ACCENT),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ]))
        if tall:  # a section on several rows: its heading at its start
            table.setStyle(TableStyle([("VALIGN", (0, 1), (0, -1), "TOP")]))
        return [self.space(1 * mm), table, Spacer(1, self.gap)]


def _keep(flowables: list) -> KeepTogether:
    """Keep flowables on one page; nested KeepTogethers are flattened (reportlab would break the page)."""
    flat = []
    for f in flowables:
        flat += f._content if isinstance(f, KeepTogether) else [f]
    return KeepTogetherOrFlow(flat)


def story(fiche: Fiche, *, styles: S.Styles, answers: bool, report: Report, names: tuple = ()) -> list:
    """The flowables of the student sheet (answers=False) or of the corrigé (answers=True)."""
    return _Story(fiche, styles, answers, report, names).build()


class _Mark(Flowable):
    """Draws nothing; remembers where its frame placed it."""

    at = (0.0, 0.0)

    def wrap(self, aw, ah):
        return 0, 0

    def drawOn(self, canvas, x, y, _sW=0):
        self.at = (x, y)


def name_slots(fiche: Fiche, *, styles: S.Styles) -> tuple[tuple[float, float, float, float], ...]:
    """Where page 1 of the student sheet has room for each name field's value: (x, baseline, room, size) in points."""
    import io

    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame

    flow = story(fiche, styles=styles, answers=False, report=lambda pos, message: None)
    i = next(i for i, f in enumerate(flow) if isinstance(f, NameFields))
    mark = _Mark()
    p = styles.profile
    frame = Frame(p.margin_x, p.margin_bottom, p.frame_w, p.frame_h,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)  # as in render.render
    canvas = Canvas(io.BytesIO(), pagesize=p.page)
    for flowable in flow[:i + 1] + [mark]:
        frame.add(flowable, canvas)
    x, y = mark.at
    size = flow[i].style.fontSize
    return tuple((x + dx, y + dy, room, size) for dx, dy, room in flow[i].slots())
