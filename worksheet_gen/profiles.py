"""Layout profiles: the standard sheet and its adapted versions (DYS, large print).

A profile is data only (sizes in points, no reportlab), so validation can name the
profiles without importing the layout. docs/profiles.md explains each value.
"""

from __future__ import annotations

from dataclasses import dataclass

MM = 72.0 / 2.54 * 0.1  # one millimetre in points, computed exactly as reportlab.lib.units.mm
A4 = (210 * MM, 297 * MM)
STANDARD_NAME = "standard"


@dataclass(frozen=True)
class Profile:
    """Every measure of the layout that an adapted version changes."""

    name: str
    family: str  # a key of fonts.FAMILIES
    body: float  # body text size (pt)
    leading: float  # line spacing as a ratio of the size
    justify: bool  # body text justified (else left-aligned)
    hyphenate: bool  # break words at line ends (French hyphenation)
    word_space: float  # extra space between words, in em of the text size
    split_sentences: bool  # one sentence (instruction) per paragraph in running text and callouts
    superscript: bool  # 1re, Tle with a superscript (else on the line)
    title: float
    banner: float
    heading: float
    url: float
    table_head: float
    header: float  # running header text
    footer: float  # running footer text and page number
    pitch: float  # distance between ruled answer lines; Seyès squares have this side
    grid: float  # side of the squares of the 'grid' ruling
    box: float  # checkbox side
    box_drop: float  # how far a checkbox's bottom sits under its option's baseline
    row: float  # least height of one option row
    indent: float  # room for the question number
    name_rows: int  # the Nom / Prénom / Classe / Date line on 1 or 2 rows
    label_col: float  # share of the frame width for the headings column of a table
    image_scale: float  # pictures printed this much larger than the width the source asks, within the frame
    page: tuple[float, float] = A4
    margin_x: float = 18 * MM
    margin_top: float = 21 * MM
    margin_bottom: float = 17 * MM
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
        """Body size relative to the standard sheet's, for sizes derived from it."""
        return self.body / STANDARD.body


STANDARD = Profile(
    name=STANDARD_NAME, family="Lato", body=10.5, leading=1.32, justify=True, hyphenate=True, word_space=0.0,
    split_sentences=False, superscript=True, title=19, banner=12.5, heading=13, url=9.5, table_head=11.5,
    header=9, footer=8.5, pitch=8 * MM, grid=5 * MM, box=3.6 * MM, box_drop=1.2, row=6.6 * MM, indent=7 * MM,
    name_rows=1, label_col=0.25, image_scale=1.0,
)

# DYS (dyslexia, dyspraxia): British Dyslexia Association Style Guide, Eduscol / « Cartable fantastique ».
DYS = Profile(
    name="dys", family="Andika", body=14, leading=1.5, justify=False, hyphenate=False, word_space=0.16,
    split_sentences=True, superscript=False, title=20, banner=15, heading=16, url=14, table_head=15,
    header=14, footer=14, pitch=10 * MM, grid=10 * MM, box=6.5 * MM, box_drop=4.4, row=10 * MM, indent=10 * MM,
    name_rows=2, label_col=0.32, image_scale=1.0,
    margin_x=17 * MM, margin_top=25 * MM, margin_bottom=22 * MM, header_drop=15.5 * MM, footer_y=8 * MM,
    footer_rule=15.5 * MM,
)

# Low vision: RNIB Clear print guidelines, APH Guidelines for large print.
LARGE = Profile(
    name="large", family="Lato", body=18, leading=1.4, justify=False, hyphenate=False, word_space=0.0,
    split_sentences=False, superscript=False, title=26, banner=20, heading=21, url=18, table_head=19,
    header=18, footer=18, pitch=12 * MM, grid=10 * MM, box=7 * MM, box_drop=4.2, row=11 * MM, indent=12 * MM,
    name_rows=2, label_col=0.34, image_scale=1.5,
    margin_x=15 * MM, margin_top=28 * MM, margin_bottom=25 * MM, header_drop=17.5 * MM, footer_y=8 * MM,
    footer_rule=17.5 * MM,
)

PROFILES = {p.name: p for p in (STANDARD, DYS, LARGE)}
NAMES = tuple(PROFILES)


def get(name: str) -> Profile:
    """The profile of that name (names are checked by the caller: click.Choice, the validator)."""
    return PROFILES[name]


def choose(option: str | None, fiche_profile: str = "") -> Profile:
    """The profile to build with: the command-line option, else the fiche's own, else standard."""
    return PROFILES[option or fiche_profile or STANDARD_NAME]
