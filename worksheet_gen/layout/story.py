"""The story of a fiche: the flowables of the student sheet or of its corrigé.

Both views are built by the same code; ``answers=True`` only fills in what the
flowables draw, never their size, so the two documents stay page-aligned.
"""

from __future__ import annotations

from typing import Callable

from reportlab.lib.units import mm
from reportlab.platypus import Image as RLImage, KeepTogether, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from .. import text as T
from ..model import Callout, Fiche, FillTable, Image, Media, Question, TextBlock
from . import styles as S
from .flowables import AnswerSpace, Banner, Beside, Choices, NameFields, QRCode

LABELS = {
    "fr": {"name": ("Nom", "Prénom", "Classe", "Date"), "previous": "Activité précédente", "activity": "Activité",
           "levels": "Niveaux", "answer_key": "CORRIGÉ", "page": "Page {n} / {total}"},
    "en": {"name": ("Surname", "First name", "Class", "Date"), "previous": "Previous activity",
           "activity": "Activity", "levels": "Levels", "answer_key": "ANSWER KEY", "page": "Page {n} / {total}"},
}
QR_SIZE = 28 * mm
GAP = 4.5 * mm

Report = Callable[[object, str], None]


class _Story:
    def __init__(self, fiche: Fiche, styles: S.Styles, answers: bool, report: Report, names: tuple):
        self.f, self.st, self.answers, self.names = fiche, styles, answers, names
        self.lang = fiche.lang
        self.labels = LABELS[self.lang]
        self._report = report

    def m(self, text: str, size: float = S.BODY) -> str:
        return T.markup(text, lang=self.lang, size=size)

    def reporter(self, pos):
        return lambda message: self._report(pos, message)

    def paras(self, text: str, style) -> list:
        return [Paragraph(self.m(p, style.fontSize), style) for p in T.paragraphs(text)]

    def build(self) -> list:
        f, st = self.f, self.st
        out = [Paragraph(self.m(f.title, st.title.fontSize), st.title)]
        if f.previous:
            out.append(Paragraph(self.m(f"*{self.labels['previous']}* : {f.previous}"), st.meta, bulletText="•"))
        out.append(Spacer(1, 1.5 * mm))
        out.append(NameFields(self.labels["name"], st.left, self.names))
        out.append(Spacer(1, 3 * mm))
        out += self.paras(f.intro, st.body)
        for number, activity in enumerate(f.activities, 1):
            title = activity.title
            if len(f.activities) > 1:
                title = f"{self.labels['activity']} {number} : {title}"
            head = [Spacer(1, 3 * mm), Banner(Paragraph(self.m(title, st.banner.fontSize), st.banner)),
                    Spacer(1, 3 * mm)] + self.paras(activity.intro, st.body)
            body = self.blocks(activity.blocks)
            # The banner and introduction never end a page: they stay with the first block.
            out.append(_keep(head + body[:1]))
            out += body[1:]
        if f.closing:
            head = [Spacer(1, 5 * mm), Paragraph(self.m(f.closing.title, st.heading.fontSize), st.heading),
                    Spacer(1, 2 * mm)]
            body = self.blocks(f.closing.blocks)
            out.append(_keep(head + body[:2]))
            out += body[2:]
        return out

    def blocks(self, blocks) -> list:
        out = []
        for block in blocks:
            if isinstance(block, TextBlock):
                out += self.paras(block.text, self.st.body)
            elif isinstance(block, Callout):
                out.append(Spacer(1, 1 * mm))
                out += self.paras(block.text, self.st.callout)
                out.append(Spacer(1, 2 * mm))
            elif isinstance(block, Media):
                out.append(self.media(block))
            elif isinstance(block, Image):
                out.append(self.image(block))
            elif isinstance(block, Question):
                out.append(self.question(block))
            elif isinstance(block, FillTable):
                out += self.table(block)
        return out

    def media(self, block: Media) -> list:
        st = self.st
        left = self.paras(block.caption, st.caption)
        left.append(Paragraph(f'<a href={T.quoteattr(block.url)} color="{T.LINK_COLOR}">{T.escape(block.url)}</a>',
                              st.url))
        return KeepTogether([Spacer(1, 1 * mm), Beside(left, QRCode(block.url, QR_SIZE)), Spacer(1, GAP)])

    def image(self, block: Image):
        from reportlab.lib.utils import ImageReader

        w, h = ImageReader(block.path).getSize()
        width = block.width_mm * mm
        img = RLImage(block.path, width=width, height=width * h / w)
        if block.caption:
            return KeepTogether([Beside(self.paras(block.caption, self.st.caption), img), Spacer(1, GAP)])
        img.hAlign = "CENTER"
        return KeepTogether([img, Spacer(1, GAP)])

    def question(self, q: Question):
        st = self.st
        prompt = Paragraph(self.m(q.prompt), st.question, bulletText=f"{q.number}.")
        parts = [prompt, Spacer(1, 1.2 * mm)]
        report = self.reporter(q.answer_pos)
        ans = self.answers
        explain = self.m(q.explain) if (ans and q.explain) else None
        if q.options:
            ticked = [i for i, o in enumerate(q.options) if o in q.answer] if ans else ()
            parts.append(Choices([self.m(o) for o in q.options], q.inline, st.option, ticked=ticked,
                                 explain=explain if not q.lines else None, explain_style=st.explain, report=report))
            if q.lines:
                items = [(explain, st.explain)] if explain else []
                parts.append(AnswerSpace(q.lines, q.ruling, items, report=report))
        else:
            items = []
            if ans:
                if q.type == "blanks":
                    items = [(self.m(a), st.answer) for a in q.answer]
                else:
                    items = [(self.m(p), st.answer) for a in q.answer for p in T.paragraphs(a)]
                if explain:
                    items.append((explain, st.explain))
            parts.append(AnswerSpace(q.lines, q.ruling, items, bullets=q.type == "blanks", report=report))
        parts.append(Spacer(1, GAP))
        return KeepTogether(parts)

    def table(self, t: FillTable) -> list:
        st = self.st
        rows = [[Paragraph(self.m(t.title, st.table_head.fontSize), st.table_head), ""]]
        for sec in t.sections:
            items = [(self.m(a), st.answer) for a in sec.answer] if self.answers else []
            space = AnswerSpace(sec.lines, "lines", items, bullets=True, indent=6 * mm,
                                report=self.reporter(sec.pos))
            rows.append([Paragraph(self.m(sec.title), st.cell), space])
        # Break between rows; inside a row only when one row is taller than a page.
        tall = any(sec.lines * S.PITCH > S.FRAME_H * 0.8 for sec in t.sections)
        table = Table(rows, colWidths=[0.25 * S.FRAME_W, 0.75 * S.FRAME_W], repeatRows=1, splitInRow=int(tall))
        table.setStyle(TableStyle([
            ("SPAN", (0, 0), (1, 0)),
            ("FONTNAME", (0, 0), (-1, -1), "Lato"),  # the default, Helvetica, would not be embedded
            ("BACKGROUND", (0, 0), (1, 0), S.ACCENT),
            ("BACKGROUND", (0, 1), (0, -1), S.ACCENT_LIGHT),
            ("GRID", (0, 0), (-1, -1), 0.6, S.ACCENT),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ]))
        return [Spacer(1, 1 * mm), table, Spacer(1, GAP)]


def _keep(flowables: list) -> KeepTogether:
    """Keep flowables on one page; nested KeepTogethers are flattened (reportlab would break the page)."""
    flat = []
    for f in flowables:
        flat += f._content if isinstance(f, KeepTogether) else [f]
    return KeepTogether(flat)


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
    frame = Frame(S.MARGIN_X, S.MARGIN_BOTTOM, S.FRAME_W, S.FRAME_H,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)  # as in render.render
    canvas = Canvas(io.BytesIO(), pagesize=S.PAGE)
    for flowable in flow[:i + 1] + [mark]:
        frame.add(flowable, canvas)
    x, y = mark.at
    size = flow[i].style.fontSize
    return tuple((x + dx, y + dy, room, size) for dx, dy, room in flow[i].slots())
