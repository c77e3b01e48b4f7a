"""The source format v1 as data: every key of every object, its type and its help text.

The validator and the published JSON Schema are both derived from this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import QUESTION_TYPES, RULINGS
from .profiles import NAMES as PROFILE_NAMES


@dataclass(frozen=True)
class Field:
    """One key of a source object."""

    kind: str  # text, int, bool, url, path, length, enum, textlist, answer, list, object
    doc: str
    required: bool = False
    choices: tuple = ()
    low: int | None = None
    high: int | None = None
    of: str = ""  # for list/object: the object name
    max_len: int | None = None  # a short text (each item of a list): line breaks become spaces
    max_total: int | None = None  # a list printed on one line: its items joined by ", "


MAX_LINES = 40
MAX_TITLE = 200  # a banner or table heading: two or three printed lines
MAX_HEADER = 60  # the page header and footer: two lines in a small font
MAX_OPTION = 300  # an option with its checkbox: a few lines, never taller than a page
MAX_NOTE = 200  # an instruction after a question
TRUE_WORDS = frozenset({"true", "yes", "on", "oui", "vrai"})  # what a yes/no key accepts, any case
FALSE_WORDS = frozenset({"false", "no", "off", "non", "faux"})


def flag(text) -> bool | None:
    """A yes/no value as written (true, oui, non…), or None when it is neither."""
    word = str(text).strip().lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


FREE_WORDS = frozenset({"free", "libre", "personnelle", "réponse personnelle", "reponse personnelle"})
MAX_WIDTH_CAPTION = 120  # mm: a picture beside its caption leaves the caption 48 mm of the 174 mm line


OBJECTS: dict[str, dict[str, Field]] = {
    "fiche": {
        "title": Field("text", "Title of the fiche, printed large on page 1 and in the footer.", required=True,
                       max_len=150),
        "levels": Field("textlist", "Class levels, e.g. [1re, Tle].", max_total=MAX_HEADER),
        "kind": Field("text", "Kind of resource, printed top right, e.g. « Ressource en autonomie ».",
                      max_len=MAX_HEADER),
        "previous": Field("text", "The previous activity in the sequence, if any (« Activité précédente : … »)."),
        "next": Field("text", "The next activity in the sequence, if any (« Activité suivante : … »)."),
        "lang": Field("enum", "Language of the sheet: labels, typography, hyphenation.", choices=("fr", "en")),
        "author": Field("text", "Author or establishment, stored in the PDF metadata."),
        "subject": Field("text", "Subject, stored in the PDF metadata."),
        "profile": Field("enum", "Layout built by default: standard, dys (DYS-friendly) or large (large print); "
                         "'build --profile' overrides it.", choices=PROFILE_NAMES),
        "form": Field("bool", "true: also build the fillable PDF, <slug>-formulaire.pdf, as 'build --form' does "
                      "(see docs/forms.md)."),
        "intro": Field("text", "Introduction under the title; blank lines separate paragraphs."),
        "activities": Field("list", "The activities, in order.", required=True, of="activity"),
        "closing": Field("object", "The closing section, printed after the last activity.", of="closing"),
    },
    "activity": {
        "title": Field("text", "Title of the activity, printed in a banner.", required=True, max_len=MAX_TITLE),
        "intro": Field("text", "Text under the banner."),
        "content": Field("list", "Blocks of the activity: text, callout, video, link, image, question, table.",
                         required=True, of="block"),
    },
    "closing": {
        "title": Field("text", "Heading of the closing section.", required=True, max_len=MAX_TITLE),
        "content": Field("list", "Blocks of the closing section.", required=True, of="block"),
    },
    "text": {"text": Field("text", "A paragraph of text.", required=True)},
    "callout": {"callout": Field("text", "A highlighted instruction, e.g. « À vous de jouer ! ».", required=True)},
    "video": {
        "video": Field("url", "Address of the video, printed as a QR code and as text.", required=True),
        "caption": Field("text", "Text beside the QR code."),
    },
    "link": {
        "link": Field("url", "Address of a web page, printed as a QR code and as text.", required=True),
        "caption": Field("text", "Text beside the QR code."),
    },
    "image": {
        "image": Field("path", "Picture file (PNG or JPEG), relative to the source file.", required=True),
        "width": Field("length", "Printed width in millimetres (default 40; at most 120 beside a caption).",
                       low=5, high=170),
        "caption": Field("text", "Text beside the picture."),
    },
    "question": {
        "question": Field("text", "The question, as printed.", required=True),
        "type": Field("enum", "Kind of answer (default: open, or choice when options are given).",
                      choices=QUESTION_TYPES),
        "lines": Field("int", "Answer lines (open), blanks (blanks) or lines to justify (closed questions).",
                       low=0, high=MAX_LINES),
        "ruling": Field("enum", "Ruling of the answer space.", choices=RULINGS),
        "options": Field("textlist", "The options of a choice or multi question.", max_len=MAX_OPTION),
        "inline": Field("bool", "true: options on one line; false: stacked (default: on one line when they are "
                        "short and fit)."),
        "answer": Field("answer", "The model answer, the correct option(s), or one text per blank; 'free' for a "
                        "closed question with no single right answer (« Réponse personnelle »)."),
        "explain": Field("text", "An explanation printed only in the corrigé."),
        "note": Field("text", "A short instruction printed after the question on both sheets (a multi question gets "
                      "« Plusieurs réponses possibles. » unless note says otherwise; 'note: false' removes it).",
                      max_len=MAX_NOTE),
    },
    "table": {
        "table": Field("text", "Title of the table to fill in.", required=True, max_len=MAX_TITLE),
        "sections": Field("list", "The rows of the table.", required=True, of="section"),
    },
    "section": {
        "title": Field("text", "Heading of the row.", required=True, max_len=MAX_TITLE),
        "lines": Field("int", "Ruled lines of the row (default: the bullets, else the number of answers, else 3).",
                       low=1, high=MAX_LINES),
        "bullets": Field("int", "Bullets the student sees, spread over the lines (default: one where each expected "
                         "item starts).", low=1, high=MAX_LINES),
        "answer": Field("answer", "What the corrigé writes on the bullets, one item each."),
        "explain": Field("text", "A remark the corrigé writes after the items, without a bullet."),
    },
}

BLOCK_KINDS = ("text", "callout", "video", "link", "image", "question", "table")
