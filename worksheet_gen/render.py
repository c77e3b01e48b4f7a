"""Story to PDF bytes: the only code that builds a reportlab document. Pure: no paths."""

from __future__ import annotations

import io
from collections.abc import Callable
from copy import deepcopy

from . import quickimport  # noqa: F401  (first: reportlab.platypus imported quickly)
from . import deflate  # noqa: F401,I001  (streams the two sheets share compressed once)
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from . import __version__, memo
from . import text as T
from .i18n import _
from .layout import styles as S
from .layout.flowables import Paragraph, natural_width
from .layout.story import LABELS, story
from .errors import Problem
from .model import Fiche
from .profiles import STANDARD, Profile
from .quickdc import dataclass

MAX_PAGES = 100  # pages of one PDF of a fiche (a worksheet is a few): past it the rendering stops at once
PRINTABLE = 5 * mm  # most office printers leave this much of each edge blank
RULE_DROP = 1.8 * mm  # the running header's rule, under its baseline's paragraph
KEY_GAP = 5 * mm  # at least, between the corrigé's centred label and either side of the running header
FIXED_DATE = 946684800  # 2000-01-01: reportlab's invariant date, used when SOURCE_DATE_EPOCH is unset


class TooLong(Exception):
    """Raised when a PDF of a fiche passes MAX_PAGES pages: the rendering stops there."""


def too_long(fiche: Fiche) -> Problem:
    """The error of a fiche whose PDF would pass MAX_PAGES pages."""
    return Problem(fiche.pos, _("this fiche would print more than {limit} pages, at most {limit}").format(
        limit=MAX_PAGES), _("split it into several fiches, or give fewer lines to its questions"))


_ATOMS = (int, float, str, bool, type(None))


class BodyFrame(Frame):
    """reportlab's Frame, deep-copied faster: keeping flowables together copies the frame before each
    trial layout (reportlab's KeepTogether), and Python's deepcopy visits each of its numbers in turn."""

    def __deepcopy__(self, memo):
        new = self.__class__.__new__(self.__class__)
        memo[id(self)] = new
        new.__dict__.update({key: value if type(value) in _ATOMS else deepcopy(value, memo)
                             for key, value in self.__dict__.items()})
        return new


