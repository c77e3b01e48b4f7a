"""The characters of a text that cannot be printed, each with a message a teacher can act on."""

from __future__ import annotations

import unicodedata

from . import fonts

_INVISIBLE = {"Cc", "Cf", "Cs", "Zl", "Zp"}
# Invisible characters the layout uses: line breaks, tabs, and the soft hyphen (where a word may break).
_LAID_OUT = {"\n", "\t", "\u00ad"}


def _refused(ch: str, family: str) -> bool:
    """Whether ch cannot be printed: the font lacks it, or it is invisible (zero-width, direction mark…)."""
    if ch in _LAID_OUT:
        return False
    return not fonts.can_draw(ch, family) or unicodedata.category(ch) in _INVISIBLE


def unprintable(text: str, family: str = fonts.FAMILY) -> list[tuple[str, str, str]]:
    """(character, message, hint) for each distinct character of text that cannot be printed as written:
    missing from the family, or invisible (a zero-width space would print nothing, silently)."""
    out = []
    face = "the embedded font" if family == fonts.FAMILY else "the monospace font of code and addresses"
    for ch in sorted(ch for ch in set(text) if _refused(ch, family)):  # each distinct character once
        code = f"U+{ord(ch):04X}"
        name = unicodedata.name(ch, "")
        category = unicodedata.category(ch)
        if category == "Co":
            out.append((ch, f"the character {code} is a symbol of a special font (Symbol, Wingdings…) and cannot "
                            "be printed", "replace it with an ordinary character such as • or –"))
        elif category == "Cn":
            out.append((ch, f"{code} is not a Unicode character", "delete it and retype the text around it"))
        elif category in _INVISIBLE:
            out.append((ch, f"invisible character {code}{f' ({name})' if name else ''} in the text",
                        "delete it and retype the text around it"))
        else:
            out.append((ch, f"the character '{ch}' ({code} {name}) cannot be printed with {face}",
                        "remove it or replace it with plain text"))
    return out
