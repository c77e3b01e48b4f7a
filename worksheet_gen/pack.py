"""The plan of a class pack: which sheet goes on which pages, with the blank versos of duplex printing.

Pure and quick to import: assemble.py makes the PDF with pypdf.
"""

from __future__ import annotations

from typing import Sequence

from .quickdc import dataclass

COVER, COPY, KEY = "cover", "copy", "key"


@dataclass(frozen=True)
class Sheet:
    """One fiche in one profile as it goes into a pack: its student sheet and its corrigé, as PDF bytes."""

    slug: str
    title: str
    student: bytes
    key: bytes
    profile: str = "standard"
    pages: int = 0  # of the student sheet
    key_pages: int = 0  # of the corrigé

    @property
    def name(self) -> str:
        """The fiche's title, with the profile when it is not the standard one: « Pix (dys) »."""
        return self.title if self.profile == "standard" else f"{self.title} ({self.profile})"


@dataclass(frozen=True)
class Part:
    """A run of pages of the pack: one document, then the blank versos added after it."""

    kind: str  # COVER, COPY or KEY
    fiche: int  # index of the sheet; -1 for the cover
    copy: int  # index of the copy; -1 for the cover and the corrigés
    start: int  # first page, from 0
    pages: int
    blanks: int
    position: int = -1  # which fiche of the pack (0 for the first named), whatever its profile


def plan(student_pages: Sequence[int], key_pages: Sequence[int], copies: Sequence[Sequence[int]],
         keys: Sequence[tuple[int, int]], *, duplex: bool, by_student: bool, cover: bool) -> tuple[Part, ...]:
    """The order of the pack: cover, copies (by student or by fiche), then each corrigé once.

    ``copies[c][f]`` is the sheet that copy c gets for fiche f (sheets differ by profile);
    ``keys`` lists the (sheet, fiche) whose corrigé ends the pack, in order. In duplex every
    part but the last gets a blank verso when its page count is odd, so every copy, fiche and
    corrigé starts on a recto.
    """
    n = len(copies[0]) if copies else 0
    pairs = [(c, f) for c in range(len(copies)) for f in range(n)] if by_student \
        else [(c, f) for f in range(n) for c in range(len(copies))]
    order = [(COPY, copies[c][f], c, student_pages[copies[c][f]], f) for c, f in pairs]
    runs = ([(COVER, -1, -1, 1, -1)] if cover else []) + order + [(KEY, s, -1, key_pages[s], f) for s, f in keys]
    parts, at = [], 0
    for i, (kind, sheet, copy, pages, position) in enumerate(runs):
        blanks = pages % 2 if duplex and i < len(runs) - 1 else 0
        parts.append(Part(kind, sheet, copy, at, pages, blanks, position))
        at += pages + blanks
    return tuple(parts)
