"""Story to PDF bytes: the only code that builds a reportlab document. Pure: no paths."""

from __future__ import annotations

import io
from typing import Callable

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

from . import __version__
from . import text as T
from .layout import styles as S
from .layout.story import LABELS, story
from .model import Fiche

FIXED_DATE = 946684800  # 2000-01-01: reportlab's invariant date, used when SOURCE_DATE_EPOCH is unset


def _canvas_class(draw_page: Callable):
    """A canvas that holds its pages until the page count is known, for « Page n / N »."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held = []

        def showPage(self):
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held)
            for state in self._held:
                self.__dict__.update(state)
                draw_page(self, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def render(fiche: Fiche, *, answers: bool, report: Callable[[object, str], None] = lambda pos, msg: None,
           names: tuple = ()) -> bytes:
    """Render the student sheet (answers=False) or the corrigé (answers=True) as PDF bytes."""
    styles = S.Styles(fiche.lang)
    labels = LABELS[fiche.lang]
    buf = io.BytesIO()
    title = T.plain(fiche.title, lang=fiche.lang)
    doc = BaseDocTemplate(
        buf, pagesize=S.PAGE, leftMargin=S.MARGIN_X, rightMargin=S.MARGIN_X, topMargin=S.MARGIN_TOP,
        bottomMargin=S.MARGIN_BOTTOM, title=title + (f" — {labels['answer_key'].capitalize()}" if answers else ""),
        author=fiche.author or "worksheet-gen", subject=fiche.subject or title, creator=f"worksheet-gen {__version__}",
        lang=fiche.lang, invariant=1, pageCompression=1,
        initialFontName="Lato",  # else every page's preamble names Helvetica, which is never embedded
    )
    frame = Frame(S.MARGIN_X, S.MARGIN_BOTTOM, S.FRAME_W, S.FRAME_H,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    header = _header(fiche, styles, labels, answers)
    doc.build(story(fiche, styles=styles, answers=answers, report=report, names=names),
              canvasmaker=_canvas_class(header))
    return buf.getvalue()


def _header(fiche: Fiche, styles: S.Styles, labels: dict, answers: bool) -> Callable:
    lang = fiche.lang
    levels = ", ".join(fiche.levels)
    left = T.markup(f"{labels['levels']} : {levels}", lang=lang, size=9) if levels else ""
    right = T.markup(fiche.kind, lang=lang, size=9)
    footer = T.markup(fiche.title, lang=lang, size=8.5)
    st = styles.small.clone("hf", fontSize=9, leading=11, textColor=S.GREY)
    st_r = st.clone("hfr", alignment=2)
    w, h = S.PAGE
    top = h - 13 * mm

    def draw(canv: Canvas, total: int) -> None:
        canv.saveState()
        half = S.FRAME_W * 0.42
        for markup, style, x in ((left, st, S.MARGIN_X), (right, st_r, w - S.MARGIN_X - half)):
            if markup:
                p = Paragraph(markup, style)
                _, ph = p.wrap(half, 30)
                p.drawOn(canv, x, top)
        canv.setStrokeColor(S.ACCENT)
        canv.setLineWidth(0.6)
        canv.line(S.MARGIN_X, top - 1.8 * mm, w - S.MARGIN_X, top - 1.8 * mm)
        if answers:
            canv.setFillColor(S.ANSWER)
            canv.setFont("Lato-Bold", 11)
            canv.drawCentredString(w / 2, top + 0.4 * mm, labels["answer_key"])
        canv.setStrokeColor(S.RULE_LIGHT)
        canv.line(S.MARGIN_X, 12 * mm, w - S.MARGIN_X, 12 * mm)
        fp = Paragraph(footer, styles.small.clone("ft", fontSize=8.5, leading=10))
        fp.wrap(S.FRAME_W * 0.75, 20)
        fp.drawOn(canv, S.MARGIN_X, 8 * mm)
        canv.setFillColor(S.GREY)
        canv.setFont("Lato", 8.5)
        page = labels["page"].format(n=canv.getPageNumber(), total=total)
        canv.drawRightString(w - S.MARGIN_X, 8 * mm + 1.5, page)
        canv.restoreState()

    return draw
