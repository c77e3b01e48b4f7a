"""The fonts shipped inside the package: registration with reportlab and glyph coverage.

Coverage is read from one json file per family (``fonts/coverage.json`` for Lato)
so that validating a source does not import reportlab; a test checks each file
against the fonts themselves.
"""

from __future__ import annotations

import bisect
import json
from functools import lru_cache
from pathlib import Path

from .quickdc import dataclass

FONT_DIR = Path(__file__).parent / "fonts"


@dataclass(frozen=True)
class Family:
    """A font family: its faces as reportlab names mapped to files, and its coverage file.

    A family without italic faces draws <i> with its bold faces: emphasis in bold, as
    dyslexia guidance asks (no italics).
    """

    name: str
    faces: tuple[tuple[str, str], ...]  # (reportlab name, file), regular first, then bold[, italic, bold italic]
    coverage: str
    licence: str

    @property
    def regular(self) -> str:
        return self.faces[0][0]

    @property
    def bold(self) -> str:
        """The bold face, or the regular one in a family that has none (the monospace face)."""
        return self.faces[1][0] if len(self.faces) > 1 else self.regular

    @property
    def italic(self) -> str:
        """The face for emphasis and corrigé explanations: italic, or bold when the family has none."""
        return self.faces[2][0] if len(self.faces) > 2 else self.bold

    @property
    def bold_italic(self) -> str:
        return self.faces[3][0] if len(self.faces) > 3 else self.bold


FAMILIES = {
    "Lato": Family("Lato", (("Lato", "Lato-Regular.ttf"), ("Lato-Bold", "Lato-Bold.ttf"),
                            ("Lato-Italic", "Lato-Italic.ttf"), ("Lato-BoldItalic", "Lato-BoldItalic.ttf")),
                   "coverage.json", "OFL.txt"),
    # Lato without italics (large print): the same files under names of their own, so <i> can mean bold here only.
    "Lato-Upright": Family("Lato-Upright", (("Lato-Upright", "Lato-Regular.ttf"),
                                            ("Lato-Upright-Bold", "Lato-Bold.ttf")),
                           "coverage-lato-upright.json", "OFL.txt"),
    "Andika": Family("Andika", (("Andika", "Andika-Regular.ttf"), ("Andika-Bold", "Andika-Bold.ttf")),
                     "coverage-andika.json", "OFL-Andika.txt"),
    # Code and web addresses, in every profile: one face, whose 0/O and 1/l/I a student can tell apart.
    "Mono": Family("Mono", (("WG-Mono", "LiberationMono-Regular.ttf"),), "coverage-mono.json",
                   "OFL-Liberation.txt"),
}
FAMILY = "Lato"
MONO = "Mono"
# Characters that the layout handles itself and never asks the font to draw.
_ALLOWED_SPACE = {"\n", "\t"}


@lru_cache(maxsize=None)
def _ranges(family: str) -> tuple[list[int], list[int]]:
    data = json.loads((FONT_DIR / FAMILIES[family].coverage).read_text())
    starts = [r[0] for r in data["ranges"]]
    ends = [r[1] for r in data["ranges"]]
    return starts, ends


def can_draw(ch: str, family: str = FAMILY) -> bool:
    """Whether every face of the family has a glyph for this character."""
    if ch in _ALLOWED_SPACE:
        return True
    code = ord(ch)
    starts, ends = _ranges(family)
    i = bisect.bisect_right(starts, code) - 1
    return i >= 0 and code <= ends[i]


def missing(text: str, family: str = FAMILY) -> str | None:
    """The first character of text the family cannot draw, if any."""
    return next((ch for ch in text if not can_draw(ch, family)), None)


def cmap_ranges(family: str = FAMILY) -> list[list[int]]:
    """Compute, from the font files, the code point ranges that every face of the family covers."""
    from reportlab.pdfbase.ttfonts import TTFont

    common = None
    for name, file in FAMILIES[family].faces:
        codes = {c for c in TTFont(name, str(FONT_DIR / file)).face.charToGlyph if c >= 0x20}
        common = codes if common is None else common & codes
    ranges: list[list[int]] = []
    for code in sorted(common):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return ranges


def register(family: str = FAMILY) -> str:
    """Register the family with reportlab once; return its name (for <b>/<i> mapping)."""
    return _register(family)  # one cache key per family, however the caller spells the call


@lru_cache(maxsize=None)
def _register(family: str) -> str:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    from .facecache import font

    fam = FAMILIES[family]
    for name, file in dict(fam.faces).items():
        pdfmetrics.registerFont(font(name, FONT_DIR / file))
    # Italics first: when the family has none, its bold face must still read as plain bold.
    addMapping(fam.name, 0, 1, fam.italic)
    addMapping(fam.name, 1, 1, fam.bold_italic)
    addMapping(fam.name, 0, 0, fam.regular)
    addMapping(fam.name, 1, 0, fam.bold)
    return fam.name


if __name__ == "__main__":
    for fam in FAMILIES.values():
        files = [file for _, file in fam.faces]
        (FONT_DIR / fam.coverage).write_text(json.dumps({"fonts": files, "ranges": cmap_ranges(fam.name)}))
