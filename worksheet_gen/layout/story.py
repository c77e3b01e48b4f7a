"""The story of a fiche: the flowables of the student sheet or of its corrigé.

Both views are built by the same code; ``answers=True`` only fills in what the
flowables draw, never their size, so the two documents stay page-aligned. The form
(``form=True``, a student view) is the student sheet whose flowables also record form
fields where they draw the answer spaces, boxes and name lines.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from reportlab.lib.units import mm
from reportlab.platypus import Image as RLImage, KeepTogether, Spacer
from reportlab.platypus.flowables import Flowable

from .. import pictures, text as T
from ..form import plan
from ..memo import memo
from ..model import Callout, Fiche, FillTable, Image, Media, Question, TextBlock
from . import fields as F
from . import styles as S
from .flowables import (AnswerSpace, Balanced, Banner, Beside, Choices, KeepTogetherOrFlow, NameFields, Paragraph,
                        QRCode)
from .spaces import SPACES
from .table import FillTable as TableBlock, Row

LABELS = {
    "fr": {"name": ("Nom", "Prénom", "Classe", "Date"), "previous": "Activité précédente", "activity": "Activité",
           "next": "Activité suivante", "levels": "Niveaux", "level": "Niveau", "answer_key": "CORRIGÉ",
           "page": "Page {n} / {total}", "several": "Plusieurs réponses possibles.", "free": "Réponse personnelle",
           "more": "(suite)", "item": "réponse", "part": "suite"},
    "en": {"name": ("Surname", "First name", "Class", "Date"), "previous": "Previous activity",
           "activity": "Activity", "next": "Next activity", "levels": "Levels", "level": "Level",
           "answer_key": "ANSWER KEY", "page": "Page {n} / {total}", "several": "Several answers are possible.",
           "free": "Personal answer", "more": "(continued)", "item": "answer", "part": "continued"},
}
NAME_COLON = {"fr": "\u00a0:", "en": ":"}  # after a name field's label, drawn as written
QR_SIZE = 28 * mm
BESIDE_GAP = 6 * mm  # between a caption and its QR code or picture (flowables.Beside)
EXPLAIN_COLUMN = 70 * mm  # the least width left to explanations beside options (more in larger profiles)
ON_ACCENT = "#FFFFFF"  # links in white text on the accent colour (banners, table heads)

Report = Callable[[object, str], None]
_COLUMNS = memo()  # id(fiche) -> (fiche, profile, where its explanations beside options start)
MAX_COLUMNS = 64


class _Story:
    def __init__(self, fiche: Fiche, styles: S.Styles, answers: bool, report: Report, names: tuple,
                 form: bool = False):
        self.f, self.st, self.answers, self.names = fiche, styles, answers, names
        self.entries = plan.by_block(fiche) if form else {}
        self.form = form
        self.p = styles.profile
        self.gap = self.p.gap
        self.lang = fiche.lang
        self.labels = LABELS[self.lang]
        self.colon = T.colon(self.lang)  # after a label: « Activité 1 : », « Activity 1: »
        self._report = report
        self.explain_x: float | None = None  # where explanations beside options start (see _explain_column)

    def m(self, text: str, size: float | None = None, *, width: float | None = None, **kw) -> str:
        """The markup of a source text at a size, for a paragraph ``width`` wide (default: the text's
        width beside question numbers), so that a long address is cut where a reader expects."""
        p = self.p
        size = p.body if size is None else size
        space = p.word_space * size / self.st.space_em if p.word_space else 0.0
        width = p.frame_w - p.indent if width is None else width
        return T.markup(text, lang=self.lang, size=size, sup=p.superscript, space=space, mono=p.small,
                        columns=self.columns(size, width), shrink=self.shrink, **kw)

    @property
    def shrink(self) -> float:
        """The least size an address is set at to stay on one line: adapted profiles never print smaller text."""
        return T.SHRINK if self.p.small < 1 else 1.0

    def columns(self, size: float, width: float) -> int:
        """How many monospace characters a line ``width`` wide holds, at a text size."""
        return int(width / (self.st.mono_em * size * self.p.small))

    def cut(self, texts: list[tuple[str, float, bool]], width: float) -> int:
        """How many addresses and codes of these texts (each with its size, and whether it is one address) a
        line ``width`` wide cannot hold whole (set a little smaller where the profile allows it): each is cut
        in pieces."""
        return sum(len(s.shown) * self.shrink > self.columns(size, width)
                   for text, size, address in texts for s in T.spans(text, address=address)
                   if s.kind not in ("tag", "attr", "entity") and (s.kind != "link" or T.is_address(s.shown)))

    def room(self, lines: int, items: list, *, width: float | None = None, bullets: bool = False,
             indent: float | None = None, explained: bool = False, shown: int = 0) -> tuple[int, frozenset | None]:
        """The ruled lines of an answer space and, for a list, the lines whose bullet the student sees.

        Lines: as the source says, or, in the profiles that grow answer spaces, enough for the
        model answer at full size. Bullets: ``shown`` of them spread over the lines when the source
        gives that number, else one where each expected item starts when the answer fits at full
        size (as many bullets as items, where the corrigé writes them), else one per line. Both
        views count alike, from the answer, so they stay page-aligned.
        """
        if shown:  # as many bullets as the source asks, spread over the lines: they do not tell the answers
            if self.p.grow_answers and items:
                lines = max(lines, AnswerSpace.starts(items, self.p.frame_w if width is None else width, self.p,
                                                      bullets=bullets, indent=indent)[-1])
            return lines, frozenset(i * lines // shown for i in range(shown))
        if not items:
            return lines, None
        starts = AnswerSpace.starts(items, self.p.frame_w if width is None else width, self.p, bullets=bullets,
                                    indent=indent)
        if self.p.grow_answers:
            lines = max(lines, starts[-1])
        listed = len(items) - (1 if explained else 0)  # an explanation after the list gets no bullet
        marks = frozenset(starts[:listed]) if bullets and listed and starts[-1] <= lines else None
        return lines, marks

    def space(self, height: float) -> Spacer:
        """Vertical space, larger in the profiles with larger text."""
        return Spacer(1, height * self.p.scale)

    def spot(self, block, suffix: str = "") -> F.Spot | None:
        """Where the form puts a question's or a table section's answers (None outside the form)."""
        entry = self.entries.get(id(block))
        if entry is None:
            return None
        tooltip = entry.justify_tooltip if suffix == plan.JUSTIFY else entry.tooltip
        return F.Spot(entry.key + suffix, tooltip, size=max(F.MIN_SIZE, self.p.body), more=self.labels["part"],
                      item=self.labels["item"], options=entry.options, radio=entry.kind == "one")

    def reporter(self, pos):
        return lambda message: self._report(pos, message)

    def paras(self, text: str, style, *, flows: bool = False, width: float | None = None) -> list:
        """The paragraphs of a text ``width`` wide; ``flows``: running text, which a page break may cut."""
        units = T.paragraphs(text)
        if self.p.split_sentences:
            units = [s for u in units for s in T.sentences(u)]
        ragged = self.st.body_ragged if style is self.st.body else style
        out = [Paragraph(self.m(u, style.fontSize, width=width), ragged if T.long_verbatim(u) else style)
               for u in units]
        for para in out:
            para.flows = flows
        return out

    def head(self) -> list:
        """The title, where the fiche stands in a sequence, and the name fields: the top of page 1."""
        f, st = self.f, self.st
        title = Balanced(self.m(f.title, st.title.fontSize), st.title)
        title.hAlign = "CENTER"  # set narrower than the page when balanced: centred as a whole
        out = [title]
        if f.previous or f.next:  # where this fiche stands in a sequence of activities, as the seed lists it
            for key, text in (("previous", f.previous), ("activity", f.title), ("next", f.next)):
                if text:
                    out.append(Paragraph(self.m(f"*{self.labels[key]}*{self.colon} {text}"), st.meta, bulletText="•"))
        out.append(self.space(1.5 * mm))
        spots = tuple(F.Spot(name, label, size=max(F.MIN_SIZE, self.p.body))
                      for name, label in zip(plan.NAME_FIELDS, self.labels["name"])) if self.form else ()
        out.append(NameFields(self.labels["name"], st.left, self.names, bold=st.font.bold, rows=self.p.name_rows,
                              raised=self.p.superscript, fields=spots, colon=NAME_COLON[self.lang]))
        return out

    def build(self) -> list:
        f, st = self.f, self.st
        self.explain_x = self._explain_column()
        out = self.head()
        out.append(self.space(3 * mm))
        out += self.paras(f.intro, st.body, flows=True)
        for number, activity in enumerate(f.activities, 1):
            title = activity.title
            if len(f.activities) > 1:
                title = f"{self.labels['activity']} {number}{self.colon} {title}"
            head = [self.space(2.5 * mm),
                    Banner(Balanced(self.m(title, st.banner.fontSize, link_color=ON_ACCENT), st.banner)),
                    self.space(2.5 * mm)] + self.paras(activity.intro, st.body, flows=True)
            body = self.blocks(activity.blocks)
            # The banner and introduction never end a page: they stay with the first block.
            first = _first(body)
            out.append(_keep(head + body[:first], self.p))
            out += body[first:]
        if f.closing:
            head = [self.space(4 * mm), Paragraph(self.m(f.closing.title, st.heading.fontSize), st.heading),
                    self.space(2 * mm)]
            body = self.blocks(f.closing.blocks)
            first = _first(body, 2)
            out.append(_keep(head + body[:first], self.p))
            out += body[first:]
        return out

    def blocks(self, blocks) -> list:
        out, lead = [], None
        for block in blocks:
            start = len(out)
            self.block(block, out)
            if lead is not None and not isinstance(block, FillTable):
                out[lead:] = [_keep(out[lead:], self.p)]  # a text ending with ':' stays with what it introduces
            # A text ending with ':' and a callout (« À vous de jouer ! ») stay with the block after them.
            introduces = isinstance(block, TextBlock) and block.text.rstrip().endswith(":")
            lead = start if introduces or isinstance(block, Callout) else None
        return out

    def block(self, block, out: list) -> None:
        """Append the flowables of one block to out."""
        if isinstance(block, TextBlock):  # a text ending with ':' stays whole with what it introduces
            out += self.paras(block.text, self.st.body, flows=not block.text.rstrip().endswith(":"))
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
        """The caption and the address beside the QR code; under the text when the whole width cuts fewer
        addresses in pieces than the width beside it (a cut address can be neither typed nor copied)."""
        st = self.st
        shown = [(block.caption, st.caption.fontSize, False)]
        if not _mentions(block.caption, block.url):  # printed under the caption, unless the caption says it
            shown.append((block.url, st.url.fontSize, True))
        beside = self.p.frame_w - QR_SIZE - BESIDE_GAP
        under = self.cut(shown, self.p.frame_w) < self.cut(shown, beside)
        width = self.p.frame_w if under else beside
        left = self.paras(block.caption, st.caption, width=width)
        if len(shown) > 1:
            left.append(Paragraph(self.m(block.url, st.url.fontSize, width=width, address=True), st.url))
        code = QRCode(block.url, QR_SIZE)
        if under:
            code.hAlign = "LEFT"
            return KeepTogetherOrFlow([self.space(1 * mm), *left, self.space(1 * mm), code, Spacer(1, self.gap)])
        return KeepTogetherOrFlow([self.space(1 * mm), Beside(left, code), Spacer(1, self.gap)])

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
        parts = [Paragraph(self.m(q.prompt), st.question, bulletText=f"{q.number}.")]
        kind = q.kind
        note = self.labels[kind.note] if q.note is None and kind.note else q.note
        if note:  # on both sheets, in every profile, on a line of its own: how to answer, never read as the answer
            parts.append(Paragraph(self.m(note), st.note))
        parts.append(self.space(1.2 * mm))
        explained = [(self.m(self.explanation(q)), st.explain)] if (q.explain or q.free) else []
        parts += SPACES[kind.layout](self, q, explained, self.reporter(q.answer_pos))
        parts.append(Spacer(1, self.gap))
        return KeepTogetherOrFlow(parts, profile=self.p)

    def answer_items(self, text: str) -> list:
        """A model answer as (markup, style) items: each paragraph, and each item of a list on its own,
        its lines hanging under its text (a page break may fall between two of them)."""
        out = []
        for para in T.paragraphs(text):
            for line in para.split("\n"):
                out.append((self.m(line), self.st.answer_item if line.startswith("• ") else self.st.answer))
        return out

    def more(self, q: Question) -> tuple:
        """What the answer lines of a question continued on the next page carry: its number and « (suite) »."""
        return str(q.number), self.labels["part"], self.st.question.bulletFontName, self.st.question.fontName

    def explanation(self, q: Question) -> str:
        """The corrigé's explanation of a question, as source text: a yes/no or true/false one starts with
        the right answer (« NON : … »), one with no single right answer with « Réponse personnelle »."""
        if q.free:
            return self.remark(True, q.explain)
        lead = q.answer[0] if q.kind.answer == "fixed" and q.answer else ""
        return f"**{lead}**{self.colon} {q.explain}" if lead and q.explain else q.explain

    def remark(self, free: bool, explain: str) -> str:
        """The corrigé's remark with no single right answer (« Réponse personnelle : … »), or the explanation."""
        if not free:
            return explain
        return f"**{self.labels['free']}**" + (f"{self.colon} {explain}" if explain else "")

    def choices(self, q: Question, *, ticked=(), explain=None, report=None, field=None) -> Choices:
        """The options of a closed question, with their ticks and explanation in the corrigé (buttons in the form).
        The explanation of a question with several right options, or with none (« Réponse personnelle »), explains
        no one of them: it goes under them all."""
        return Choices([self.m(o) for o in q.options], q.inline, self.st.option, profile=self.p, ticked=ticked,
                       explain=explain, explain_style=self.st.explain, explain_x=self.explain_x, show=self.answers,
                       report=report, field=field, under=q.kind.answer == "many" or q.free)

    def _explain_column(self) -> float | None:
        """Where explanations beside options start, the same for every question of the document (and in both
        views: found once per fiche and profile in a process)."""
        kept = _COLUMNS.get(id(self.f))
        if kept is not None and kept[0] is self.f and kept[1] == self.p:
            return kept[2]
        if len(_COLUMNS) >= MAX_COLUMNS:
            _COLUMNS.clear()
        found = self._find_explain_column()
        _COLUMNS[id(self.f)] = (self.f, self.p, found)
        return found

    def _find_explain_column(self) -> float | None:
        """Just right of some question's options, where all of them together take the least height."""
        asked = [q for q in self.f.questions() if q.kind.ticked and not q.lines and (q.explain or q.free)]
        if not asked:
            return None
        w = self.p.frame_w
        widest = w - EXPLAIN_COLUMN * self.p.scale
        ends = sorted({self.choices(q).right_end(w) + 6 * mm * self.p.scale for q in asked})
        candidates = [x for x in ends if x <= widest] or [widest]
        laid = [self.choices(q, explain=self.m(self.explanation(q))) for q in asked]

        def height(x: float) -> float:
            for choices in laid:
                choices.explain_x = x
            return sum(choices.wrap(w, 10_000)[1] for choices in laid)

        best = min(candidates, key=lambda x: (round(height(x), 1), x))
        self.explain_x = None
        return best

    def table(self, t: FillTable) -> list:
        st, p = self.st, self.p
        label_w = p.label_col * p.frame_w
        width, indent = (1 - p.label_col) * p.frame_w - 6 - 8, 6 * mm * p.scale  # the cell, less its padding
        rows = []
        for sec in t.sections:
            items = [(self.m(a, width=width - indent), st.answer) for a in sec.answer]
            remark = self.remark(sec.free, sec.explain)
            items += [(self.m(remark, width=width - indent), st.explain)] if remark else []
            lines, marks = self.room(sec.lines, items, width=width, bullets=True, indent=indent, shown=sec.bullets,
                                     explained=bool(remark))
            space = dict(lines=lines, items=items if self.answers else [], profile=p, indent=indent,
                         report=self.reporter(sec.pos), marks=marks, field=self.spot(sec))
            rows.append(Row(self.m(sec.title), self.m(f"{sec.title} {self.labels['more']}"), space))
        title = Paragraph(self.m(t.title, st.table_head.fontSize, link_color=ON_ACCENT), st.table_head)
        return [self.space(1 * mm), TableBlock(title, rows, profile=p, label_style=st.cell, label_w=label_w),
                Spacer(1, self.gap)]


