"""The Pix fiche is the seed, word for word: every sentence of the seed fiche that belongs on the
sheet or its corrigé is printed, and nothing is invented (typos of the seed may be fixed).

tests/data/seed/fiche-pix.txt is the seed as the teachers wrote it: a student sheet and, after
each activity, its corrigé, which restates each question (« Question 3 : … ») before its answer.
"""

from __future__ import annotations

import re

import pytest

from conftest import DATA, squash
from test_sheet import PROFILES, built, pdf  # noqa: F401 — the fixture builds the Pix fiche in every profile

SEED = DATA / "seed" / "fiche-pix.txt"

# Where the sheet differs from the seed's words, and why. Nothing else may differ.
CHANGES = {
    "des tester": "de tester",  # typo
    "PiX": "Pix",  # typo
    "mises en situations ludiques": "mises en situation ludiques",  # typo
    # The corrigé restates question 7 without the « .e » of the student sheet: one question, one wording.
    "amené à faire": "amené.e à faire",
    # The seed answers two OUI/NON questions with « Faux » and restates an option with a capital « À »:
    # the corrigé ticks the box and starts the explanation with the answer itself.
    "Faux : on peut arrêter": "NON : on peut arrêter",
    "Faux : l’utilisateur découvre": "NON : l’utilisateur découvre",
    "□ À valider officiellement": "□ valider officiellement",
    "□ Faux : c’est la toute": "□ c’est la toute",
}
# Lines of the seed that are its structure, not text of the sheet.
STRUCTURE = re.compile(r"^\s*(\[image: \]\s*)?(Corrigé de l’activité\b.*)?$")
# Words the sheet adds of its own: labels, not content.
LABELS = {squash(w) for w in ("Nom", "Prénom", "Classe", "Date", "Page", "CORRIGÉ", "Activité", "suite",
                              "Plusieurs", "réponses", "possibles", "Réponse", "personnelle")}


def seed_text() -> str:
    text = SEED.read_text(encoding="utf-8")
    for old, new in CHANGES.items():
        assert old in text, old  # each change names words the seed really has
        text = text.replace(old, new)
    return text


def seed_pieces() -> list[str]:
    """The seed cut at line ends and sentence ends, without its structure lines and restatement labels."""
    pieces = []
    for line in seed_text().splitlines():
        if STRUCTURE.match(line):
            continue
        line = re.sub(r"^\s*Question \d+ :", "", line.replace("[image: ]", ""))
        pieces += re.split(r"(?<=[.!?])\s+", line)
    return [p for p in pieces if len(squash(p)) >= 3]


def sheet_text(out, profile: str) -> str:
    from conftest import pdftotext

    return pdftotext(pdf(out, "pix", profile)) + pdftotext(pdf(out, "pix", profile, "corrige"))


def test_every_sentence_of_the_seed_is_printed(built):  # noqa: F811
    # The standard sheet (the adapted ones print the same texts: tests/test_profiles.py checks it),
    # read in order: in other profiles a page break inside a table interleaves its repeated heading.
    printed = squash(sheet_text(built, "standard"))
    pieces = seed_pieces()
    assert len(pieces) > 150
    assert [p for p in pieces if squash(p) not in printed] == []


@pytest.mark.parametrize("profile", PROFILES)
def test_no_word_is_invented(built, profile):  # noqa: F811
    seed = {squash(w) for w in re.findall(r"\w+", seed_text())}
    printed = {squash(w) for w in re.findall(r"\w+", sheet_text(built, profile)) if len(w) >= 3}
    assert printed - seed - LABELS == set()


def test_the_seed_copy_is_the_seed_sheet_teachers_wrote():
    text = SEED.read_text(encoding="utf-8")
    assert text.startswith(" · Niveaux : 1re, Tle") and "Partagez-la autour de vous" in text
    assert "prévenir le surveillant ou l’établissement" not in text  # the sentence the old sheet invented
