"""The fonts shipped inside the package: registration with reportlab and glyph coverage.

Coverage is read from ``fonts/coverage.json`` so that validating a source does not
import reportlab; a test checks that file against the fonts themselves.
"""

from __future__ import annotations

import bisect
import json
from functools import lru_cache
from pathlib import Path

FONT_DIR = Path(__file__).parent / "fonts"
FAMILY = "Lato"
FACES = {
    "Lato": "Lato-Regular.ttf",
    "Lato-Bold": "Lato-Bold.ttf",
    "Lato-Italic": "Lato-Italic.ttf",
    "Lato-BoldItalic": "Lato-BoldItalic.ttf",
}
# Characters that the layout handles itself and never asks the font to draw.
_ALLOWED_SPACE = {"\n", "\t"}


@lru_cache(maxsize=1)
def _ranges() -> tuple[list[int], list[int]]:
    data = json.loads((FONT_DIR / "coverage.json").read_text())
    starts = [r[0] for r in data["ranges"]]
    ends = [r[1] for r in data["ranges"]]
    return starts, ends


def can_draw(ch: str) -> bool:
    """Whether every face of the embedded family has a glyph for this character."""
    if ch in _ALLOWED_SPACE:
        return True
    code = ord(ch)
    starts, ends = _ranges()
    i = bisect.bisect_right(starts, code) - 1
    return i >= 0 and code <= ends[i]


def cmap_ranges() -> list[list[int]]:
    """Compute, from the font files, the code point ranges that every face covers."""
    from reportlab.pdfbase.ttfonts import TTFont

    common = None
    for name, file in FACES.items():
        codes = {c for c in TTFont(name, str(FONT_DIR / file)).face.charToGlyph if c >= 0x20}
        common = codes if common is None else common & codes
    ranges: list[list[int]] = []
    for code in sorted(common):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return ranges


@lru_cache(maxsize=1)
def register() -> str:
    """Register the family with reportlab once; return its regular face name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, file in FACES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    addMapping(FAMILY, 0, 0, "Lato")
    addMapping(FAMILY, 1, 0, "Lato-Bold")
    addMapping(FAMILY, 0, 1, "Lato-Italic")
    addMapping(FAMILY, 1, 1, "Lato-BoldItalic")
    return FAMILY
