"""The characters of a text that cannot be printed, each with a message a teacher can act on."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from . import fonts
from .errors import quoted
from .i18n import Msg, _

_INVISIBLE = {"Cc", "Cf", "Cs", "Zl", "Zp"}
# Characters Unicode says to draw as nothing although their category is a mark or a letter
# (« default ignorable »): the combining grapheme joiner, fillers, variation selectors.
_IGNORABLE = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0"
                        "\U000e0100-\U000e01ef]")
MAX_MARKS = 4  # accents stacked on one letter (Vietnamese uses 2); 50 of them print as a smear over the lines
_MARKS = re.compile(f"[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u1ab0-\u1aff"
                    f"\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{{{MAX_MARKS + 1},}}")
# Invisible characters the layout uses: line breaks, tabs, and the soft hyphen (where a word may break).
_LAID_OUT = {"\n", "\t", "\u00ad"}
_RETYPE = _("delete it and retype the text around it")


def invisible(ch: str) -> bool:
    """Whether ch prints as nothing: a control, format or direction character, or a default ignorable one."""
    return unicodedata.category(ch) in _INVISIBLE or _IGNORABLE.match(ch) is not None


@lru_cache(maxsize=4096)
def _refused(ch: str, family: str) -> bool:
    """Whether ch cannot be printed: the font lacks it, or it is invisible (zero-width, direction mark…)."""
    if ch in _LAID_OUT:
        return False
    return not fonts.can_draw(ch, family) or invisible(ch)


def stacked(text: str) -> str | None:
    """The first run of more than MAX_MARKS accents stacked on one letter, if text has one."""
    m = _MARKS.search(text)
    return m.group() if m else None


def described(ch: str) -> Msg:
    """A character for a message: itself quoted (as an escape when a terminal would not show it), its code
    point and its name when it has one: 'é' (U+00E9 LATIN SMALL LETTER E WITH ACUTE), '\\uf8ff' (U+F8FF)."""
    shown = ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
    name = unicodedata.name(ch, "")
    return (_("{char} (U+{code} {name})") if name else _("{char} (U+{code})")).format(
        char=quoted(shown), code=f"{ord(ch):04X}", name=name)


def unprintable(text: str, family: str = fonts.FAMILY) -> list[tuple[str, Msg, Msg]]:
    """(character, message, hint) for each distinct character of text that cannot be printed as written:
    missing from the family, or invisible (a zero-width space would print nothing, silently); and for the
    first run of accents stacked too high (its first characters stand for « character »)."""
    out = []
    face = _("the embedded font") if family == fonts.FAMILY else _("the monospace font of code and addresses")
    for ch in sorted(ch for ch in set(text) if _refused(ch, family)):  # each distinct character once
        code = f"U+{ord(ch):04X}"
        name = unicodedata.name(ch, "")
        category = unicodedata.category(ch)
        if category == "Co":
            out.append((ch, _("the character {code} is a symbol of a special font (Symbol, Wingdings…) and "
                              "cannot be printed").format(code=code),
                        _("replace it with an ordinary character such as • or –")))
        elif category == "Cn":
            out.append((ch, _("{code} is not a Unicode character").format(code=code), _RETYPE))
        elif invisible(ch):
            out.append((ch, (_("invisible character {code} ({name}) in the text") if name else
                             _("invisible character {code} in the text")).format(code=code, name=name), _RETYPE))
        else:
            out.append((ch, _("the character {char} cannot be printed with {font}").format(
                char=described(ch), font=face), _("remove it or replace it with plain text")))
    run = stacked(text)
    if run:
        out.append((run[:MAX_MARKS + 1], _("{count} accents are stacked on one letter, at most {limit}").format(
            count=len(run), limit=MAX_MARKS), _("delete the extra accents and retype the letter")))
    return out
