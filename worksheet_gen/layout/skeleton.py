"""Paragraph markup parsed by the shape of its tags: reportlab's parse of the tags alone, its texts put back.

reportlab's parser turns markup into fragments (a text and the font, size, colour… its tags give it),
one for each run of text between two tags. The fragments of ``Le <b>site</b> ?`` and of
``Un <b>mot</b> !`` differ only by their texts: the tags with marks in place of the runs of text (the
skeleton) are parsed once per style, and each text of that skeleton gets copies of those fragments
with its own runs put back. Markup whose runs the parser could read otherwise (an entity, a ``<``
that opens no tag, a mark character) is left to reportlab, and so is a skeleton whose parse does not
give one fragment per mark.
"""

from __future__ import annotations

import re

from reportlab.platypus import Paragraph, cleanBlockQuotedText

from ..memo import memo

_TAG = re.compile(r"(<[^<>]*>)")
_FIRST_MARK = 0xF0100  # a private-use plane: run n of a skeleton is written chr(_FIRST_MARK + n)
_MARKS = re.compile("[\U000f0100-\U000fffff]")
_SKELETONS = memo()  # (skeleton, bullet, case, style) -> (fragments, the run each one holds) or None
MAX_SKELETONS = 1024


def parse(text: str, style, bullet_text, case_sensitive, style_key) -> tuple | None:
    """(cleaned text, fragments, bullet text) as reportlab's Paragraph(text, style, bullet_text) parses them, or
    None when the skeleton cannot tell; ``style_key`` stands for the style's values (equal values, equal key)."""
    cleaned = cleanBlockQuotedText(text)
    pieces = _TAG.split(cleaned)  # run, tag, run, tag… run
    runs = pieces[0::2]
    if any("&" in run or "<" in run or ">" in run for run in runs) or _MARKS.search(cleaned):
        return None
    kept, shape = [], []
    for i, piece in enumerate(pieces):
        if i % 2:
            shape.append(piece)
        elif piece:
            shape.append(chr(_FIRST_MARK + len(kept)))
            kept.append(piece)
    key = ("".join(shape), bullet_text, case_sensitive, style_key)
    if key not in _SKELETONS:
        if len(_SKELETONS) >= MAX_SKELETONS:
            _SKELETONS.clear()
        _SKELETONS[key] = _template(key[0], style, bullet_text, case_sensitive, len(kept))
    template = _SKELETONS[key]
    if template is None:
        return None
    frags = [f.clone() if run is None else f.clone(text=kept[run]) for f, run in template]
    return cleaned, frags, bullet_text


def _template(skeleton: str, style, bullet_text, case_sensitive, count: int) -> list | None:
    """reportlab's fragments of a skeleton, each with the run its text holds (None: a fragment without one,
    as a line break); None when its parse is not one fragment per mark and nothing else."""
    if cleanBlockQuotedText(skeleton) != skeleton:
        return None
    try:
        parsed = Paragraph(skeleton, style, bullet_text, None, case_sensitive)
    except ValueError:  # bad markup: reportlab's parse of the text itself says where
        return None
    if parsed.style is not style or not isinstance(parsed.bulletText, (str, type(None))):
        return None  # a <para> tag with attributes, or a <bullet> tag
    out, seen = [], []
    for frag in parsed.frags:
        text = getattr(frag, "text", "")
        if len(text) == 1 and _MARKS.match(text):
            seen.append(ord(text) - _FIRST_MARK)
            out.append((frag, seen[-1]))
        elif _MARKS.search(text):
            return None
        else:
            out.append((frag, None))
    return out if seen == list(range(count)) else None
