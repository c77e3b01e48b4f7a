"""Layout profiles: the standard sheet and its adapted versions (DYS, large print).

A profile is data only (sizes in points, no reportlab), so validation can name the
profiles without importing the layout. docs/profiles.md explains each value.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .quickdc import dataclass

MM = 72.0 / 2.54 * 0.1  # one millimetre in points, computed exactly as reportlab.lib.units.mm
A4 = (210 * MM, 297 * MM)
STANDARD_NAME = "standard"


@dataclass(frozen=True)
class Profile:
    """Every measure of the layout that an adapted version changes; the defaults are the standard sheet's.

    Sizes are in points (MM converts millimetres).
    """

    name: str = STANDARD_NAME
    family: str = "Lato"  # a key of fonts.FAMILIES
    # Text
    body: float = 10.5  # body text size
    leading: float = 1.32  # line spacing, as a ratio of the text size
    justify: bool = True  # body text justified, else left-aligned
    hyphenate: bool = True  # French hyphenation at line ends
    word_space: float = 0.0  # extra space between words, in em
    split_sentences: bool = False  # one sentence (instruction) per paragraph in running text and callouts
    superscript: bool = True  # 1re, Tle with a superscript, else on the line
    title: float = 19
    banner: float = 12.5
    heading: float = 13
    url: float = 10.5  # the address under a QR code caption (in the monospace face, at `small` of it)
    small: float = 0.92  # code and addresses this much smaller than the text
    explain: float = 0.92  # the corrigé's explanations beside options, this much smaller than the text
    table_head: float = 11.5
    header: float = 9  # running header
    footer: float = 8.5  # running footer and page number
    number: float = 10  # bold question numbers and bullets
    number_column: bool = False  # question text in a column after the number, else its first line follows it
    indent: float = 7 * MM  # room for the question number
    # Answer space
    pitch: float = 7.5 * MM  # between ruled answer lines
    seyes: float = 8 * MM  # the side of a Seyès square (four 2 mm lines), as in French exercise books
    answer_lift: float = 1.6  # how far above its ruled line the corrigé writes
    grow_answers: bool = False  # more ruled lines than the source asks when the model answer needs them
    grid: float = 5 * MM  # squares of the 'grid' ruling
    box: float = 3.6 * MM  # checkbox side
    box_drop: float = 1.2  # how far a checkbox's bottom sits under its option's baseline
    row: float = 6.6 * MM  # least height of one option row
    name_rows: int = 1  # the Nom / Prénom / Classe / Date line on 1 or 2 rows
    label_col: float = 0.22  # share of the frame width for the headings column of a table
    image_scale: float = 1.0  # pictures this much wider than the source asks, within the frame
    gap: float = 3 * MM  # between two blocks (questions, pictures, QR codes, tables)
    page_end: float = 0.25  # the most of a page's body left empty before a break, when what follows can be split
    # Page
    page: tuple[float, float] = A4
    margin_x: float = 18 * MM
    margin_top: float = 18 * MM
    margin_bottom: float = 14 * MM
    header_drop: float = 13 * MM  # from the top edge down to the bottom of the running header
    footer_y: float = 8 * MM  # bottom of the running footer
    footer_rule: float = 12 * MM  # height of the rule above the footer

    @property
    def frame_w(self) -> float:
        return self.page[0] - 2 * self.margin_x

    @property
    def frame_h(self) -> float:
        return self.page[1] - self.margin_top - self.margin_bottom

    @property
    def suffix(self) -> str:
        """What output names add for this profile: nothing for the standard one."""
        return "" if self.name == STANDARD_NAME else f"-{self.name}"

    @property
    def scale(self) -> float:
        """Body size relative to the standard sheet's, for the sizes derived from it."""
        return self.body / STANDARD.body


STANDARD = Profile()