def _canvas_class(draw_page: Callable):
    """A canvas that holds its pages until the page count is known, for « Page n / N »."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("pdfVersion", (1, 7))  # the version of /PrintScaling and /Duplex, which it declares
            super().__init__(*args, **kwargs)
            self._held = []

        def showPage(self):
            self._held.append(dict(self.__dict__))
            if len(self._held) > MAX_PAGES:  # before another page is laid out
                raise TooLong()
            self._startPage()

        def save(self):
            total = len(self._held)
            for state in self._held:
                state.pop("_annotationCount", None)  # counts the whole document: form fields are added here
                self.__dict__.update(state)
                draw_page(self, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def render(fiche: Fiche, *, answers: bool, report: Callable[[object, str], None] = lambda pos, msg: None,
           names: tuple = (), profile: Profile = STANDARD, form: bool = False) -> bytes:
    """Render the student sheet (answers=False) or the corrigé (answers=True) as PDF bytes, in a layout profile;
    ``form``: the student sheet with form fields (docs/forms.md)."""
    return render_counted(fiche, answers=answers, report=report, names=names, profile=profile, form=form)[0]


def render_counted(fiche: Fiche, *, answers: bool, report: Callable[[object, str], None] = lambda pos, msg: None,
                   names: tuple = (), profile: Profile = STANDARD, form: bool = False) -> tuple[bytes, int]:
    """What render() makes, with its page count (a pack plans its pages without reading the PDF back)."""
    memo.serve((fiche.pos.path, fiche.slug))
    styles = S.Styles(fiche.lang, profile)
    p = profile
    labels = LABELS[fiche.lang]
    buf = io.BytesIO()
    title = T.plain(fiche.title, lang=fiche.lang)
    doc = BaseDocTemplate(
        buf, pagesize=p.page, leftMargin=p.margin_x, rightMargin=p.margin_x, topMargin=p.margin_top,
        bottomMargin=p.margin_bottom, title=title + (f" — {labels['answer_key'].capitalize()}" if answers else ""),
        author=fiche.author or "worksheet-gen", subject=fiche.subject or title, creator=f"worksheet-gen {__version__}",
        lang=fiche.lang, invariant=1, pageCompression=1,
        initialFontName=styles.font.regular,  # else every page's preamble names Helvetica, which is never embedded
        printScaling="None",  # /ViewerPreferences: print at true size, so rulings and grids keep their pitch
    )
    frame = BodyFrame(p.margin_x, p.margin_bottom, p.frame_w, p.frame_h,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    header = _header(fiche, styles, labels, answers)
    if form:
        header = _with_fields(header, fiche)
    doc.build(story(fiche, styles=styles, answers=answers, report=report, names=names, form=form),
              canvasmaker=_canvas_class(header))
    if not answers and not form:
        _last_page(doc, fiche, report)
    return buf.getvalue(), doc.page


SPARE_PAGE = 0.25  # a last page this little filled is worth a warning, when it costs a sheet of its own


def _last_page(doc: BaseDocTemplate, fiche: Fiche, report: Callable) -> None:
    """A warning when the student sheet's last page holds little and costs a sheet of paper of its own
    (an odd page count: recto-verso, the last sheet carries it alone)."""
    frame = doc.frame
    used = frame._y1 + frame._height - frame._y  # from the top of the body down to where the story ended
    if doc.page > 1 and doc.page % 2 and used < SPARE_PAGE * frame._height:
        spare = round(used / mm)
        report(fiche.pos, _("the last page of the student sheet holds only {size} mm: about {size} mm less "
                            "(fewer lines, shorter texts) would print each copy on one sheet of paper less").format(
            size=spare))


def _with_fields(draw_page: Callable, fiche: Fiche) -> Callable:
    """A page's header and footer, then the form fields its flowables recorded."""
    from .form.plan import fingerprint
    from .layout.fields import emitter

    emit = emitter(fingerprint(fiche))

    def draw(canv: Canvas, total: int) -> None:
        draw_page(canv, total)
        emit(canv)

    return draw


def _header_parts(fiche: Fiche, styles: S.Styles, labels: dict, answers: bool):
    """The running header's two sides and footer, as one-line markup, with their styles and widths."""
    lang, p, font = fiche.lang, styles.profile, styles.font
    levels = ", ".join(fiche.levels)
    hs, fs = p.header, p.footer
    st = styles.small.clone("hf", fontSize=hs, leading=hs * 11 / 9, textColor=S.GREY)
    st_r = st.clone("hfr", alignment=2)
    st_f = styles.small.clone("ft", fontSize=fs, leading=fs * 20 / 17)
    # Header and footer stay on one line each (larger profiles would push them off the page):
    # a side may take the room the other leaves, then a text too long ends with « … ».
    centre = stringWidth(labels["answer_key"], font.bold, hs + 2) + 14 * mm if answers else 6 * mm
    label = labels["levels" if len(fiche.levels) > 1 else "level"]  # « Niveau : 2de », « Niveaux : 1re, Tle »
    left_text = f"{label}{T.colon(lang)} {levels}" if levels else ""
    head = lambda text: T.markup(text, lang=lang, size=hs, sup=p.superscript)  # noqa: E731
    nl, nr = (natural_width(Paragraph(head(t), st)) if t else 0 for t in (left_text, fiche.kind))
    avail = p.frame_w - centre  # the two sides share what the centre (« CORRIGÉ ») leaves
    half = (p.frame_w - stringWidth(labels["answer_key"], font.bold, hs + 2)) / 2 - KEY_GAP
    if answers and max(nl, nr) > half:  # the label is centred: each side has its half, a longer one is cut
        lw = rw = half
    elif nl + nr <= avail:
        lw, rw = avail - nr, avail - nl
    elif min(nl, nr) <= avail / 2:  # the shorter whole, the longer ends with « … »
        lw = nl + 1 if nl <= nr else avail - nr - 1
        rw = avail - lw
    else:
        lw = rw = avail / 2
    left = _one_line(left_text, head, st, lw) if levels else ""
    right = _one_line(fiche.kind, head, st, rw)
    footer = _one_line(fiche.title, lambda text: T.markup(text, lang=lang, size=fs, sup=p.superscript), st_f,
                       p.frame_w * 0.75)
    return (left, st, lw), (right, st_r, rw), (footer, st_f)