def _mentions(text: str, url: str) -> bool:
    """Whether a text writes out this address (with or without its https://)."""
    bare = url.split("://", 1)[-1].rstrip("/").lower()
    return any(target.split("://", 1)[-1].rstrip("/").lower() == bare for target, _ in T.links(text))


def _first(body: list, count: int = 1) -> int:
    """How many flowables of a body make its first ``count`` (spacing before a table is not one)."""
    seen = 0
    for i, f in enumerate(body):
        seen += not isinstance(f, Spacer)
        if seen == count:
            return i + 1
    return len(body)


def _keep(flowables: list, profile=None) -> KeepTogether:
    """Keep flowables on one page (or flow on, as KeepTogetherOrFlow says)."""
    return KeepTogetherOrFlow(flowables, profile=profile)


def story(fiche: Fiche, *, styles: S.Styles, answers: bool, report: Report, names: tuple = (),
          form: bool = False) -> list:
    """The flowables of the student sheet (answers=False), of the corrigé (answers=True) or of the form
    (form=True: the student sheet with form fields)."""
    return _Story(fiche, styles, answers and not form, report, names, form).build()


class _Mark(Flowable):
    """Draws nothing; remembers where its frame placed it."""

    at = (0.0, 0.0)

    def wrap(self, aw, ah):
        return 0, 0

    def drawOn(self, canvas, x, y, _sW=0):
        self.at = (x, y)


def name_slots(fiche: Fiche, *, styles: S.Styles) -> tuple[tuple[float, float, float, float, float], ...]:
    """Where page 1 of the student sheet has room for each name field's value: (x, baseline, room, size,
    height above the baseline) in points."""
    import io

    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame

    flow = _Story(fiche, styles, False, lambda pos, message: None, ()).head()  # all that comes before them
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
    return tuple((x + dx, y + dy, room, size, above) for dx, dy, room, above in flow[i].slots())
