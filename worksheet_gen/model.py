"""The validated fiche: frozen dataclasses, no I/O, no YAML, no reportlab."""

from __future__ import annotations

from dataclasses import field

from .errors import Pos
from .quickdc import dataclass


@dataclass(frozen=True)
class TextBlock:
    """A paragraph of running text (inline **bold**, *italic*, [links](url))."""

    text: str
    pos: Pos


@dataclass(frozen=True)
class Callout:
    """A highlighted instruction such as « À vous de jouer ! »."""

    text: str
    pos: Pos


@dataclass(frozen=True)
class Media:
    """A video or web page: printed as a QR code and its URL, beside a caption."""

    kind: str  # "video" or "link"
    url: str
    caption: str
    pos: Pos


@dataclass(frozen=True)
class Image:
    """A local picture, resolved inside the sources folder."""

    path: str
    width_mm: float
    caption: str
    pos: Pos


@dataclass(frozen=True)
class Question:
    """A numbered question with its answer space and its answer for the corrigé.

    ``answer`` holds the model text (open), the correct option(s) (closed
    questions) or one text per blank (blanks); ``free`` marks a closed question with no
    single right answer (« Réponse personnelle »: no box ticked). ``note`` is printed after
    the prompt on both sheets; ``inline`` is None when the source leaves the choice to the layout.
    """

    number: int
    type: str
    prompt: str
    lines: int
    ruling: str
    options: tuple[str, ...]
    inline: bool | None
    answer: tuple[str, ...]
    explain: str
    pos: Pos
    answer_pos: Pos
    note: str | None = None  # None: the default (« Plusieurs réponses possibles. » for multi); "": none
    free: bool = False

    @property
    def kind(self):
        """The kind of question (spec.KINDS): its answer's shape, its answer space."""
        from .spec import KINDS

        return KINDS[self.type]


@dataclass(frozen=True)
class TableSection:
    """One row of a fill-in table: a heading and its ruled lines, with bullets where items start.

    ``bullets`` > 0 shows that many bullets on the student sheet, spread over the lines,
    whatever the number of answers; 0 shows one bullet where each expected item starts.
    """

    title: str
    lines: int
    answer: tuple[str, ...]
    pos: Pos
    bullets: int = 0
    explain: str = ""  # written after the items in the corrigé, without a bullet
    free: bool = False  # 'answer: free': no model answer, the corrigé says « Réponse personnelle »


@dataclass(frozen=True)
class FillTable:
    """A table to fill in, one row per section; it may break between rows."""

    title: str
    sections: tuple[TableSection, ...]
    pos: Pos


Block = TextBlock | Callout | Media | Image | Question | FillTable


@dataclass(frozen=True)
class Activity:
    """An activity: banner title, introduction and a sequence of blocks."""

    title: str
    intro: str
    blocks: tuple[Block, ...]
    pos: Pos


@dataclass(frozen=True)
class Closing:
    """The closing section (« Enfin, n'oubliez pas… »)."""

    title: str
    blocks: tuple[Block, ...]
    pos: Pos


@dataclass(frozen=True)
class Fiche:
    """A whole worksheet, ready to lay out."""

    slug: str
    source: str
    title: str
    levels: tuple[str, ...]
    kind: str
    previous: str
    lang: str
    author: str
    subject: str
    intro: str
    activities: tuple[Activity, ...]
    closing: Closing | None
    pos: Pos = field(default=Pos(""))
    profile: str = ""  # the layout profile the source asks for; "" when it names none
    next: str = ""  # the activity that follows in the sequence
    form: bool = False  # also build the fillable form (docs/forms.md)

    def questions(self):
        """Every question of the fiche, in order."""
        for activity in self.activities:
            for block in activity.blocks:
                if isinstance(block, Question):
                    yield block