# DYS (dyslexia, dyspraxia): see docs/profiles.md for the guidance behind each value.
DYS = replace(
    STANDARD, name="dys", family="Andika",
    body=14, leading=1.5, justify=False, hyphenate=False, word_space=0.27, split_sentences=True, superscript=False,
    small=1.0, explain=1.0,
    title=20, banner=15, heading=16, url=14, table_head=15, header=14, footer=14,
    number=14, number_column=True, indent=10 * MM,
    pitch=10 * MM, seyes=10 * MM, answer_lift=4, grow_answers=True, grid=10 * MM, box=6.5 * MM, box_drop=4.4, row=10 * MM,
    name_rows=2, label_col=0.28, page_end=1 / 3, gap=4 * MM,
    margin_x=17 * MM, margin_top=25 * MM, margin_bottom=22 * MM, header_drop=15.5 * MM, footer_rule=15.5 * MM,
)

# Low vision: the standard layout scaled, body 18 pt on A4.
LARGE = replace(
    STANDARD, name="large", family="Lato-Upright",
    body=18, leading=1.4, justify=False, hyphenate=False, superscript=False, small=1.0, explain=1.0,
    title=26, banner=20, heading=21, url=18, table_head=19, header=18, footer=18,
    number=18, number_column=True, indent=12 * MM,
    pitch=12 * MM, seyes=12 * MM, answer_lift=5, grow_answers=True, grid=10 * MM, box=7 * MM, box_drop=4.2, row=11 * MM,
    name_rows=2, label_col=0.28, image_scale=1.5, page_end=1 / 3, gap=4 * MM,
    margin_x=15 * MM, margin_top=28 * MM, margin_bottom=25 * MM, header_drop=17.5 * MM, footer_rule=17.5 * MM,
)

PROFILES = {p.name: p for p in (STANDARD, DYS, LARGE)}
NAMES = tuple(PROFILES)


def choose(option: str | None, fiche_profile: str = "") -> Profile:
    """The profile to build with: the command-line option, else the fiche's own, else standard."""
    return PROFILES[option or fiche_profile or STANDARD_NAME]


MAX_PLACED = 20  # characters a font lacks looked for in the source, each read from its block to the end at most


def font_problems(fiche, profile: Profile, source: list[str] = ()) -> list:
    """An error for each character of the fiche that the profile's font cannot draw, at its first place in
    ``source`` (the lines of the fiche) from its block on, else at its block."""
    from . import fonts
    from .chars import described
    from .errors import Problem
    from .text import fonts_of

    if profile.family == fonts.FAMILY:
        return []  # the validator has checked every text against the standard font already
    found: dict[str, object] = {}
    for text, pos in _texts(fiche, fiche.pos):
        for ch in fonts_of(text)[0]:  # code and addresses are set in the monospace face, whatever the profile
            if ch not in found and not fonts.can_draw(ch, profile.family):  # the first 20 looked for in the lines
                found[ch] = _place(ch, pos, source if len(found) < MAX_PLACED else ())
    from .i18n import _

    return [Problem(pos, _("the character {char} cannot be printed with the font of the '{profile}' profile "
                           "({font})").format(char=described(ch), profile=profile.name, font=profile.family),
                    _("replace it with plain text, or build with another profile"))
            for ch, pos in found.items()]


def _place(ch: str, pos, source: list[str]):
    """Where ch, in a text of the block at pos, is first written in source: itself or as an escape (\\uf8ff)."""
    from .errors import Pos

    written = re.compile(f"{re.escape(ch)}|\\\\(?i:[xuU]0*{ord(ch):x})(?![0-9a-fA-F])")
    for n in range(pos.line, len(source) + 1):
        m = written.search(source[n - 1], pos.col - 1 if n == pos.line else 0)
        if m:
            return Pos(pos.path, n, m.start() + 1)
    return pos


def _texts(node, pos):
    """Every text of a model object, with the position of the closest object that has one."""
    from dataclasses import fields, is_dataclass

    if isinstance(node, str):
        yield node, pos
    elif isinstance(node, tuple):
        for item in node:
            yield from _texts(item, pos)
    elif is_dataclass(node):
        pos = getattr(node, "pos", pos) or pos
        for f in fields(node):
            if f.name not in ("pos", "answer_pos", "source", "slug", "path"):
                yield from _texts(getattr(node, f.name), pos)