@dataclass(frozen=True)
class HeaderRoom:
    """Where a pack may write on a student page without touching the sheet, in points: the free middle
    of the running header, and the strip between the header's rule and the body."""

    left: float  # the free middle, from the end of the levels…
    right: float  # … to the start of the kind
    baseline: float  # the header's
    size: float  # the header's font size
    above: float  # from the baseline up to where most printers stop printing
    strip: tuple[float, float]  # bottom and top of the strip under the rule, a millimetre off each


def header_room(fiche: Fiche, profile: Profile = STANDARD) -> HeaderRoom:
    """The room a student page's running header leaves (see HeaderRoom)."""
    styles = S.Styles(fiche.lang, profile)
    (left, st, lw), (right, _, rw), _ = _header_parts(fiche, styles, LABELS[fiche.lang], answers=False)
    nl, nr = (min(natural_width(Paragraph(m, st)), w) if m else 0.0 for m, w in ((left, lw), (right, rw)))
    p = profile
    top = p.page[1] - p.header_drop
    baseline = top + st.leading - st.fontSize  # where Paragraph sets a first line (paraFontSizeHeightOffset)
    return HeaderRoom(p.margin_x + nl, p.page[0] - p.margin_x - nr, baseline, st.fontSize,
                      p.page[1] - PRINTABLE - baseline,
                      (p.page[1] - p.margin_top + 1 * mm, top - RULE_DROP - 1 * mm))


def _header(fiche: Fiche, styles: S.Styles, labels: dict, answers: bool) -> Callable:
    p, font = styles.profile, styles.font
    hs, fs = p.header, p.footer
    (left, st, lw), (right, st_r, rw), (footer, st_f) = _header_parts(fiche, styles, labels, answers)
    w, h = p.page
    top = h - p.header_drop
    margin = p.margin_x
    sides = [(Paragraph(markup, style), x, width)  # made once, drawn on every page
             for markup, style, x, width in ((left, st, margin, lw), (right, st_r, w - margin - rw, rw)) if markup]
    fp = Paragraph(footer, st_f)

    def draw(canv: Canvas, total: int) -> None:
        canv.saveState()
        for para, x, width in sides:
            para.wrap(width, 30)
            para.drawOn(canv, x, top)
        canv.setStrokeColor(S.ACCENT)
        canv.setLineWidth(0.6)
        canv.line(margin, top - RULE_DROP, w - margin, top - RULE_DROP)
        if answers:
            canv.setFillColor(S.ANSWER)
            canv.setFont(font.bold, hs + 2)
            canv.drawCentredString(w / 2, top + hs * 2 / 9, labels["answer_key"])  # on the header's baseline
        canv.setStrokeColor(S.RULE_LIGHT)
        canv.line(margin, p.footer_rule, w - margin, p.footer_rule)
        fp.wrap(p.frame_w * 0.75, 20 * p.scale)
        fp.drawOn(canv, margin, p.footer_y)
        canv.setFillColor(S.GREY)
        canv.setFont(font.regular, fs)
        page = labels["page"].format(n=canv.getPageNumber(), total=total)
        canv.drawRightString(w - margin, p.footer_y + fs * 3 / 17, page)  # on the footer paragraph's baseline
        canv.restoreState()

    return draw


def _one_line(text: str, make: Callable[[str], str], style, width: float) -> str:
    """The markup of text on one line of that width: cut after a word, with « … », when it is longer."""
    words = text.split()
    markup = make(text)
    for n in range(len(words) - 1, 0, -1):
        if natural_width(Paragraph(markup, style)) <= width:
            break
        markup = make(" ".join(words[:n]).rstrip(",;:—– ") + "…")
    return markup
