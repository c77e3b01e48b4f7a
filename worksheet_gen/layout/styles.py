"""Page geometry, colours and paragraph styles shared by every view."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from ..fonts import register

PAGE = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 21 * mm
MARGIN_BOTTOM = 17 * mm
FRAME_W = PAGE[0] - 2 * MARGIN_X
FRAME_H = PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM
PITCH = 8 * mm  # distance between ruled answer lines
BODY = 10.5
ACCENT = colors.HexColor("#1F4E79")
ACCENT_LIGHT = colors.HexColor("#DCE6F1")
ANSWER = colors.HexColor("#C0161C")
RULE = colors.HexColor("#8C8C8C")
RULE_LIGHT = colors.HexColor("#C9D3DF")
GREY = colors.HexColor("#555555")


class Styles:
    """The paragraph styles of one document, for one language."""

    def __init__(self, lang: str = "fr"):
        font = register()
        hyph = "fr_FR" if lang == "fr" else "en_GB"
        base = dict(fontName=font, bulletFontName="Lato-Bold", fontSize=BODY, leading=BODY * 1.32, hyphenationLang=hyph,
                    embeddedHyphenation=1, uriWasteReduce=0.3)
        self.lang = lang
        self.body = ParagraphStyle("body", alignment=TA_JUSTIFY, spaceAfter=4, **base)
        self.left = ParagraphStyle("left", alignment=TA_LEFT, **base)
        self.question = ParagraphStyle("question", parent=self.left, leftIndent=7 * mm, firstLineIndent=-7 * mm,
                                       spaceBefore=0)
        self.title = ParagraphStyle("title", parent=self.left, fontName="Lato-Bold", fontSize=19, leading=23,
                                    alignment=TA_CENTER, textColor=ACCENT, hyphenationLang="", spaceAfter=6)
        self.banner = ParagraphStyle("banner", parent=self.left, fontName="Lato-Bold", fontSize=12.5, leading=15,
                                     textColor=colors.white, hyphenationLang="")
        self.heading = ParagraphStyle("heading", parent=self.left, fontName="Lato-Bold", fontSize=13, leading=16,
                                      textColor=ACCENT, hyphenationLang="")
        self.callout = ParagraphStyle("callout", parent=self.left, fontName="Lato-Bold", fontSize=BODY + 0.5,
                                      textColor=ACCENT)
        self.meta = ParagraphStyle("meta", parent=self.left, leftIndent=4 * mm, bulletIndent=0)
        self.small = ParagraphStyle("small", parent=self.left, fontSize=8.5, leading=10.5, textColor=GREY)
        self.caption = ParagraphStyle("caption", parent=self.left)
        self.url = ParagraphStyle("url", parent=self.left, fontSize=9.5, leading=12, textColor=ACCENT,
                                  hyphenationLang="", splitLongWords=1)
        self.option = ParagraphStyle("option", parent=self.left, hyphenationLang="")
        self.cell = ParagraphStyle("cell", parent=self.left, fontName="Lato-Bold", textColor=ACCENT, hyphenationLang="")
        self.table_head = ParagraphStyle("table_head", parent=self.left, fontName="Lato-Bold", fontSize=11.5,
                                         leading=14, textColor=colors.white, alignment=TA_CENTER)
        self.answer = ParagraphStyle("answer", parent=self.left, textColor=ANSWER, fontName="Lato",
                                     fontSize=BODY, leading=PITCH, hyphenationLang="")
        self.explain = ParagraphStyle("explain", parent=self.answer, fontName="Lato-Italic")
