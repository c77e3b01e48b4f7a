"""What a value of each kind accepts, written once as patterns and ranges that both the validator and the
JSON Schema apply (the schema through the same regular expressions, understood alike by Python and by
JavaScript: no \\s, \\d or case-insensitive flag, whose meaning differs between the two).

A source is read as text (loader.py); an editor reads it as YAML 1.2, where a plain ``3`` is a number,
``'3'`` a text and ``true`` a boolean. A number key therefore accepts a plain number as YAML 1.2 reads it
(``3``, ``3.0``, ``0x1F``) and a text in a fixed spelling (``'3'``); the schema says the same two ways.
"""

from __future__ import annotations

import math
import re

# The characters str.isspace() calls spaces, as the inside of a character class: what str.strip() removes.
SPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = f"[^{SPACE}]"  # a text holds something else than spaces
NOT_BLANK_ITEMS = f"[^,{SPACE}]"  # a text whose commas separate items holds one: something else than spaces and commas
END = r"(?![\s\S])"  # the end of the text: '$' also matches before a final line break in Python, not in JavaScript

TRUE_WORDS = frozenset({"true", "yes", "on", "oui", "vrai"})  # what a yes/no key accepts, any case
FALSE_WORDS = frozenset({"false", "no", "off", "non", "faux"})
FREE_WORDS = frozenset({"free", "libre", "personnelle", "réponse personnelle", "reponse personnelle"})

# YAML 1.2 core schema (section 10.3.2): the plain scalars that are numbers.
_NUMBER = re.compile(r"(?P<int>[-+]?[0-9]+)|(?P<oct>0o[0-7]+)|(?P<hex>0x[0-9a-fA-F]+)"
                     r"|(?P<float>[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)"
                     r"|(?P<inf>[-+]?\.(?:inf|Inf|INF))|(?P<nan>\.(?:nan|NaN|NAN))")


HUGE = 10 ** 100  # stands for a whole number written with over a hundred digits


def yaml_number(text: str) -> int | float | None:
    """The number a plain scalar is in YAML 1.2, as an editor reads it; None when it is a text."""
    m = _NUMBER.fullmatch(text)
    if m is None:
        return None
    kind = m.lastgroup
    if kind in ("int", "oct", "hex") and len(text) > 100:  # int() refuses over 4,300 digits; no key needs 100
        return -HUGE if text.startswith("-") else HUGE
    if kind == "int":
        return int(text)
    if kind == "oct":
        return int(text[2:], 8)
    if kind == "hex":
        return int(text[2:], 16)
    if kind == "nan":
        return math.nan
    return float(text.replace("Inf", "inf").replace("INF", "inf"))


def whole(number) -> bool:
    """Whether a number read from YAML is a whole number (3 and 3.0 are; 3.5, .inf and .nan are not)."""
    return isinstance(number, int) or (math.isfinite(number) and number == int(number))


def _any_case(word: str) -> str:
    out = []
    for ch in word:
        if ch == " ":
            out.append(f"[{SPACE}]+")
        elif ch.lower() != ch.upper():
            out.append(f"[{ch.upper()}{ch.lower()}]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def words_pattern(words) -> str:
    """Any of words in any case, spaces around and between words as many as wished (what
    " ".join(text.lower().split()) reads as one of them)."""
    return f"^[{SPACE}]*(?:{'|'.join(_any_case(w) for w in sorted(words))})[{SPACE}]*{END}"


def flag(text) -> bool | None:
    """A yes/no value as written (true, oui, non…), or None when it is neither."""
    word = str(text).strip().lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def is_free(text: str) -> bool:
    """Whether a text says 'no single right answer' (free, libre, réponse personnelle…)."""
    return " ".join(text.lower().split()) in FREE_WORDS


def _numbers(low: int, high: int) -> str:
    return "|".join(str(n) for n in range(high, low - 1, -1))


INT_TEXT = re.compile(r" *[+-]?[0-9]+ *")  # a whole number written as text, in or out of range


def int_pattern(low: int, high: int) -> str:
    """A whole number from low to high written as text: digits, a sign, spaces around."""
    negative_zero = "|-0+" if low <= 0 else ""
    return f"^ *(?:\\+?0*(?:{_numbers(low, high)}){negative_zero}) *{END}"


def length_pattern(low: int, high: int) -> str:
    """A length in millimetres from low to high written as text: 40, 40.5, 40,5, 40 mm. Group 1 is the number."""
    return (f"^ *(0*(?:{_numbers(low, high - 1)})(?:[.,][0-9]+)?|0*{high}(?:[.,]0+)?) *(?:mm)? *{END}")


# A web address printed as a QR code: a domain, and a path without spaces. Case-insensitive by hand.
URL_PATTERN = (f"^[{SPACE}]*(?:[Hh][Tt][Tt][Pp][Ss]?://)?(?:[a-zA-Z0-9-]+\\.)+[a-zA-Z]{{2,}}(?::[0-9]+)?"
               f"(?:[/?#][^{SPACE}]*)?[{SPACE}]*{END}")
