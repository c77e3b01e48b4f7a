"""The characters of a text that cannot be printed, each with a message a teacher can act on."""

from __future__ import annotations

import unicodedata

from . import fonts
from .i18n import Msg, _

_INVISIBLE = {"Cc", "Cf", "Cs", "Zl", "Zp"}
# Invisible characters the layout uses: line breaks, tabs, and the soft hyphen (where a word may break).
_LAID_OUT = {"\n", "\t", "\u00ad"}
_RETYPE = _("delete it and retype the text around it")


def _refused(ch: str, family: str) -> bool:
    """Whether ch cannot be printed: the font lacks it, or it is invisible (zero-width, direction mark…)."""
    if ch in _LAID_OUT:
        return False
    return not fonts.can_draw(ch, family) or unicodedata.category(ch) in _INVISIBLE


def unprintable(text: str, family: str = fonts.FAMILY) -> list[tuple[str, Msg, Msg]]:
    """(character, message, hint) for each distinct character of text that cannot be printed as written:
    missing from the family, or invisible (a zero-width space would print nothing, silently)."""
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
        elif category in _INVISIBLE:
            out.append((ch, (_("invisible character {code} ({name}) in the text") if name else
                             _("invisible character {code} in the text")).format(code=code, name=name), _RETYPE))
        else:
            out.append((ch, _("the character '{char}' ({code} {name}) cannot be printed with {font}").format(
                char=ch, code=code, name=name, font=face), _("remove it or replace it with plain text")))
    return out
