"""What the fillable form of a fiche holds: each answer's field names and tooltip, the columns
collected from it, and the fingerprint of its questions. Pure: no reportlab, no pypdf.

Field names come from the place of a question (docs/forms.md): ``a2_q3`` is question 3 of
activity 2, ``fin_q1`` question 1 of the closing section, ``a3_t1_s2`` section 2 of the
first table of activity 3. From that base:

- an open question is one text field, ``a1_q3``; a closed question with lines to justify also
  has ``a1_q8_justif``;
- a single choice (OUI/NON, Vrai/Faux, choice) is one radio group, ``a1_q8``, whose buttons
  have the on-states ``0``, ``1``… (the option's position) and whose ``/Opt`` lists the option
  texts (the export values);
- a multiple choice is one check box per option, ``a2_q6_o1``, ``a2_q6_o2``… (on-state ``0``,
  ``/Opt`` the option's text);
- a list to fill (``blanks``, table section) is one text field per blank, ``a1_q5_i1``,
  ``a3_t1_s2_i1``…;
- a text field broken by a page break goes on in a field named after the ruled line it
  starts on: ``a2_q7_l9`` (``a3_t1_s2_i4_l2``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import field

from .. import text as T
from ..model import Fiche, FillTable, Question
from ..quickdc import dataclass

NAME_FIELDS = ("nom", "prenom", "classe", "date")
FINGERPRINT = "worksheet_gen"  # the hidden field holding « <slug> <fingerprint> »
JUSTIFY = "_justif"
LABELS = {
    "fr": {"file": "Fichier", "mark": "Note", "total": "Total", "closing": "Fin", "answer": "réponse",
           "more": "suite", "table": "T", "justify": "Justification — question {n}"},
    "en": {"file": "File", "mark": "Mark", "total": "Total", "closing": "End", "answer": "answer",
           "more": "continued", "table": "T", "justify": "Justification — question {n}"},
}
LABEL_TEXT = 60  # characters of a question shown in its column heading


@dataclass(frozen=True)
class Entry:
    """One question or table section of the form: its fields' base name and what is collected from it.

    ``kind``: text (one text field), blanks (one per blank), one (a radio group), many (check
    boxes). ``answer`` holds the corrigé's options when the question is scored: a closed
    question with a right answer.
    """

    key: str
    short: str  # « A1 Q3 », « A3 T1 »: the place, in a column heading
    label: str  # the place and the beginning of the text
    kind: str
    tooltip: str
    options: tuple[str, ...] = ()
    answer: tuple[str, ...] = ()
    justify: bool = False
    justify_tooltip: str = ""  # « Justification — question 2 »: the lines to justify are a field of their own
    block: object = field(default=None, compare=False, repr=False)

    @property
    def scored(self) -> bool:
        return bool(self.answer)


def entries(fiche: Fiche) -> list[Entry]:
    """The entries of a fiche's form, in reading order."""
    labels = LABELS[fiche.lang]
    out = []
    parts = [(f"a{n}", f"A{n}", a.blocks) for n, a in enumerate(fiche.activities, 1)]
    if fiche.closing:
        parts.append(("fin", labels["closing"], fiche.closing.blocks))
    for prefix, shown, blocks in parts:
        tables = 0
        for block in blocks:
            if isinstance(block, Question):
                out.append(_question(fiche, block, f"{prefix}_q{block.number}", f"{shown} Q{block.number}"))
            elif isinstance(block, FillTable):
                tables += 1
                title = T.plain(block.title, lang=fiche.lang)
                for s, sec in enumerate(block.sections, 1):
                    heading = T.plain(sec.title, lang=fiche.lang)
                    short = f"{shown} {labels['table']}{tables}"
                    out.append(Entry(f"{prefix}_t{tables}_s{s}", short, _label(short, heading), "blanks",
                                     f"{title} — {heading}", block=sec))
    return out


def _question(fiche: Fiche, q: Question, key: str, shown: str) -> Entry:
    prompt = T.plain(q.prompt, lang=fiche.lang)
    ticked = q.kind.ticked
    options = tuple(T.plain(o, lang=fiche.lang) for o in q.options)
    # The right options as the form shows them (’, « »): a ticked option is compared with these.
    answer = tuple(options[q.options.index(a)] for a in q.answer) if ticked and not q.free else ()
    justify = ticked and q.lines > 0
    return Entry(key, shown, _label(shown, prompt), q.kind.form, prompt, options, answer, justify=justify, block=q,
                 justify_tooltip=LABELS[fiche.lang]["justify"].format(n=q.number) if justify else "")


def _label(shown: str, text: str) -> str:
    text = " ".join(text.split())
    return f"{shown} {text if len(text) <= LABEL_TEXT else text[:LABEL_TEXT - 1].rstrip() + '…'}"


def by_block(fiche: Fiche) -> dict[int, Entry]:
    """The entry of each question and table section, by the identity of its model object."""
    return {id(e.block): e for e in entries(fiche)}


def fingerprint(fiche: Fiche) -> str:
    """The value of the hidden field: the slug and a hash of what the form asks (never of the answers).

    A form whose fingerprint differs was made from another fiche or from another version of
    its questions, options or table sections.
    """
    asked = [[e.key, e.kind, e.tooltip, list(e.options), e.justify] for e in entries(fiche)]
    digest = hashlib.sha256(json.dumps(asked, ensure_ascii=False).encode()).hexdigest()[:16]
    return f"{fiche.slug} {digest}"


def part(name: str, line: int, first: int) -> str:
    """The field name of a part of a text field that starts on ruled line ``line`` (from 0) of a
    space whose field starts on line ``first``: the name itself, or name_l<n> for a part after a page break."""
    return name if line == first else f"{name}_l{line + 1}"
