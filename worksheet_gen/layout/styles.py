"""Colours and the paragraph styles of one document, built from a layout profile."""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from ..fonts import FAMILIES, MONO, register
from ..profiles import STANDARD, Profile

ACCENT = colors.HexColor("#1F4E79")
ACCENT_LIGHT = colors.HexColor("#DCE6F1")
ANSWER = colors.HexColor("#C0161C")
RULE = colors.HexColor("#8C8C8C")
RULE_LIGHT = colors.HexColor("#C9D3DF")
GREY = colors.HexColor("#555555")


@lru_cache(maxsize=None)
def hyphenator(lang: str):
    """Where a word may break at a line end, as reportlab asks it: word -> (head, tail) pairs.

    pyphen's, except in compound words (« savoir-faire », « copier-coller »), which French
    typography breaks only at their own hyphen. They are not broken at all: reportlab's
    embeddedHyphenation, which would break them there, loses the hyphen when the rest of a
    paragraph is broken again on the next page (« copiercol-ler »).
    """
    from ..hyphens import Words

    words = Words(lang)

    def pairs(word: str):
        return () if "-" in word else words.pairs(word)

    return pairs


class Styles:
    """The paragraph styles of one document, for one language and one layout profile.

    ``profile`` carries every measure (sizes, answer line pitch, checkbox size…);
    ``font`` is the profile's font family (faces: regular, bold, italic).
    """

    def __init__(self, lang: str = "fr", profile: Profile = STANDARD):
        p = self.profile = profile
        register(p.family)
        register(MONO)  # code and addresses
        font = self.font = FAMILIES[p.family]
        hyph = hyphenator("fr_FR" if lang == "fr" else "en_GB") if p.hyphenate else ""
        body = p.body
        base = dict(fontName=font.regular, bulletFontName=font.bold, bulletFontSize=p.number, fontSize=body,
                    leading=body * p.leading,
                    hyphenationLang=hyph, embeddedHyphenation=0,
                    uriWasteReduce=0)  # an address is cut only when longer than a line: students copy it
        self.lang = lang
        self.body = ParagraphStyle("body", alignment=TA_JUSTIFY if p.justify else TA_LEFT, spaceAfter=4 * p.scale,
                                   **base)
        self.left = ParagraphStyle("left", alignment=TA_LEFT, **base)
        # Running text around a long address: justified, the line before it would be stretched wide.
        self.body_ragged = ParagraphStyle("body_ragged", parent=self.body, alignment=TA_LEFT)
        self.question = ParagraphStyle("question", parent=self.left, leftIndent=p.indent,
                                       firstLineIndent=0 if p.number_column else -p.indent,
                                       spaceBefore=0)
        self.note = ParagraphStyle("note", parent=self.left, leftIndent=p.indent, fontName=font.italic)
        self.title = ParagraphStyle("title", parent=self.left, fontName=font.bold, fontSize=p.title,
                                    leading=p.title * 23 / 19, alignment=TA_CENTER, textColor=ACCENT,
                                    hyphenationLang="", spaceAfter=4)
        self.banner = ParagraphStyle("banner", parent=self.left, fontName=font.bold, fontSize=p.banner,
                                     leading=p.banner * 1.2, textColor=colors.white, hyphenationLang="")
        self.heading = ParagraphStyle("heading", parent=self.left, fontName=font.bold, fontSize=p.heading,
                                      leading=p.heading * 16 / 13, textColor=ACCENT, hyphenationLang="")
        self.callout = ParagraphStyle("callout", parent=self.left, fontName=font.bold, fontSize=body + 0.5,
                                      textColor=ACCENT)
        self.meta = ParagraphStyle("meta", parent=self.left, leftIndent=4 * mm * p.scale, bulletIndent=0)
        self.small = ParagraphStyle("small", parent=self.left, fontSize=p.footer, leading=p.footer * 21 / 17,
                                    textColor=GREY)
        self.caption = ParagraphStyle("caption", parent=self.left)
        self.url = ParagraphStyle("url", parent=self.left, fontSize=p.url, leading=p.url * 24 / 19, textColor=ACCENT,
                                  hyphenationLang="", splitLongWords=1)
        self.option = ParagraphStyle("option", parent=self.left, hyphenationLang="")
        self.cell = ParagraphStyle("cell", parent=self.left, fontName=font.bold, textColor=ACCENT,
                                   hyphenationLang="")
        self.table_head = ParagraphStyle("table_head", parent=self.left, fontName=font.bold, fontSize=p.table_head,
                                         leading=p.table_head * 28 / 23, textColor=colors.white, alignment=TA_CENTER)
        # An answer is cut at any line by the ruled lines of its space (and a page break): no orphan control.
        self.answer = ParagraphStyle("answer", parent=self.left, textColor=ANSWER, fontName=font.regular,
                                     fontSize=body, leading=p.pitch, hyphenationLang="", allowOrphans=1,
                                     allowWidows=1)
        self.explain = ParagraphStyle("explain", parent=self.answer, fontName=font.italic)
        bullet = stringWidth("• ", font.regular, body)
        self.answer_item = ParagraphStyle("answer_item", parent=self.answer, leftIndent=bullet, firstLineIndent=-bullet)
        self.space_em = stringWidth("\u00a0", font.regular, 1)  # width of a no-break space, in em
        self.mono_em = stringWidth("0", FAMILIES[MONO].regular, 1)  # width of every monospace character, in em
